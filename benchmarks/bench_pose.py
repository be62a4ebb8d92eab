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

The first two rows are paired: one pass over the frames where, for each frame, MediaPipe
alone runs first (timed) and then our pipeline processes the same frame; our time is the
total minus MediaPipe's. This removes most of the shared machine's noise. The "from file"
row runs the two sides one after the other (alternating, ``REPEATS`` times). The fastest
run of each side is kept. Goal: ratio ours/MediaPipe >= 0.95.

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


class PairedSource:
    """Frames for our pipeline that first run MediaPipe alone on the same frame, timing it.

    Both sides then see the machine in the same state, frame by frame, which removes most of
    the noise of a shared machine: ours = total time - MediaPipe's time.
    """

    def __init__(self, model: Path, images_bgr: list[np.ndarray], t_s: list[float]) -> None:
        self.inner = FrameList(images_bgr, frame_rate_hz=60.0, t_s=t_s, description="paired frames")
        self.rgb = [cv2.cvtColor(image, cv2.COLOR_BGR2RGB) for image in images_bgr]
        self.model = model
        self.description, self.frame_rate_hz, self.frame_count = "paired frames", 60.0, len(images_bgr)
        self.mediapipe_s = 0.0
        self.found = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        landmarker = _landmarker(self.model)
        self.mediapipe_s += time.perf_counter() - start
        try:
            for frame, rgb in zip(self.inner, self.rgb, strict=True):
                start = time.perf_counter()
                result = landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), round(frame.t_s * 1000))
                self.mediapipe_s += time.perf_counter() - start
                self.found += bool(result.pose_landmarks)
                yield frame
        finally:
            start = time.perf_counter()
            landmarker.close()
            self.mediapipe_s += time.perf_counter() - start


def paired(model: Path, images: list[np.ndarray], t_s: list[float], out: Path) -> tuple[float, float, int, int]:
    """(MediaPipe seconds, our seconds, found by MediaPipe, found by ours) over the same frames, interleaved."""
    source = PairedSource(model, images, t_s)
    start = time.perf_counter()
    found = ours(model, source, out)  # type: ignore[arg-type]
    total = time.perf_counter() - start
    return source.mediapipe_s, total - source.mediapipe_s, source.found, found


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
        for label, images in sizes.items():
            runs = [paired(model, images, t_s, out) for _ in range(REPEATS)]
            tb, to = min(r[0] for r in runs), min(r[1] for r in runs)
            rows.append((f"{label}, paired", n / tb, n / to, tb / to, 1000 * (to - tb) / n, runs[0][2], runs[0][3]))
        base_times, our_times = [], []
        for _ in range(REPEATS):
            t, base_found = best_time(lambda: mediapipe_alone_from_file(model, CLIP))
            base_times.append(t)
            t, our_found = best_time(lambda: ours(model, CLIP, out))
            our_times.append(t)
        tb, to = min(base_times), min(our_times)
        rows.append(("1080x1920, from file", n / tb, n / to, tb / to, 1000 * (to - tb) / n, base_found, our_found))
    print(f"pose pipeline vs MediaPipe PoseLandmarker alone ({CLIP.name}, {n} frames, num_poses={NUM_POSES}, best of {REPEATS})")
    print(f"{'frames':<28} {'MediaPipe fps':>14} {'ours fps':>9} {'ratio':>6} {'overhead ms/frame':>18} {'found (mp/ours)':>16}")
    for label, fps_base, fps_ours, ratio, overhead, fb, fo in rows:
        print(f"{label:<28} {fps_base:>14.1f} {fps_ours:>9.1f} {ratio:>6.3f} {overhead:>18.2f} {fb:>7}/{fo:<8}")
    print("goal: ratio >= 0.95")
    return 0


if __name__ == "__main__":
    sys.exit(main())
