"""Every CSV the toolkit writes is a plain table: pandas.read_csv(path) with no options reads the values written.

Metadata that used to sit in '# key: value' lines above the header is in a JSON sidecar
(<name>.csv.json); files in the old form are still read.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from motionrehab._csv_sidecar import sidecar_path
from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.cli.main import main
from motionrehab.kinematics.angle_csv import read_angle_csv, write_angle_csv
from motionrehab.kinematics.angle_table import AngleTable
from motionrehab.records.export import read_record, write_tables
from motionrehab.sensors.ble.recording import FootpodTrack, read_footpod_csv, write_footpod_csv
from motionrehab.sensors.imu_csv import read_imu_csv, write_imu_csv
from motionrehab.synth.camera import PinholeCamera, Realism
from motionrehab.synth.exercises import HingeRep, SlrTrial, hip_hinge_set, supine_slr
from motionrehab.synth.foot_imu import synthesize_foot_walk

SLR_CAMERA = PinholeCamera(distance_m=4.0, height_m=0.6, roll_deg=10.0, target_m=(0.3, 0.6, 0.0), image_width_px=1920, image_height_px=1080)

sys_path_records = Path(__file__).resolve().parent / "records"


def _as_written(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):  # pandas reads true/false cells as booleans
        return "true" if value else "false"
    return "" if isinstance(value, float) and math.isnan(value) else str(value)


def assert_plain_table(path: Path) -> pd.DataFrame:
    """pandas with default options reads exactly the header and the cells the csv module reads."""
    text = path.read_text(encoding="utf-8")
    assert not text.startswith("#"), f"{path.name} starts with a comment line"
    rows = [row for row in csv.reader(text.splitlines()) if row]
    frame = pd.read_csv(path)
    assert list(frame.columns) == rows[0], path.name
    assert len(frame) == len(rows) - 1, path.name
    for j, name in enumerate(rows[0]):
        cells = [row[j] for row in rows[1:]]
        numbers = []
        for cell in cells:
            try:
                numbers.append(math.nan if cell == "" else float(cell))
            except ValueError:
                break
        else:  # a numeric column: pandas holds the same numbers (NaN where the cell is empty)
            if cells:
                assert np.array_equal(frame[name].to_numpy(dtype=float), np.array(numbers), equal_nan=True), f"{path.name}: {name}"
            continue
        booleans_any_case = [c.lower() if c.lower() in ("true", "false") else c for c in cells]
        assert [_as_written(v) for v in frame[name]] == booleans_any_case, f"{path.name}: {name}"
    return frame


def test_every_csv_the_commands_write_opens_in_pandas_with_no_options(tmp_path, capsys):
    hinge_rec = hip_hinge_set([HingeRep(trunk_deg=65.0, knee_flexion_deg=20.0), HingeRep(trunk_deg=42.0, knee_flexion_deg=62.0, shin_deg=15.0)],
                              camera=PinholeCamera(roll_deg=6.0), realism=Realism(), seed=1)  # fmt: skip
    pose = write_pose_csv(tmp_path / "hinge_pose.csv", [hinge_rec.track])
    slr_pose = write_pose_csv(tmp_path / "slr_pose.csv", [supine_slr([SlrTrial(60), SlrTrial(64)], side="left", camera=SLR_CAMERA, realism=Realism(), seed=3).track])
    walk = write_imu_csv(tmp_path / "foot.csv", synthesize_foot_walk(8).recording)
    hinge, slr, gait, angles = tmp_path / "hinge", tmp_path / "slr", tmp_path / "gait", tmp_path / "angles.csv"
    assert main(["analyze", "hip-hinge", str(pose), "--out", str(hinge)]) == 0
    assert main(["measure", "slr", str(slr_pose), "--side", "left", "--out", str(slr)]) == 0
    assert main(["analyze", "gait", str(walk), "--out", str(gait)]) == 0
    assert main(["angles", str(pose), "--out", str(angles)]) == 0
    capsys.readouterr()
    written = sorted(tmp_path.rglob("*.csv"))
    names = {p.name for p in written}
    assert {"hinge_pose.csv", "slr_pose.csv", "hinge_repetitions.csv", "slr_trials.csv", "gait_strides.csv", "angles.csv", "foot.csv"} <= names
    for path in written:
        assert_plain_table(path)
    hinge_reps = pd.read_csv(hinge / "hinge_repetitions.csv")
    summary = json.loads((hinge / "hinge_summary.json").read_text())
    assert len(hinge_reps) == len(summary["repetitions"]) == 2
    assert len(pd.read_csv(slr / "slr_trials.csv")) == 2 and len(pd.read_csv(gait / "gait_strides.csv")) == 8


def test_an_exported_record_opens_in_pandas_table_by_table(tmp_path):
    import sys

    sys.path.insert(0, str(sys_path_records))
    from record_fixture import PATIENT, write_record

    store = write_record(f"sqlite:///{tmp_path / 'store.sqlite'}")
    record = read_record(store, PATIENT)
    store.close()
    files = [p for p in write_tables(record, tmp_path / "export", "csv", exported_at=record_time()) if p.suffix == ".csv"]
    assert len(files) >= 8
    for path in files:
        frame = assert_plain_table(path)
        kind = path.stem.removeprefix(f"{PATIENT}_")
        assert len(frame) == len(record.table(kind)), kind


def record_time():
    import datetime as dt

    return dt.datetime(2026, 3, 1, 12, 0)


def test_the_angle_csv_keeps_its_metadata_in_the_sidecar_and_reads_back_exactly(tmp_path):
    t = np.arange(5) / 30.0
    table = AngleTable(t_s=t, columns={"left_knee_flexion_deg": np.array([1.5, np.nan, 3.25, 4.0, 5.0]), "trunk_inclination_deg": t * 10},
                       person_id=2, camera_roll_deg=-3.7, source="clip.mp4\nsecond line")  # fmt: skip
    path = write_angle_csv(tmp_path / "angles.csv", table)
    frame = assert_plain_table(path)
    assert list(frame.columns) == ["t_s", "left_knee_flexion_deg", "trunk_inclination_deg"] and frame["left_knee_flexion_deg"].isna().sum() == 1
    meta = json.loads(sidecar_path(path).read_text())
    assert meta == {"describes": "angles.csv", "person_id": 2, "camera_roll_deg": -3.7, "source": "clip.mp4\nsecond line"}
    assert (sidecar_path(path).stat().st_mode & 0o777) == 0o600
    back = read_angle_csv(path)
    assert (back.person_id, back.camera_roll_deg, back.source) == (2, -3.7, "clip.mp4\nsecond line")
    assert np.array_equal(back["left_knee_flexion_deg"], table["left_knee_flexion_deg"], equal_nan=True) and np.array_equal(back.t_s, t)


def test_an_angle_csv_in_the_old_form_with_comment_lines_is_still_read(tmp_path):
    old = tmp_path / "old_angles.csv"
    old.write_text("# person_id: 1\n# camera_roll_deg: 2.5\n# source: old.mp4\nt_s,left_hip_flexion_deg\n0.0,10.0\n0.5,\n")
    table = read_angle_csv(old)
    assert (table.person_id, table.camera_roll_deg, table.source) == (1, 2.5, "old.mp4")
    assert np.array_equal(table["left_hip_flexion_deg"], [10.0, np.nan], equal_nan=True)


def test_the_inertial_and_footpod_csvs_put_placement_and_device_in_the_sidecar(tmp_path):
    recording = synthesize_foot_walk(4).recording
    recording = dataclasses.replace(recording, device="WT901BLE67 C0:FF:EE:00:00:02")
    path = write_imu_csv(tmp_path / "foot.csv", recording)
    assert_plain_table(path)
    meta = json.loads(sidecar_path(path).read_text())
    assert (meta["placement"], meta["side"], meta["axis_convention"]) == (recording.placement, recording.side, recording.axis_convention)
    back = read_imu_csv(path)
    assert (back.placement, back.side, back.axis_convention, back.device) == (recording.placement, recording.side, recording.axis_convention, recording.device)

    footpod = FootpodTrack(np.array([0.0, 1.0]), np.array([1.2, 1.3]), np.array([110.0, 112.0]), np.array([np.nan, 1.3]),
                           np.array([0.0, 1.25]), np.array([False, True]), "Stryd AA:BB", "test")  # fmt: skip
    path = write_footpod_csv(tmp_path / "pod.csv", footpod, placement="foot")
    assert_plain_table(path)
    assert json.loads(sidecar_path(path).read_text())["device"] == "Stryd AA:BB"
    assert read_footpod_csv(path).device == "Stryd AA:BB"


def test_an_old_inertial_csv_with_comment_lines_wins_over_nothing_and_over_a_sidecar(tmp_path):
    recording = synthesize_foot_walk(4).recording
    path = write_imu_csv(tmp_path / "foot.csv", recording)
    body = path.read_text()
    path.write_text(f"# placement: {recording.placement}\n# side: left\n" + body)  # edited by hand, old style
    assert read_imu_csv(path).side == "left"
    sidecar_path(path).unlink()
    assert read_imu_csv(path).placement == recording.placement


@pytest.mark.parametrize("content", ["[1, 2]", "{not json"])
def test_a_broken_sidecar_is_a_clear_error(tmp_path, content):
    from motionrehab.errors import InputFileError

    table = AngleTable(t_s=np.arange(3) / 30.0, columns={"trunk_inclination_deg": np.zeros(3)}, person_id=0, camera_roll_deg=0.0, source="x")
    path = write_angle_csv(tmp_path / "angles.csv", table)
    sidecar_path(path).write_text(content)
    with pytest.raises(InputFileError, match="sidecar"):
        read_angle_csv(path)
