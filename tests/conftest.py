"""Shared test fixtures: paths to ../shared (real recordings, the pose model).

Real-data tests use the ``shared_data`` fixture, which skips with a clear reason when
../shared/data is absent (CI always has it). The pose model is found through
MOTIONREHAB_POSE_MODEL, set here to ../shared/models/pose_landmarker_full.task when the
environment does not already name one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/stick_figure.py and other shared helpers
SHARED = Path(os.environ.get("MOTIONREHAB_SHARED", PROJECT_ROOT.parent / "shared"))
SHARED_DATA = SHARED / "data"
SHARED_POSE_MODEL = SHARED / "models" / "pose_landmarker_full.task"

if "MOTIONREHAB_POSE_MODEL" not in os.environ and SHARED_POSE_MODEL.is_file():
    os.environ["MOTIONREHAB_POSE_MODEL"] = str(SHARED_POSE_MODEL)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real recordings (../shared/data); skips the test when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real recordings not found at {SHARED_DATA} (clone the project beside ../shared)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def pose_model_path() -> Path:
    """The MediaPipe pose model file; skips the test when it is absent."""
    path = Path(os.environ.get("MOTIONREHAB_POSE_MODEL", SHARED_POSE_MODEL))
    if not path.is_file():
        pytest.skip(f"pose model not found at {path} (set MOTIONREHAB_POSE_MODEL)")
    return path


# Hypothesis: CI runs the same examples every time (derandomized, no example database), so
# a red CI run is the code's fault and replays exactly; locally the search stays random and
# remembers what failed. HYPOTHESIS_PROFILE picks a profile explicitly.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"))
