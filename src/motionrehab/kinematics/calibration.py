"""Camera roll: the image's vertical is never assumed to be the true vertical.

A phone propped on a shelf is rarely level. ``camera_roll_deg`` is the angle of the true
"up" direction as it appears in the image, measured from the image's up, positive
clockwise (as seen on the screen). Angles are measured after rotating image vectors back
by it. It is estimated from a still stretch of a calibration posture:
- standing: the ankle midpoint -> shoulder midpoint line is vertical;
- lying (supine, for SLR): the shoulder midpoint -> hip midpoint line is horizontal;
- a user-given level line (two image points on something level, e.g. the table edge).
Each estimate uses only still frames in ITS posture (``still_posture``): a person lying on
their back with the knees bent (a bridge) has vertical shanks like a standing person, and
the standing rule would read the horizontal body as a camera rolled by 90 deg. A still
stretch that is neither (sitting, kneeling) gives no estimate: the camera is then assumed
level and the caller says so. Postures are told apart with the camera assumed within
45 deg of level (a phone propped on its long or short edge).
The result is stored as a camera calibration profile (JSON) under calibration/.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from motionrehab._files import write_private_text
from motionrehab._text import read_text
from motionrehab.capture.landmarks import LANDMARK_INDEX
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import InputFileError, InvalidDataError, UnusableViewError

FloatArray = NDArray[np.float64]

#: a stretch counts as still when the landmarks used move less than this share of the body size per second
STILL_SPEED_BODY_PER_S = 0.05
#: the shortest still stretch used for calibration, seconds
MIN_STILL_S = 1.0


@dataclass(frozen=True)
class CameraCalibration:
    """A camera calibration profile.

    Attributes:
        camera_roll_deg: true up as seen in the image, from image up, positive clockwise, degrees.
        method: 'standing', 'lying', 'level_line' or 'none'.
        source: what it was estimated from.
        created_utc: ISO time of the estimate.
        px_per_m: image scale in the movement plane, pixels per metre (None when unknown).
        subject_height_m: the subject's height, when given (lets lengths be scaled).
    """

    camera_roll_deg: float
    method: str = "none"
    source: str = ""
    created_utc: str = ""
    px_per_m: float | None = None
    subject_height_m: float | None = None

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the profile as JSON (owner-only)."""
        return write_private_text(path, json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CameraCalibration:
        """Read a profile written by ``save``."""
        source = Path(path)
        if not source.exists():
            raise InputFileError("calibration profile not found", where=str(source), fix="check the path, or omit it to estimate the roll")
        try:
            data = json.loads(read_text(source, kind="calibration profile", max_bytes=1_000_000))
            return cls(**data)
        except FileNotFoundError:
            raise InputFileError("calibration profile not found", where=str(source), fix="check the path, or omit it to estimate the roll") from None
        except (json.JSONDecodeError, TypeError) as error:
            raise InputFileError(f"not a camera calibration profile ({error})", where=str(source), fix="use a file written by motionrehab") from None


NO_CALIBRATION = CameraCalibration(camera_roll_deg=0.0)


def image_to_up(points_px: FloatArray, camera_roll_deg: float) -> FloatArray:
    """Image pixels (x right, y down) -> (x right, y up) with the camera roll removed (...,2)."""
    r = math.radians(camera_roll_deg)
    c, s = math.cos(r), math.sin(r)
    # flip y to up, then rotate counter-clockwise by the roll (the true up (sin r, cos r) becomes
    # (0, 1)): x' = c x + s y_px, y' = s x - c y_px, one matrix product
    return np.asarray(np.asarray(points_px, dtype=np.float64) @ np.array([[c, s], [s, -c]]))


def _midpoint(track: PoseTrack, a: str, b: str) -> FloatArray:
    return (track.landmarks_px[:, LANDMARK_INDEX[a]] + track.landmarks_px[:, LANDMARK_INDEX[b]]) / 2.0


def still_frames(track: PoseTrack, names: tuple[str, ...] = ("left_hip", "right_hip", "left_shoulder", "right_shoulder")) -> NDArray[np.bool_]:
    """(n,) True for frames inside a stretch of at least MIN_STILL_S where the body hardly moves."""
    points = track.landmarks_px[:, [LANDMARK_INDEX[n] for n in names]]
    size = float(np.nanmedian(np.linalg.norm(_midpoint(track, "left_shoulder", "right_shoulder") - _midpoint(track, "left_hip", "right_hip"), axis=-1)))
    if not np.isfinite(size) or track.n_frames < 3:
        return np.zeros(track.n_frames, dtype=bool)
    # speed over a +-0.5 s window, not frame to frame: landmark jitter averages out, slow drift does not
    half = max(1, int(round(0.5 * float(track.frame_rate_hz))))
    with warnings.catch_warnings():  # a frame with all four missing (out of view) is NaN: not still, and no warning
        warnings.simplefilter("ignore", RuntimeWarning)
        centre = np.nanmedian(points, axis=1)  # (n, 2): robust to one landmark being off
    speed = np.full(track.n_frames, np.inf)
    if track.n_frames > 2 * half:
        moved = np.linalg.norm(centre[2 * half:] - centre[: -2 * half], axis=-1)
        speed[half:-half] = moved / (track.t_s[2 * half:] - track.t_s[: -2 * half])
    window_still = np.nan_to_num(speed, nan=np.inf) < STILL_SPEED_BODY_PER_S * size
    # frames near the middle of a still window are still (half the window each side)
    still = np.convolve(window_still.astype(float), np.ones(half + 1), mode="same") > 0
    out = np.zeros_like(still)
    start = None
    for i, flag in enumerate(np.append(still, False)):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            if track.t_s[i - 1] - track.t_s[start] >= MIN_STILL_S:
                out[start:i] = True
            start = None
    return out


#: a trunk (hip mid -> shoulder mid) within this of the image vertical is upright; past 90 minus it, lying
UPRIGHT_TRUNK_MAX_DEG = 45.0
#: legs count as straight (standing) when the hip-knee-ankle line bends less than this in the image
STRAIGHT_LEG_MAX_BEND_DEG = 30.0


def still_posture(track: PoseTrack) -> NDArray[np.str_]:
    """(n,) per frame: 'standing', 'lying' or 'other' (sitting, kneeling, missing landmarks).

    Standing: trunk within 45 deg of the image vertical, head up, both legs bending less than
    30 deg at the knee, the ankles below the hips and the thighs upright (nearer vertical than
    horizontal, and not foreshortened to under 60 % of the shank as a seated person's thighs
    pointing at the camera are). Lying: trunk within 45 deg of the image
    horizontal. (Camera roll assumed under 45 deg, see the module docstring.)
    """
    up = image_to_up(track.landmarks_px, 0.0)
    trunk = (up[:, LANDMARK_INDEX["left_shoulder"]] + up[:, LANDMARK_INDEX["right_shoulder"]]) / 2 - (up[:, LANDMARK_INDEX["left_hip"]] + up[:, LANDMARK_INDEX["right_hip"]]) / 2
    with np.errstate(invalid="ignore"):
        from_vertical = np.degrees(np.arctan2(np.abs(trunk[:, 0]), trunk[:, 1]))  # 0 head up, 180 head down
        bends = []
        for side in ("left", "right"):
            hip, knee, ankle = (up[:, LANDMARK_INDEX[f"{side}_{j}"]] for j in ("hip", "knee", "ankle"))
            thigh, shank = knee - hip, ankle - knee
            cosine = np.sum(thigh * shank, axis=-1) / (np.linalg.norm(thigh, axis=-1) * np.linalg.norm(shank, axis=-1))
            bends.append(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))
            # not standing: the ankle not below the hip, the thigh nearer horizontal than vertical
            # (sitting, seen from the side) or foreshortened to under 60 % of the shank (sitting, seen from the front)
            thigh_length, shank_length = np.linalg.norm(thigh, axis=-1), np.linalg.norm(shank, axis=-1)
            upright_thigh = (-thigh[:, 1] > np.abs(thigh[:, 0])) & (thigh_length >= 0.6 * shank_length)
            bends.append(np.where((ankle[:, 1] < hip[:, 1]) & upright_thigh, 0.0, 180.0))
        legs_straight = np.nanmax(np.stack(bends), axis=0) < STRAIGHT_LEG_MAX_BEND_DEG
        standing = (from_vertical < UPRIGHT_TRUNK_MAX_DEG) & legs_straight
        lying = np.abs(from_vertical - 90.0) < 90.0 - UPRIGHT_TRUNK_MAX_DEG
    return np.where(standing, "standing", np.where(lying, "lying", "other"))


