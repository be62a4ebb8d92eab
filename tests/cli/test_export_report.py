"""CLI: motionrehab export (csv, json, fhir, opensim) and motionrehab report, from a real SQLite store."""

import os
import stat
import sys
from pathlib import Path

import pytest

from motionrehab.cli.main import main
from motionrehab.records.export import read_record, read_tables
from motionrehab.records.report import chromium_executable
from motionrehab.records.store import SessionStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "records"))
from record_fixture import PATIENT, write_record  # noqa: E402


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "store.sqlite"
    write_record(f"sqlite:///{path}").close()
    return str(path)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_tables_round_trip_from_the_cli(store_path, tmp_path, capsys, fmt):
    out = tmp_path / "out"
    assert main(["export", PATIENT, "--format", fmt, "--out", str(out), "--store", store_path]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{PATIENT}: 6 sessions, ")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o700
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 11 and f"{PATIENT}_repetitions.{fmt}" in files and f"{PATIENT}_prescription.yaml" in files
    assert all(stat.S_IMODE(os.stat(out / f).st_mode) == 0o600 for f in files)
    store = SessionStore(f"sqlite:///{store_path}")
    assert read_tables(out, PATIENT, fmt) == read_record(store, PATIENT)
    store.close()


def test_export_since_keeps_only_later_rows(store_path, tmp_path, capsys):
    assert main(["export", PATIENT, "--since", "2026-01-12", "--out", str(tmp_path), "--store", store_path]) == 0
    assert capsys.readouterr().out.startswith(f"{PATIENT}: 3 sessions, ")
    record = read_tables(tmp_path, PATIENT, "csv")
    assert min(s.started_at.date().isoformat() for s in record.sessions) == "2026-01-12"
    assert [a.week for a in record.adherence] == [2]


def test_export_errors_are_sentences(store_path, tmp_path, capsys):
    assert main(["export", PATIENT, "--since", "12/01/2026", "--out", str(tmp_path), "--store", store_path]) == 2
    assert "--since: '12/01/2026' is not a date" in capsys.readouterr().err
    assert main(["export", "P-NOBODY", "--out", str(tmp_path), "--store", store_path]) == 2
    assert "no patient 'P-NOBODY' in the store" in capsys.readouterr().err


def test_export_fhir_writes_a_valid_bundle(store_path, tmp_path, capsys):
    from fhir.resources.R4B.bundle import Bundle

    assert main(["export", PATIENT, "--format", "fhir", "--out", str(tmp_path), "--store", store_path]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{PATIENT}: FHIR R4 Bundle with 37 Observations (adherence_score 2, cadence_steps_per_min 6, ")
    bundle = Bundle.model_validate_json((tmp_path / f"{PATIENT}_fhir_bundle.json").read_text())
    assert len(bundle.entry) == 38


def test_export_opensim_says_what_the_store_cannot_give(store_path, tmp_path, capsys):
    assert main(["export", PATIENT, "--format", "opensim", "--out", str(tmp_path), "--store", store_path]) == 0
    out = capsys.readouterr().out
    assert f"{PATIENT}: 3 measured angles at 8 times in {PATIENT}_measured_angles.mot (time 0 s = 2026-01-04T08:30:00 local time" in out
    assert "6 sessions with angle metrics per repetition" in out and "no .trc written" in out
    assert len(list(tmp_path.glob("*.mot"))) == 7
    assert main(["export", PATIENT, "--format", "csv", "--pose-csv", store_path, "--out", str(tmp_path), "--store", store_path]) == 2
    assert "go with --format opensim" in capsys.readouterr().err


def test_report_writes_html_and_prints_the_verdicts(store_path, tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", PATIENT, "--compare", "2026-01-08", "--out", str(out), "--store", store_path]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{PATIENT}: report 2026-01-05 to 2026-01-18, latest 2026-01-18 compared with 2026-01-08; ")
    assert "  Hip hinge trunk inclination (deg): 31.5 -> 35.0 (+3.5, MDC95 2.1): improved\n" in text
    assert "  ODI questionnaire (points): 31.1 -> 15.6 (-15.5, MCID 10.0): improved\n" in text
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    html = out.read_text()
    assert html.count("<svg") == 5 and PATIENT in html  # SLR, walking distance, walking tolerance, adherence, pain
    assert main(["report", PATIENT, "--compare", "soon", "--out", str(out), "--store", store_path]) == 2
    assert "--compare: 'soon' is not a date" in capsys.readouterr().err


@pytest.mark.skipif(chromium_executable() is None, reason="Chromium is not installed (CI installs it)")
def test_report_pdf_beside_the_html(store_path, tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", PATIENT, "--out", str(out), "--pdf", "--store", store_path]) == 0
    assert f"  wrote {out.with_suffix('.pdf')}" in capsys.readouterr().out
    assert out.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-" and stat.S_IMODE(os.stat(out.with_suffix(".pdf")).st_mode) == 0o600
