"""Hip-hinge analysis against synthetic sets with known reps, tempo and injected faults, and real video."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.cli.main import main
from motionrehab.errors import UnusableViewError
from motionrehab.measures.hip_hinge import (
    PEAK_HIP_FLEXION_ERROR_DEG,
    HingeCriteria,
    HipHingeAnalyzer,
    analyze_hip_hinge,
    analyze_hip_hinge_track,
)
from motionrehab.measures.lumbar import lumbar_flexion_deg
from motionrehab.synth.camera import PinholeCamera, Realism
from motionrehab.synth.exercises import HingeRep, hip_hinge_set, minimum_jerk_step
from motionrehab.synth.trunk_imu import trunk_sensor

CRITERIA = HingeCriteria(target_hip_flexion_deg=70.0, eccentric_s=3.0)


def _rep(kind: str, rng: np.random.Generator) -> tuple[HingeRep, set[str]]:
    """A repetition of one kind, with angles clear of every threshold by more than the measure's error."""
    tempo = {"eccentric_s": rng.uniform(2.8, 3.5), "pause_s": rng.uniform(0.3, 1.5), "concentric_s": rng.uniform(1.5, 2.5), "rest_s": rng.uniform(1.0, 2.0)}
    if kind == "good":  # hip 74-95 deg, knees soft, shins upright
        return HingeRep(trunk_deg=rng.uniform(62, 70), knee_flexion_deg=rng.uniform(18, 25), shin_deg=rng.uniform(0, 6), **tempo), set()
    if kind == "squatting":  # knees 55-70 deg (threshold 40), shins 10-20 (threshold 28), hip >= 75
        return HingeRep(trunk_deg=rng.uniform(40, 45), knee_flexion_deg=rng.uniform(55, 70), shin_deg=rng.uniform(10, 20), **tempo), {"squatting"}
    if kind == "incomplete_depth":  # hip 48-59 deg: under 65 (target - 5), over 42 (partial)
        return HingeRep(trunk_deg=rng.uniform(35, 40), knee_flexion_deg=rng.uniform(18, 22), shin_deg=rng.uniform(3, 5), **tempo), {"incomplete_depth"}
    if kind == "rushed_eccentric":  # 1.2-1.8 s against 3 s prescribed (threshold 2.4 s)
        tempo["eccentric_s"] = rng.uniform(1.2, 1.8)
        return HingeRep(trunk_deg=rng.uniform(62, 70), knee_flexion_deg=rng.uniform(18, 25), shin_deg=rng.uniform(0, 6), **tempo), {"rushed_eccentric"}
    if kind == "knees_forward":  # shins 35-40 deg (threshold 28), knees 30-35 (under 40), hip >= 72
        return HingeRep(trunk_deg=rng.uniform(78, 82), knee_flexion_deg=rng.uniform(30, 35), shin_deg=rng.uniform(35, 40), **tempo), {"knees_forward"}
    raise ValueError(kind)


KINDS = ("good", "squatting", "incomplete_depth", "rushed_eccentric", "knees_forward")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=3),
    roll_deg=st.floats(0.0, 15.0),
    camera_on_right=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_random_noisy_sets_count_time_and_judge_every_rep(kinds, roll_deg, camera_on_right, seed):
    rng = np.random.default_rng(seed)
    reps, expected_faults = zip(*(_rep(kind, rng) for kind in kinds), strict=True)
    camera = PinholeCamera(roll_deg=roll_deg, yaw_deg=180.0 if camera_on_right else 0.0)
    recording = hip_hinge_set(list(reps), camera=camera, realism=Realism(), seed=seed)
    result = analyze_hip_hinge_track(recording.track, criteria=CRITERIA).result
    assert result.side == ("right" if camera_on_right else "left")
    assert result.reps == len(reps)
    for found, truth, faults in zip(result.repetitions, recording.events, expected_faults, strict=True):
        assert abs(found.eccentric_s - truth.eccentric_s) < 0.25
        assert abs(found.pause_s - truth.pause_s) < 0.25
        assert abs(found.concentric_s - truth.concentric_s) < 0.25
        # the stated bound (4.5 SD of the measured error, hip_hinge module docstring); was 3.0,
        # which a rep 4 SD out (3.13 deg, seed 6615) crossed
        assert abs(found.peak_hip_flexion_deg - truth.peak_hip_flexion_deg) < PEAK_HIP_FLEXION_ERROR_DEG
        assert set(found.faults) == faults
        assert found.score == 100 - sum({"squatting": 40, "incomplete_depth": 20, "rushed_eccentric": 20, "knees_forward": 15}[f] for f in faults)


