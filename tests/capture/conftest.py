"""Capture fixtures: each real clip runs through estimate_poses once per test session."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from motionrehab.capture.estimate import PoseEstimationResult, estimate_poses

CLIPS = ("Demo_SinglePerson/cam01.mp4", "Demo_SinglePerson/cam02.mp4", "Demo_MultiPerson/cam01.mp4")


@pytest.fixture(scope="session")
def pose_results(shared_data, pose_model_path) -> dict[str, PoseEstimationResult]:
    """estimate_poses (default settings: up to 2 people) on each Pose2Sim clip, by clip path."""
    return {clip: estimate_poses(shared_data / "pose2sim" / clip, model=pose_model_path) for clip in CLIPS}


@pytest.fixture(scope="session")
def rotated_video(shared_data, tmp_path_factory) -> Path:
    """SinglePerson/cam01 with its track header's display matrix set to 90 degrees, as phones write it."""
    data = bytearray((shared_data / "pose2sim/Demo_SinglePerson/cam01.mp4").read_bytes())
    tkhd = data.index(b"tkhd")
    assert data[tkhd + 4] == 0  # version-0 track header: the matrix starts 40 bytes after the box type
    matrix = tkhd + 4 + 40
    data[matrix : matrix + 36] = struct.pack(">9I", 0, 0x00010000, 0, 0xFFFF0000, 0, 0, 0, 0, 0x40000000)
    path = tmp_path_factory.mktemp("rotated") / "rotated.mp4"
    path.write_bytes(bytes(data))
    return path
