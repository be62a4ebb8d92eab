"""Slump test on a synthetic seated recording with exact knee angles (DOMAIN.md section 1)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.cli.main import main
from motionrehab.errors import InvalidDataError
from motionrehab.kinematics.measure import measure_angles
from motionrehab.measures.slump import measure_slump_camera
from motionrehab.synth.body import LegPosture, Posture, body_points, posture_angles
from motionrehab.synth.camera import PinholeCamera, Realism, add_realism, film
from motionrehab.synth.exercises import minimum_jerk_step

RATE_HZ = 30.0


def seated_slump(deficits_deg, *, seed=0, realism=None):
    """Seated, trunk slumped 30 deg, the left knee extended from 90 deg flexion to each deficit and back.

    Returns the track, the true left knee flexion per frame and the marker times (top of each extension).
    """
    t_s = np.arange(int((2.0 + 8.0 * len(deficits_deg)) * RATE_HZ)) / RATE_HZ
    knee = np.full_like(t_s, 90.0)
    markers = []
    t0 = 2.0
    for deficit in deficits_deg:
        knee -= (90.0 - deficit) * (minimum_jerk_step(t_s, t0, 3.0) - minimum_jerk_step(t_s, t0 + 4.0, 2.0))
        markers.append(t0 + 3.5)  # symptoms signalled during the hold at the top
        t0 += 8.0
    postures = []
    for k in knee:
        extended = LegPosture(thigh_deg=90.0, shank_deg=90.0 - k)
        resting = LegPosture(thigh_deg=90.0, shank_deg=0.0)
        postures.append(Posture(trunk_deg=30.0, left=extended, right=resting, pelvis_m=(0.0, 0.5, 0.0)))
    frames = np.stack([body_points(p) for p in postures])
    # landscape, side-on at 2.6 m: the seated leg fills the frame (a clinic camera on a tripod)
    camera = PinholeCamera(distance_m=2.6, height_m=0.6, target_m=(0.35, 0.6, 0.0), image_width_px=1920, image_height_px=1080)
    track = film(frames, camera, t_s=t_s, source="synthetic seated slump")
    if realism is not None:
        track, _ = add_realism(track, realism, np.random.default_rng(seed))
    truth = np.array([posture_angles(p)["left_knee_flexion_deg"] for p in postures])
    return track, truth, markers


def test_deficit_at_onset_neck_flexed_and_released_within_1_5_deg_with_noise():
    track, truth, markers = seated_slump([35.0, 20.0, 33.0], realism=Realism(), seed=2)
    assert np.interp(markers, track.t_s, truth) == pytest.approx([35.0, 20.0, 33.0], abs=1e-6)
    angles = measure_angles(track).angles
    result = measure_slump_camera(angles, "left", neck_flexed_onset_s=[markers[0], markers[2]], neck_released_onset_s=[markers[1]])
    assert [o.condition for o in result.onsets] == ["neck_flexed", "neck_released", "neck_flexed"]
    for onset, true in zip(result.onsets, [35.0, 20.0, 33.0], strict=True):
        assert onset.knee_extension_deficit_deg == pytest.approx(true, abs=1.5)
    assert result.mean_deficit_deg("neck_flexed") == pytest.approx(34.0, abs=1.5)
    assert result.differentiation_deg == pytest.approx(14.0, abs=2.0)


def test_marker_outside_or_where_the_knee_is_hidden_has_no_value_and_a_reason():
    track, _, markers = seated_slump([30.0])
    hidden = track.visibility.copy()
    frames = (track.t_s > markers[0] - 0.5) & (track.t_s < markers[0] + 0.5)
    from motionrehab.capture.landmarks import LANDMARK_INDEX

    hidden[np.ix_(frames, [LANDMARK_INDEX["left_ankle"]])] = 0.0
    angles = measure_angles(track.replace(visibility=hidden)).angles
    result = measure_slump_camera(angles, "left", neck_flexed_onset_s=[markers[0], 99.0])
    assert result.onsets[0].knee_extension_deficit_deg is None
    assert "not seen" in result.onsets[0].reason
    assert "outside the recording" in result.onsets[1].reason
    assert result.mean_deficit_deg("neck_flexed") is None and result.differentiation_deg is None
    with pytest.raises(InvalidDataError, match="no symptom marker"):
        measure_slump_camera(angles, "left")


def test_cli_json(tmp_path, capsys):
    track, _, markers = seated_slump([40.0, 25.0])
    path = write_pose_csv(tmp_path / "slump.csv", track)
    args = ["measure", "slump", str(path), "--side", "left", "--neck-flexed-onset-s", f"{markers[0]}", "--neck-released-onset-s", f"{markers[1]}"]
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["neck_flexed_deficit_deg"] == pytest.approx(40.0, abs=0.5)
    assert data["neck_released_deficit_deg"] == pytest.approx(25.0, abs=0.5)
    assert data["differentiation_deg"] == pytest.approx(15.0, abs=1.0)
    assert main(args) == 0
    assert "Releasing the neck changed the deficit by -15" in capsys.readouterr().out
