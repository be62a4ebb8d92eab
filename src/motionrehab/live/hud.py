"""The live view's heads-up display: what the patient sees over the camera image.

Drawn with OpenCV on the BGR frame, top to bottom in a translucent panel:
- the exercise and the set ("Hip hinge - set 2 of 3"), the rep counter ("rep 4 / 8");
- the key angle as a horizontal gauge with its target band shaded green and the current
  value as a marker (e.g. trunk inclination 0-90 deg, target 45-60 deg);
- the tempo guide for the eccentric phase: a bar that fills over the prescribed
  eccentric seconds, so the patient can match "down in 3 seconds";
- the cue after the last rep in plain words ("Hinge from the hips, keep the knees soft");
- a rest timer between sets.
Sizes scale with the image height so the text stays readable on a phone-sized or a
1080p frame. Nothing here measures anything: it only shows the state it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

_WHITE = (255, 255, 255)
_GREEN = (80, 200, 80)
_AMBER = (0, 190, 255)
_GREY = (150, 150, 150)
_RED = (60, 60, 230)


@dataclass(frozen=True)
class HudState:
    """Everything the HUD shows for one frame.

    Attributes:
        exercise: plain name, e.g. 'Hip hinge'.
        set_index, sets_total: 1-based set number and the prescribed sets.
        reps_done, reps_target: repetitions counted in this set and prescribed.
        angle_name: the key angle in words, e.g. 'trunk inclination'.
        angle_deg: its current value (None when the landmarks are not visible).
        target_low_deg, target_high_deg: the target band for the bottom of the rep.
        gauge_max_deg: the right end of the gauge.
        eccentric_progress: 0-1 share of the prescribed eccentric time elapsed in the
            current lowering phase, or None when not lowering.
        eccentric_target_s: the prescribed eccentric seconds (shown as text).
        cue: the message after the last rep ('' for none); cue_is_fault colours it amber.
        rest_remaining_s: seconds of rest left between sets, or None.
        status: a short line at the bottom (camera set-up advice, 'paused', dropped frames).
    """

    exercise: str
    set_index: int
    sets_total: int
    reps_done: int
    reps_target: int
    angle_name: str
    angle_deg: float | None
    target_low_deg: float
    target_high_deg: float
    gauge_max_deg: float = 100.0
    eccentric_progress: float | None = None
    eccentric_target_s: float | None = None
    cue: str = ""
    cue_is_fault: bool = False
    rest_remaining_s: float | None = None
    status: str = ""


def _text(image: NDArray[np.uint8], text: str, origin: tuple[int, int], scale: float, colour: tuple[int, int, int], thickness: int) -> None:
    # A dark outline keeps text readable on any background. It is drawn as offset copies of
    # the same thickness: OpenCV 5 widens the glyph advance with thickness, so a thicker
    # outline would not line up with the text.
    x, y = origin
    offset = max(1, thickness)
    for dx, dy in ((-offset, 0), (offset, 0), (0, -offset), (0, offset)):
        cv2.putText(image, text, (x + dx, y + dy), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thickness, cv2.LINE_AA)
    cv2.putText(image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)


def _wrap(text: str, max_chars: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > max_chars:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines


def draw_hud(image: NDArray[np.uint8], state: HudState) -> NDArray[np.uint8]:
    """Draw the HUD on ``image`` (BGR, modified in place and returned)."""
    height, width = image.shape[:2]
    unit = max(height, width) / 1000.0  # 1.0 on a ~1000 px frame
    scale = 0.9 * unit
    thick = max(1, round(2 * unit))
    line = round(40 * unit)
    margin = round(20 * unit)
    panel_w = min(width - 2 * margin, round(620 * unit))
    panel_h = round(6.2 * line)
    overlay = image.copy()
    cv2.rectangle(overlay, (margin // 2, margin // 2), (margin // 2 + panel_w + margin, margin // 2 + panel_h), (20, 20, 20), -1)
    cv2.addWeighted(overlay, 0.55, image, 0.45, 0, dst=image)

    x = margin
    y = margin + line
    _text(image, f"{state.exercise} - set {state.set_index} of {state.sets_total}", (x, y), scale, _WHITE, thick)
    y += line
    _text(image, f"rep {state.reps_done} / {state.reps_target}", (x, y), 1.4 * scale, _WHITE, thick + 1)

    # key angle gauge with target band
    y += round(0.6 * line)
    gauge_w = panel_w - margin
    gauge_h = round(0.45 * line)

    def gx(deg: float) -> int:
        return x + round(gauge_w * min(max(deg / state.gauge_max_deg, 0.0), 1.0))

    cv2.rectangle(image, (x, y), (x + gauge_w, y + gauge_h), _GREY, 1)
    cv2.rectangle(image, (gx(state.target_low_deg), y), (gx(state.target_high_deg), y + gauge_h), _GREEN, -1)
    if state.angle_deg is not None and np.isfinite(state.angle_deg):
        in_band = state.target_low_deg <= state.angle_deg <= state.target_high_deg
        marker_x = gx(state.angle_deg)
        cv2.rectangle(image, (marker_x - 3, y - 6), (marker_x + 3, y + gauge_h + 6), _WHITE if in_band else _AMBER, -1)
        label = f"{state.angle_name} {state.angle_deg:.0f} deg (target {state.target_low_deg:.0f}-{state.target_high_deg:.0f})"
    else:
        label = f"{state.angle_name}: not visible"
    y += gauge_h + round(0.8 * line)
    _text(image, label, (x, y), 0.75 * scale, _WHITE, thick)

    # tempo guide for the eccentric (lowering) phase
    y += round(0.35 * line)
    if state.eccentric_progress is not None:
        fill = min(max(state.eccentric_progress, 0.0), 1.0)
        cv2.rectangle(image, (x, y), (x + gauge_w, y + gauge_h // 2), _GREY, 1)
        cv2.rectangle(image, (x, y), (x + round(gauge_w * fill), y + gauge_h // 2), _GREEN, -1)
        y += gauge_h // 2 + round(0.7 * line)
        target = f" over {state.eccentric_target_s:.0f} s" if state.eccentric_target_s else ""
        _text(image, f"lower slowly{target}", (x, y), 0.75 * scale, _WHITE, thick)
    elif state.rest_remaining_s is not None:
        y += round(0.7 * line)
        _text(image, f"rest {state.rest_remaining_s:.0f} s", (x, y), scale, _GREEN, thick)

    # the cue after the last rep, bottom of the image, wrapped
    if state.cue:
        colour = _AMBER if state.cue_is_fault else _GREEN
        lines = _wrap(state.cue, max(16, round(panel_w / (18 * unit))))
        cy = height - margin - (len(lines) - 1) * line - (line if state.status else 0)
        for text in lines:
            _text(image, text, (margin, cy), 1.1 * scale, colour, thick + 1)
            cy += line
    if state.status:
        _text(image, state.status, (margin, height - margin), 0.7 * scale, _RED, thick)
    return image
