"""Render the session's overlay for each exercise of the library, headless, from synthetic recordings.

For every exercise: a synthetic set (synth.home_exercises), analysed by the library; the frame
at the turning point of one repetition (a faulty one when there is one, so its cue shows) is
drawn as the live session draws it: the skeleton and the HUD (key angle, count, cue).
Writes docs/images/exercise-<name>.png (or into the folder given as the first argument).

    python examples/exercise_overlays.py [OUT_DIR] [EXERCISE ...]
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import cv2
import numpy as np

from motionrehab.capture.overlay import draw_skeleton
from motionrehab.live.hud import HudState, draw_hud
from motionrehab.measures.exercises import EXERCISES, analyze_exercise
from motionrehab.synth import home_exercises as hx

RECORDINGS = {
    "bridge": lambda: hx.bridge([hx.Rep(), hx.Rep(depth_deg=20.0)]),
    "squat": lambda: hx.squat([hx.Rep(), hx.Rep(valgus_deg=20.0)], view="front"),
    "sit-to-stand": lambda: hx.sit_to_stand([hx.Rep(), hx.Rep(depth_deg=25.0)]),
    "chair-stand": lambda: hx.sit_to_stand([hx.Rep(move_s=0.9, hold_s=0.3, back_s=0.9, rest_s=0.35)] * 3),
    "plank": lambda: hx.plank([hx.Rep(hold_s=6.0, sag_at_s=3.0)]),
    "side-plank": lambda: hx.side_plank([hx.Rep(hold_s=6.0)]),
    "neural-glide": lambda: hx.neural_glide([hx.Rep(), hx.Rep(trunk_deg=12.0)]),
    "hamstring-stretch": lambda: hx.hamstring_stretch([hx.Rep(move_s=2.0, hold_s=4.0, back_s=2.0)]),
    "lumbar-extension": lambda: hx.lumbar_extension(2),
    "thoracic-rotation": lambda: hx.thoracic_rotation(2),
    "posture": lambda: hx.standing_posture(neck_deg=30.0),
}


def render(name: str, out_dir: Path) -> Path:
    """Analyse the exercise's synthetic set and draw the overlay at one turning point; returns the PNG path."""
    exercise = EXERCISES[name]
    recording = RECORDINGS[name]()
    analysis = analyze_exercise(exercise, recording.track)
    result = analysis.result
    items = list(result.holds if exercise.is_hold else result.repetitions)
    shown = next((item for item in items if item.faults), items[0])
    t_show = shown.t_start_s + (shown.duration_s / 2 if exercise.is_hold else (shown.t_end_s - shown.t_start_s) / 2)
    frame = int(np.argmin(np.abs(recording.track.t_s - t_show)))
    track = recording.track
    image = np.full((track.image_height_px, track.image_width_px, 3), 48, dtype=np.uint8)
    draw_skeleton(image, track.landmarks_px[frame], track.visibility[frame], label="patient")
    driver = exercise.driver_for(result.view, result.side) if exercise.driver else "trunk_inclination_deg"
    column = analysis.measurement.angles.columns.get(driver)
    angle = float(column[frame]) if column is not None and math.isfinite(column[frame]) else None
    if column is None:  # a front view's driver is not an angle: show the repetition's first angle instead
        driver, angle = next(((k, v) for k, v in shown.values.items() if k.endswith("_deg") and math.isfinite(v)), (driver, None))
    state = HudState(
        exercise=exercise.title.capitalize(), set_index=1, sets_total=1,
        reps_done=shown.index + 1, reps_target=len(items),
        angle_name=driver.removesuffix("_deg").replace("_", " "), angle_deg=angle,
        target_low_deg=0.0, target_high_deg=exercise.expected_amplitude_deg, gauge_max_deg=max(90.0, exercise.expected_amplitude_deg * 1.5),
        cue=shown.cue, cue_is_fault=bool(shown.faults),
        status=f"{result.view} view; " + ", ".join(f"{k} {v:.0f}" for k, v in list(shown.values.items())[:3] if math.isfinite(v)),
    )  # fmt: skip
    image = draw_hud(image, state)
    scale = 720 / max(image.shape[:2])
    small = cv2.resize(image, (round(image.shape[1] * scale), round(image.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    out = out_dir / f"exercise-{name}.png"
    cv2.imwrite(str(out), small)
    return out


def main(argv: list[str]) -> int:
    """Render the named exercises (all by default) into OUT_DIR (default docs/images)."""
    out_dir = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "docs" / "images"
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in argv[1:] or list(RECORDINGS):
        print(render(name, out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
