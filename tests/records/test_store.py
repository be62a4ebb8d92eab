"""The session store on SQLite and on a real PostgreSQL server: the same tests, both back ends."""

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from store_backends import store_url

from motionrehab.errors import InvalidDataError
from motionrehab.program.prescription import Dose, load_prescription
from motionrehab.program.progression import PlannedExercise, initial_state, plan_session, replay
from motionrehab.program.proms import score_lefs, score_odi
from motionrehab.program.safety import RED_FLAG_IDS, CheckIn, evaluate_checkin
from motionrehab.records import migrations
from motionrehab.records.store import SessionStore, default_store_url, migrate_store

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"
T0 = dt.datetime(2026, 1, 6, 9, 0)
PLAN = (
    PlannedExercise("hinge", "hip_hinge", Dose(sets=2, reps=8)),
    PlannedExercise("plank", "plank", Dose(sets=3, hold_s=20.0)),
    PlannedExercise("walk", "walking", Dose(sets=1, minutes=10.0)),
)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    s = SessionStore(store_url(request.param, tmp_path))
    yield s
    s.close()


def test_a_session_reads_back_exactly(store):
    rec = store.open_session("P-1", PLAN, pain_before=3, tingling_before=False, started_at=T0)
    for i in range(8):
        good = i != 3
        index = rec.add_repetition("hinge", set_index=1 + i // 5, t_start_s=2.0 + 6 * i, t_end_s=7.5 + 6 * i, within_criteria=good,
                                   faults=() if good else ("squatting", "rushed_eccentric"),
                                   metrics={"trunk_inclination_deg": 30.0 + i, "eccentric_s": 2.5})  # fmt: skip
    assert index == 3  # fourth rep of set 2
    for _ in range(3):
        rec.add_repetition("plank", hold_s=18.5)
    rec.add_walking("walk", minutes=6.0, metres=480.0)
    rec.add_walking("walk", minutes=5.5, metres=450.0)
    rec.add_measurement("walking_pain_free_m", 930.0)
    rec.close(pain_after=4, ended_at=T0 + dt.timedelta(minutes=40))
    store.record_next_morning(rec.session_id, pain_nrs=3)

    (stored,) = store.stored_sessions("P-1")
    assert stored.status == "closed" and stored.ended_at == T0 + dt.timedelta(minutes=40) and stored.dose_pct == 100.0
    log = stored.log
    assert (log.started_at, log.pain_before, log.pain_after, log.pain_next_morning, log.new_tingling) == (T0, 3, 4, 3, False)
    hinge, plank, walk = log.exercises
    assert (hinge.exercise_id, hinge.planned, hinge.reps, hinge.reps_measured, hinge.reps_within_criteria) == ("hinge", Dose(2, 8), 8, 8, 7)
    assert hinge.done_fraction == 0.5
    assert plank.hold_s == pytest.approx(55.5) and plank.done == pytest.approx(55.5) and plank.reps_measured == 0
    assert (walk.minutes, walk.metres, walk.done) == (11.5, 930.0, 11.5)
    reps = store.repetitions(rec.session_id)
    assert len(reps) == 11 and [r.rep_index for r in reps[:8]] == [1, 2, 3, 4, 5, 1, 2, 3]
    fourth = reps[3]
    assert fourth.faults == ("squatting", "rushed_eccentric") and fourth.within_criteria is False
    assert fourth.metrics == {"trunk_inclination_deg": 33.0, "eccentric_s": 2.5} and (fourth.t_start_s, fourth.t_end_s) == (20.0, 25.5)
    assert reps[8].hold_s == 18.5 and reps[8].within_criteria is None and reps[8].metrics == {}
    (m,) = store.measurements("P-1")
    assert (m.name, m.value) == ("walking_tolerance_m", 930.0)  # a legacy name is stored under its registered one


def test_schema_revision_and_reopening_keeps_data(store):
    assert store.schema_revision() == migrations.head_revision()
    store.add_measurement("P-2", "slr_right_deg", 52.5, at=T0, side="right")
    again = SessionStore(store.url)
    assert again.schema_revision() == migrations.head_revision() and again.measurements("P-2")[0].value == 52.5 and again.measurements("P-2")[0].side == "right"
    with again.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1
    again.close()


def test_prescription_checkins_proms_and_decisions(store):
    prescription = load_prescription(EXAMPLE)
    store.assign_prescription(prescription, EXAMPLE.read_text())
    assert store.prescription("P-7F3A2C") == load_prescription(EXAMPLE).__class__(**{**prescription.__dict__, "source": f"{EXAMPLE} (stored)"})
    answers = dict.fromkeys(RED_FLAG_IDS, False)
    ok = CheckIn("P-7F3A2C", T0, 3, False, False, answers)
    red = CheckIn("P-7F3A2C", T0 + dt.timedelta(days=1), 5, False, True, {**answers, "saddle_numbness": True})
    store.record_checkin(ok, evaluate_checkin(ok, baseline_pain_nrs=3))
    store.record_checkin(red, evaluate_checkin(red, baseline_pain_nrs=3))
    all_checkins = store.checkins("P-7F3A2C")
    assert [c.flagged_for_clinician for c in all_checkins] == [False, True]
    (flagged,) = store.checkins("P-7F3A2C", flagged_only=True)
    assert flagged.red_flags_positive == ("saddle_numbness",) and flagged.dose_pct == 0.0 and "urgent" in flagged.message
    logs = store.session_logs("P-7F3A2C")
    assert len(logs) == 1 and logs[0].stopped_by_red_flag and logs[0].started_at == T0 + dt.timedelta(days=1)

    store.record_prom("P-7F3A2C", score_odi([2, 1, 2, 1, 0, 2, 1, 1, None, 2], T0))
    store.record_prom("P-7F3A2C", score_lefs([3] * 20, T0))
    (odi,) = store.proms("P-7F3A2C", "ODI")
    assert odi.score == pytest.approx(26.7) and odi.items[8] is None and len(store.proms("P-7F3A2C")) == 2

    reviews = replay(prescription, store.session_logs("P-7F3A2C"), through_week=2)
    assert store.record_decisions("P-7F3A2C", reviews) == 10
    assert store.record_decisions("P-7F3A2C", reviews) == 0  # already stored
    stored = store.decisions("P-7F3A2C")
    assert [d.week for d in stored] == [1] * 5 + [2] * 5
    assert stored[0].action == "hold" and stored[0].reason.startswith("a red flag stopped the session on 2026-01-07")


