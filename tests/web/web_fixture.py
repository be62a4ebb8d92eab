"""Fixtures for the web view: a real store (SQLite, and PostgreSQL when MOTIONREHAB_TEST_POSTGRES_URL is set)
with two patients, three accounts, and the app over it.

Patients: P-7F3A2C (the record fixture of tests/records: two weeks of sessions with judged
hinge repetitions, an unreviewed red-flag check-in, SLR per side, PROMs) and P-0B5E11 (the
same prescription, one session). Accounts: an administrator, anna (sees P-7F3A2C) and ben
(sees P-0B5E11).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "records"))  # record_fixture.py, store_backends.py

from argon2 import PasswordHasher  # noqa: E402
from record_fixture import EXAMPLE, PATIENT, write_record  # noqa: E402
from store_backends import store_url  # noqa: E402, F401  (re-exported for conftest.py)

from motionrehab.program.prescription import parse_prescription  # noqa: E402
from motionrehab.program.progression import initial_state, plan_session  # noqa: E402
from motionrehab.program.safety import RED_FLAG_IDS, CheckIn, evaluate_checkin  # noqa: E402
from motionrehab.records.accounts import Accounts  # noqa: E402

OTHER = "P-0B5E11"
TODAY = dt.date(2026, 1, 19)  # program week 3 of the example prescription
PASSWORD = "correct horse battery staple"
ADMIN, ANNA, BEN = "admin@clinic.example", "anna@clinic.example", "ben@clinic.example"
SECRET = "test-secret-" + "x" * 40
# Light argon2 parameters keep the tests fast; verification reads them from the hash, so the app's code path is the real one.
LIGHT = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
_HASH = LIGHT.hash(PASSWORD)


def other_prescription_text() -> str:
    return EXAMPLE.read_text().replace(f"patient: {PATIENT}", f"patient: {OTHER}")


def flagged_checkin(store, patient: str, at: dt.datetime) -> int:
    """A check-in whose red-flag screen was positive (leg weakness): stored flagged for the clinician."""
    screen = CheckIn(patient, at, 4, False, False, {**dict.fromkeys(RED_FLAG_IDS, False), "leg_weakness": True})
    return store.record_checkin(screen, evaluate_checkin(screen, baseline_pain_nrs=3))


def add_troubled_patient(store, patient: str) -> None:
    """A patient who started 6 weeks before TODAY, did nothing for 5 weeks, then one walk at 200 % of the dose
    with pain 3 -> 6: a flare-up, a pacing failure, stalled progress (no progress in weeks 4-6) and a recheck due
    (week 4 ended without a questionnaire)."""
    text = EXAMPLE.read_text().replace(f"patient: {PATIENT}", f"patient: {patient}").replace("start_date: 2026-01-05", "start_date: 2025-12-08")
    prescription = parse_prescription(text, "troubled.yaml")
    store.assign_prescription(prescription, text)
    plan = plan_session(prescription, initial_state(prescription), pain_nrs=3, tingling=False)
    walk = next(item for item in plan.exercises if item.kind == "walking")
    recorder = store.open_session(patient, [walk], pain_before=3, started_at=dt.datetime(2026, 1, 16, 9))
    recorder.add_walking(walk.exercise_id, minutes=2 * (walk.dose.minutes or 0.0))
    recorder.close(pain_after=6)


def fill_store(url: str):
    store = write_record(url)
    text = other_prescription_text()
    prescription = parse_prescription(text, "other.yaml")
    store.assign_prescription(prescription, text)
    plan = plan_session(prescription, initial_state(prescription), pain_nrs=2, tingling=False)
    recorder = store.open_session(OTHER, plan.exercises, pain_before=2, started_at=dt.datetime(2026, 1, 6, 9, 0))
    recorder.close(pain_after=2)
    # The SD of the three SLR trials of each visit, as `motionrehab measure slr` stores it beside the value:
    # with it the recheck verdict has an MDC95, and the page draws the band.
    # The SD is named after the SLR value it belongs to (<value name without _deg>_sd_deg), whichever name the record uses.
    slr_names = {(m.side, m.name) for m in store.measurements(PATIENT) if m.name.startswith("slr_") and "onset" not in m.name}
    for day, sds in ((dt.datetime(2026, 1, 4, 8, 30), (2.0, 2.5)), (dt.datetime(2026, 1, 18, 8, 30), (1.5, 2.0))):
        for side, sd in zip(("left", "right"), sds, strict=True):
            name = next(n for s, n in sorted(slr_names) if s == side or n == f"slr_{side}_deg")
            store.add_measurement(PATIENT, name.removesuffix("_deg") + "_sd_deg", sd, at=day, side=side)
    accounts = Accounts(store)
    accounts.add_clinician(ADMIN, _HASH, admin=True)
    accounts.add_clinician(ANNA, _HASH)
    accounts.add_clinician(BEN, _HASH)
    accounts.assign(ANNA, PATIENT)
    accounts.assign(BEN, OTHER)
    return store
