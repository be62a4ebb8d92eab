"""Live session loop: latency added over pose inference, and frames dropped, for a 30 fps source.

The source is ../shared/data/pose2sim/Demo_SinglePerson/cam01.mp4 played back and forth
(forward, then backward, so the motion stays continuous) and released at 30 fps by the
capture thread, as a camera would deliver it, for ``--seconds`` of media time. The loop is
the session's (live.session.run_exercise): newest frame from the one-place slot, pose
model + patient tracking, the live hinge measure, the HUD drawn on the frame; headless (no
window, no overlay file).

Per analysed frame: latency = capture -> HUD drawn; inference = the pose model's share;
added = latency - inference (waiting in the slot, tracking, measure, drawing).
Target (issue 10): median added latency < one frame period (33.3 ms), bounded memory
(the slot holds one frame; the measure's buffer is bounded; RSS is printed at the start
and end of the run).

Speed: by default the session's follower looks for two people until the patient is known to
be alone, then follows them with a one-person model (live.follower), as `motionrehab session`
does; ``--two-person`` keeps looking for two people on every frame (the earlier behaviour).

Run: .venv/bin/python benchmarks/bench_live.py [--seconds 60] [--size 360x640|native] [--two-person]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.model_files import resolve_pose_model
from motionrehab.capture.pose_estimator import PoseEstimator
from motionrehab.capture.video import VideoFile
from motionrehab.live.frames import paced
from motionrehab.live.session import ExerciseLoop, run_exercise
from motionrehab.measures.hip_hinge import HingeCriteria

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MOTIONREHAB_SHARED", ROOT.parent / "shared"))
CLIP = SHARED / "data" / "pose2sim" / "Demo_SinglePerson" / "cam01.mp4"
FPS = 30.0


def rss_mb() -> float:
    """Resident memory of this process, MB (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def back_and_forth(size: tuple[int, int] | None, seconds: float) -> Iterator[tuple[float, NDArray[np.uint8]]]:
    """(t_s, image) at 30 fps for ``seconds``: the clip forward then backward, decoded again for each pass."""
    n = int(seconds * FPS)
    index = 0
    forward = True
    while True:
        # one pass of the clip held in memory (the backward pass needs it): 69 MB at 360x640, 620 MB native
        frames = [f.image_bgr if size is None else cv2.resize(f.image_bgr, size, interpolation=cv2.INTER_AREA) for f in VideoFile(CLIP)]
        for image in frames if forward else frames[::-1]:
            if index >= n:
                return
            yield index / FPS, image
            index += 1
        forward = not forward
        del frames


def run(seconds: float, size: tuple[int, int] | None, *, two_person: bool = False) -> dict[str, Any]:
    model = resolve_pose_model(None)
    rss_start = rss_mb()
    with PoseEstimator(model.path, num_poses=2) as estimator, PoseEstimator(model.path, num_poses=1) as single:
        rss_at: dict[int, float] = {}

        def sample_memory(_image: NDArray[np.uint8], t_s: float) -> None:
            minute = int(t_s // 60)
            if minute not in rss_at:
                rss_at[minute] = rss_mb()

        loop = ExerciseLoop(estimator, exercise_id="hinge", sets=1000, reps_per_set=10, criteria=HingeCriteria(), frame_rate_hz=FPS, on_frame=sample_memory,
                            single=None if two_person else single)  # fmt: skip
        result = run_exercise(loop, paced(back_and_forth(size, seconds)))
    stats = result.stats
    added = stats.added_latency_ms
    return {
        "frames": stats.frames_captured,
        "analysed": stats.frames_analysed,
        "dropped": stats.frames_dropped,
        "latency_med": float(np.median(stats.latency_ms)),
        "latency_p95": float(np.percentile(stats.latency_ms, 95)),
        "inference_med": float(np.median(stats.inference_ms)),
        "added_med": float(np.median(added)),
        "added_p95": float(np.percentile(added, 95)),
        "added_max": float(np.max(added)),
        "buffer": float(loop.measure.buffered_frames if loop.measure else 0),
        "rss_start": rss_start,
        "rss_end": rss_mb(),
        "rss_per_minute": " ".join(f"{rss_at[m]:.0f}" for m in sorted(rss_at)),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--size", default="360x640", help="WIDTHxHEIGHT, or 'native' (1080x1920)")
    parser.add_argument("--two-person", action="store_true", help="look for two people on every frame (no one-person follower)")
    args = parser.parse_args(argv)
    if not CLIP.is_file():
        print(f"skipped: {CLIP} not found")
        return 0
    size = None if args.size == "native" else tuple(int(v) for v in args.size.split("x"))
    r = run(args.seconds, size, two_person=args.two_person)  # type: ignore[arg-type]
    period = 1000.0 / FPS
    print(f"source: {CLIP.name} back and forth at {FPS:g} fps, {args.size}, {args.seconds:g} s of media time, "
          f"{'two people looked for on every frame' if args.two_person else 'one-person follower once the patient is alone'}")
    print(f"share of frames analysed: {100 * r['analysed'] / max(r['frames'], 1):.0f} %")
    print("| frames | analysed | dropped | latency median / p95 ms | inference median ms | added median / p95 / max ms | measure buffer | RSS start -> end MB |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {r['frames']:.0f} | {r['analysed']:.0f} | {r['dropped']:.0f} ({100 * r['dropped'] / max(r['frames'], 1):.1f} %) "
          f"| {r['latency_med']:.1f} / {r['latency_p95']:.1f} | {r['inference_med']:.1f} | {r['added_med']:.1f} / {r['added_p95']:.1f} / {r['added_max']:.0f} "
          f"| {r['buffer']:.0f} frames | {r['rss_start']:.0f} -> {r['rss_end']:.0f} |")  # fmt: skip
    print(f"RSS at the start of each minute of media time, MB: {r['rss_per_minute']}")
    verdict = "met" if r["added_med"] < period else "NOT met"
    print(f"target: median added latency < one frame period ({period:.1f} ms): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
