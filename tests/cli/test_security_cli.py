"""CLI under attack (issue 14, items 1-5) and `motionrehab forget`: exit 2, one line, nothing written or re-moded."""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path

import pytest

from motionrehab.cli.main import main
from motionrehab.records.store import SessionStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "records"))
from record_fixture import EXAMPLE, PATIENT, write_record  # noqa: E402

CHECKIN = ["--pain", "3", "--no-tingling", "--no-numbness", "--no-red-flags", "--at", "2026-01-13T08:00"]


def _mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def _one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "How to fix:" in lines[0] and "Traceback" not in err, err
    return lines[0]


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "store.sqlite"
    write_record(f"sqlite:///{path}").close()
    return str(path)


@pytest.mark.parametrize("hostile", ["../../../../evil", "/tmp/x/evil", "sub/evil", ".."])
def test_a_patient_id_with_a_path_is_refused_everywhere_it_enters(tmp_path, capsys, hostile):
    work = tmp_path / "work"
    work.mkdir()
    store = str(work / "s.sqlite")
    before = _tree(tmp_path)
    assert main(["checkin", hostile, *CHECKIN, "--store", store]) == 2
    assert "is not a pseudonymous patient id" in _one_line_error(capsys.readouterr().err)
    out = work / "out"
    for args in (["export", hostile, "--format", "json", "--out", str(out)], ["export", hostile, "--format", "fhir", "--out", str(out)],
                 ["report", hostile, "--out", str(work / "r.html")], ["forget", hostile, "--yes"]):  # fmt: skip
        assert main([*args, "--store", store]) == 2, args
        _one_line_error(capsys.readouterr().err)
    assert not out.exists() and not (tmp_path / "evil").exists() and not Path("/tmp/x/evil").exists()
    # the store file may be created (owner-only), but no patient row, and nothing outside work/
    assert SessionStore(f"sqlite:///{store}").patients() == ()
    assert [p for p in _tree(tmp_path) if p not in before and not p.startswith("work")] == []


def test_a_prescription_whose_patient_is_a_path_is_refused_before_anything_is_stored(tmp_path, capsys):
    bad = tmp_path / "rx.yaml"
    bad.write_text(EXAMPLE.read_text().replace("patient: P-7F3A2C", "patient: ../../../../tmp/evil"))
    store = tmp_path / "s.sqlite"
    assert main(["program", "assign", str(bad), "--store", str(store)]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert line.startswith(f"error: {bad}:4: patient: '../../../../tmp/evil' is not a pseudonymous patient id")
    assert not store.exists()


def test_an_import_folder_cannot_be_escaped_through_the_patient_argument(tmp_path, capsys):
    (tmp_path / "evil_manifest.json").write_text("{}")
    inner = tmp_path / "in"
    inner.mkdir()
    assert main(["import", str(inner), "../evil", "--store", str(tmp_path / "s.sqlite")]) == 2
    assert "is not a pseudonymous patient id" in _one_line_error(capsys.readouterr().err)


def test_an_id_holding_a_date_of_birth_is_refused_and_a_name_warns(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite")
    assert main(["checkin", "John_Smith_1970-01-01", *CHECKIN, "--store", store]) == 2
    assert "date of birth" in _one_line_error(capsys.readouterr().err)
    rx = tmp_path / "rx.yaml"
    rx.write_text(EXAMPLE.read_text().replace("patient: P-7F3A2C", "patient: John_Smith"))
    assert main(["program", "assign", str(rx), "--store", store]) == 0
    assert capsys.readouterr().err.count("looks like a person's name") == 1
    assert main(["checkin", "John_Smith", *CHECKIN, "--store", store]) == 0
    err = capsys.readouterr().err
    assert err.count("warning: ") == 1 and "'John_Smith' looks like a person's name" in err  # once, not per store call
    assert SessionStore(f"sqlite:///{store}").patients() == ("John_Smith",)


def test_export_into_an_existing_shared_folder_keeps_its_mode_and_warns(store_path, tmp_path, capsys):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    assert main(["export", PATIENT, "--format", "csv", "--out", str(shared), "--store", store_path]) == 0
    err = capsys.readouterr().err
    assert _mode(shared) == 0o1777  # before the fix: 0o700
    assert "warning: " in err and "other users of this computer can list this folder" in err
    assert all(_mode(p) == 0o600 for p in shared.iterdir())


def test_export_refuses_a_planted_symlink_and_leaves_its_target_alone(store_path, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch")
    victim.chmod(0o644)
    (out / f"{PATIENT}_sessions.csv").symlink_to(victim)
    assert main(["export", PATIENT, "--format", "csv", "--out", str(out), "--store", store_path]) == 2
    assert "leads outside the folder" in _one_line_error(capsys.readouterr().err)
    assert victim.read_text() == "do not touch" and _mode(victim) == 0o644


def test_report_refuses_to_overwrite_without_force(store_path, tmp_path, capsys):
    out = tmp_path / "report.html"
    out.write_text("last visit's report")
    out.chmod(0o640)
    assert main(["report", PATIENT, "--out", str(out), "--store", store_path]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert f"--out {out}: the file already exists" in line and "--force" in line
    assert out.read_text() == "last visit's report" and _mode(out) == 0o640
    assert main(["report", PATIENT, "--out", str(out), "--force", "--store", store_path]) == 0
    assert out.read_text().lower().startswith("<!doctype html>") and _mode(out) == 0o600


def test_angles_refuses_to_overwrite_its_csv_without_force(tmp_path, capsys):
    out = tmp_path / "angles.csv"
    out.write_text("keep")
    assert main(["angles", str(tmp_path / "missing.csv"), "--out", str(out)]) == 2
    assert "already exists" in _one_line_error(capsys.readouterr().err) and out.read_text() == "keep"


def test_forget_removes_every_row_and_export_file_of_one_patient_only(tmp_path, capsys, monkeypatch):
    path = tmp_path / "s.sqlite"
    store = write_record(f"sqlite:///{path}")
    store.add_measurement("P-7F3A2C_B", "slr_left_deg", 60.0)  # a patient whose id starts like the forgotten one
    store.close()
    exports = tmp_path / "exports"
    for patient in (PATIENT, "P-7F3A2C_B"):
        assert main(["export", patient, "--format", "json", "--out", str(exports), "--store", str(path)]) == 0
    (exports / "notes.txt").write_text("the clinician's own file")
    capsys.readouterr()
    # answered no: nothing deleted
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    assert main(["forget", PATIENT, "--exports", str(exports), "--store", str(path)]) == 1
    assert PATIENT in SessionStore(f"sqlite:///{path}").patients()
    assert main(["forget", PATIENT, "--exports", str(exports), "--yes", "--store", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"Forgot {PATIENT}: " in out and "11 files deleted" in out
    store = SessionStore(f"sqlite:///{path}")
    assert store.patients() == ("P-7F3A2C_B",) and len(store.measurements("P-7F3A2C_B")) == 1
    store.close()
    assert sorted(p.name for p in exports.iterdir() if not p.name.startswith("P-7F3A2C_B_")) == ["notes.txt"]
    assert len([p for p in exports.iterdir() if p.name.startswith("P-7F3A2C_B_")]) == 10  # no prescription: no .yaml
    # the pseudonym is gone from the database file itself (secure delete, WAL emptied, VACUUM)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("s.sqlite*"))
    assert raw.count(PATIENT.encode()) == raw.count(b"P-7F3A2C_B") > 0
