"""A folder of recordings for batch tests: 6 synthetic hinge sets of known truth and 2 broken files."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.cli.main import main
from motionrehab.synth.camera import Realism
from motionrehab.synth.exercises import HingeRep, hip_hinge_set

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


@pytest.fixture(scope="session")
def hinge_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Truth]]:
    folder = tmp_path_factory.mktemp("recordings")
    truth = {}
    for i, (reps, trunk, height, noisy) in enumerate(RECORDINGS):
        recording = hip_hinge_set([_rep(trunk)] * reps, seed=i, height_m=height, lead_in_s=1.5,
                                  realism=Realism() if noisy else Realism.none())  # fmt: skip
        sub = folder / ("clinic_a" if i % 2 else "clinic_b")
        write_pose_csv(sub / f"hinge_{i}.csv", recording.track)
        truth[f"hinge_{i}"] = Truth(reps, _rep(trunk).hip_flexion_deg)
    text = (folder / "clinic_b" / "hinge_0.csv").read_text()
    (folder / "truncated.csv").write_text(text[: len(text) - 300])  # breaks off mid-row
    (folder / "notes.csv").write_text("a,b\n1,2\n")  # a CSV of something else
    (folder / ".hidden.csv").write_text("not looked at\n")
    return folder, truth


@pytest.fixture(scope="session")
def local_run(hinge_folder, tmp_path_factory):
    """The batch over the folder on the local pool (2 workers), with two recordings mapped to patients."""
    folder, truth = hinge_folder
    work = tmp_path_factory.mktemp("local")
    out = work / "out"
    patients = work / "patients.csv"
    patients.write_text("path,patient\nhinge_1.csv,P-0001\nhinge_2.csv,P-0002\n")
    store = work / "store.sqlite"
    status = main(["batch", str(folder), "--task", "hip-hinge", "--out", str(out), "--workers", "2",
                   "--patient-map", str(patients), "--store", str(store), "--json"])  # fmt: skip
    return status, out, store, truth, folder, patients


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
