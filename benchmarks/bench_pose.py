"""Frames per second of our pose pipeline against MediaPipe's PoseLandmarker alone, same frames, same run.

Ours = ``estimate_poses`` (BGR -> RGB conversion, MediaPipe, person tracking, PoseTrack
assembly, patient choice) + ``write_pose_csv``. MediaPipe alone = PoseLandmarker in VIDEO
mode on frames already converted to RGB. Both sides include creating and closing the
landmarker, use num_poses=2 (our default --max-people) and the same decoded frames:

- 360x640: ../shared/data/pose2sim/Demo_SinglePerson/cam01.mp4 downscaled (portrait 640x360-equivalent)
- native: the same clip at 1080x1920
- native, from file: both sides decode the file and convert BGR -> RGB themselves, frame by
  frame (what `motionrehab pose` does); in the first two rows MediaPipe gets frames already
  converted to RGB (outside its timing, as in the data README's baseline), ours converts.

Each configuration runs ``REPEATS`` times alternating the two sides; the fastest run of
each side is kept (the machine is shared). Goal: ratio ours/MediaPipe >= 0.95.

Run: .venv/bin/python benchmarks/bench_pose.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import vision
from mediapipe.tasks.python.core.base_options import BaseOptions

from motionrehab.capture.estimate import estimate_poses
from motionrehab.capture.model_files import resolve_pose_model
from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.capture.video import FrameList, VideoFile

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MOTIONREHAB_SHARED", ROOT.parent / "shared"))
CLIP = SHARED / "data" / "pose2sim" / "Demo_SinglePerson" / "cam01.mp4"
REPEATS = 3
NUM_POSES = 2


def _landmarker(model: Path) -> vision.PoseLandmarker:
    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)), running_mode=vision.RunningMode.VIDEO, num_poses=NUM_POSES
    )
    return vision.PoseLandmarker.create_from_options(options)


def mediapipe_alone(model: Path, images_rgb: list[np.ndarray], t_ms: list[int]) -> int:
    """PoseLandmarker alone on RGB frames; returns frames with a person."""
    found = 0
    with _landmarker(model) as landmarker:
        for image, t in zip(images_rgb, t_ms, strict=True):
            result = landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=image), t)
            found += bool(result.pose_landmarks)
    return found


def mediapipe_alone_from_file(model: Path, path: Path) -> int:
    """Decode + BGR->RGB + PoseLandmarker frame by frame: the least any file pipeline does."""
    found = 0
    with _landmarker(model) as landmarker:
        for frame in VideoFile(path):
            rgb = cv2.cvtColor(frame.image_bgr, cv2.COLOR_BGR2RGB)
            result = landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), round(frame.t_s * 1000))
            found += bool(result.pose_landmarks)
    return found


def ours(model: Path, source: FrameList | Path, out: Path) -> int:
    """estimate_poses + the CSV, as `motionrehab pose` runs them."""
    result = estimate_poses(source, model=model, max_people=NUM_POSES)
    write_pose_csv(out, result.tracks)
    return result.frames_with_person


def best_time(run: Callable[[], int]) -> tuple[float, int]:
    start = time.perf_counter()
    found = run()
    return time.perf_counter() - start, found


def main() -> int:
    if not CLIP.is_file():
        print(f"benchmark video not found: {CLIP}")
        return 1
    model = resolve_pose_model(allow_download=False).path
    frames = list(VideoFile(CLIP))
    n = len(frames)
    t_s = [f.t_s for f in frames]
    sizes = {
        "360x640": [cv2.resize(f.image_bgr, (360, 640), interpolation=cv2.INTER_AREA) for f in frames],
        "1080x1920 (native)": [f.image_bgr for f in frames],
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pose.csv"
        configs: list[tuple[str, Callable[[], int], Callable[[], int]]] = []
        for label, images in sizes.items():
            rgb = [cv2.cvtColor(image, cv2.COLOR_BGR2RGB) for image in images]
            t_ms = [round(t * 1000) for t in t_s]
            source = FrameList(images, frame_rate_hz=60.0, t_s=t_s)
            configs.append((label, lambda rgb=rgb, t_ms=t_ms: mediapipe_alone(model, rgb, t_ms), lambda source=source: ours(model, source, out)))
        configs.append(("1080x1920, from file", lambda: mediapipe_alone_from_file(model, CLIP), lambda: ours(model, CLIP, out)))
        for label, base, pipeline in configs:
            base_times, our_times = [], []
            for _ in range(REPEATS):
                t, base_found = best_time(base)
                base_times.append(t)
                t, our_found = best_time(pipeline)
                our_times.append(t)
            tb, to = min(base_times), min(our_times)
            rows.append((label, n / tb, n / to, tb / to, 1000 * (to - tb) / n, base_found, our_found))
    print(f"pose pipeline vs MediaPipe PoseLandmarker alone ({CLIP.name}, {n} frames, num_poses={NUM_POSES}, best of {REPEATS})")
    print(f"{'frames':<22} {'MediaPipe fps':>14} {'ours fps':>9} {'ratio':>6} {'overhead ms/frame':>18} {'found (mp/ours)':>16}")
    for label, fps_base, fps_ours, ratio, overhead, fb, fo in rows:
        print(f"{label:<22} {fps_base:>14.1f} {fps_ours:>9.1f} {ratio:>6.3f} {overhead:>18.2f} {fb:>7}/{fo:<8}")
    print("goal: ratio >= 0.95")
    return 0


if __name__ == "__main__":
    sys.exit(main())
