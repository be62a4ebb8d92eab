"""CSV/JSON tables: export then re-import gives identical records; units in column names; pseudonym only."""

import csv
import dataclasses
import datetime as dt
import json

import pytest
from record_fixture import PATIENT, write_record
from store_backends import store_url

from motionrehab.errors import InvalidDataError
from motionrehab.records.export import (
    TABLES,
    import_record,
    read_record,
    read_tables,
    table_path,
    write_tables,
)
from motionrehab.records.store import SessionStore

NOW = dt.datetime(2026, 1, 20, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    store = write_record(f"sqlite:///{tmp_path_factory.mktemp('store') / 's.sqlite'}")
    yield read_record(store, PATIENT)
    store.close()


def test_record_holds_every_kind(record):
    assert (len(record.sessions), len(record.checkins), len(record.proms), len(record.adherence)) == (6, 7, 4, 2)
    assert sum(c.flagged_for_clinician for c in record.checkins) == 1
    faulted = [r for r in record.repetitions if r.faults]
    assert faulted and all(r.faults == "lumbar_flexion" and r.within_criteria is False for r in faulted)
    assert {m.metric for m in record.repetition_metrics} == {"trunk_inclination_deg", "eccentric_s"}
    assert [p.items for p in record.proms if p.instrument == "ODI"][0] == "2;2;1;2;1;2;1;-;2;1"
    slr = [(m.measure, m.value, m.side) for m in record.measurements if m.measure.startswith("slr")]
    assert slr[:2] == [("slr_peak_deg", 71.5, "left"), ("slr_peak_deg", 48.25, "right")]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_gives_identical_records(record, tmp_path, fmt):
    written = write_tables(record, tmp_path, fmt, exported_at=NOW)
    assert len(written) == len(TABLES) + 2  # the tables, the prescription as assigned, the manifest
    again = read_tables(tmp_path, PATIENT, fmt)
    assert again == record
    for kind, _ in TABLES:  # row by row too, so a failure names the table
        assert again.table(kind) == record.table(kind), kind


def test_columns_carry_units_and_nothing_identifies_the_patient(record, tmp_path):
    write_tables(record, tmp_path, "csv", exported_at=NOW)
    with table_path(tmp_path, PATIENT, "sessions", "csv").open() as handle:
        header = next(csv.reader(handle))
    assert "pain_before_nrs" in header and "dose_pct" in header
    with table_path(tmp_path, PATIENT, "exercises", "csv").open() as handle:
        header = next(csv.reader(handle))
    assert {"planned_hold_s", "hold_done_s", "walked_min", "walked_m"} <= set(header)
    headers = set()
    for kind, _ in TABLES:
        with table_path(tmp_path, PATIENT, kind, "csv").open() as handle:
            headers |= set(next(csv.reader(handle)))
    assert not headers & {"name", "patient_name", "birth_date", "date_of_birth", "address", "video", "note", "comment"}
    assert "video" not in "".join(p.read_text() for p in tmp_path.iterdir())
    manifest = json.loads((tmp_path / f"{PATIENT}_manifest.json").read_text())
    assert manifest["patient_pseudonym"] == PATIENT and manifest["tables"][0] == {"kind": "sessions", "file": f"{PATIENT}_sessions.csv", "rows": 6}


def test_an_edited_cell_that_is_not_a_number_is_named(record, tmp_path):
    write_tables(record, tmp_path, "csv", exported_at=NOW)
    path = table_path(tmp_path, PATIENT, "measurements", "csv")
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("48.25", "about 48")
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InvalidDataError, match=r"measurements.csv row 3, value: 'about 48' is not a float"):
        read_tables(tmp_path, PATIENT, "csv")


def renumbered(record):
    """The record with session and check-in ids replaced by their rank (a new store numbers its own rows)."""
    sessions = {s.session_id: i for i, s in enumerate(record.sessions, start=1)}
    checkins = {c.checkin_id: i for i, c in enumerate(record.checkins, start=1)}

    def fix(rows):
        return tuple(dataclasses.replace(r, session_id=sessions[r.session_id]) for r in rows)

    return dataclasses.replace(
        record, sessions=fix(record.sessions), exercises=fix(record.exercises), repetitions=fix(record.repetitions),
        repetition_metrics=fix(record.repetition_metrics),
        checkins=tuple(dataclasses.replace(c, checkin_id=checkins[c.checkin_id]) for c in record.checkins),
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_exported_json_imports_into_another_store_and_reads_back_the_same(record, tmp_path, backend):
    write_tables(record, tmp_path / "out", "json", exported_at=NOW)
    target = SessionStore(store_url(backend, tmp_path))
    try:
        import_record(read_tables(tmp_path / "out", PATIENT, "json"), target)
        again = read_record(target, PATIENT)
        assert again.prescription_yaml == record.prescription_yaml != ""
        assert {e.kind for e in again.exercises} >= {"hip_hinge", "walking"}
        assert renumbered(again) == renumbered(record)
        with pytest.raises(InvalidDataError, match="is already in the store"):
            import_record(record, target)
    finally:
        target.close()


def test_import_command_moves_an_exported_record_into_another_store(tmp_path, capsys):
    from motionrehab.cli.main import main

    source = tmp_path / "home.sqlite"
    write_record(f"sqlite:///{source}").close()
    assert main(["export", PATIENT, "--format", "json", "--out", str(tmp_path / "out"), "--store", str(source)]) == 0
    clinic = tmp_path / "clinic.sqlite"
    assert main(["import", str(tmp_path / "out"), PATIENT, "--store", str(clinic)]) == 0
    assert f"imported {PATIENT}: 6 sessions" in capsys.readouterr().out
    home_store, clinic_store = SessionStore(f"sqlite:///{source}"), SessionStore(f"sqlite:///{clinic}")
    try:
        assert renumbered(read_record(clinic_store, PATIENT)) == renumbered(read_record(home_store, PATIENT))
    finally:
        home_store.close()
        clinic_store.close()
    assert main(["import", str(tmp_path / "out"), PATIENT, "--store", str(clinic)]) == 2
    assert "already in the store" in capsys.readouterr().err
