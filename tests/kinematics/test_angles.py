"""Every angle against exact truth from a stick figure built from known segment angles."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motionrehab.capture.landmarks import LANDMARK_INDEX
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.kinematics.angles import (
    angles_for_frame,
    body_frame_for,
    compute_angles,
    facing_side,
)
from motionrehab.kinematics.calibration import (
    CameraCalibration,
    estimate_roll_from_lying,
    estimate_roll_from_standing,
    roll_from_level_line,
)
from stick_figure import body_points, track_of  # noqa: E402  (tests/stick_figure.py)


@pytest.mark.parametrize("roll_deg", [0.0, 5.0, -10.0, 15.0])
@pytest.mark.parametrize("facing_right", [True, False])
def test_hinge_angles_exact_at_any_roll_once_calibrated(roll_deg, facing_right):
    trunk, thigh, shank, foot = 55.0, 12.0, -8.0, 0.0
    frames = [body_points(0, 0, 0)] * 60 + [body_points(trunk, thigh, shank, foot)] * 5  # 2 s still, as the advice asks
    track = track_of(frames, roll_deg, facing_right)
    calibration = estimate_roll_from_standing(track)
    assert calibration.camera_roll_deg == pytest.approx(roll_deg, abs=0.1)
    angles = compute_angles(track, calibration)
    last = {name: angles[name][-1] for name in angles.names}
    assert last["trunk_inclination_deg"] == pytest.approx(trunk, abs=0.1)
    assert last["left_hip_flexion_deg"] == pytest.approx(trunk + thigh, abs=0.1)
    assert last["right_knee_flexion_deg"] == pytest.approx(thigh - shank, abs=0.1)
    assert last["left_shin_inclination_deg"] == pytest.approx(-shank, abs=0.1)
    assert last["right_ankle_dorsiflexion_deg"] == pytest.approx(foot - shank, abs=0.1)
    standing = {name: angles[name][0] for name in angles.names}
    for name in ("trunk_inclination_deg", "left_hip_flexion_deg", "left_knee_flexion_deg", "left_ankle_dorsiflexion_deg"):
        assert standing[name] == pytest.approx(0.0, abs=0.1)
    world = compute_angles(track, calibration, use_world=True)
    assert world["left_hip_flexion_deg"][-1] == pytest.approx(trunk + thigh, abs=0.1)
    assert world["trunk_inclination_deg"][-1] == pytest.approx(trunk, abs=0.1)


@pytest.mark.parametrize("roll_deg", [0.0, 8.0, -15.0])
def test_supine_leg_elevation_against_the_trunk_line(roll_deg):
    flat = body_points(0, 0, 0, lying=True)
    raised = body_points(0, -60.0, -60.0, lying=True)  # thigh and shank rotated together: straight leg 60 deg up
    frames = [flat] * 60 + [raised] * 3
    track = track_of(frames, roll_deg)
    calibration = estimate_roll_from_lying(track)
    assert calibration.camera_roll_deg == pytest.approx(roll_deg, abs=0.1)
    angles = compute_angles(track, calibration)
    assert body_frame_for(track, calibration).lying
    assert angles["left_leg_elevation_deg"][0] == pytest.approx(0.0, abs=0.1)
    assert angles["left_leg_elevation_deg"][-1] == pytest.approx(60.0, abs=0.1)
    assert angles["left_hip_flexion_deg"][-1] == pytest.approx(60.0, abs=0.1)
    assert angles["left_knee_flexion_deg"][-1] == pytest.approx(0.0, abs=0.1)


def test_missing_landmark_gives_nan_and_per_frame_entry_point_agrees():
    frames = [body_points(30, 10, -5)] * 3
    track = track_of(frames)
    px = track.landmarks_px.copy()
    px[1, LANDMARK_INDEX["left_knee"]] = np.nan
    track = track.replace(landmarks_px=px)
    angles = compute_angles(track)
    assert np.isnan(angles["left_knee_flexion_deg"][1]) and np.isfinite(angles["right_knee_flexion_deg"][1])
    frame = body_frame_for(track)
    one = angles_for_frame(track.landmarks_px[0], frame)
    assert one["left_hip_flexion_deg"] == pytest.approx(angles["left_hip_flexion_deg"][0], abs=1e-9)


def test_frontal_pelvis_tilt_and_trunk_lean():
    n = 3
    px = np.full((n, 33, 2), np.nan)
    # facing the camera: the person's left hip is on image right
    px[:, LANDMARK_INDEX["left_hip"]] = [600, 1000]
    px[:, LANDMARK_INDEX["right_hip"]] = [400, 1000 + 200 * math.tan(math.radians(5))]  # right hip lower by 5 deg
    px[:, LANDMARK_INDEX["left_shoulder"]] = [620 - 500 * math.tan(math.radians(8)), 500]
    px[:, LANDMARK_INDEX["right_shoulder"]] = [380 - 500 * math.tan(math.radians(8)), 500]
    track = PoseTrack(t_s=np.arange(n) / 30, landmarks_px=px, visibility=np.full((n, 33), 0.9),
                      image_width_px=1000, image_height_px=1500, frame_rate_hz=30)
    angles = compute_angles(track)
    assert angles["pelvis_tilt_deg"][0] == pytest.approx(5.0, abs=0.1)
    # shoulders shifted towards image left = the person's right
    hip_mid_y = 1000 + 100 * math.tan(math.radians(5))
    expected = math.degrees(math.atan2(500 * math.tan(math.radians(8)), hip_mid_y - 500))
    assert angles["trunk_lateral_lean_deg"][0] == pytest.approx(expected, abs=0.1)


def test_level_line_and_profile_round_trip(tmp_path):
    calibration = roll_from_level_line((100, 500), (900, 500 + 800 * math.tan(math.radians(4))))
    assert calibration.camera_roll_deg == pytest.approx(4.0, abs=1e-6)
    path = calibration.save(tmp_path / "camera.json")
    assert CameraCalibration.load(path) == calibration


def test_facing_side_from_depth():
    frames = [body_points(0, 0, 0)] * 5
    track = track_of(frames)
    z = np.zeros((5, 33))
    z[:, [LANDMARK_INDEX[f"left_{j}"] for j in ("hip", "knee", "ankle")]] = -0.2
    assert facing_side(track.replace(landmarks_z=z)) == "left"
    assert facing_side(track.replace(landmarks_z=-z)) == "right"


@settings(max_examples=60, deadline=None)
@given(roll=st.floats(-15, 15), trunk=st.floats(0, 85), thigh=st.floats(-10, 30), shank=st.floats(-30, 10),
       height=st.floats(1.4, 2.0), facing_right=st.booleans())
def test_property_hip_and_knee_exact_over_random_postures(roll, trunk, thigh, shank, height, facing_right):
    frames = [body_points(0, 0, 0, height=height)] * 60 + [body_points(trunk, thigh, shank, height=height)]
    track = track_of(frames, roll, facing_right)
    angles = compute_angles(track, estimate_roll_from_standing(track))
    assert angles["left_hip_flexion_deg"][-1] == pytest.approx(trunk + thigh, abs=0.1)
    assert angles["right_knee_flexion_deg"][-1] == pytest.approx(abs(thigh - shank), abs=0.1)
