"""motionrehab batch on the local process pool: summary, failures, figures equal to the single command's, resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from batch_helpers import BROKEN, copy_folder, load_marker, read_csv, single_command

from motionrehab.batch import collect_inputs
from motionrehab.errors import InputFileError
from motionrehab.records.store import SessionStore


def test_summary_has_a_row_per_recording_and_the_failures_listed(local_run, capsys):
    status, out, _, truth, folder, _ = local_run
    assert status == 3  # some failed
    rows = {Path(row["input"]).stem: row for row in read_csv(out / "summary.csv")}
    assert sorted(rows) == sorted([*truth, "truncated", "notes"])  # the hidden file is not an input
    assert {rows[name]["status"] for name in truth} == {"ok"}
    assert {rows[Path(name).stem]["status"] for name in BROKEN} == {"failed"}
    assert all(float(row["seconds"]) > 0 for row in rows.values())
    # the failures hold the single command's own message, on one line
    failures = {Path(row["input"]).name: row["error"] for row in read_csv(out / "failures.csv")}
    assert sorted(failures) == sorted(BROKEN)
    for name in BROKEN:
        code, _, err = single_command(["analyze", "hip-hinge", str(folder / name)], capsys)
        assert code == 2
        assert failures[name] == " ".join(err.removeprefix("error: ").split("\n")).strip()
    assert "line" in failures["truncated.csv"] and "truncated" in failures["truncated.csv"]


def test_figures_match_the_truth_and_the_single_command(local_run, capsys):
    _, out, _, truth, folder, _ = local_run
    rows = {Path(row["input"]).stem: row for row in read_csv(out / "summary.csv")}
    for stem, known in truth.items():
        row = rows[stem]
        assert int(row["reps"]) == known.reps
        assert abs(float(row["mean_peak_hip_flexion_deg"]) - known.peak_hip_flexion_deg) < 4.0
    # the same figures as `motionrehab analyze hip-hinge --json`, and the same files as its --out
    for stem in ("hinge_1", "hinge_2", "hinge_5"):
        path = next(folder.rglob(f"{stem}.csv"))
        single_out = out.parent / f"single_{stem}"
        code, text, _ = single_command(["analyze", "hip-hinge", str(path), "--json", "--out", str(single_out)], capsys)
        assert code == 0
        single = json.loads(text)
        assert json.loads((out / stem / "hinge_summary.json").read_text()) == single
        assert rows[stem]["reps"] == str(single["reps"]) and rows[stem]["set_score_0_100"] == str(single["score"])
        for name in ("hinge_summary.json", "hinge_repetitions.csv", "angles.csv"):
            assert (out / stem / name).read_bytes() == (single_out / name).read_bytes(), name


def test_results_parquet_holds_the_summary(local_run):
    _, out, _, truth, _, _ = local_run
    table = pq.read_table(out / "results.parquet").to_pylist()
    by_stem = {row["output"]: row for row in table}
    summary = {row["output"]: row for row in read_csv(out / "summary.csv")}
    assert len(table) == len(summary) == 8
    for stem in truth:
        assert by_stem[stem]["reps"] == int(summary[stem]["reps"])
        assert by_stem[stem]["mean_peak_hip_flexion_deg"] == float(summary[stem]["mean_peak_hip_flexion_deg"])
    assert by_stem["notes"]["status"] == "failed" and "pose-track CSV" in by_stem["notes"]["error"]


def test_output_is_private(local_run):
    _, out, *_ = local_run
    for path in [out, *out.rglob("*")]:
        assert (path.stat().st_mode & 0o077) == 0, path


def test_patients_measurements_go_to_the_store_once(local_run):
    _, out, store_path, _, folder, patients = local_run
    rows = {row["output"]: row for row in read_csv(out / "summary.csv")}
    store = SessionStore(f"sqlite:///{store_path}")
    try:
        for stem, patient in (("hinge_1", "P-0001"), ("hinge_2", "P-0002")):
            stored = store.measurements(patient, "hinge_trunk_inclination_deg")
            # what `analyze hip-hinge --patient` stores too: the deepest repetition without faults
            reps = json.loads((out / stem / "hinge_summary.json").read_text())["repetitions"]
            deepest_good = max(r["peak_trunk_inclination_deg"] for r in reps if not r["faults"])
            assert [m.value for m in stored] == [pytest.approx(deepest_good, abs=0.01)]
            assert rows[stem]["patient"] == patient
        assert store.patients() == ("P-0001", "P-0002")
    finally:
        store.close()
    assert load_marker(out / "hinge_1")["stored"] is True


def test_stems_are_unique_safe_and_inside_the_out_folder(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        (tmp_path / "in" / sub / "walk 1 (left).csv").write_text("t_s\n")
    out = tmp_path / "in" / "results"  # inside an input folder: never scanned
    (out / "old").mkdir(parents=True)
    (out / "old" / "angles.csv").write_text("t_s\n")
    items = collect_inputs([tmp_path / "in"], task="angles", out_dir=out)
    stems = [item.stem for item in items]
    assert len(items) == 2 and len(set(stems)) == 2
    assert all(stem.startswith("walk_1_left-") and "/" not in stem for stem in stems)
    again = collect_inputs([tmp_path / "in" / "b", tmp_path / "in" / "a"], task="angles", out_dir=out)
    assert {i.input: i.stem for i in again} == {i.input: i.stem for i in items}  # stable run after run
    with pytest.raises(InputFileError, match="no batch task named 'squat-jump'"):
        collect_inputs([tmp_path / "in"], task="squat-jump", out_dir=out)


def test_manifest_gives_paths_patients_sides_and_options(hinge_folder, tmp_path):
    folder, _ = hinge_folder
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"path,patient,side,target_depth_deg\n{folder}/clinic_b/hinge_0.csv,P-9,left,80\nmissing.csv,,,\n")
    items = collect_inputs([manifest], task="hip-hinge", out_dir=tmp_path / "out")
    assert [i.patient for i in items] == ["P-9", None]
    assert items[0].recording.options == {"target_depth_deg": "80"} and items[0].recording.side == "left"
    assert items[1].input == str(tmp_path / "missing.csv")  # relative to the manifest; fails in its own row
    manifest.write_text(f"path,target_dpeth_deg\n{folder}/clinic_b/hinge_0.csv,80\n")
    with pytest.raises(InputFileError, match="target_dpeth_deg: not an option of the task 'hip-hinge'"):
        collect_inputs([manifest], task="hip-hinge", out_dir=tmp_path / "out")


def _run_cli(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "motionrehab.cli.main", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)  # fmt: skip


@pytest.mark.slow
def test_resume_after_kill_keeps_what_finished_and_does_the_rest_once(hinge_folder, tmp_path, capsys):
    # three recordings and a broken file keep it short
    folder = copy_folder(hinge_folder[0] / "clinic_a", tmp_path / "in")
    (folder / "truncated.csv").write_bytes((hinge_folder[0] / "truncated.csv").read_bytes())
    truth = {stem: t for stem, t in hinge_folder[1].items() if (folder / f"{stem}.csv").exists()}
    assert len(truth) == 3
    out = tmp_path / "out"
    args = ["batch", str(folder), "--task", "hip-hinge", "--out", str(out), "--workers", "1", "--json"]
    process = _run_cli(args)
    try:
        deadline = time.monotonic() + 300
        while not list(out.glob("*/batch_result.json")):  # poll for the first finished recording
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no recording finished in 300 s"
            time.sleep(0.02)
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the whole batch: parent and worker, as a power cut would
        process.wait()
    finished = {path.parent.name: path.read_bytes() for path in out.glob("*/batch_result.json")}
    assert 1 <= len(finished) < 4
    assert not (out / "summary.csv").exists()  # the kill came before the end

    status, text, _ = single_command(args, capsys)
    assert status == 3
    summary = json.loads(text)
    by_stem = {r["output"]: r for r in summary["recordings"]}
    ok_before = {stem for stem in finished if json.loads(finished[stem])["status"] == "ok"}
    assert {stem for stem, r in by_stem.items() if r["status"] == "skipped"} == ok_before
    for stem in ok_before:  # kept as they were
        assert (out / stem / "batch_result.json").read_bytes() == finished[stem]
    assert summary["ok"] == len(truth) - len(ok_before) and summary["failed"] == 1
    assert {stem: by_stem[stem]["figures"]["reps"] for stem in truth} == {stem: t.reps for stem, t in truth.items()}

    # a changed input is analysed again, and only it (with the failed one: failures are always tried again)
    changed = folder / "hinge_3.csv"
    with open(changed, "a") as handle:
        handle.write("\n")
    status, text, _ = single_command(args, capsys)
    third = json.loads(text)
    assert {r["output"]: r["status"] for r in third["recordings"]} == {"hinge_1": "skipped", "hinge_3": "ok", "hinge_5": "skipped",
                                                                         "truncated": "failed"}  # fmt: skip
    # --force redoes a finished one
    manifest = tmp_path / "one.csv"
    manifest.write_text(f"path\n{changed}\n")
    status, text, _ = single_command(["batch", str(manifest), "--task", "hip-hinge", "--out", str(out), "--force", "--json"], capsys)
    assert status == 0 and [r["status"] for r in json.loads(text)["recordings"]] == ["ok"]


@pytest.mark.slow
def test_ctrl_c_keeps_what_finished_and_writes_its_summary(hinge_folder, tmp_path):
    folder = copy_folder(hinge_folder[0] / "clinic_b", tmp_path / "in")
    out = tmp_path / "out"
    process = _run_cli(["batch", str(folder), "--task", "hip-hinge", "--out", str(out), "--workers", "1"])
    deadline = time.monotonic() + 300
    while not list(out.glob("*/batch_result.json")):  # poll for the first finished recording
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no recording finished in 300 s"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group: parent and workers
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert b"aborted" in err
    finished = {path.parent.name for path in out.glob("*/batch_result.json")}
    rows = read_csv(out / "summary.csv")
    assert 1 <= len(rows) < 3 and {row["output"] for row in rows} == finished
    assert {row["status"] for row in rows} == {"ok"}


def test_an_exercise_joins_with_one_line(hinge_folder, capsys):
    from motionrehab.batch import TASKS, Recording, pose_exercise_task, register_task
    from motionrehab.batch.worker import run_job
    from motionrehab.measures.hip_hinge import analyze_hip_hinge_track

    register_task(pose_exercise_task("hinge-again", analyze_hip_hinge_track))
    try:
        path = next(hinge_folder[0].rglob("hinge_2.csv"))
        result = run_job(Recording(path=str(path), task="hinge-again"))
        assert result.ok, result.error
        code, text, _ = single_command(["analyze", "hip-hinge", str(path), "--json"], capsys)
        single = json.loads(text)
        assert json.loads(result.files["hinge_again_summary.json"]) == single
        assert (result.figures["reps"], result.figures["score"], result.figures["view"]) == (single["reps"], single["score"], single["view"])
        assert "repetitions" not in result.figures  # lists and objects stay in the summary file
    finally:
        TASKS.pop("hinge-again")