def test_score_explanation_names_each_fault_and_its_cost():
    rng = np.random.default_rng(3)
    reps = [_rep("good", rng)[0], _rep("squatting", rng)[0], _rep("rushed_eccentric", rng)[0], _rep("good", rng)[0]]
    result = analyze_hip_hinge_track(hip_hinge_set(reps).track, criteria=CRITERIA).result
    assert [r.score for r in result.repetitions] == [100, 60, 80, 100]
    assert result.score == 85
    assert result.explanation() == "score 85: squatting in 1 of 4 reps (-40 each); rushed eccentric in 1 of 4 reps (-20 each)"
    assert "hips back" in result.repetitions[1].cue


def test_front_view_detects_lateral_shift_and_says_what_it_cannot_judge():
    reps = [HingeRep(), HingeRep(lateral_lean_deg=10.0), HingeRep(lateral_lean_deg=-9.0), HingeRep()]
    recording = hip_hinge_set(reps, camera=PinholeCamera(yaw_deg=90.0, roll_deg=5.0), realism=Realism(), seed=2)
    result = analyze_hip_hinge_track(recording.track).result
    assert result.view == "front"
    assert result.reps == 4
    assert [("lateral_shift" in r.faults) for r in result.repetitions] == [False, True, True, False]
    shifts = [r.lateral_shift_deg for r in result.repetitions]
    assert shifts[1] == pytest.approx(10.0, abs=3.0) and shifts[2] == pytest.approx(9.0, abs=3.0)
    assert any("knees_forward" in item for item in result.not_assessed)


def test_lumbar_flexion_from_two_trunk_sensors():
    t = np.arange(0.0, 20.0, 0.01)
    hinge = minimum_jerk_step(t, 3, 3) - minimum_jerk_step(t, 7, 2) + minimum_jerk_step(t, 11, 3) - minimum_jerk_step(t, 15, 2)
    rounding = 15.0 * (minimum_jerk_step(t, 11, 3) - minimum_jerk_step(t, 15, 2))  # second rep: back rounds 15 deg
    sacrum_deg = 55.0 * hinge
    upper = trunk_sensor(t, sacrum_deg + rounding, radius_m=0.35, placement="trunk_t12", seed=1)
    sacrum = trunk_sensor(t, sacrum_deg, radius_m=0.05, placement="sacrum", seed=2)
    lumbar = lumbar_flexion_deg(upper, sacrum, t)
    assert np.max(np.abs(lumbar - rounding)) < 1.0
    # through the analyser: the rounded rep has the fault, the straight one not
    recording = hip_hinge_set([HingeRep(rest_s=1.0), HingeRep()], realism=Realism(), seed=4)
    frame_t = recording.track.t_s
    second = recording.events[1]
    rounding_video = 15.0 * (minimum_jerk_step(frame_t, second.t_start_s, second.eccentric_s) - minimum_jerk_step(frame_t, second.t_rise_s, second.concentric_s))
    result = analyze_hip_hinge_track(recording.track, lumbar_flexion_deg=rounding_video).result
    assert [("lumbar_flexion" in r.faults) for r in result.repetitions] == [False, True]
    assert result.repetitions[1].lumbar_flexion_change_deg == pytest.approx(15.0, abs=1.0)


def test_each_rep_is_reported_as_it_ends_frame_by_frame():
    recording = hip_hinge_set(3)
    from motionrehab.kinematics.measure import measure_angles

    angles = measure_angles(recording.track).angles
    analyzer = HipHingeAnalyzer(HingeCriteria(), side="left")
    reported_at = []
    for i, t in enumerate(angles.t_s):
        rep = analyzer.update(float(t), {name: float(angles[name][i]) for name in angles.names})
        if rep is not None:
            reported_at.append((float(t), rep.t_end_s))
    assert len(reported_at) == 3
    # reported within a second of the rep's end (the fitted end lies in the minimum-jerk tail, so it can be just after)
    assert all(-0.5 < now - end < 1.1 for now, end in reported_at)
    offline = analyze_hip_hinge(angles, side="left")
    assert [r.to_json_dict() for r in offline.repetitions] == [r.to_json_dict() for r in analyzer.repetitions_]


