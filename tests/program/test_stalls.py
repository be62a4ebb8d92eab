"""program.stalls: a dose held 3 weeks, a milestone 2 weeks overdue; not a plateau at the maximum, not a phase that moves."""

import datetime as dt

from motionrehab.program.prescription import Dose, parse_prescription
from motionrehab.program.sessions import ExerciseDone, Measurement, SessionLog
from motionrehab.program.stalls import DOSE_HELD, MILESTONE_OVERDUE, detect_stalls

TEXT = """\
format: motionrehab-prescription/1
patient: P-STALL
start_date: 2026-01-05
recheck_every_weeks: 4
baseline_pain_nrs: 3
phases:
  - name: One
    min_weeks: 2
    milestones:
      - {text: Walk 500 m before pain, measurement: walking_tolerance_m, at_least: 500}
    exercises:
      - {id: bridge, kind: bridge, dose: {sets: 2, reps: 8}, frequency: {per_day: 1, days_per_week: 2}, progression: {step: 2, maximum: 12}}
      - {id: breathe, kind: breathing, dose: {sets: 1, hold_s: 60}, frequency: {per_day: 1, days_per_week: 2}}
      - {id: plank, kind: plank, dose: {sets: 1, hold_s: 20}, frequency: {per_day: 1, days_per_week: 2}, progression: {step: 5, maximum: 20}}
  - name: Two
    exercises:
      - {id: bridge, kind: bridge, dose: {sets: 3, reps: 8}, frequency: {per_day: 1, days_per_week: 2}}
"""
PRESCRIPTION = parse_prescription(TEXT)
MONDAY = dt.date(2026, 1, 5)


def _session(day: int, bridge_reps: int) -> SessionLog:
    at = dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(9))
    return SessionLog(at, pain_before=3, pain_after=3, exercises=(
        ExerciseDone("bridge", Dose(2, 8), reps=bridge_reps, dose_source="logged"),
        ExerciseDone("breathe", Dose(1, hold_s=60.0), hold_s=60.0, dose_source="logged"),
        ExerciseDone("plank", Dose(1, hold_s=20.0), hold_s=20.0, dose_source="logged"),
    ))  # fmt: skip


def test_a_dose_held_three_weeks_and_an_overdue_milestone_are_flagged():
    # Bridges: 8 of 16 reps in each of the 2 weekly sessions = 50 % < 80 %: hold, weeks 1, 2 and 3.
    sessions = [_session(7 * w + d, 8) for w in range(3) for d in (0, 2)]
    after_two = detect_stalls(PRESCRIPTION, sessions, (), today=MONDAY + dt.timedelta(weeks=2))
    assert after_two == ()  # two weeks of holding is not yet a stall; the milestone is due in week 2
    tolerance = (Measurement(dt.datetime(2026, 1, 14, 9), "walking_tolerance_m", 320.0),)
    stalls = detect_stalls(PRESCRIPTION, sessions, tolerance, today=MONDAY + dt.timedelta(weeks=3))
    (held,) = stalls  # the milestone (due in week 2) is 1 week late: not flagged yet
    assert (held.kind, held.subject, held.since_week) == (DOSE_HELD, "bridge", 1)
    assert held.text.startswith("bridge held at 2 x 8 reps for 3 weeks (weeks 1-3; last reason: 50 % of the week's prescribed dose was done")
    assert "ask what gets in the way" in held.suggestion
    # No rule (breathe) or at its maximum (plank, 20 s of 20): holding is the plan, not a stall.
    later = {(s.kind, s.subject): s for s in detect_stalls(PRESCRIPTION, sessions, tolerance, today=MONDAY + dt.timedelta(weeks=4))}
    assert set(later) == {(DOSE_HELD, "bridge"), (MILESTONE_OVERDUE, "Walk 500 m before pain")}
    assert "for 4 weeks" in later[(DOSE_HELD, "bridge")].text and later[(DOSE_HELD, "bridge")].suggestion == "no sessions were recorded; contact the patient"
    overdue = later[(MILESTONE_OVERDUE, "Walk 500 m before pain")]
    # Expected by week 2 (min_weeks), unmet after week 4 = 2 weeks later: flagged, with the best value so far.
    assert overdue.since_week == 2 and "still unmet after week 4 (best 320 on 2026-01-14)" in overdue.text
    assert overdue.describe().startswith("STALL: milestone 'Walk 500 m before pain' expected by week 2")


def test_progress_or_a_met_milestone_is_not_a_stall():
    sessions = [_session(7 * w + d, 16) for w in range(4) for d in (0, 2)]  # full dose: bridges progress 8 -> 10 -> 12 (max)
    stalls = detect_stalls(PRESCRIPTION, sessions, (Measurement(dt.datetime(2026, 1, 6, 9), "walking_tolerance_m", 600.0),),
                           today=MONDAY + dt.timedelta(weeks=2))  # fmt: skip
    assert stalls == ()
