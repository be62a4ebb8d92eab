"""Real walks reach the program through the CLI: a foot-IMU walk with a pain onset (gaitmap) and a lower-back walk (mobgap).

The truth is each data set's own reference (motion capture, Stereophoto), never what the
toolkit measured: walking tolerance = the distance the heel markers travelled up to the pain
marker; cadence from the reference walking bout.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest

from conftest import Cli

PRESCRIPTION = Path(__file__).resolve().parent / "prescription.yaml"
P = "P-7F3A2C"


def _stored(out: str, name: str) -> float:
    found = re.search(rf"{name} ([0-9.]+)", out)
    assert found, out
    return float(found.group(1))


def _heel_path_m(folder: Path, until_s: float) -> float:
    """Distance walked by ``until_s`` from motion capture: the mean of the two heel markers' horizontal paths (100 Hz, mm).

    Sampled every 0.1 s, so that marker jitter while a foot stands still adds about 2 cm, not 20.
    """
    with open(folder / "mocap_sample.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    markers, data = rows[0], [[float(x) for x in row] for row in rows[2:]]
    paths = []
    for marker in ("L_FCC", "R_FCC"):
        column = markers.index(marker)
        points = [(row[column] / 1000, row[column + 1] / 1000) for row in data[: int(until_s * 100) + 1 : 10]]
        paths.append(sum(math.dist(a, b) for a, b in zip(points, points[1:], strict=False)))
    return sum(paths) / 2


@pytest.mark.realdata
@pytest.mark.slow
def test_real_walks_are_stored_once_with_their_tolerance_and_gait(cli: Cli, shared_data: Path) -> None:
    cli("program", "assign", PRESCRIPTION, "--start", "2026-01-05")
    cli("checkin", P, "--pain", "3", "--no-tingling", "--no-numbness", "--no-red-flags", "--at", "2026-01-06T08:00")
    walk = shared_data / "gaitmap" / "imu_sample.csv"
    ran = cli("log", P, "walk", "--recording", walk, "--pain-onset-s", "20", "--at", "2026-01-06T09:00")
    truth = _heel_path_m(shared_data / "gaitmap", 20.0)  # 22.8 m (the 2 x 20 m walk turns at about 16 s)
    assert _stored(ran.out, "walking_tolerance_m") == pytest.approx(truth, rel=0.05)  # measured 22.6 m
    assert _stored(ran.out, "walking_distance_m") == pytest.approx(_heel_path_m(shared_data / "gaitmap", 38.7), rel=0.08)  # 39.3 vs 41.2 m
    assert "(measured)" in ran.out
    # The same file again, even under another command, is not stored twice as a walk.
    again = cli("log", P, "walk", "--recording", walk, "--pain-onset-s", "20", "--at", "2026-01-06T09:30")
    assert "already stored for P-7F3A2C on 2026-01-06 09:00; nothing stored twice" in again.out

    trial = shared_data / "mobgap" / "MS_001_Test5_Trial1"
    ran = cli("analyze", "gait", trial, "--leg-length-m", "0.975", "--patient", P, "--at", "2026-01-06T10:00")
    with open(trial / "reference_stereophoto_wb.csv", encoding="utf-8") as handle:
        (bout,) = list(csv.DictReader(handle))
    assert _stored(ran.out, "cadence_steps_per_min") == pytest.approx(float(bout["avg_cadence_spm"]), abs=5.0)

    ran = cli("adherence", P, "--week", "1", "--today", "2026-01-11")
    # Both measured walks of the day count towards the 100 m prescribed: about 39 m (gaitmap) + 5 m (mobgap) = 44 %.
    share = re.search(r"walk: done in 1 of 2 prescribed sessions, (\d+) % of the planned dose in those \(measured\)", ran.out)
    assert share and int(share.group(1)) == pytest.approx(37.53 + 4.14, abs=5)
