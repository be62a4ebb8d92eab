"""A folder of recordings for batch tests: 6 synthetic hinge sets of known truth and 2 broken files."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_helpers import RECORDINGS, Truth, _rep, run_main

from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.synth.camera import Realism
from motionrehab.synth.exercises import hip_hinge_set


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
    status, _ = run_main(["batch", str(folder), "--task", "hip-hinge", "--out", str(out), "--workers", "2",
                   "--patient-map", str(patients), "--store", str(store), "--json"])  # fmt: skip
    return status, out, store, truth, folder, patients