def _roll_from_vectors(vectors_up: FloatArray, *, vertical: bool) -> float:
    """Median roll (deg) from (n, 2) image vectors in (x right, y up) that should be vertical (or horizontal)."""
    finite = np.isfinite(vectors_up).all(axis=1)
    if not finite.any():
        raise UnusableViewError("no frame has the landmarks needed to estimate the camera roll", fix="make sure the whole body is in view")
    v = vectors_up[finite]
    if vertical:
        angles = np.degrees(np.arctan2(v[:, 0], v[:, 1]))
    else:
        v = np.where((v[:, 0] < 0)[:, None], -v, v)  # direction along +x
        angles = -np.degrees(np.arctan2(v[:, 1], v[:, 0]))
    return float(np.median(angles))


def estimate_roll_from_standing(track: PoseTrack) -> CameraCalibration:
    """Camera roll from a still standing stretch (ankle midpoint -> shoulder midpoint is vertical).

    Only still frames where the person stands (``still_posture``) are used: a person lying
    or sitting still gives UnusableViewError, never a roll read from the wrong posture.
    """
    still = still_frames(track) & (still_posture(track) == "standing")
    if not still.any():
        raise UnusableViewError(
            "no still standing stretch of at least 1 s to calibrate the camera roll",
            where=track.source,
            fix="stand still for two seconds at the start of the recording, or give a calibration profile",
        )
    vertical = _midpoint(track, "left_shoulder", "right_shoulder") - _midpoint(track, "left_ankle", "right_ankle")
    roll = _roll_from_vectors(image_to_up(vertical[still], 0.0), vertical=True)
    return CameraCalibration(roll, "standing", track.source, datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _first_run(flags: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Only the first run of True values."""
    out = np.zeros_like(flags)
    if flags.any():
        start = int(np.argmax(flags))
        stop = start + (int(np.argmin(flags[start:])) if not flags[start:].all() else flags.size - start)
        out[start:stop] = True
    return out


def estimate_roll_from_lying(track: PoseTrack) -> CameraCalibration:
    """Camera roll from a still lying stretch (shoulder midpoint -> hip midpoint is horizontal).

    Only still frames where the person lies (``still_posture``) are used, and only the first
    such stretch: the person lies flat before the first movement, while a later still stretch
    may be a held plank or bridge whose trunk is not horizontal.
    """
    still = _first_run(still_frames(track) & (still_posture(track) == "lying"))
    if not still.any():
        raise UnusableViewError(
            "no still lying stretch of at least 1 s to calibrate the camera roll",
            where=track.source,
            fix="lie still for two seconds before the first raise, or give a calibration profile",
        )
    line = _midpoint(track, "left_hip", "right_hip") - _midpoint(track, "left_shoulder", "right_shoulder")
    roll = _roll_from_vectors(image_to_up(line[still], 0.0), vertical=False)
    return CameraCalibration(roll, "lying", track.source, datetime.now(timezone.utc).isoformat(timespec="seconds"))


def estimate_roll(track: PoseTrack) -> CameraCalibration:
    """Camera roll from the recording's still stretch in whichever calibration posture it has.

    Lying when most still frames are lying, standing otherwise; UnusableViewError when the
    recording has no still stretch in that posture (e.g. only sitting).
    """
    postures = still_posture(track)[still_frames(track)]
    lying = postures.size > 0 and float(np.mean(postures == "lying")) > 0.5
    return estimate_roll_from_lying(track) if lying else estimate_roll_from_standing(track)


def roll_from_level_line(point_a_px: tuple[float, float], point_b_px: tuple[float, float], source: str = "level line") -> CameraCalibration:
    """Camera roll from two image points on something truly level (a table edge, a floor line)."""
    vector = np.asarray(point_b_px, dtype=np.float64) - np.asarray(point_a_px, dtype=np.float64)
    if not np.isfinite(vector).all() or np.hypot(*vector) < 10:
        raise InvalidDataError("the level line's two points must be at least 10 px apart", where=source)
    roll = _roll_from_vectors(image_to_up(vector[None], 0.0), vertical=False)
    return CameraCalibration(roll, "level_line", source, datetime.now(timezone.utc).isoformat(timespec="seconds"))
