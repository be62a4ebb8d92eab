"""Alembic migrations of the session store, on SQLite and on a real PostgreSQL server.

Checked against what they were not built from: the statements motionrehab 0.1 ran
(tests/records/data/store_0_1_*.sql, generated from that release) and the tables
store.py declares today (Alembic's own autogenerate comparison).
"""

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from store_backends import store_url

from motionrehab.errors import MotionRehabError
from motionrehab.records import migrations
from motionrehab.records.store import SessionStore, metadata, migrate_store

DATA = Path(__file__).parent / "data"
T0 = dt.datetime(2026, 1, 6, 9, 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return store_url(request.param, tmp_path)


def _differences(url: str) -> list:
    """What Alembic's autogenerate sees between the database and store.py's tables (nothing, when in step)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    engine.dispose()
    return diff


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    return names


def _scalars(url: str, sql: str) -> list:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        values = conn.execute(sa.text(sql)).scalars().all()
    engine.dispose()
    return values


def _create_0_1_store(url: str) -> None:
    """A database exactly as motionrehab 0.1 made it, with a patient, a check-in and a measurement in it."""
    parsed = sa.engine.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in (DATA / f"store_0_1_{backend}.sql").read_text().split(";\n"):
            body = "\n".join(line for line in statement.splitlines() if not line.startswith("--")).strip()
            if body:
                conn.exec_driver_sql(body)
        conn.execute(sa.text("INSERT INTO patients (pseudonym, created_at) VALUES ('P-OLD', :t)"), {"t": T0})
        conn.execute(sa.text(
            "INSERT INTO checkins (patient_id, at, pain_nrs, tingling, numbness, red_flags_positive, red_flag_answers, flagged_for_clinician, dose_pct, message)"
            " VALUES (1, :t, 4, false, false, '', '{}', false, 100.0, 'go ahead')"), {"t": T0})  # fmt: skip
        conn.execute(sa.text("INSERT INTO measurements (patient_id, at, name, value, side) VALUES (1, :t, 'slr_left_deg', 61.5, 'left')"), {"t": T0})
    engine.dispose()


def test_the_revisions_form_one_line_from_the_baseline():
    # Two engineers adding a revision on the same parent make two heads: re-point yours at the other's.
    scripts = migrations._scripts()
    assert len(scripts.get_heads()) == 1, f"several heads {scripts.get_heads()}: set down_revision of the newer one to the other"
    assert migrations.revisions()[0][0] == migrations.BASELINE == "0001"
    assert migrations.head_revision() == migrations.revisions()[-1][0]


def test_a_new_store_is_created_at_the_head_and_matches_the_declared_tables(url):
    store = SessionStore(url)
    assert store.schema_revision() == migrations.head_revision()
    store.close()
    assert _differences(url) == []
    assert _scalars(url, "SELECT version FROM schema_version ORDER BY version") == [1, 2]


def test_every_revision_goes_down_and_up_again_keeping_the_data_it_does_not_remove(url):
    store = SessionStore(url)
    store.add_measurement("P-1", "walking_distance_m", 800.0, at=T0)
    store.close()
    order = [revision for revision, _ in migrations.revisions()]
    for previous in reversed(["base", *order[:-1]]):  # one step down at a time
        before, after = migrate_store(url, previous)
        assert after == (None if previous == "base" else previous)
        if after is not None:
            assert _scalars(url, "SELECT value FROM measurements") == [800.0]
    assert _tables(url) == {"alembic_version"}  # base: every table of the store removed
    for revision in order:  # and one step up at a time
        assert migrate_store(url, revision)[1] == revision
    assert _differences(url) == []
    assert migrate_store(url) == (migrations.head_revision(), migrations.head_revision())  # already there: nothing to do


def test_the_baseline_is_the_0_1_schema_and_0_1_refuses_a_migrated_store(url):
    migrate_store(url, migrations.BASELINE)
    # What 0.1 read to decide whether it could use a database: max(schema_version) 1 is its own schema.
    assert _scalars(url, "SELECT max(version) FROM schema_version") == [1]
    migrate_store(url, "head")
    assert _scalars(url, "SELECT max(version) FROM schema_version") == [2]  # 0.1 refuses: 'upgrade motionrehab'


def test_a_store_made_by_motionrehab_0_1_is_stamped_then_upgraded_keeping_everything(url):
    _create_0_1_store(url)
    store = SessionStore(url)
    assert store.schema_revision() == migrations.head_revision()
    # 0003: the 0.1 name is stored under its registered one (program.measurements)
    assert [(m.name, m.value, m.side) for m in store.measurements("P-OLD")] == [("slr_peak_deg", 61.5, "left")]
    assert [(c.pain_nrs, c.message) for c in store.checkins("P-OLD")] == [(4, "go ahead")]
    store.add_measurement("P-OLD", "slr_left_deg", 64.0, at=T0 + dt.timedelta(days=30), side="left")  # ids carry on
    assert [m.value for m in store.measurements("P-OLD")] == [61.5, 64.0]
    store.close()
    assert _differences(url) == []
    assert migrate_store(url, migrations.BASELINE)[1] == migrations.BASELINE  # and back down to what 0.1 reads
    assert _scalars(url, "SELECT max(version) FROM schema_version") == [1]
    assert _scalars(url, "SELECT name FROM measurements ORDER BY id") == ["slr_left_deg", "slr_left_deg"]


def test_a_store_newer_than_this_motionrehab_is_refused_untouched(url):
    SessionStore(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0999'"))
    engine.dispose()
    with pytest.raises(MotionRehabError, match="schema revision 0999, newer than this motionrehab") as error:
        SessionStore(url)
    assert error.value.fix == "upgrade motionrehab"
    assert _scalars(url, "SELECT version_num FROM alembic_version") == ["0999"]


def test_an_unknown_target_revision_names_the_known_ones(tmp_path):
    with pytest.raises(MotionRehabError, match="no schema revision 'latest'") as error:
        migrate_store(f"sqlite:///{tmp_path / 's.sqlite'}", "latest")
    assert "0001" in error.value.fix and "head" in error.value.fix


def test_foreign_tables_without_a_schema_version_are_not_taken_over(tmp_path):
    url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT)"))
    engine.dispose()
    with pytest.raises(MotionRehabError, match="tables named like the store's but no schema version"):
        SessionStore(url)
    assert _tables(url) == {"patients"}


def test_the_migration_scripts_ship_inside_the_package():
    folder = Path(migrations.__file__).parent
    assert migrations.MIGRATIONS_DIR == folder and (folder / "env.py").is_file() and (folder / "script.py.mako").is_file()
    assert {p.name[:4] for p in (folder / "versions").glob("[0-9]*.py")} >= {"0001", "0002"}


def test_0005_moves_a_failed_sessions_reason_out_of_the_exercise_notes_and_back(url):
    # A failed session as 0004 stored it: the reason written over the planned exercises' notes.
    migrate_store(url, "0004")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO patients (pseudonym, created_at) VALUES ('P-FAIL', :t)"), {"t": T0})
        conn.execute(sa.text("INSERT INTO sessions (patient_id, started_at, status, dose_pct, pain_before, tingling_before, new_tingling)"
                             " VALUES (1, :t, 'failed', 100.0, 2, false, false)"), {"t": T0})  # fmt: skip
        for exercise in ("hinge", "bridge"):
            conn.execute(sa.text("INSERT INTO exercises_performed (session_id, exercise_id, kind, planned_sets, note)"
                                 " VALUES (1, :e, 'hip_hinge', 2, 'failed: nobody in view for 60 s')"), {"e": exercise})  # fmt: skip
    engine.dispose()
    migrate_store(url, "0005")
    assert _scalars(url, "SELECT failure FROM sessions") == ["nobody in view for 60 s"]
    assert _scalars(url, "SELECT note FROM exercises_performed") == ["", ""]
    store = SessionStore(url)
    (stored,) = store.stored_sessions("P-FAIL")
    assert (stored.status, stored.failure) == ("failed", "nobody in view for 60 s")
    store.close()
    migrate_store(url, "0004")
    assert _scalars(url, "SELECT note FROM exercises_performed") == ["failed: nobody in view for 60 s"] * 2
