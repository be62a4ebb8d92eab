"""A small but varied patient record in a real SQLite store, for the export and report tests.

Two weeks of the example prescription: sessions with judged repetitions (faults, metrics),
holds and walking; a red-flag check-in; SLR per side, walking tolerance and gait
measurements; ODI and NRS questionnaires; the progression decisions of week 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from motionrehab.program.prescription import load_prescription
from motionrehab.program.progression import plan_session, replay, state_for_week
from motionrehab.program.proms import score_nrs, score_odi
from motionrehab.program.safety import RED_FLAG_IDS, CheckIn, evaluate_checkin
from motionrehab.records.store import SessionStore

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"
PATIENT = "P-7F3A2C"


def write_record(url: str) -> SessionStore:
    """Fill the store at ``url`` and return it open."""
    prescription = load_prescription(EXAMPLE)
    store = SessionStore(url)
    store.assign_prescription(prescription, EXAMPLE.read_text())
    start = dt.datetime.combine(prescription.start_date, dt.time(8, 30))
    store.record_prom(PATIENT, score_odi([2, 2, 1, 2, 1, 2, 1, None, 2, 1], start - dt.timedelta(days=1)))
    store.record_prom(PATIENT, score_nrs(4, start - dt.timedelta(days=1)))
    store.add_measurement(PATIENT, "slr_peak_deg", 71.5, at=start - dt.timedelta(days=1), side="left")
    store.add_measurement(PATIENT, "slr_peak_deg", 48.25, at=start - dt.timedelta(days=1), side="right")
    for day in (0, 1, 3, 7, 8, 10):
        at = start + dt.timedelta(days=day)
        week = prescription.week_of(at.date())
        state = state_for_week(prescription, store.session_logs(PATIENT), store.measurements(PATIENT), week)
        screen = CheckIn(PATIENT, at, 3, False, False, dict.fromkeys(RED_FLAG_IDS, False))
        outcome = evaluate_checkin(screen, baseline_pain_nrs=prescription.baseline_pain_nrs, rules=prescription.rules)
        checkin_id = store.record_checkin(screen, outcome)
        plan = plan_session(prescription, state, pain_nrs=3, tingling=False, dose_pct=outcome.dose_pct)
        recorder = store.open_session(PATIENT, plan.exercises, pain_before=3, started_at=at, dose_pct=outcome.dose_pct, checkin_id=checkin_id)
        for item in plan.exercises:
            if item.kind == "hip_hinge":
                for rep in range(int(item.dose.quantity)):
                    fault = ("lumbar_flexion",) if rep % 5 == 4 else ()
                    recorder.add_repetition(item.exercise_id, set_index=1 + rep // (item.dose.reps or 1), t_start_s=2.0 + 6.1 * rep,
                                            t_end_s=7.9 + 6.1 * rep, within_criteria=not fault, faults=fault,
                                            metrics={"trunk_inclination_deg": 31.0 + 0.1 * rep + day / 3, "eccentric_s": 2.9})
            elif item.dose.reps is not None:
                for rep in range(int(item.dose.quantity)):
                    recorder.add_repetition(item.exercise_id, set_index=1 + rep // item.dose.reps)
            elif item.dose.hold_s is not None:
                for _ in range(item.dose.sets):
                    recorder.add_repetition(item.exercise_id, hold_s=item.dose.hold_s - 0.5)
            else:
                recorder.add_walking(item.exercise_id, minutes=item.dose.minutes or 0.0, metres=(item.dose.minutes or 0.0) * 81.3)
        recorder.add_measurement("hinge_trunk_inclination_deg", 30.0 + day / 2, at=at)
        recorder.add_measurement("cadence_steps_per_min", 104.5 + day, at=at)
        recorder.close(pain_after=4 if day == 3 else 3, ended_at=at + dt.timedelta(minutes=35))
        store.record_next_morning(recorder.session_id, pain_nrs=3)
    flagged_at = start + dt.timedelta(days=9)
    screen = CheckIn(PATIENT, flagged_at, 5, False, True, {**dict.fromkeys(RED_FLAG_IDS, False), RED_FLAG_IDS[0]: True})
    store.record_checkin(screen, evaluate_checkin(screen, baseline_pain_nrs=prescription.baseline_pain_nrs, rules=prescription.rules))
    end = start + dt.timedelta(days=13)
    store.add_measurement(PATIENT, "walking_tolerance_m", 820.0, at=start + dt.timedelta(days=6))
    store.add_measurement(PATIENT, "walking_tolerance_m", 905.0, at=end)
    store.add_measurement(PATIENT, "slr_peak_deg", 72.0, at=end, side="left")
    store.add_measurement(PATIENT, "slr_peak_deg", 57.5, at=end, side="right")
    store.record_prom(PATIENT, score_odi([1, 1, 1, 1, 0, 1, 1, None, 1, 0], end))
    store.record_prom(PATIENT, score_nrs(2, end))
    store.record_decisions(PATIENT, replay(prescription, store.session_logs(PATIENT), store.measurements(PATIENT), through_week=2))
    return store
