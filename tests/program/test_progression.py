"""Progression rules one by one, gating and shortening of today's plan."""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from motionrehab.errors import SafetyStop
from motionrehab.program.prescription import Dose, load_prescription, parse_prescription
from motionrehab.program.progression import (
    HOLD,
    PROGRESS,
    STEP_BACK,
    initial_state,
    plan_session,
    replay,
    require_program_running,
    review_week,
)
from motionrehab.program.sessions import ExerciseDone, Measurement, SessionLog

EXAMPLE = load_prescription(Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml")
MON = dt.datetime(2026, 1, 5, 9)


def _full_week(prescription, state, days=7, pain=(2, 2, 2), tingling_day=None):
    sessions = []
    for day in range(days):
        exercises = []
        for ex in state.phase(prescription).exercises:
            dose = state.doses[ex.id]
            exercises.append(ExerciseDone(ex.id, dose, reps=int(dose.quantity) if dose.reps else 0, hold_s=dose.quantity if dose.hold_s else 0.0,
                                          minutes=dose.minutes or 0.0, metres=dose.metres or 0.0))  # fmt: skip
        at = MON + dt.timedelta(days=7 * (state.week - 1) + day)
        sessions.append(SessionLog(at, pain[0], pain[1], pain[2], new_tingling=tingling_day == day, exercises=tuple(exercises)))
    return sessions


def test_a_full_settled_week_progresses_each_exercise_by_its_rule():
    state = initial_state(EXAMPLE)
    review = review_week(EXAMPLE, state, _full_week(EXAMPLE, state))
    assert review.decision("glide").dose_after == Dose(2, 12) and review.decision("glide").action == PROGRESS
    assert review.decision("hinge").dose_after == Dose(2, 10)
    assert review.decision("walk").dose_after == Dose(1, minutes=11.0)
    breathing = review.decision("breathing")
    assert (breathing.action, breathing.reason) == (HOLD, "no progression rule: the dose stays")
    # Only 4 of 5 hinge days but 7 walking days... here all 7 days: hinge completion capped at 1.
    assert review.next_state.week == 2 and review.next_state.week_in_phase == 2


def test_a_red_flag_week_holds_everything():
    state = initial_state(EXAMPLE)
    sessions = [*_full_week(EXAMPLE, state), SessionLog(MON + dt.timedelta(days=3, hours=1), 5, stopped_by_red_flag=True)]
    review = review_week(EXAMPLE, state, sessions)
    assert {d.action for d in review.decisions} == {HOLD}
    assert review.decision("hinge").reason == "a red flag stopped the session on 2026-01-08: nothing changes until the clinician has reviewed"


def test_a_cleared_red_flag_lifts_the_hold_and_the_week_is_reviewed_on_its_other_sessions():
    state = initial_state(EXAMPLE)
    flag = SessionLog(MON + dt.timedelta(days=3, hours=1), 5, stopped_by_red_flag=True, red_flag_review="cleared")
    review = review_week(EXAMPLE, state, [*_full_week(EXAMPLE, state), flag])
    assert review.decision("hinge").action == PROGRESS and review.decision("hinge").dose_after == Dose(2, 10)
    assert "the red flag of 2026-01-08 was reviewed and cleared by the clinician" in review.notes
    require_program_running(EXAMPLE, [flag])  # a cleared flag lets sessions start


def test_a_program_the_clinician_stopped_holds_every_later_week_until_a_new_prescription():
    state = initial_state(EXAMPLE)
    stop = SessionLog(MON + dt.timedelta(days=3, hours=1), 5, stopped_by_red_flag=True, red_flag_review="stopped")
    sessions = [*_full_week(EXAMPLE, state), stop]
    week_2 = dataclasses.replace(state, week=2, week_in_phase=2)
    sessions += _full_week(EXAMPLE, week_2)  # sessions logged anyway in week 2 change nothing
    reviews = replay(EXAMPLE, sessions, through_week=3)
    for review in reviews:
        assert {d.action for d in review.decisions} == {HOLD}
        assert review.decision("hinge").reason.startswith("the clinician stopped the program after the red flag of 2026-01-08")
    with pytest.raises(SafetyStop, match="stopped your home program after the red flag of 2026-01-08"):
        require_program_running(EXAMPLE, sessions)
    # A prescription starting after the stop is the restart.
    restarted = dataclasses.replace(EXAMPLE, start_date=dt.date(2026, 1, 19))
    require_program_running(restarted, sessions)
    assert not review_week(restarted, initial_state(restarted), sessions).decision("hinge").reason.startswith("the clinician stopped")


def test_step_back_floors_and_walking_in_metres():
    text = (Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml").read_text()
    p = parse_prescription(text.replace("dose: {minutes: 10}", "dose: {metres: 800}").replace("progression: {step_pct: 10, maximum: 30}", "progression: {step_pct: 10, maximum: 1000}"), "m.yaml")
    state = initial_state(p)
    up = review_week(p, state, _full_week(p, state))
    assert up.decision("walk").dose_after == Dose(1, metres=880.0)  # 800 x 1.1
    s2 = up.next_state
    up2 = review_week(p, s2, _full_week(p, s2))
    assert up2.decision("walk").dose_after.metres == 960.0  # 880 x 1.1 = 968 -> 960 (rounded down to 10 m)
    s3 = up2.next_state
    up3 = review_week(p, s3, _full_week(p, s3))
    assert up3.decision("walk").dose_after.metres == 1000.0  # 1056 capped at the maximum 1000
    s4 = up3.next_state
    held = review_week(p, s4, _full_week(p, s4))
    assert held.decision("walk").action == HOLD and held.decision("walk").reason == "at the maximum for this phase (1000 m)"
    flare = review_week(p, s4, _full_week(p, s4, pain=(2, 4, 3)))
    assert flare.decision("walk").dose_after.metres == 800.0 and flare.decision("walk").action == STEP_BACK  # 1000 x 0.8
    assert flare.decision("glide").dose_after == Dose(2, 13)  # 10 -> 12 -> 14 -> 15 (maximum), back one step: 13
    assert flare.decision("breathing").action == HOLD and flare.decision("breathing").reason.endswith("no progression step to take back")


def test_milestones_met_before_min_weeks_wait_and_then_the_phase_changes():
    state = initial_state(EXAMPLE)
    milestones = [Measurement(MON + dt.timedelta(days=2), "walking_tolerance_m", 1200.0),
                  Measurement(MON + dt.timedelta(days=3), "hinge_trunk_inclination_deg", 32.0)]  # fmt: skip
    sessions = []
    for _ in range(2):
        week = _full_week(EXAMPLE, state)
        sessions += week
        review = review_week(EXAMPLE, state, sessions, milestones)
        assert review.next_state.phase_index == 0
        assert f"all milestones met; the phase lasts at least 3 weeks (this was week {state.week_in_phase})" in review.notes
        state = review.next_state
    sessions += _full_week(EXAMPLE, state)
    review = review_week(EXAMPLE, state, sessions, milestones)
    assert review.next_state.phase_index == 1 and review.next_state.week_in_phase == 1
    doses = review.next_state.doses
    assert doses["hinge"] == Dose(3, 8) and doses["walk"] == Dose(1, minutes=13.0)  # walk 12 x 1.1 = 13.2 -> 13.0, not 20
    assert doses["stretch"] == Dose(3, hold_s=30.0) and doses["glide"] == Dose(2, 10)


def test_gates_replace_the_hamstring_stretch_with_glides_and_high_pain_halves_the_session():
    reviews = replay(EXAMPLE, [], [], through_week=0)
    assert reviews == ()
    state = initial_state(EXAMPLE)
    phase2 = state.__class__(week=5, phase_index=1, week_in_phase=1, doses={ex.id: ex.dose for ex in EXAMPLE.phases[1].exercises})
    calm = plan_session(EXAMPLE, phase2, pain_nrs=2, tingling=False)
    assert [p.exercise_id for p in calm.exercises] == ["hinge", "aslr", "plank", "stretch", "walk"]
    sore = plan_session(EXAMPLE, phase2, pain_nrs=3, tingling=False)
    assert [p.exercise_id for p in sore.exercises] == ["hinge", "aslr", "plank", "glide", "walk"]
    assert sore.exercises[3].note == "instead of stretch: pain 3/10 is above 2"
    tingly = plan_session(EXAMPLE, phase2, pain_nrs=1, tingling=True)
    assert tingly.exercises[3].exercise_id == "glide" and tingly.exercises[3].note == "instead of stretch: tingling today"
    half = plan_session(EXAMPLE, phase2, pain_nrs=6, tingling=False, dose_pct=50)
    assert [p.dose.describe() for p in half.exercises] == ["3 x 4 reps", "2 x 4 reps", "3 x 10 s hold", "2 x 5 reps", "10 min"]


def test_a_replaced_stretch_counts_for_completion_and_alternatives_hold():
    phase = EXAMPLE.phases[1]
    state = initial_state(EXAMPLE).__class__(week=1, phase_index=1, week_in_phase=1, doses={ex.id: ex.dose for ex in phase.exercises})
    sessions = []
    for day in range(5):
        done = [ExerciseDone("hinge", Dose(3, 8), reps=24), ExerciseDone("glide", Dose(2, 10), reps=20)]
        sessions.append(SessionLog(MON + dt.timedelta(days=day), 3, 3, 3, exercises=tuple(done)))
    review = review_week(EXAMPLE, state, sessions)
    assert review.decision("stretch").reason == "no progression rule: the dose stays"  # 5/5 credited through the glides
    assert review.decision("glide").reason == "done only in place of a gated exercise; the dose stays"
    assert review.decision("aslr").reason.startswith("0 % of the week's prescribed dose was done")
    assert review.decision("hinge").action == PROGRESS


def test_a_replacement_that_is_also_prescribed_is_planned_once():
    text = (Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml").read_text()
    # Phase 1 gets a gated stretch whose replacement, the glide, is already in the phase.
    text = text.replace("      - id: hinge\n        kind: hip_hinge\n        dose: {sets: 2, reps: 8}",
                        "      - id: stretch\n        kind: hamstring_stretch\n        dose: {sets: 2, hold_s: 20}\n"
                        "        frequency: {per_day: 1, days_per_week: 5}\n        gate: {max_pain_nrs: 2, otherwise: glide}\n"
                        "      - id: hinge\n        kind: hip_hinge\n        dose: {sets: 2, reps: 8}", 1)  # fmt: skip
    p = parse_prescription(text, "x.yaml")
    plan = plan_session(p, initial_state(p), pain_nrs=4, tingling=False)
    assert [item.exercise_id for item in plan.exercises] == ["breathing", "glide", "hinge", "bridge", "walk"]
    calm = plan_session(p, initial_state(p), pain_nrs=1, tingling=False)
    assert [item.exercise_id for item in calm.exercises] == ["breathing", "glide", "stretch", "hinge", "bridge", "walk"]
