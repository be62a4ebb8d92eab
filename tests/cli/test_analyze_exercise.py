"""`motionrehab analyze EXERCISE`: one command over the library, the JSON keys, storing under --patient."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.cli.analyze import LIBRARY_EXERCISES
from motionrehab.cli.main import main
from motionrehab.measures.exercises import EXERCISES
from motionrehab.synth import home_exercises as hx

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "prescription.yaml"
KEYS = ("exercise", "view", "reps", "repetitions", "holds", "score", "not_assessed", "notes")


def test_the_cli_lists_every_library_exercise():
    assert set(LIBRARY_EXERCISES) == set(EXERCISES)


def test_bridge_json_out_and_patient_store(tmp_path, capsys):
    pose = write_pose_csv(tmp_path / "bridge.csv", hx.bridge([hx.Rep(), hx.Rep(depth_deg=20.0)]).track)
    store = tmp_path / "store.sqlite"
    assert main(["program", "assign", str(EXAMPLE), "--store", str(store)]) == 0
    capsys.readouterr()
    args = ["analyze", "bridge", str(pose), "--json", "--out", str(tmp_path / "out"), "--patient", "P-7F3A2C", "--store", str(store)]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(key in data for key in KEYS)
    assert data["exercise"] == "bridge" and data["reps"] == 2 and data["view"] == "side"
    assert data["repetitions"][1]["faults"] == ["incomplete_bridge"]
    assert (tmp_path / "out" / "bridge_summary.json").stat().st_mode & 0o077 == 0
    # a second set: what changed since the first one
    assert main(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert any(line.startswith("bridge_reps_count: 2.0") for line in again["changes_since_last"])
    names = {row[0] for row in sqlite3.connect(store).execute("select name from measurements")}
    assert {"bridge_reps_count", "bridge_score_pct", "bridge_hold_s", "bridge_hip_extension_at_top_deg"} <= names


def test_plank_text_and_wrong_view_exit_2(tmp_path, capsys):
    pose = write_pose_csv(tmp_path / "plank.csv", hx.plank([hx.Rep(hold_s=5.0)]).track)
    assert main(["analyze", "plank", str(pose)]) == 0
    out = capsys.readouterr().out
    assert "Holds: 1" in out and "Not assessed" in out
    assert main(["analyze", "side-plank", str(pose)]) == 2
    assert "front view" in capsys.readouterr().err
