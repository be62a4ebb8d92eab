"""CLI: motionrehab migrate (list, down with confirmation, up)."""

import sqlalchemy as sa

from motionrehab.cli.main import main
from motionrehab.records import migrations
from motionrehab.records.store import SessionStore


def _revision(path) -> str:
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        value = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return value


def test_migrate_lists_goes_down_only_when_confirmed_and_up_again(tmp_path, capsys, monkeypatch):
    path = tmp_path / "store.sqlite"
    store = SessionStore(f"sqlite:///{path}")
    store.add_measurement("P-1", "walking_distance_m", 500.0)
    store.close()
    head = migrations.head_revision()

    assert main(["migrate", "--list", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"schema revision {head}" in out and f"* {head}  " in out and "  0001  Baseline" in out

    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("n\n"))
    assert main(["migrate", "--to", "0001", "--store", str(path)]) == 1  # declined: aborted, nothing changed
    assert _revision(path) == head

    assert main(["migrate", "--to", "0001", "--yes", "--store", str(path)]) == 0
    assert f"schema revision {head} -> 0001" in capsys.readouterr().out and _revision(path) == "0001"

    assert main(["migrate", "--store", str(path)]) == 0
    assert f"schema revision 0001 -> {head}" in capsys.readouterr().out and _revision(path) == head
    assert SessionStore(f"sqlite:///{path}").measurements("P-1")[0].value == 500.0

    assert main(["migrate", "--store", str(path)]) == 0
    assert f"already at schema revision {head}" in capsys.readouterr().out


def test_migrate_to_an_unknown_revision_is_a_plain_error(tmp_path, capsys):
    assert main(["migrate", "--to", "9", "--store", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "no schema revision '9'" in err and "Traceback" not in err
