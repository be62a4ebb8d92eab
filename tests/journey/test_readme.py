"""README's usage story runs as written: its first bash block, line by line, in a fresh folder with a fresh store."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def usage_commands() -> list[str]:
    """The command lines of the first ```bash block under '## Usage' (comments dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    usage = text[text.index("## Usage") :]
    block = re.search(r"```bash\n(.*?)```", usage, re.S)
    assert block, "README's Usage section has no bash block"
    return [line for line in (shlex.split(row, comments=True) for row in block.group(1).splitlines()) if line]


def test_the_usage_block_is_one_patients_story_dated_from_today():
    commands = usage_commands()
    patients = {word for line in commands for word in line if word.startswith("P-")}
    assert patients == {"P-7F3A2C"}
    assert ["motionrehab", "program", "assign", "examples/prescription.yaml", "--start", "today"] in commands
    assert all(line[0] == "motionrehab" for line in commands)


@pytest.mark.slow
def test_every_usage_line_runs_as_written(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")  # what a fresh clone has beside the README
    env = {**os.environ, "MOTIONREHAB_STORE": str(tmp_path / "store.sqlite"), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    outputs = {}
    for line in usage_commands():
        done = subprocess.run(line, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{shlex.join(line)} -> {done.returncode}\n{done.stdout}\n{done.stderr}"
        outputs.setdefault(" ".join(line[1:3]), []).append(done.stdout)
    # The story holds together: the first report is a baseline, the logged and filmed work counts, the exports exist.
    assert "first visit: baseline only" in outputs["report P-7F3A2C"][0]
    assert "Still to do today: breathing, glide, hinge, bridge, walk." in outputs["today P-7F3A2C"][0]
    # The demo's filmed set has 6 of the 16 planned hinge repetitions; the logged 10-minute walk outweighs the filmed clip.
    assert "Done today: 6 repetitions (measured), 38 % of today's dose." in outputs["today P-7F3A2C"][1]
    assert "Done today: 10 min (logged), 100 % of today's dose." in outputs["today P-7F3A2C"][1]
    assert "Still to do today: hinge." in outputs["today P-7F3A2C"][1]
    week = outputs["adherence P-7F3A2C"][0]
    assert "glide: done in 1 of 7 prescribed sessions, 100 % of the planned dose in those (logged)" in week
    assert "hinge: done in 1 of 5 prescribed sessions" in week and "(measured)" in week
    assert (tmp_path / "export" / "P-7F3A2C_fhir_bundle.json").is_file() and (tmp_path / "report.html").is_file()
