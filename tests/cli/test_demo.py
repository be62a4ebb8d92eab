"""`motionrehab demo`, the README's first command: runs with no camera and prints truth beside measurement."""

from __future__ import annotations

import json
import re

from motionrehab.cli.main import main


def test_demo_analyses_the_embedded_session_and_keeps_files_private(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "6 repetitions counted (true: 6)" in printed
    hinge = json.loads((out / "hip_hinge_summary.json").read_text())
    assert [rep["faults"] for rep in hinge["repetitions"]] == [[], [], ["squatting"], ["rushed_eccentric"], [], []]
    assert hinge["score"] == 90  # (4 x 100 + 60 + 80) / 6
    slr = json.loads((out / "slr_summary.json").read_text())
    assert abs(slr["left"]["mean_deg"] - (62 + 65 + 63) / 3) < 1.5
    assert [trial["valid"] for trial in slr["right"]["trials"]] == [True, False, True]
    assert "knee bent" in slr["right"]["trials"][1]["invalid_reasons"][0]
    assert abs(slr["right"]["mean_deg"] - 49.0) < 1.5
    walk = json.loads((out / "walk_summary.json").read_text())
    cadence = float(re.search(r"cadence ([0-9.]+) steps/min \(true ([0-9.]+)\)", printed).group(1))
    assert abs(cadence - 120.0 / 1.1) < 0.02 * 120.0 / 1.1
    assert walk["steps"] >= 15
    for path in [out, *out.iterdir()]:
        assert path.stat().st_mode & 0o077 == 0, path