def test_body_cut_off_gives_advice():
    recording = hip_hinge_set(2, camera=PinholeCamera(distance_m=0.9))
    with pytest.raises(UnusableViewError, match="not fully in view") as error:
        analyze_hip_hinge_track(recording.track)
    assert "move the camera" in str(error.value).lower() or "move the camera" in (error.value.fix or "").lower()


def test_oblique_view_is_refused_with_what_to_change():
    recording = hip_hinge_set(2, camera=PinholeCamera(yaw_deg=30.0))
    with pytest.raises(UnusableViewError, match="at an angle") as error:
        analyze_hip_hinge_track(recording.track)
    assert "side faces the camera" in str(error.value)


def test_cli_json_keys(tmp_path, capsys):
    rng = np.random.default_rng(7)
    recording = hip_hinge_set([_rep("good", rng)[0], _rep("squatting", rng)[0]], realism=Realism(), seed=7)
    csv_path = write_pose_csv(tmp_path / "hinge.csv", [recording.track])
    assert main(["analyze", "hip-hinge", str(csv_path), "--target-depth-deg", "70", "--tempo", "3-1-2", "--json", "--out", str(tmp_path / "out")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["reps"] == 2
    first = summary["repetitions"][0]
    for key in ("t_start_s", "t_end_s", "eccentric_s", "pause_s", "concentric_s", "peak_hip_flexion_deg", "peak_trunk_inclination_deg",
                "knee_flexion_at_bottom_deg", "faults", "score"):
        assert key in first
    assert summary["repetitions"][1]["faults"] == ["squatting"]
    assert (tmp_path / "out" / "hinge_repetitions.csv").stat().st_mode & 0o077 == 0


def test_real_video_person_found_and_view_judged(shared_data, pose_model_path):
    """The Pose2Sim clips (data README sec. 4): one lunge with a large trunk lean, 1.67 s, filmed from above.

    cam01 is a front-left oblique view (body yaw about 40 deg from the world landmarks; the
    image ratio called it side-on): refused with the advice to turn, so the lunge is not
    counted as a hinge. cam02 is frontal (yaw about 10 deg): analysed as a front view, where
    the one lunge is not a full hinge repetition.
    """
    from motionrehab.capture.estimate import estimate_poses

    clips = shared_data / "pose2sim" / "Demo_SinglePerson"
    oblique = estimate_poses(clips / "cam01.mp4", model=pose_model_path).patient()
    assert oblique.detection_rate() > 0.95
    with pytest.raises(UnusableViewError, match="at an angle") as error:
        analyze_hip_hinge_track(oblique)
    assert "side faces the camera" in str(error.value)
    frontal = estimate_poses(clips / "cam02.mp4", model=pose_model_path).patient()
    assert frontal.detection_rate() > 0.95
    result = analyze_hip_hinge_track(frontal).result
    assert result.view == "front"
    assert result.reps == 0


def test_cli_takes_depth_and_tempo_from_the_prescription(tmp_path, capsys):
    """examples/prescription.yaml, phase 'Return to activity': trunk inclination target [40, 60] deg, eccentric 3 s.

    A hinge to 28 deg of trunk inclination is short of 40 - 5 = 35 deg: incomplete depth; a
    1.5 s lowering is under 0.8 x 3 = 2.4 s: rushed; a 48 deg, 3 s rep is good.
    """
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"
    reps = [HingeRep(trunk_deg=48.0), HingeRep(trunk_deg=28.0), HingeRep(trunk_deg=48.0, eccentric_s=1.5)]
    csv_path = write_pose_csv(tmp_path / "hinge.csv", [hip_hinge_set(reps, realism=Realism(), seed=11).track])
    assert main(["analyze", "hip-hinge", str(csv_path), "--prescription", str(example), "--phase", "Return to activity", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["criteria"]["target_trunk_inclination_deg"] == 40.0
    assert summary["criteria"]["eccentric_s"] == 3.0
    assert [rep["faults"] for rep in summary["repetitions"]] == [[], ["incomplete_depth"], ["rushed_eccentric"]]
    assert main(["analyze", "hip-hinge", str(csv_path), "--prescription", str(example), "--phase", "No such phase"]) == 2
    assert "Settle and move" in capsys.readouterr().err
