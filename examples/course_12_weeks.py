"""A simulated 12-week home program, end to end through the library (no camera needed).

Each day: the check-in (pain, tingling, red-flag screen), today's plan from the progression
engine (gates and shortening applied), the session recorded rep by rep in a SessionStore,
pain after and next morning. Each week: the decisions (progress / hold / step back, with
reasons) and the adherence score. The person's pain and effort are simulated with a seeded
random generator, so every run prints the same course.

    .venv/bin/python examples/course_12_weeks.py                 # temporary SQLite store
    .venv/bin/python examples/course_12_weeks.py --store my.sqlite
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

import numpy as np

from motionrehab.program.adherence import weekly_scores
from motionrehab.program.prescription import load_prescription
from motionrehab.program.progression import plan_session, replay, state_for_week
from motionrehab.program.safety import RED_FLAG_IDS, CheckIn, evaluate_checkin
from motionrehab.records.store import SessionStore

EXAMPLE = Path(__file__).resolve().parent / "prescription.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="SQLite file or database URL (default: a temporary file)")
    parser.add_argument("--weeks", type=int, default=12)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="motionrehab-course-")
    url = args.store or f"sqlite:///{folder}/course.sqlite"
    if "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    prescription = load_prescription(EXAMPLE)
    store = SessionStore(url)
    store.assign_prescription(prescription, EXAMPLE.read_text())
    patient = prescription.patient
    rng = np.random.default_rng(8)
    pain = float(prescription.baseline_pain_nrs)
    walk_tolerance_m = 700.0  # distance walked before symptoms start, tested once a week

    for week in range(1, args.weeks + 1):
        state = state_for_week(prescription, store.session_logs(patient), store.measurements(patient), week)
        for day in range(7):
            if rng.random() < 0.15:  # a missed day
                continue
            at = dt.datetime.combine(prescription.week_start(week) + dt.timedelta(days=day), dt.time(8, 30))
            pain = float(np.clip(pain + rng.normal(-0.08, 0.5), 0, 8))
            tingling = rng.random() < 0.05
            screen = CheckIn(patient, at, int(round(pain)), tingling, False, dict.fromkeys(RED_FLAG_IDS, False))
            outcome = evaluate_checkin(screen, baseline_pain_nrs=prescription.baseline_pain_nrs, rules=prescription.rules)
            checkin_id = store.record_checkin(screen, outcome)
            plan = plan_session(prescription, state, pain_nrs=screen.pain_nrs, tingling=tingling, dose_pct=outcome.dose_pct)
            recorder = store.open_session(patient, plan.exercises, pain_before=screen.pain_nrs, tingling_before=tingling,
                                          started_at=at, dose_pct=outcome.dose_pct, checkin_id=checkin_id)  # fmt: skip
            for item in plan.exercises:
                effort = rng.uniform(0.8, 1.05)  # share of the planned dose the person does
                if item.dose.reps is not None:
                    for rep in range(int(item.dose.quantity * effort)):
                        good = rng.random() < 0.8 if item.kind == "hip_hinge" else None
                        recorder.add_repetition(item.exercise_id, set_index=1 + rep // item.dose.reps, within_criteria=good)
                elif item.dose.hold_s is not None:
                    for _ in range(item.dose.sets):
                        recorder.add_repetition(item.exercise_id, hold_s=round(item.dose.hold_s * effort, 1))
                else:
                    minutes = round((item.dose.minutes or 0.0) * effort, 1)
                    recorder.add_walking(item.exercise_id, minutes=minutes, metres=minutes * 80)
            recorder.add_measurement("hinge_trunk_inclination_deg", round(min(60.0, 22 + 1.2 * week + rng.normal(0, 2)), 1), at=at)
            recorder.add_measurement("slr_peak_deg", round(min(80.0, 45 + 1.5 * week + rng.normal(0, 2)), 1), side="right", at=at)
            flare = rng.random() < 0.06
            after = min(10, screen.pain_nrs + (2 if flare else int(rng.random() < 0.2)))
            recorder.close(pain_after=after, ended_at=at + dt.timedelta(minutes=40))
            store.record_next_morning(recorder.session_id, pain_nrs=after if flare else screen.pain_nrs)

        walk_tolerance_m *= rng.uniform(1.04, 1.12)
        sunday = dt.datetime.combine(prescription.week_start(week) + dt.timedelta(days=6), dt.time(11))
        store.add_measurement(patient, "walking_tolerance_m", round(walk_tolerance_m), at=sunday)
        reviews = replay(prescription, store.session_logs(patient), store.measurements(patient), through_week=week)
        store.record_decisions(patient, reviews)
        score = weekly_scores(prescription, store.session_logs(patient), store.measurements(patient), through_week=week)[-1]
        review = reviews[-1]
        print(f"Week {week} (phase '{state.phase(prescription).name}'): adherence {score.composite:g}/100")
        for decision in review.decisions:
            print(f"  {decision.describe()}")
        for note in review.notes:
            print(f"  Note: {note}")
    print(f"Store: {store.display_url}")
    store.close()


if __name__ == "__main__":
    main()
