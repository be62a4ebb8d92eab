"""The 30-second chair stand test: the count against the generator's stands, and the age norms."""

from __future__ import annotations

import pytest

from motionrehab.measures.exercises import EXERCISES, analyze_exercise
from motionrehab.measures.exercises.chair_stand import norm_for
from motionrehab.synth import home_exercises as hx


@pytest.mark.parametrize("profile", ["constant_speed", "minimum_jerk"])
def test_count_in_30_s_with_a_stand_more_than_halfway_up_at_the_call(profile):
    # 2.45 s per stand: the 13th rise starts 29.4 s after the first and is past halfway at 30 s
    stands = [hx.Rep(move_s=0.9, hold_s=0.3, back_s=0.9, rest_s=0.35)] * 14
    recording = hx.sit_to_stand(stands, profile=profile)
    call = recording.events[0].t_start_s + 30.0
    truth = sum(1 for e in recording.events if e.t_top_s <= call or e.t_start_s + 0.5 * (e.t_top_s - e.t_start_s) <= call)
    assert truth == 13
    result = analyze_exercise(EXERCISES["chair-stand"], recording.track, patient={"age_years": 72, "sex": "female"}).result
    assert result.reps == 14
    assert result.extra["chair_stands_30s"] == truth
    assert result.extra["norm_range_30s"] == [10, 15] and result.extra["norm_comparison"] == "within the normal range"


def test_norm_bands():
    assert norm_for(60, "male") == (14, 19) and norm_for(94, "female") == (4, 11)
    assert norm_for(59, "female") is None and norm_for(70, None) is None
