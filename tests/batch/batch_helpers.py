"""Helpers shared by the batch tests (named apart from conftest.py: several test folders have one)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from motionrehab.cli.main import main
from motionrehab.synth.exercises import HingeRep

#: (reps, trunk inclination at the bottom deg, body height m, realistic noise?)
RECORDINGS = [(1, 45.0, 1.60, False), (2, 55.0, 1.75, True), (3, 65.0, 1.85, False),
              (1, 70.0, 1.70, True), (2, 50.0, 1.65, False), (3, 60.0, 1.80, True)]  # fmt: skip
BROKEN = ("truncated.csv", "notes.csv")


@dataclass(frozen=True)
class Truth:
    reps: int
    peak_hip_flexion_deg: float


def _rep(trunk_deg: float) -> HingeRep:
    return HingeRep(trunk_deg=trunk_deg, eccentric_s=2.0, pause_s=0.5, concentric_s=1.5, rest_s=1.0)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def run_main(argv: list[str]) -> tuple[int, str]:
    """Run the CLI in this process (for fixtures, where capsys is not available); returns status and stdout."""
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        status = main(argv)
    return status, text.getvalue()


def single_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def copy_folder(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def load_marker(folder: Path) -> dict:
    return json.loads((folder / "batch_result.json").read_text())
