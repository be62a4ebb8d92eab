"""to_dataframe / from_dataframe on the boundary types: round trips, and pandas.read_csv of a written file gives the typed object back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from motionrehab.capture.pose_csv import read_pose_csv, write_pose_csv
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InvalidDataError
from motionrehab.kinematics.angle_csv import read_angle_csv, write_angle_csv
from motionrehab.kinematics.angle_table import AngleTable
from motionrehab.sensors.imu_csv import read_imu_csv, write_imu_csv
from motionrehab.sensors.imu_recording import ImuRecording
from motionrehab.synth.camera import PinholeCamera, Realism
from motionrehab.synth.exercises import HingeRep, hip_hinge_set
from motionrehab.synth.foot_imu import synthesize_foot_walk


def _same_track(a: PoseTrack, b: PoseTrack) -> None:
    assert np.array_equal(a.t_s, b.t_s) and np.array_equal(a.landmarks_px, b.landmarks_px, equal_nan=True)
    assert np.array_equal(a.visibility, b.visibility, equal_nan=True)
    assert (a.world_m is None) == (b.world_m is None) and (a.world_m is None or np.array_equal(a.world_m, b.world_m, equal_nan=True))
    assert (a.person_id, a.image_width_px, a.image_height_px) == (b.person_id, b.image_width_px, b.image_height_px)


def test_a_pose_track_goes_to_a_dataframe_and_back_and_matches_the_csv(tmp_path):
    track = hip_hinge_set([HingeRep(trunk_deg=60.0, knee_flexion_deg=20.0)], camera=PinholeCamera(roll_deg=4.0), realism=Realism(), seed=2).track
    frame = track.to_dataframe()
    assert list(frame.columns[:5]) == ["t_s", "person_id", "image_width_px", "image_height_px", "nose_x_px"] and len(frame) == track.n_frames
    assert frame.attrs["frame_rate_hz"] == track.frame_rate_hz
    _same_track(PoseTrack.from_dataframe(frame), track)
    path = write_pose_csv(tmp_path / "pose.csv", track)
    from_csv = pd.read_csv(path)
    assert list(from_csv.columns) == list(frame.columns)  # the DataFrame is the file's table
    _same_track(PoseTrack.from_dataframe(from_csv), read_pose_csv(path)[track.person_id])
    two = pd.concat([from_csv, from_csv.assign(person_id=1)])
    with pytest.raises(InvalidDataError, match="2 people"):
        PoseTrack.from_dataframe(two)
    assert PoseTrack.from_dataframe(two[two.person_id == 1]).person_id == 1


def test_an_angle_table_goes_to_a_dataframe_and_back(tmp_path):
    table = AngleTable(t_s=np.arange(4) / 25.0, columns={"left_knee_flexion_deg": np.array([5.0, np.nan, 7.5, 8.0]), "trunk_inclination_deg": np.ones(4)},
                       person_id=3, camera_roll_deg=1.25, source="clip.mp4")  # fmt: skip
    frame = table.to_dataframe()
    assert list(frame.columns) == ["t_s", "left_knee_flexion_deg", "trunk_inclination_deg"] and frame.attrs["camera_roll_deg"] == 1.25
    back = AngleTable.from_dataframe(frame)
    assert (back.person_id, back.camera_roll_deg, back.source, back.names) == (3, 1.25, "clip.mp4", table.names)
    assert np.array_equal(back["left_knee_flexion_deg"], table["left_knee_flexion_deg"], equal_nan=True)
    path = write_angle_csv(tmp_path / "angles.csv", table)
    via_pandas = AngleTable.from_dataframe(pd.read_csv(path), person_id=3)
    assert np.array_equal(via_pandas["left_knee_flexion_deg"], read_angle_csv(path)["left_knee_flexion_deg"], equal_nan=True)


def test_an_inertial_recording_goes_to_a_dataframe_and_back(tmp_path):
    recording = synthesize_foot_walk(4).recording
    frame = recording.to_dataframe()
    assert list(frame.columns[:4]) == ["t_s", "acc_x_m_s2", "acc_y_m_s2", "acc_z_m_s2"] and frame.attrs["placement"] == recording.placement
    back = ImuRecording.from_dataframe(frame)
    assert np.array_equal(back.acc_m_s2, recording.acc_m_s2) and np.array_equal(back.gyr_deg_s, recording.gyr_deg_s)
    assert (back.placement, back.side, back.axis_convention) == (recording.placement, recording.side, recording.axis_convention)
    path = write_imu_csv(tmp_path / "foot.csv", recording)
    via_pandas = ImuRecording.from_dataframe(pd.read_csv(path), placement=recording.placement, side=recording.side)
    assert np.array_equal(via_pandas.gyr_deg_s, read_imu_csv(path).gyr_deg_s)
    with pytest.raises(InvalidDataError, match="no placement"):
        ImuRecording.from_dataframe(pd.read_csv(path))
    with pytest.raises(InvalidDataError, match="gyr_z_deg_s"):
        ImuRecording.from_dataframe(frame.drop(columns="gyr_z_deg_s"))


def test_the_measures_results_are_tables_with_units_in_the_column_names():
    from motionrehab.measures.gait_imu import analyze_foot_imu
    from motionrehab.measures.hip_hinge import analyze_hip_hinge_track
    from motionrehab.measures.slr import SlrMeasurement, SlrTrial
    from motionrehab.measures.slump import SlumpOnset, SlumpResult

    reps = [HingeRep(trunk_deg=65.0, knee_flexion_deg=20.0), HingeRep(trunk_deg=42.0, knee_flexion_deg=62.0, shin_deg=15.0)]
    track = hip_hinge_set(reps, camera=PinholeCamera(roll_deg=6.0), realism=Realism(), seed=1).track
    hinge = analyze_hip_hinge_track(track).result
    frame = hinge.to_dataframe()
    assert len(frame) == hinge.reps == 2 and {"t_start_s", "eccentric_s", "peak_hip_flexion_deg", "faults", "score"} <= set(frame.columns)
    assert frame["peak_trunk_inclination_deg"].tolist() == [r.peak_trunk_inclination_deg for r in hinge.repetitions]  # exact, not rounded
    assert frame["faults"].iloc[1] == ";".join(hinge.repetitions[1].faults) != "" and frame.attrs["side"] == hinge.side

    walk = synthesize_foot_walk(8)
    gait = analyze_foot_imu([walk.recording])
    strides = gait.to_dataframe()
    assert len(strides) == len(gait.strides) == 8 and list(strides.columns[:3]) == ["side", "t_ic_s", "t_fc_s"]
    assert strides["stride_length_m"].to_numpy() == pytest.approx([s.stride_length_m for s in gait.strides])
    assert strides.attrs["cadence_steps_per_min"] == gait.cadence_steps_per_min

    trial = SlrTrial(index=1, t_start_s=1.0, t_peak_s=2.0, t_end_s=3.0, peak_deg=61.5, onset_deg=None, onset_t_s=None, knee_flexion_at_peak_deg=4.0,
                     trunk_rotation_deg=None, contralateral_thigh_lift_deg=2.0, valid=False, invalid_reasons=("knee_bent", "pelvis_rotated"),
                     unchecked=(), method="camera")  # fmt: skip
    slr = SlrMeasurement(side="left", trials=(trial,), method="camera", leg_axis="hip_ankle", detection_rate=0.97)
    row = slr.to_dataframe().iloc[0]
    assert (row["peak_deg"], row["invalid_reasons"], row["valid"]) == (61.5, "knee_bent;pelvis_rotated", False) and np.isnan(row["onset_deg"])

    slump = SlumpResult(side="right", onsets=(SlumpOnset("neck_flexed", 4.0, 22.5, ""), SlumpOnset("neck_released", 9.0, None, "no onset")))
    table = slump.to_dataframe()
    assert table["knee_extension_deficit_deg"].tolist()[0] == 22.5 and np.isnan(table["knee_extension_deficit_deg"].iloc[1])
    assert table.attrs == {"side": "right"}
