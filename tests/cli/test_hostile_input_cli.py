"""Bad input at every boundary (issue 14, items 6-11): exit 2, one line saying what, where and how to fix, nothing stored."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from motionrehab.capture import PoseTrack, read_pose_csv, write_pose_csv
from motionrehab.cli.inputs import is_pose_csv
from motionrehab.cli.main import main
from motionrehab.errors import InvalidDataError
from motionrehab.records.store import SessionStore
from motionrehab.signals.resample import uniform_grid

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "records"))
from record_fixture import EXAMPLE, PATIENT, write_record  # noqa: E402


def _one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


def _pose_csv(path: Path, t_s) -> Path:
    n = len(t_s)
    rng = np.random.default_rng(0)
    track = PoseTrack(t_s=np.asarray(t_s, float), landmarks_px=rng.uniform(100, 500, (n, 33, 2)), visibility=np.ones((n, 33)),
                      image_width_px=640, image_height_px=480, frame_rate_hz=30.0, person_id=0)  # fmt: skip
    return write_pose_csv(path, [track])


# -- 6: encodings ---------------------------------------------------------------------------------------------


def test_a_non_utf8_byte_in_a_pose_csv_is_one_line_naming_the_line(tmp_path, capsys):
    path = _pose_csv(tmp_path / "p.csv", np.arange(60) / 30.0)
    lines = path.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b",", b",\xe9", 1)  # a Windows-1252 'é'
    path.write_bytes(b"\n".join(lines))
    assert main(["angles", str(path), "--out", str(tmp_path / "a.csv")]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert f"{path}, line 4: " in line and "not UTF-8" in line and "0xe9" in line
    assert not (tmp_path / "a.csv").exists()


def test_a_pose_csv_with_a_utf8_bom_is_accepted(tmp_path):
    path = _pose_csv(tmp_path / "p.csv", np.arange(60) / 30.0)
    plain = read_pose_csv(path)[0]
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as Excel saves "CSV UTF-8"
    assert is_pose_csv(path)
    np.testing.assert_array_equal(read_pose_csv(path)[0].landmarks_px, plain.landmarks_px)


# -- 7: time base ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("t_s", "words"), [([0.0, 1 / 30, 1e9, 1e9 + 1 / 30], "more than one day"),
                                            (np.arange(60) * 1e-12, "frame rate"),
                                            (np.r_[np.arange(30) / 30.0, 600 + np.arange(30) / 30.0], "a gap of 599.0 s")])  # fmt: skip
def test_implausible_timestamps_are_refused_before_anything_is_allocated(tmp_path, capsys, t_s, words):
    path = _pose_csv(tmp_path / "p.csv", t_s)
    assert main(["angles", str(path), "--out", str(tmp_path / "a.csv")]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert words in line and f"{path}, person 0" in line


def test_the_resampler_refuses_a_grid_far_larger_than_the_samples():
    with pytest.raises(InvalidDataError, match="huge gaps"):
        uniform_grid(np.array([0.0, 1.0, 1e6]), 30.0)
    assert uniform_grid(np.array([0.0, 1.0, 2.0]), 30.0).size == 61


# -- 8: YAML bombs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["[" * 100_000, "a: " + "{b: " * 5000 + "1" + "}" * 5000, "x: 1\n" + "#" * 2_000_000])
def test_deep_or_huge_yaml_is_refused_before_parsing(tmp_path, capsys, text):
    path = tmp_path / "rx.yaml"
    path.write_text(text)
    assert main(["program", "check", str(path)]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert "nested more than 32 deep" in line or "more than the 1.0 MB" in line


# -- 9: numeric options ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "words"), [("0", "not a cutoff"), ("-5", "not a cutoff"), ("nan", "not a cutoff"), ("abc", "'abc' is not a number"),
                                              ("inf", "not a cutoff"), ("1000", "Nyquist frequency (15 Hz)")])  # fmt: skip
def test_the_cutoff_must_be_a_positive_number_below_nyquist(tmp_path, capsys, value, words):
    path = _pose_csv(tmp_path / "p.csv", np.arange(90) / 30.0)
    assert main(["angles", str(path), "--out", str(tmp_path / "a.csv"), "--cutoff-hz", value]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert words in line and "--cutoff-hz" in line or "cutoff_hz" in line
    assert not (tmp_path / "a.csv").exists()


@pytest.mark.parametrize("value", ["nan", "0", "-1.7", "170", "abc"])
def test_a_height_must_be_a_plausible_height(tmp_path, capsys, value):
    path = _pose_csv(tmp_path / "p.csv", np.arange(90) / 30.0)
    assert main(["analyze", "gait", str(path), "--height-m", value]) == 2
    assert "--height-m" in _one_line_error(capsys.readouterr().err)


# -- 10: import all or nothing -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exp")
    write_record(f"sqlite:///{folder / 'home.sqlite'}").close()
    assert main(["export", PATIENT, "--format", "json", "--out", str(folder / "out"), "--store", str(folder / "home.sqlite")]) == 0
    return folder / "out"


def _edit(folder: Path, kind: str, change) -> None:
    path = folder / f"{PATIENT}_{kind}.json"
    path.write_text(change(path.read_text()))


EDITS = {
    "broken JSON": ("sessions", lambda text: text[: len(text) // 2], "not valid JSON"),
    "an object where a list belongs": ("measurements", lambda text: '{"at": "2026-01-04T08:30:00"}', "expected a list of rows"),
    "an unknown session id": ("repetitions", lambda text: text.replace('"session_id": 1,', '"session_id": 999,', 1), "not in the exercises table"),
    "NaN": ("measurements", lambda text: text.replace("71.5", "NaN"), "not a finite number"),
    "1e308": ("measurements", lambda text: text.replace("71.5", "1e308"), "outside -360 to 360"),
    "pain 11": ("checkins", lambda text: text.replace('"pain_nrs": 3', '"pain_nrs": 11', 1), "11 is outside 0 to 10"),
    "a date in year 1": ("proms", lambda text: text.replace("2026-01-04T08:30:00", "0001-01-04T08:30:00", 1), "too long ago"),
    "a 500-character id": ("exercises", lambda text: text.replace('"exercise_id": "hinge"', '"exercise_id": "' + "h" * 500 + '"', 1), "more than the 60"),
    "an unknown status": ("sessions", lambda text: text.replace('"closed"', '"done"', 1), "not a session status"),
}


@pytest.mark.parametrize("edit", list(EDITS), ids=list(EDITS))
def test_an_edited_export_is_refused_whole_and_a_clean_import_then_works(export_dir, tmp_path, capsys, edit):
    kind, change, words = EDITS[edit]
    folder = tmp_path / "edited"
    shutil.copytree(export_dir, folder)
    _edit(folder, kind, change)
    clinic = tmp_path / "clinic.sqlite"
    assert main(["import", str(folder), PATIENT, "--store", str(clinic)]) == 2
    assert words in _one_line_error(capsys.readouterr().err)
    store = SessionStore(f"sqlite:///{clinic}")
    assert store.patients() == ()  # nothing half-imported
    store.close()
    assert main(["import", str(export_dir), PATIENT, "--store", str(clinic)]) == 0  # so a clean import is not refused


def test_a_failure_inside_the_transaction_leaves_nothing(export_dir, tmp_path, monkeypatch):
    from motionrehab.records import export as export_module

    record = export_module.read_tables(export_dir, PATIENT, "json")
    broken = dataclasses.replace(record, decisions=(None,))  # fails at the last table, after every other row was inserted
    monkeypatch.setattr(export_module, "check_record", lambda record: None)
    store = SessionStore(f"sqlite:///{tmp_path / 'c.sqlite'}")
    with pytest.raises(AttributeError):
        export_module.import_record(broken, store)
    assert store.patients() == ()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sessions").scalar() == 0
    store.close()


# -- 11: dates --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1900-01-01"])
def test_a_prescription_start_far_from_today_is_refused(tmp_path, capsys, day):
    path = tmp_path / "rx.yaml"
    path.write_text(EXAMPLE.read_text().replace("start_date: 2026-01-05", f"start_date: {day}"))
    store = tmp_path / "s.sqlite"
    assert main(["program", "assign", str(path), "--store", str(store)]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert f"start_date: {day} is" in line and "are accepted" in line and "check the year" in line
    assert not store.exists()


@pytest.mark.parametrize("at", ["1900-01-01T08:00", "9999-01-01T08:00"])
def test_a_checkin_far_from_today_is_refused(tmp_path, capsys, at):
    store = tmp_path / "s.sqlite"
    assert main(["checkin", "P-1", "--pain", "2", "--no-tingling", "--no-numbness", "--no-red-flags", "--at", at, "--store", str(store)]) == 2
    assert "--at: " in _one_line_error(capsys.readouterr().err)
    assert not store.exists()


def test_manifest_json_is_checked(export_dir, tmp_path, capsys):
    folder = tmp_path / "m"
    shutil.copytree(export_dir, folder)
    (folder / f"{PATIENT}_manifest.json").write_text(json.dumps({"patient_pseudonym": "P-OTHER"}))
    assert main(["import", str(folder), PATIENT, "--store", str(tmp_path / "c.sqlite")]) == 2
    assert "not an export of 'P-7F3A2C'" in _one_line_error(capsys.readouterr().err)


@pytest.mark.parametrize("args", [["pose", "0", "--out", "o", "--seconds", "nan"], ["analyze", "hip-hinge", "x.csv", "--target-depth-deg", "nan"],
                                  ["sensors", "scan", "--seconds", "inf"], ["session", "--rest-s", "nan", "--headless"],
                                  ["measure", "slr", "x.csv", "--side", "left", "--mdc-deg", "-1"]])  # fmt: skip
def test_nan_and_out_of_range_numbers_are_refused_by_every_numeric_option(tmp_path, capsys, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert "is not a plausible value" in line and "How to fix: give a number of" in line
    assert list(tmp_path.iterdir()) == []
