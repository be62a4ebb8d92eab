"""Live patient following on a real video gives the offline pipeline's landmarks, frame for frame."""

import numpy as np
import pytest

from motionrehab.capture.estimate import estimate_poses
from motionrehab.capture.pose_estimator import PoseEstimator
from motionrehab.capture.video import VideoFile
from motionrehab.live.follower import PatientFollower

FRAMES = 60


@pytest.mark.realdata
def test_live_follower_matches_offline_on_the_multi_person_clip(shared_data, pose_model_path):
    video = shared_data / "pose2sim" / "Demo_MultiPerson" / "cam01.mp4"
    offline = estimate_poses(video, model=pose_model_path, max_people=2, max_frames=FRAMES)
    patient = offline.patient()
    with PoseEstimator(pose_model_path, num_poses=2) as estimator:
        follower = PatientFollower(estimator, warmup_s=0.5)
        frames = [follower.process(f.index, f.t_s, f.image_bgr) for f in VideoFile(video, max_frames=FRAMES)]
    assert follower.choice_ is not None and "patient" in follower.choice_.reason
    after_warmup = [f for f in frames if f.t_s >= 0.5]
    assert len(after_warmup) >= 25
    followed = [f for f in after_warmup if f.detection is not None]
    assert len(followed) / len(after_warmup) >= 0.95
    for f in followed:
        # the same model, frames and timestamps: the live landmarks are the offline patient's, exactly
        np.testing.assert_array_equal(f.detection.landmarks_px, patient.landmarks_px[f.index])
    assert all(f.inference_s > 0 for f in frames)
    # only each track's last detection is kept once the patient is chosen: memory stays constant over a long session
    assert all(len(held) == 1 for held in follower.tracker.tracks_.values())
