"""Check-in: any red flag stops the session with the urgent-care message; high pain shortens it."""

import datetime as dt

import pytest

from motionrehab.errors import InvalidDataError, SafetyStop
from motionrehab.program.prescription import Rules
from motionrehab.program.safety import (
    RED_FLAG_IDS,
    RED_FLAGS,
    CheckIn,
    evaluate_checkin,
    require_safe_to_start,
)

AT = dt.datetime(2026, 1, 6, 8, 0)


def _checkin(pain=3, tingling=False, **flags):
    answers = {flag: False for flag in RED_FLAG_IDS}
    answers.update(flags)
    return CheckIn("P-1", AT, pain, tingling, False, answers)


def test_the_screen_asks_every_red_flag_of_domain_section_4():
    assert RED_FLAG_IDS == ("bladder", "bowel", "saddle_numbness", "leg_weakness", "spreading_numbness", "bilateral_symptoms",
                            "night_pain", "fever", "weight_loss", "cancer_history")  # fmt: skip
    assert all(flag.question.endswith("?") for flag in RED_FLAGS)


@pytest.mark.parametrize("flag", RED_FLAG_IDS)
def test_any_single_red_flag_stops_the_session_and_flags_the_record(flag):
    outcome = evaluate_checkin(_checkin(**{flag: True}), baseline_pain_nrs=3)
    assert outcome.start is False and outcome.red_flags == (flag,) and outcome.flag_for_clinician is True
    assert outcome.dose_pct == 0.0 and "seek urgent medical care" in outcome.message
    with pytest.raises(SafetyStop) as caught:
        require_safe_to_start(outcome)
    assert caught.value.where == f"check-in: {flag}" and caught.value.what.startswith("Do not exercise today.")


def test_two_red_flags_are_both_reported_in_screen_order():
    outcome = evaluate_checkin(_checkin(fever=True, bladder=True), baseline_pain_nrs=3)
    assert outcome.red_flags == ("bladder", "fever")


@pytest.mark.parametrize(("pain", "dose_pct"), [(0, 100.0), (3, 100.0), (5, 100.0), (6, 50.0), (10, 50.0)])
def test_pain_three_or_more_above_baseline_shortens_the_session_to_half(pain, dose_pct):
    outcome = evaluate_checkin(_checkin(pain=pain), baseline_pain_nrs=3)
    assert outcome.start is True and outcome.dose_pct == dose_pct and outcome.red_flags == ()
    require_safe_to_start(outcome)  # no exception


def test_the_rules_can_change_the_shortening():
    rules = Rules(shorten_above_baseline_nrs=2, shorten_to_pct=70)
    outcome = evaluate_checkin(_checkin(pain=5), baseline_pain_nrs=3, rules=rules)
    assert outcome.dose_pct == 70.0 and "shortened to 70 %" in outcome.message


def test_an_incomplete_screen_or_bad_pain_is_refused():
    with pytest.raises(InvalidDataError, match="no answer to fever"):
        CheckIn("P-1", AT, 3, False, False, {flag: False for flag in RED_FLAG_IDS if flag != "fever"})
    with pytest.raises(InvalidDataError, match="unknown red-flag question"):
        CheckIn("P-1", AT, 3, False, False, {**{flag: False for flag in RED_FLAG_IDS}, "headache": True})
    for bad in (11, -1, 2.5, True):
        with pytest.raises(InvalidDataError, match="0 to 10"):
            _checkin(pain=bad)
