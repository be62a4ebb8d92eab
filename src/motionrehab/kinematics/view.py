"""The camera view: is the whole body in view, is it side-on or frontal, is the camera level.

Used before the first exercise of a live session (set-up advice) and by every measure to
refuse an unusable view. Each problem comes with what to change, in plain words.

Side-on test. Seen from the side, the two shoulders (and the two hips) nearly overlap in
the image; seen from the front they are a shoulder-width apart. With Drillis & Contini's
segment proportions (as tabulated by D. A. Winter, Biomechanics and Motor Control of Human
Movement, 4th ed., 2009, Fig. 4.1): shoulder width 0.259 H and shoulder-to-hip height
(0.818 - 0.530) H = 0.288 H, so the ratio of projected shoulder width to trunk length is
0.259 sin(yaw) / 0.288 = 0.90 sin(yaw), where yaw is the body's rotation away from a
pure side view. A ratio below 0.31 means within about 20 deg of side-on, which keeps the
sagittal angles' projection error small (cos 20 deg = 0.94); above 0.6 (about 40 deg)
the view is treated as frontal.

When the pose model's 3-D world landmarks are given (MediaPipe's, in metres, axes aligned
with the camera: x right, y down, z away from the camera), the body's yaw is read from them
directly: the angle of the shoulder line and of the hip line out of the image plane
(0 deg: facing the camera or facing away, 90 deg: side-on), the median over frames and the
mean of the two lines. Side-on below 25 deg from 90 (yaw >= 65 deg), frontal within 25 deg
of 0, oblique between. The image ratio above cannot tell these apart when the camera looks
down on the person or the trunk leans: on a real elevated front-left oblique clip it read
0.29 ("side"), and on a frontal one 0.40 ("oblique"), where the world landmarks gave 39 and
10 deg. The image ratio stays the fallback when no world landmarks are given.

Level test. Sagittal angles are measured against the true vertical using the camera roll
from kinematics' calibration, so a tilted phone still measures right; a roll above
5 deg is nevertheless reported so the person can level it (large tilts crop the body).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.landmarks import LANDMARK_INDEX

#: projected shoulder width / trunk length below which the view counts as side-on (about 20 deg yaw)
SIDE_ON_MAX_RATIO = 0.31
#: above this ratio (about 40 deg yaw) the view counts as frontal
FRONTAL_MIN_RATIO = 0.6
#: body yaw from the world landmarks (deg from facing the camera) at or above which the view is side-on
SIDE_ON_MIN_YAW_DEG = 65.0
#: body yaw at or below which the view is frontal
FRONTAL_MAX_YAW_DEG = 25.0
#: camera roll reported as "not level" above this many degrees
MAX_LEVEL_ROLL_DEG = 5.0
#: landmarks whose visibility is below this count as not seen
MIN_VISIBILITY = 0.5
#: share of the image size kept free at each edge so the body is not cut off while moving
EDGE_MARGIN = 0.02

_BODY_PARTS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("head", ("nose",), "top"),
    ("shoulders", ("left_shoulder", "right_shoulder"), "top"),
    ("hips", ("left_hip", "right_hip"), "middle"),
    ("knees", ("left_knee", "right_knee"), "bottom"),
    ("ankles", ("left_ankle", "right_ankle"), "bottom"),
    ("feet", ("left_heel", "right_heel", "left_foot_index", "right_foot_index"), "bottom"),
)


@dataclass(frozen=True)
class SetupAdvice:
    """The result of the set-up check.

    Attributes:
        ok: True when nothing needs changing.
        whole_body_in_view: every body part seen inside the image margins.
        view: 'side', 'oblique', 'frontal' or 'unknown'.
        side_ratio: projected shoulder width / trunk length (0 side-on, about 0.9 frontal).
        body_yaw_deg: the body's yaw from the world landmarks (0 frontal, 90 side-on), or None.
        camera_roll_deg: the roll it was given (None when not yet estimated).
        advice: what to change, one sentence per problem ([] when ok).
    """

    ok: bool
    whole_body_in_view: bool
    view: str
    side_ratio: float | None
    camera_roll_deg: float | None
    advice: tuple[str, ...]
    body_yaw_deg: float | None = None


def body_yaw_deg(world_m: NDArray[np.float64]) -> float | None:
    """The body's yaw from (n, 33, 3) camera-aligned world landmarks: 0 deg frontal, 90 deg side-on.

    The mean of the shoulder line's and the hip line's angle out of the image plane (median
    over frames); None when neither line is seen in any frame.
    """
    angles = []
    for left, right in (("left_shoulder", "right_shoulder"), ("left_hip", "right_hip")):
        line = world_m[:, LANDMARK_INDEX[right]] - world_m[:, LANDMARK_INDEX[left]]
        yaw = np.degrees(np.arctan2(np.abs(line[:, 2]), np.hypot(line[:, 0], line[:, 1])))
        if np.isfinite(yaw).any():
            angles.append(float(np.nanmedian(yaw)))
    return float(np.mean(angles)) if angles else None


def _median_point(landmarks_px: NDArray[np.float64], visibility: NDArray[np.float64], name: str) -> NDArray[np.float64] | None:
    index = LANDMARK_INDEX[name]
    seen = np.isfinite(landmarks_px[:, index]).all(axis=1) & (np.nan_to_num(visibility[:, index]) >= MIN_VISIBILITY)
    if seen.mean() < 0.5:
        return None
    return np.median(landmarks_px[seen, index], axis=0)


def check_camera_setup(
    landmarks_px: NDArray[np.float64],
    visibility: NDArray[np.float64],
    image_width_px: int,
    image_height_px: int,
    *,
    camera_roll_deg: float | None = None,
    need_side_view: bool = True,
    world_m: NDArray[np.float64] | None = None,
) -> SetupAdvice:
    """Check a short stretch of frames (a second or two of the person standing in place).

    Args:
        landmarks_px: (n, 33, 2) image positions, pixels (x right, y down); NaN missing.
        visibility: (n, 33) MediaPipe visibility.
        image_width_px: the image width.
        image_height_px: the image height.
        camera_roll_deg: camera roll from kinematics' calibration, or None if unknown.
        need_side_view: True for sagittal exercises (hip hinge, SLR, gait).
        world_m: (n, 33, 3) the pose model's world landmarks, metres, camera-aligned (the
            view is then judged on the body's yaw; None: on the image ratio).
    """
    advice: list[str] = []
    margin_x, margin_y = EDGE_MARGIN * image_width_px, EDGE_MARGIN * image_height_px
    missing_top = missing_bottom = False
    for part, names, where in _BODY_PARTS:
        points = [p for p in (_median_point(landmarks_px, visibility, n) for n in names) if p is not None]
        inside = [
            margin_x <= p[0] <= image_width_px - margin_x and margin_y <= p[1] <= image_height_px - margin_y for p in points
        ]
        if not points or not all(inside):
            if where == "top":
                missing_top = True
            elif where == "bottom":
                missing_bottom = True
            else:
                advice.append(f"Your {part} are not in view: stand where the camera can see your whole body.")
    if missing_top and missing_bottom:
        advice.append("Your whole body is not in view: move the camera further back.")
    elif missing_bottom:
        advice.append("Your knees, ankles or feet are cut off: move the camera back or tilt it down so your feet are in view.")
    elif missing_top:
        advice.append("Your head or shoulders are cut off: move the camera back or raise it.")
    whole_body = not advice

    view, ratio = "unknown", None
    shoulders = [_median_point(landmarks_px, visibility, n) for n in ("left_shoulder", "right_shoulder")]
    hips = [_median_point(landmarks_px, visibility, n) for n in ("left_hip", "right_hip")]
    if all(p is not None for p in shoulders + hips):
        ls, rs, lh, rh = (p for p in shoulders + hips if p is not None)
        trunk_px = float(np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2))
        if trunk_px > 0:
            ratio = float(abs(ls[0] - rs[0]) / trunk_px)
            view = "side" if ratio < SIDE_ON_MAX_RATIO else "frontal" if ratio > FRONTAL_MIN_RATIO else "oblique"
    yaw = body_yaw_deg(world_m) if world_m is not None else None
    if yaw is not None:
        view = "side" if yaw >= SIDE_ON_MIN_YAW_DEG else "frontal" if yaw <= FRONTAL_MAX_YAW_DEG else "oblique"
    if need_side_view and view == "oblique":
        advice.append("The camera sees you at an angle: turn so your side faces the camera (it should look at your hip from the side).")
    elif need_side_view and view == "frontal":
        advice.append("Turn so your side faces the camera (the camera should look at your hip from the side).")

    if camera_roll_deg is not None and abs(camera_roll_deg) > MAX_LEVEL_ROLL_DEG:
        direction = "clockwise" if camera_roll_deg > 0 else "anticlockwise"
        advice.append(f"The camera is tilted {abs(camera_roll_deg):.0f} deg {direction}: stand it level.")
    return SetupAdvice(
        ok=not advice,
        whole_body_in_view=whole_body,
        view=view,
        side_ratio=ratio,
        camera_roll_deg=camera_roll_deg,
        advice=tuple(advice),
        body_yaw_deg=yaw,
    )