def test_planned_sessions_from_the_engine_and_bad_input(store):
    prescription = load_prescription(EXAMPLE)
    plan = plan_session(prescription, initial_state(prescription), pain_nrs=3, tingling=False)
    rec = store.open_session("P-7F3A2C", plan.exercises, pain_before=3, started_at=T0)
    with pytest.raises(InvalidDataError, match="'plank' is not planned"):
        rec.add_repetition("plank", hold_s=20)
    with pytest.raises(InvalidDataError, match="not a registered measurement"):
        rec.add_measurement("slr", 50.0)
    with pytest.raises(InvalidDataError, match="pain must be 0 to 10"):
        rec.close(pain_after=12)
    rec.close(pain_after=3)
    with pytest.raises(InvalidDataError, match="the session is closed"):
        rec.add_repetition("hinge")
    with pytest.raises(InvalidDataError, match="no patient 'P-404'"):
        store.stored_sessions("P-404")
    with pytest.raises(InvalidDataError, match="not a pseudonymous patient id"):
        store.open_session("Jane Smith", plan.exercises, pain_before=3)
    (stored,) = store.stored_sessions("P-7F3A2C")
    assert [e.exercise_id for e in stored.log.exercises] == ["breathing", "glide", "hinge", "bridge", "walk"]


def test_sqlite_file_is_private_in_wal_mode(tmp_path, monkeypatch):
    path = tmp_path / "data" / "s.sqlite"
    monkeypatch.setenv("MOTIONREHAB_STORE", str(path))
    assert default_store_url() == f"sqlite:///{path}"
    store = SessionStore()
    rec = store.open_session("P-1", PLAN, pain_before=2, started_at=T0)
    rec.add_repetition("hinge")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    for name in ("s.sqlite", "s.sqlite-wal", "s.sqlite-shm"):
        assert (path.parent / name).stat().st_mode & 0o777 == 0o600, name
    assert path.parent.stat().st_mode & 0o777 == 0o700
    store.close()


def test_default_location_is_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("MOTIONREHAB_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_store_url() == f"sqlite:///{tmp_path / 'motionrehab' / 'sessions' / 'motionrehab.sqlite'}"
    monkeypatch.setenv("MOTIONREHAB_STORE", "postgresql+psycopg://u:p@db.example/clinic")
    assert default_store_url() == "postgresql+psycopg://u:p@db.example/clinic"


def test_an_older_store_is_brought_to_the_newest_revision_once_on_open(store):
    store.add_measurement("P-3", "walking_distance_m", 800.0, at=T0)
    assert migrate_store(store.url, migrations.BASELINE) == (migrations.head_revision(), migrations.BASELINE)
    upgraded = SessionStore(store.url)
    assert upgraded.schema_revision() == migrations.head_revision() and upgraded.measurements("P-3")[0].value == 800.0
    with upgraded.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version FROM schema_version ORDER BY version")).scalars().all() == [1, 2]
    upgraded.close()


def test_a_measured_repetition_keeps_its_faults_and_unit_named_numbers(store):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Rep:  # the shape of measures.hip_hinge.HingeRepetition
        index: int
        t_start_s: float
        t_end_s: float
        eccentric_s: float
        peak_trunk_inclination_deg: float
        lateral_shift_deg: float | None
        lumbar_flexion_change_deg: float
        faults: tuple[str, ...]
        score: int

    rec = store.open_session("P-4", PLAN, pain_before=2, started_at=T0)
    rec.add_measured_repetition("hinge", Rep(1, 1.0, 6.5, 2.9, 41.25, None, float("nan"), (), 100))
    rec.add_measured_repetition("hinge", Rep(2, 7.0, 10.0, 1.2, 28.0, 3.0, 4.0, ("rushed_eccentric", "incomplete_hinge"), 55))
    first, second = store.repetitions(rec.session_id)
    assert (first.within_criteria, first.faults, first.t_start_s, first.t_end_s) == (True, (), 1.0, 6.5)
    assert first.metrics == {"eccentric_s": 2.9, "peak_trunk_inclination_deg": 41.25}
    assert second.within_criteria is False and second.faults == ("rushed_eccentric", "incomplete_hinge")
    assert second.metrics == {"eccentric_s": 1.2, "peak_trunk_inclination_deg": 28.0, "lateral_shift_deg": 3.0, "lumbar_flexion_change_deg": 4.0}
    hinge = store.stored_sessions("P-4")[0].log.exercises[0]
    assert (hinge.reps, hinge.reps_measured, hinge.reps_within_criteria) == (2, 2, 1)
