"""Capture fixtures: each real clip runs through estimate_poses once per test session."""

from __future__ import annotations

import pytest

from motionrehab.capture.estimate import PoseEstimationResult, estimate_poses

CLIPS = ("Demo_SinglePerson/cam01.mp4", "Demo_SinglePerson/cam02.mp4", "Demo_MultiPerson/cam01.mp4")


@pytest.fixture(scope="session")
def pose_results(shared_data, pose_model_path) -> dict[str, PoseEstimationResult]:
    """estimate_poses (default settings: up to 2 people) on each Pose2Sim clip, by clip path."""
    return {clip: estimate_poses(shared_data / "pose2sim" / clip, model=pose_model_path) for clip in CLIPS}
