"""A scripted 12-week course (prescription + sessions) shared by the program tests, the CLI tests and the example.

The expected decisions and scores are worked out by hand in tests/program/test_course.py.
"""

from __future__ import annotations

import datetime as dt

from motionrehab.program.prescription import Dose, parse_prescription
from motionrehab.program.sessions import ExerciseDone, Measurement, SessionLog

COURSE_YAML = """\
format: motionrehab-prescription/1
patient: P-COURSE
start_date: 2026-01-05       # a Monday
recheck_every_weeks: 4
baseline_pain_nrs: 3
phases:
  - name: Settle
    min_weeks: 3
    milestones:
      - {text: Walk 1 km without pain, measurement: walking_tolerance_m, at_least: 1000}
    exercises:
      - id: hinge
        kind: hip_hinge
        dose: {sets: 2, reps: 8}
        frequency: {per_day: 1, days_per_week: 5}
        progression: {step: 2, maximum: 12}
      - id: walk
        kind: walking
        dose: {minutes: 10}
        frequency: {per_day: 1, days_per_week: 5}
        progression: {step_pct: 10, maximum: 30}
  - name: Build
    min_weeks: 4
    milestones:
      - {text: Walk 2 km without pain, measurement: walking_tolerance_m, at_least: 2000}
    exercises:
      - id: hinge
        kind: hip_hinge
        dose: {sets: 3, reps: 8}
        frequency: {per_day: 1, days_per_week: 5}
        progression: {step: 2, maximum: 12}
      - id: walk
        kind: walking
        dose: {minutes: 20}
        frequency: {per_day: 1, days_per_week: 5}
        progression: {step_pct: 10, maximum: 40}
"""
PRESCRIPTION = parse_prescription(COURSE_YAML, "course.yaml")
MONDAY = dt.date(2026, 1, 5)

# Week by week: the doses the person was given (hand-derived, see test_course.py), the days
# trained (0 = Monday), reps done per session, walking minutes done per session, reps
# measured/within criteria per session, and per-day pain or tingling overrides.
WEEKS = {
    1: dict(hinge=(2, 8), walk=10.0, days=(0, 1, 2, 3, 4), measured=(16, 12)),
    2: dict(hinge=(2, 10), walk=11.0, days=(0, 1, 2, 3), measured=(20, 16)),
    3: dict(hinge=(2, 12), walk=12.0, days=(0, 1, 2, 3, 4), measured=(24, 20), pain={2: (3, 6, 4)},
            walked={}, measurements=((3, 1100.0),)),
    4: dict(hinge=(2, 10), walk=9.5, days=(0, 1, 2, 3, 4), measured=(0, 0), pain={1: (3, 4, 4)}, walked={3: 15.0}),
    5: dict(hinge=(2, 10), walk=9.5, days=(0, 1, 2, 3, 4), measured=(20, 15)),
    6: dict(hinge=(3, 8), walk=10.0, days=(0, 2, 4), measured=(0, 0)),
    7: dict(hinge=(3, 8), walk=10.0, days=(0, 0, 1, 2, 3), measured=(24, 18)),
    8: dict(hinge=(3, 10), walk=11.0, days=(), measured=(0, 0)),
    9: dict(hinge=(3, 10), walk=11.0, days=(0, 1, 2, 3, 4), measured=(0, 0), reps_done=27, tingling_day=2),
    10: dict(hinge=(3, 8), walk=8.5, days=(0, 1, 2, 3, 4), measured=(0, 0), measurements=((4, 1500.0),)),
    11: dict(hinge=(3, 10), walk=9.0, days=(0, 1, 2, 3, 4), measured=(0, 0), walked={1: 13.0}),
    12: dict(hinge=(3, 12), walk=9.5, days=(0, 1, 2, 3, 4), measured=(0, 0)),
}


def course_sessions() -> tuple[tuple[SessionLog, ...], tuple[Measurement, ...]]:
    """Every session and measurement of the 12 weeks."""
    sessions, measurements = [], []
    for week, w in WEEKS.items():
        start = MONDAY + dt.timedelta(days=7 * (week - 1))
        sets, reps = w["hinge"]
        for n, day in enumerate(w["days"]):
            at = dt.datetime.combine(start + dt.timedelta(days=day), dt.time(9 + 8 * (n > 0 and w["days"][n - 1] == day)))
            before, after, morning = w.get("pain", {}).get(day, (3, 3, 3))
            measured, good = w["measured"]
            hinge = ExerciseDone("hinge", Dose(sets=sets, reps=reps), reps=w.get("reps_done", sets * reps), reps_measured=measured, reps_within_criteria=good)
            walk = ExerciseDone("walk", Dose(sets=1, minutes=w["walk"]), minutes=w.get("walked", {}).get(day, w["walk"]))
            sessions.append(SessionLog(started_at=at, pain_before=before, pain_after=after, pain_next_morning=morning,
                                       new_tingling=w.get("tingling_day") == day, exercises=(hinge, walk)))  # fmt: skip
        for day, metres in w.get("measurements", ()):
            measurements.append(Measurement(at=dt.datetime.combine(start + dt.timedelta(days=day), dt.time(18)), name="walking_tolerance_m", value=metres))
    return tuple(sessions), tuple(measurements)


def write_course(store, sessions=None, measurements=None) -> None:  # type: ignore[no-untyped-def]
    """Record the course in a SessionStore through the live session's API (rep by rep)."""
    if sessions is None:
        sessions, measurements = course_sessions()
    from motionrehab.program.progression import PlannedExercise

    store.assign_prescription(PRESCRIPTION, COURSE_YAML)
    kinds = {"hinge": "hip_hinge", "walk": "walking"}
    for s in sessions:
        plan = [PlannedExercise(e.exercise_id, kinds[e.exercise_id], e.planned) for e in s.exercises]
        rec = store.open_session(PRESCRIPTION.patient, plan, pain_before=s.pain_before, started_at=s.started_at)
        for e in s.exercises:
            if e.planned.reps is not None:
                for i in range(e.reps):
                    judged = None if i >= e.reps_measured else i < e.reps_within_criteria
                    rec.add_repetition(e.exercise_id, set_index=1 + i // e.planned.reps, within_criteria=judged)
            else:
                rec.add_walking(e.exercise_id, minutes=e.minutes, metres=e.minutes * 80.0)
        rec.close(pain_after=s.pain_after, new_tingling=s.new_tingling)
        store.record_next_morning(rec.session_id, pain_nrs=s.pain_next_morning)
    for m in measurements:
        store.add_measurement(PRESCRIPTION.patient, m.name, m.value, at=m.at)
