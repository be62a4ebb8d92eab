"""Live equals offline for every exercise of the library, on a headless frame-by-frame replay.

The synthetic recording is fed one frame at a time into live.exercise.LiveExerciseMeasure
(reanalysing every second, reporting what ended a second before): the same repetitions and
holds as `analyze_exercise` on the whole recording, each reported once, holds within 0.1 s.
The set-up check gives one plain instruction per problem.
"""

from __future__ import annotations

import pytest

from motionrehab.live.exercise import check_setup, replay
from motionrehab.measures.exercises import EXERCISES, analyze_exercise
from motionrehab.synth import home_exercises as hx
from motionrehab.synth.camera import PinholeCamera

SHORT = {
    "bridge": lambda: hx.bridge([hx.Rep(), hx.Rep(depth_deg=20.0)], profile="raised_cosine"),
    "squat": lambda: hx.squat([hx.Rep(), hx.Rep(valgus_deg=20.0)], view="front", profile="constant_speed"),
    "sit-to-stand": lambda: hx.sit_to_stand(2, profile="minimum_jerk"),
    "chair-stand": lambda: hx.sit_to_stand([hx.Rep(move_s=0.9, hold_s=0.3, back_s=0.9, rest_s=0.35)] * 3),
    "plank": lambda: hx.plank([hx.Rep(hold_s=5.0, sag_at_s=2.5)], profile="constant_speed"),
    "side-plank": lambda: hx.side_plank([hx.Rep(hold_s=5.0, sway_deg=3.0)]),
    "neural-glide": lambda: hx.neural_glide([hx.Rep(), hx.Rep(trunk_deg=12.0)], profile="raised_cosine"),
    "hamstring-stretch": lambda: hx.hamstring_stretch([hx.Rep(move_s=2.0, hold_s=5.0, back_s=2.0, sway_deg=3.0)]),
    "lumbar-extension": lambda: hx.lumbar_extension(2, profile="constant_speed"),
    "thoracic-rotation": lambda: hx.thoracic_rotation(2),
    "posture": lambda: hx.standing_posture(neck_deg=30.0),
}


def test_every_exercise_has_a_replay_case():
    assert set(SHORT) == set(EXERCISES)


@pytest.mark.parametrize("name", list(SHORT))
def test_live_equals_offline(name):
    exercise = EXERCISES[name]
    track = SHORT[name]().track
    offline = analyze_exercise(exercise, track).result
    expected = list(offline.holds if exercise.is_hold else offline.repetitions)
    measure, live = replay(exercise, track, reanalyse_s=4.0)
    assert measure.setup_ is not None and measure.setup_.usable
    assert len(live) == len(expected) >= 1
    for got, want in zip(sorted(live, key=lambda r: r.t_start_s), expected, strict=True):
        assert got.faults == want.faults
        if exercise.is_hold:
            assert abs(got.duration_s - want.duration_s) <= 0.1
        else:
            assert abs(got.hold_s - want.hold_s) <= 0.1 or (got.hold_s != got.hold_s and want.hold_s != want.hold_s)  # NaN: front view
        assert abs(got.t_start_s - want.t_start_s) <= 0.1


def test_setup_check_gives_one_instruction_per_problem():
    plank_from_the_front = hx.plank(1, camera=PinholeCamera(distance_m=3.0, height_m=0.45, yaw_deg=90.0, target_m=(0.0, 0.3, 0.0),
                                                             image_width_px=1920, image_height_px=1080, horizontal_fov_deg=60.0))  # fmt: skip
    setup = check_setup(EXERCISES["plank"], plank_from_the_front.track.slice_frames(0, 45), brightness=20.0)
    assert not setup.ok and not setup.usable
    assert any("too dark" in a for a in setup.advice) and any("your side faces the camera" in a for a in setup.advice)
    standing = check_setup(EXERCISES["neural-glide"], hx.squat(1).track.slice_frames(0, 45))
    assert any("seated" in a for a in standing.advice) and not standing.usable
    good = check_setup(EXERCISES["bridge"], hx.bridge(1).track.slice_frames(0, 45), brightness=120.0)
    assert good.ok and good.usable, good.advice
