"""Per-frame cost of filtering + every angle, as a share of MediaPipe's own per-frame inference, same run.

Ours, two ways, on a 33-landmark track:
- offline: ``measure_angles`` on a 60-s synthetic hinge set filmed with realistic noise
  (swap repair, visibility gating, gap filling, Hampel, residual-analysis cutoff,
  zero-phase Butterworth, roll calibration from the still stretch, every angle), total
  time / frames;
- live: ``LivePoseSmoother.update`` (swap repair, gating, one-euro) + ``angles_for_frame``
  per frame, as the live session runs them.
MediaPipe: PoseLandmarker (VIDEO mode, num_poses=1) per frame on the real clip
../shared/data/pose2sim/Demo_SinglePerson/cam01.mp4 at 360x640, frames decoded and
converted to RGB beforehand (not timed). Each side runs ``REPEATS`` times, alternating,
and the fastest run is kept. Target: both rows < 2 % of inference per frame (the live row
pays numpy's per-call overhead on 33 points, one frame at a time).

Run: .venv/bin/python benchmarks/bench_signals.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import cv2
import mediapipe as mp
from mediapipe.tasks.python import vision
from mediapipe.tasks.python.core.base_options import BaseOptions

from motionrehab.capture.model_files import resolve_pose_model
from motionrehab.capture.video import VideoFile
from motionrehab.kinematics.angles import angles_for_frame, body_frame_for
from motionrehab.kinematics.measure import measure_angles
from motionrehab.signals.cleaning import LivePoseSmoother
from motionrehab.synth.camera import Realism
from motionrehab.synth.exercises import HingeRep, hip_hinge_set

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MOTIONREHAB_SHARED", ROOT.parent / "shared"))
CLIP = SHARED / "data" / "pose2sim" / "Demo_SinglePerson" / "cam01.mp4"
REPEATS = 3


def mediapipe_per_frame_s(model: Path, images_rgb: list, t_ms: list[int]) -> float:
    """Seconds per frame of PoseLandmarker.detect_for_video (landmarker creation not timed)."""
    options = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(model)), running_mode=vision.RunningMode.VIDEO, num_poses=1)
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        started = time.perf_counter()
        for image, t in zip(images_rgb, t_ms, strict=True):
            landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=image), t)
        return (time.perf_counter() - started) / len(images_rgb)


def offline_per_frame_s(track) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    measure_angles(track)
    return (time.perf_counter() - started) / track.n_frames


def live_per_frame_s(track) -> float:  # type: ignore[no-untyped-def]
    frame = body_frame_for(track)
    smoother = LivePoseSmoother()
    started = time.perf_counter()
    for i, t in enumerate(track.t_s):
        landmarks, _ = smoother.update(float(t), track.landmarks_px[i], track.visibility[i])
        angles_for_frame(landmarks, frame)
    return (time.perf_counter() - started) / track.n_frames


def main() -> int:
    if not CLIP.exists():
        print(f"skipped: {CLIP} not found (the real clip times MediaPipe)")
        return 0
    model = resolve_pose_model(None).path
    images, t_ms = [], []
    for frame in VideoFile(CLIP):
        small = cv2.resize(frame.image_bgr, (360, 640))
        images.append(cv2.cvtColor(small, cv2.COLOR_BGR2RGB))
        t_ms.append(round(frame.t_s * 1000))
    reps = [HingeRep(rest_s=2.0) for _ in range(8)]
    track = hip_hinge_set(reps, realism=Realism(), seed=1).track
    mediapipe, offline, live = [], [], []
    for _ in range(REPEATS):
        mediapipe.append(mediapipe_per_frame_s(model, images, t_ms))
        offline.append(offline_per_frame_s(track))
        live.append(live_per_frame_s(track))
    inference = min(mediapipe)
    print(f"MediaPipe PoseLandmarker, 360x640, {len(images)} frames: {inference * 1e3:.2f} ms/frame (fastest of {REPEATS})")
    print(f"track for ours: {track.n_frames} frames ({track.t_s[-1]:.0f} s at {track.frame_rate_hz:.0f} fps), 33 landmarks")
    print(f"{'ours':<52}{'ms/frame':>10}{'share of inference':>20}")
    for name, runs in (("offline: clean + calibrate + all angles", offline), ("live: one-euro smoother + all angles", live)):
        print(f"{name:<52}{min(runs) * 1e3:>10.3f}{min(runs) / inference * 100:>19.2f}%")
    failed = max(min(offline), min(live)) / inference >= 0.02
    print("target, both < 2 % of inference per frame:", "MISSED" if failed else "met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
