"""records.journal: what is logged or measured lands in today's session once; logged and measured dose apart; schema 2."""

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from motionrehab.errors import InvalidDataError
from motionrehab.program.prescription import load_prescription
from motionrehab.program.safety import RED_FLAG_IDS, CheckIn, evaluate_checkin
from motionrehab.records import migrations
from motionrehab.records.journal import Value, Work, log_work, store_work
from motionrehab.records.store import SessionStore, migrate_store

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"
P = "P-7F3A2C"
DAY = dt.datetime(2026, 1, 6, 8, 0)


@pytest.fixture
def store(tmp_path):
    opened = SessionStore(f"sqlite:///{tmp_path / 'j.sqlite'}")
    opened.assign_prescription(load_prescription(EXAMPLE), EXAMPLE.read_text())
    yield opened
    opened.close()


def _checkin(store, at, *flags):
    prescription = store.prescription(P)
    screen = CheckIn(patient=P, at=at, pain_nrs=3, tingling=False, numbness=False, red_flags={f: f in flags for f in RED_FLAG_IDS})
    return store.record_checkin(screen, evaluate_checkin(screen, baseline_pain_nrs=3, rules=prescription.rules))


def test_logging_needs_todays_check_in_and_a_red_flag_refuses_it(store):
    glide = log_work("neural_glide", "glide", sets=2, reps=10, hold_s=None, minutes=None, distance_m=None, pain_onset_m=None, pain_free=False, pain_after=None)
    with pytest.raises(InvalidDataError, match="has not checked in on 2026-01-06") as caught:
        store_work(store, P, glide, at=DAY)
    assert "motionrehab checkin P-7F3A2C" in caught.value.fix
    _checkin(store, DAY - dt.timedelta(days=1), "bladder")
    _checkin(store, DAY)
    store_work(store, P, glide, at=DAY + dt.timedelta(minutes=5))
    (session,) = store.stored_sessions(P)
    done = session.log.exercise("glide")
    assert (done.reps, done.dose_source, done.done_fraction) == (20, "logged", 1.0)
    assert session.log.exercise("hinge").recorded is False  # planned, not done
    _checkin(store, DAY + dt.timedelta(days=1), "bladder")
    with pytest.raises(InvalidDataError, match="a red flag stopped P-7F3A2C's session on 2026-01-07"):
        store_work(store, P, glide, at=DAY + dt.timedelta(days=1, hours=1))


def test_measured_and_logged_dose_are_kept_apart_and_the_larger_is_used(store):
    _checkin(store, DAY)
    walk = log_work("walking", "walk", sets=None, reps=None, hold_s=None, minutes=10.0, distance_m=800.0, pain_onset_m=650.0, pain_free=False, pain_after=None)
    assert [(v.name, v.value) for v in walk.values] == [("walking_tolerance_m", 650.0), ("walking_distance_m", 800.0)]
    store_work(store, P, walk, at=DAY + dt.timedelta(minutes=10))
    clip = Work("walk", exercise_kind="walking", walk_minutes=0.4, walk_metres=30.0, values=(Value("cadence_steps_per_min", 104.0),))
    store_work(store, P, clip, at=DAY + dt.timedelta(minutes=20), recording_sha256="ab" * 32)
    done = store.stored_sessions(P)[0].log.exercise("walk")
    assert (done.minutes, done.metres, done.dose_source) == (10.0, 800.0, "logged")  # the short filmed clip does not replace the walk
    with store.engine.connect() as conn:
        assert sorted(conn.execute(sa.text("SELECT source, minutes FROM walking")).all()) == [("logged", 10.0), ("measured", 0.4)]
    again = store_work(store, P, clip, at=DAY + dt.timedelta(minutes=30), recording_sha256="ab" * 32)
    assert not again.stored and "already stored for P-7F3A2C on 2026-01-06 08:20" in again.lines[0]
    assert [m.name for m in store.measurements(P, "cadence_steps_per_min")] == ["cadence_steps_per_min"]


def test_a_clinic_measurement_without_a_check_in_is_kept_without_a_session(store):
    result = store_work(store, P, Work("slr right", values=(Value("slr_peak_deg", 49.0, "right"),)), at=DAY)
    assert result.session_id is None and store.stored_sessions(P) == ()
    (m,) = store.measurements(P, "slr_peak_deg")
    assert (m.value, m.side) == (49.0, "right")
    with pytest.raises(InvalidDataError, match="'slr_peak_deg' is measured per side"):
        store_work(store, P, Work("slr", values=(Value("slr_peak_deg", 49.0),)), at=DAY)


def test_revision_0003_renames_legacy_names_adds_sources_and_goes_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    SessionStore(url).close()
    assert migrate_store(url, "0002")[1] == "0002"  # the store as it was before the vocabulary
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        assert "recordings" not in sa.inspect(conn).get_table_names()
        conn.execute(sa.text("INSERT INTO patients (id, pseudonym, created_at) VALUES (1, 'P-OLD', '2026-01-01 00:00:00')"))
        for name in ("slr_right_deg", "slr_onset_left_deg", "walking_pain_free_m", "cadence_steps_per_min"):
            conn.execute(sa.text("INSERT INTO measurements (patient_id, at, name, value, side) VALUES (1, '2026-01-02 09:00:00', :n, 1.0, '')"), {"n": name})
    engine.dispose()
    store = SessionStore(url)  # opening brings it to the newest revision
    assert store.schema_revision() == migrations.head_revision()
    assert sorted((m.name, m.side) for m in store.measurements("P-OLD")) == [
        ("cadence_steps_per_min", ""), ("slr_onset_deg", "left"), ("slr_peak_deg", "right"), ("walking_tolerance_m", "")]
    with store.engine.connect() as conn:
        assert {c["name"] for c in sa.inspect(conn).get_columns("walking")} >= {"source"}
        assert conn.execute(sa.text("SELECT count(*) FROM recordings")).scalar() == 0
    store.close()
    migrate_store(url, "0002")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = sorted(conn.execute(sa.text("SELECT name FROM measurements")).scalars())
        assert "source" not in {c["name"] for c in sa.inspect(conn).get_columns("repetitions")}
    engine.dispose()
    assert names == ["cadence_steps_per_min", "slr_onset_left_deg", "slr_right_deg", "walking_pain_free_m"]
