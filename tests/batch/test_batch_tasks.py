"""Every task through one mixed manifest: the figures and files of pose, angles, gait and slr equal their single commands'."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from batch_helpers import read_csv, run_main, single_command

from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.capture.pose_parquet import read_pose_file, write_pose_parquet
from motionrehab.records.store import SessionStore
from motionrehab.sensors.imu_csv import write_imu_csv
from motionrehab.synth.camera import Realism
from motionrehab.synth.exercises import SlrTrial, supine_slr, walk
from motionrehab.synth.foot_imu import synthesize_foot_walk
from motionrehab.synth.shin_imu import supine_slr_shin_imu

VIDEO = "pose2sim/Demo_SinglePerson/cam01.mp4"
FRAMES = 30  # the first half second of the real video keeps the two pose runs short


def _first_frames(source: Path, target: Path, frames: int) -> None:
    import cv2

    capture = cv2.VideoCapture(str(source))
    fps = capture.get(cv2.CAP_PROP_FPS)
    writer = None
    for _ in range(frames):
        ok, image = capture.read()
        assert ok, source
        if writer is None:
            writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"mp4v"), fps, (image.shape[1], image.shape[0]))
        writer.write(image)
    capture.release()
    assert writer is not None
    writer.release()
TRIALS = [SlrTrial(55), SlrTrial(65)]


@pytest.fixture(scope="module")
def mixed(hinge_folder, tmp_path_factory, shared_data):
    folder = tmp_path_factory.mktemp("mixed")
    foot = synthesize_foot_walk(6)
    write_imu_csv(folder / "left_foot.csv", foot.recording)
    walking = walk(strides=5, seed=2, realism=Realism())
    write_pose_parquet(folder / "walk_side.parquet", walking.track)
    slr = supine_slr(TRIALS, side="left", seed=4)
    write_pose_csv(folder / "slr_left.csv", slr.track)
    shin, _ = supine_slr_shin_imu(TRIALS, side="left", seed=4)
    write_imu_csv(folder / "shin_left.csv", shin)
    shutil.copy(next(hinge_folder[0].rglob("hinge_1.csv")), folder / "hinge.csv")
    _first_frames(shared_data / VIDEO, folder / "cam01.mp4", FRAMES)
    (folder / "damaged.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42 not really a video")
    manifest = folder / "manifest.csv"
    manifest.write_text("path,task,side,patient,height_m\n"
                        "left_foot.csv,gait,,,\nwalk_side.parquet,gait,,,1.70\nslr_left.csv,slr,left,P-0007,\n"
                        "shin_left.csv,slr,left,,\nhinge.csv,angles,,,\ncam01.mp4,pose,,,\ndamaged.mp4,pose,,,\n")  # fmt: skip
    out = folder / "out"
    store = folder / "store.sqlite"
    status = run_main(["batch", str(manifest), "--task", "angles", "--out", str(out), "--workers", "2",
                                         "--store", str(store), "--json"])  # fmt: skip
    return folder, out, store, status, foot, walking


@pytest.mark.slow
@pytest.mark.realdata
def test_every_task_matches_its_single_command(mixed, capsys, tmp_path):
    folder, out, store_path, (status, text), foot, walking = mixed
    assert status == 3, text
    summary = {row["output"]: row for row in read_csv(out / "summary.csv")}
    assert {stem: row["status"] for stem, row in summary.items()} == {
        "left_foot": "ok", "walk_side": "ok", "slr_left": "ok", "shin_left": "ok", "hinge": "ok", "cam01": "ok", "damaged": "failed"}
    assert summary["slr_left"]["task"] == "slr" and summary["slr_left"]["patient"] == "P-0007"

    # gait: an inertial CSV and a pose track as Parquet, each equal to `analyze gait --json`
    for stem, argv in (("left_foot", []), ("walk_side", ["--height-m", "1.70"])):
        code, text, _ = single_command(["analyze", "gait", str(next(folder.glob(f"{stem}.*"))), "--json", *argv], capsys)
        assert code == 0
        assert json.loads((out / stem / "gait_summary.json").read_text()) == json.loads(text)
        assert float(summary[stem]["cadence_steps_per_min"]) == json.loads(text)["cadence_steps_per_min"]
    assert int(summary["left_foot"]["strides"]) == 6  # the synthetic truth
    assert float(summary["left_foot"]["cadence_steps_per_min"]) == pytest.approx(120 / 1.1, abs=1.0)

    # slr: camera and shin sensor, equal to `measure slr --json`
    for stem in ("slr_left", "shin_left"):
        code, text, _ = single_command(["measure", "slr", str(folder / f"{stem}.csv"), "--side", "left", "--json"], capsys)
        assert code == 0
        single = json.loads(text)
        batch = json.loads((out / stem / "slr_summary.json").read_text())
        assert batch == {key: single[key] for key in batch}
        assert float(summary[stem]["mean_peak_deg"]) == pytest.approx(60.0, abs=2.0)
    store = SessionStore(f"sqlite:///{store_path}")
    try:
        stored = store.measurements("P-0007", "slr_peak_deg")  # unrounded, as `measure slr --patient` stores it
        assert [(round(m.value, 2), m.side) for m in stored] == [(float(summary["slr_left"]["mean_peak_deg"]), "left")]
    finally:
        store.close()

    # angles: the same file as `motionrehab angles`
    code, _, _ = single_command(["angles", str(folder / "hinge.csv"), "--out", str(tmp_path / "angles.csv")], capsys)
    assert code == 0
    assert (out / "hinge" / "angles.csv").read_bytes() == (tmp_path / "angles.csv").read_bytes()

    # pose: a real video, the same pose-track CSV as `motionrehab pose`; a damaged one fails with the command's message
    code, _, _ = single_command(["pose", str(folder / "cam01.mp4"), "--out", str(tmp_path / "pose")], capsys)
    assert code == 0
    assert (out / "cam01" / "cam01_pose.csv").read_bytes() == (tmp_path / "pose" / "cam01_pose.csv").read_bytes()
    assert int(summary["cam01"]["frames_read"]) == FRAMES
    assert int(summary["cam01"]["frames_with_person"]) >= FRAMES - 2 and summary["cam01"]["people"] == "1"
    code, _, _ = single_command(["pose", str(folder / "cam01.mp4"), "--out", str(tmp_path / "pose"), "--format", "parquet"], capsys)
    assert code == 0
    from_parquet, from_csv = read_pose_file(tmp_path / "pose" / "cam01_pose.parquet"), read_pose_file(out / "cam01" / "cam01_pose.csv")
    assert from_parquet.keys() == from_csv.keys()
    for person, track in from_csv.items():
        np.testing.assert_array_equal(from_parquet[person].landmarks_px, track.landmarks_px)
        np.testing.assert_array_equal(from_parquet[person].world_m, track.world_m)
    code, _, err = single_command(["pose", str(folder / "damaged.mp4"), "--out", str(tmp_path / "pose")], capsys)
    failures = {Path(row["input"]).name: row["error"] for row in read_csv(out / "failures.csv")}
    assert code == 2 and failures == {"damaged.mp4": " ".join(err.removeprefix("error: ").split("\n")).strip()}

    # one Parquet table per task
    tables = {path.name: pq.read_table(path) for path in out.glob("results*.parquet")}
    assert sorted(tables) == ["results-angles.parquet", "results-pose.parquet", "results-slr.parquet", "results.parquet"]
    assert set(tables["results.parquet"].column("task").to_pylist()) == {"gait"}
    assert "mean_peak_deg" in tables["results-slr.parquet"].column_names
