"""Skeleton drawing and the overlay video."""

import json
from pathlib import Path

import cv2
import numpy as np

from motionrehab.capture.landmarks import SKELETON_EDGES
from motionrehab.capture.overlay import draw_skeleton, write_overlay_video
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.capture.video import VideoFile

GOLDEN = Path(__file__).parent / "golden"


def test_bones_are_drawn_where_the_landmarks_are_and_hidden_ones_are_not():
    landmarks = np.array(json.loads((GOLDEN / "golden_landmarks.json").read_text())["frames"]["cam01_frame050.png"]["landmarks_px"])
    image = np.zeros((480, 270, 3), np.uint8)
    visibility = np.ones(33)
    visibility[[15, 16]] = 0.1  # wrists hidden
    draw_skeleton(image, landmarks, visibility, colour_bgr=(0, 255, 0))
    for a, b in SKELETON_EDGES:
        if visibility[a] >= 0.5 and visibility[b] >= 0.5:
            mid = np.round((landmarks[a] + landmarks[b]) / 2).astype(int)
            assert image[mid[1], mid[0], 1] > 100, (a, b)
    for hidden, shown in ((15, 13), (16, 14)):  # forearm bones absent
        mid = np.round((landmarks[hidden] + landmarks[shown]) / 2).astype(int)
        if np.linalg.norm(landmarks[hidden] - landmarks[shown]) > 10:
            assert image[mid[1], mid[0]].sum() == 0
    blank = np.zeros_like(image)
    draw_skeleton(blank, np.full((33, 2), np.nan))
    assert blank.sum() == 0


def test_overlay_video_has_every_frame_and_is_private(tmp_path):
    source = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(source), cv2.VideoWriter.fourcc(*"MJPG"), 30.0, (200, 300))
    for _ in range(8):
        writer.write(np.full((300, 200, 3), 40, np.uint8))
    writer.release()
    xy = np.tile(np.linspace(20, 180, 33)[:, None], (1, 2))
    xy = np.tile(xy[None], (8, 1, 1))
    xy[3] = np.nan  # missed in frame 3
    track = PoseTrack(t_s=np.arange(8) / 30, landmarks_px=xy, visibility=np.where(np.isnan(xy[..., 0]), np.nan, 1.0),
                      image_width_px=200, image_height_px=300, frame_rate_hz=30.0)  # fmt: skip
    out = tmp_path / "overlay.mp4"
    assert write_overlay_video(source, [track], out) == 8
    assert (out.stat().st_mode & 0o777) == 0o600
    frames = [f.image_bgr for f in VideoFile(out)]
    assert len(frames) == 8 and frames[0].shape == (300, 200, 3)
    # skeleton pixels differ from the flat background except in the frame where the person was missed
    assert np.abs(frames[0].astype(int) - 40).max() > 100
    assert np.abs(frames[3].astype(int) - 40).max() < 30
