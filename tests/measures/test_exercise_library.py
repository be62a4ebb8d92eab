"""The exercise library against synthetic motion with known truth, over movement profiles it never chose.

Each exercise: clean repetitions or holds, one with a sway at the turning point, and one per
fault it judges; profiles raised-cosine, minimum-jerk and constant-speed. Counts exact, holds
within 0.3 s, angles within 3 deg, every injected fault found and none on the clean ones.
With landmark noise (Realism defaults): counts, angles and faults.
"""

from __future__ import annotations

import pytest
from exercise_checks import check_against_truth

from motionrehab.errors import UnusableViewError
from motionrehab.measures.exercises import EXERCISES, analyze_exercise
from motionrehab.synth import home_exercises as hx
from motionrehab.synth.camera import PinholeCamera, Realism

PROFILES = ("raised_cosine", "minimum_jerk", "constant_speed")

CASES = {
    "bridge": lambda profile, realism: hx.bridge([hx.Rep(), hx.Rep(depth_deg=20.0), hx.Rep(sway_deg=3.0), hx.Rep(pelvic_drop_deg=15.0)], profile=profile, realism=realism),
    "squat-side": lambda profile, realism: hx.squat([hx.Rep(), hx.Rep(trunk_deg=60.0), hx.Rep(sway_deg=3.0, depth_deg=60.0)], profile=profile, realism=realism),
    "squat-front": lambda profile, realism: hx.squat([hx.Rep(), hx.Rep(valgus_deg=20.0), hx.Rep(lateral_lean_deg=8.0)], view="front", profile=profile, realism=realism),
    "sit-to-stand-side": lambda profile, realism: hx.sit_to_stand([hx.Rep(), hx.Rep(depth_deg=25.0), hx.Rep(sway_deg=2.0)], profile=profile, realism=realism),
    "sit-to-stand-front": lambda profile, realism: hx.sit_to_stand([hx.Rep(), hx.Rep(valgus_deg=20.0), hx.Rep(lateral_lean_deg=8.0)], view="front", profile=profile, realism=realism),
    "plank": lambda profile, realism: hx.plank([hx.Rep(hold_s=6.0, sway_deg=3.0), hx.Rep(hold_s=6.0, sag_at_s=3.0), hx.Rep(hold_s=5.0, sag_at_s=2.0, sag_deg=14.0)], profile=profile, realism=realism),
    "side-plank": lambda profile, realism: hx.side_plank([hx.Rep(hold_s=6.0, sway_deg=3.0), hx.Rep(hold_s=6.0, sag_at_s=3.0)], profile=profile, realism=realism),
    "neural-glide": lambda profile, realism: hx.neural_glide([hx.Rep(), hx.Rep(trunk_deg=12.0), hx.Rep(sway_deg=3.0)], profile=profile, realism=realism),
    "hamstring-stretch": lambda profile, realism: hx.hamstring_stretch([hx.Rep(move_s=2.0, hold_s=6.0, back_s=2.0, sway_deg=3.0), hx.Rep(move_s=2.0, hold_s=6.0, back_s=2.0, sag_at_s=2.0, sag_deg=25.0)], profile=profile, realism=realism),
    "lumbar-extension": lambda profile, realism: hx.lumbar_extension([hx.Rep(move_s=2.0, hold_s=1.0, back_s=2.0), hx.Rep(move_s=2.0, hold_s=1.0, back_s=2.0, trunk_deg=30.0), hx.Rep(move_s=2.0, hold_s=4.0, back_s=2.0, sway_deg=2.0)], profile=profile, realism=realism),
    "thoracic-rotation": lambda profile, realism: hx.thoracic_rotation([hx.Rep(move_s=2.0, hold_s=1.0, back_s=2.0)] * 2 + [hx.Rep(move_s=2.0, hold_s=1.0, back_s=2.0, trunk_deg=15.0), hx.Rep(move_s=2.0, hold_s=4.0, back_s=2.0, sway_deg=3.0)], profile=profile, realism=realism),
}  # fmt: skip
FRONT_CASES = ("squat-front", "sit-to-stand-front", "side-plank", "thoracic-rotation")


def _exercise(case: str) -> str:
    return case.removesuffix("-side").removesuffix("-front")


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("case", list(CASES))
def test_matches_truth_over_profiles(case, profile):
    recording = CASES[case](profile, None)
    result = analyze_exercise(EXERCISES[_exercise(case)], recording.track).result
    assert result.view == ("front" if case in FRONT_CASES else "side")
    check_against_truth(result, recording, timing=not case.endswith("front"))


@pytest.mark.parametrize("case", list(CASES))
def test_with_landmark_noise(case):
    recording = CASES[case]("minimum_jerk", Realism())
    result = analyze_exercise(EXERCISES[_exercise(case)], recording.track).result
    check_against_truth(result, recording, timing=False)


@pytest.mark.parametrize(("trunk_deg", "neck_deg", "sway_m", "faults"), [(0.0, 0.0, 0.0, ()), (8.0, 30.0, 0.1, ("forward_head", "sway_back")), (7.0, 0.0, 0.0, ("trunk_lean",))])
def test_posture_check(trunk_deg, neck_deg, sway_m, faults):
    recording = hx.standing_posture(trunk_deg=trunk_deg, neck_deg=neck_deg, sway_m=sway_m)
    result = analyze_exercise(EXERCISES["posture"], recording.track).result
    assert "assumed level" in result.notes[0]
    check_against_truth(result, recording, timing=False)
    assert set(recording.events[0].faults) == set(faults)


def test_a_standing_recording_is_refused_for_the_seated_slider():
    with pytest.raises(UnusableViewError, match="standing"):
        analyze_exercise(EXERCISES["neural-glide"], hx.squat(1).track)


def test_a_plank_filmed_from_the_front_is_refused_with_advice():
    camera = PinholeCamera(distance_m=3.0, height_m=0.45, yaw_deg=90.0, target_m=(0.0, 0.3, 0.0), image_width_px=1920, image_height_px=1080, horizontal_fov_deg=60.0)
    recording = hx.plank(1, camera=camera)
    with pytest.raises(UnusableViewError, match="side view") as error:
        analyze_exercise(EXERCISES["plank"], recording.track)
    assert "camera" in error.value.fix


def test_json_has_the_keys_of_every_exercise():
    recording = hx.bridge(2)
    data = analyze_exercise(EXERCISES["bridge"], recording.track).result.to_json_dict()
    for key in ("exercise", "view", "reps", "repetitions", "holds", "score", "not_assessed", "notes"):
        assert key in data
    assert data["reps"] == 2 and data["holds"] == []
    for key in ("t_start_s", "t_end_s", "hold_s", "hip_extension_at_top_deg", "knee_flexion_at_top_deg", "faults", "score"):
        assert key in data["repetitions"][0]
    plank = analyze_exercise(EXERCISES["plank"], hx.plank(1).track).result.to_json_dict()
    assert plank["reps"] == 0 and plank["repetitions"] == [] and set(plank["holds"][0]) >= {"t_start_s", "duration_s", "faults"}
