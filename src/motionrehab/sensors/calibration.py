"""Sensor-to-segment calibration: a still zeroing posture and the axis mapping per placement.

A strapped-on sensor's axes are not the segment's. Each placement has a segment frame
(its axis convention in sensors.imu_recording.AXIS_CONVENTIONS) and, for each zeroing
posture, the segment axis that points up while the patient holds it still:

- ``standing`` (upright, still): shin x (along the shin towards the knee), trunk x (up
  along the spine) and foot z (up) point up;
- ``leg_flat`` (supine, leg flat on the table, the SLR start position): the shin's
  anterior z points up, the trunk's posterior z points down, the foot's x (toes) up.

Calibration: the mean acceleration over a still window is gravity seen from the sensor
(an accelerometer at rest reads +1 g on the axis that points up); the mean angular rate
is the gyroscope bias. The sensor-to-segment rotation is the declared mounting (a signed
axis permutation: how the sensor is strapped on, e.g. "x,y,z" or "-z,y,x") followed by
the smallest rotation that turns the measured up direction onto the segment's up axis.
One still posture cannot tell the rotation about gravity; the mounting declares it, and
the tilt correction is reported so that a mounting mistake (a large correction) shows.

The profile is saved as JSON under calibration/ (owner-only) and applied to recordings
with :meth:`SensorCalibration.apply`.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from motionrehab._files import make_private_dir, write_private_text
from motionrehab._text import read_text
from motionrehab.errors import InputFileError, InvalidDataError
from motionrehab.sensors.imu_recording import ImuRecording

FloatArray = NDArray[np.float64]

STANDARD_GRAVITY_M_S2 = 9.80665
#: still means: acceleration SD below this (m/s^2) and angular-rate SD below STILL_GYR_SD_DEG_S in the window.
#: Quiet standing sway moves a shin sensor by well under 0.2 m/s^2; a step or shuffle is several m/s^2.
STILL_ACC_SD_M_S2 = 0.3
STILL_GYR_SD_DEG_S = 3.0
#: |mean acceleration| must be within this of 1 g (m/s^2): otherwise the units or the sensor are wrong
GRAVITY_TOLERANCE_M_S2 = 1.0
#: a tilt correction larger than this (deg) suggests the declared mounting is wrong
LARGE_TILT_DEG = 45.0
POSTURES = ("standing", "leg_flat")

_TRUNK = ("trunk_posterior", {"standing": (1.0, 0.0, 0.0), "leg_flat": (0.0, 0.0, -1.0)})
#: placement -> (segment axis convention, posture -> segment axis pointing up)
SEGMENT_FRAMES: dict[str, tuple[str, dict[str, tuple[float, float, float]]]] = {
    "shin": ("shin_anterior", {"standing": (1.0, 0.0, 0.0), "leg_flat": (0.0, 0.0, 1.0)}),
    "foot": ("gaitmap_foot", {"standing": (0.0, 0.0, 1.0), "leg_flat": (1.0, 0.0, 0.0)}),
    "trunk_t12": _TRUNK,
    "sacrum": _TRUNK,
    "lower_back": _TRUNK,
}


def parse_mounting(text: str) -> FloatArray:
    """A signed axis permutation "a,b,c": segment x = sensor a, y = b, z = c (e.g. "-z,y,x")."""
    parts = [p.strip().lower() for p in text.split(",")]
    matrix = np.zeros((3, 3))
    used: set[str] = set()
    try:
        if len(parts) != 3:
            raise ValueError
        for row, part in enumerate(parts):
            sign = -1.0 if part.startswith("-") else 1.0
            axis = part.lstrip("+-")
            if axis not in ("x", "y", "z") or axis in used:
                raise ValueError
            used.add(axis)
            matrix[row, "xyz".index(axis)] = sign
    except ValueError:
        raise InvalidDataError(f"mounting {text!r} is not a signed permutation of x, y, z", where="--mounting",
                               fix='give three axes, e.g. "x,y,z" or "-z,y,x" (segment x, y, z in sensor axes)') from None  # fmt: skip
    if np.linalg.det(matrix) < 0:
        raise InvalidDataError(f"mounting {text!r} mirrors the axes (left-handed)", where="--mounting",
                               fix="flip the sign of one axis: sensor and segment frames are both right-handed")  # fmt: skip
    return matrix


def _smallest_rotation(a: FloatArray, b: FloatArray) -> FloatArray:
    """The rotation matrix of the smallest rotation taking unit vector a onto unit vector b (Rodrigues)."""
    v = np.cross(a, b)
    c = float(np.dot(a, b))
    if c < -1.0 + 1e-12:  # opposite: turn 180 deg about any axis perpendicular to a
        axis = np.cross(a, [1.0, 0.0, 0.0])
        if np.linalg.norm(axis) < 1e-6:
            axis = np.cross(a, [0.0, 1.0, 0.0])
        axis /= np.linalg.norm(axis)
        return 2.0 * np.outer(axis, axis) - np.eye(3)
    vx = np.array([[0.0, -v[2], v[1]], [v[2], 0.0, -v[0]], [-v[1], v[0], 0.0]])
    return np.eye(3) + vx + vx @ vx / (1.0 + c)


@dataclass(frozen=True)
class SensorCalibration:
    """A sensor-to-segment calibration profile.

    Attributes:
        placement, side: where the sensor is worn.
        axis_convention: the segment frame the calibrated recording is in.
        posture: the zeroing posture ('standing' or 'leg_flat').
        mounting: the declared signed axis permutation ("x,y,z" ...).
        rotation: 3x3 row-major matrix taking sensor-frame vectors to the segment frame.
        gyro_bias_deg_s: mean angular rate during the still window (deg/s), subtracted.
        gravity_m_s2: |mean acceleration| during the window (m/s^2; about 9.81).
        tilt_correction_deg: angle between the mounted up direction and the segment's up axis (deg).
        window_s: (start, end) of the still window (s, recording time).
        device: the sensor's name or address.
        created_utc: ISO time of the calibration.
    """

    placement: str
    side: str
    axis_convention: str
    posture: str
    mounting: str
    rotation: tuple[tuple[float, float, float], ...]
    gyro_bias_deg_s: tuple[float, float, float]
    gravity_m_s2: float
    tilt_correction_deg: float
    window_s: tuple[float, float]
    device: str = ""
    created_utc: str = ""

    @property
    def matrix(self) -> FloatArray:
        """The rotation as a 3x3 array."""
        return np.array(self.rotation, dtype=np.float64)

    def apply(self, recording: ImuRecording) -> ImuRecording:
        """The recording in the segment frame: acc and mag rotated, gyro bias-corrected and rotated."""
        r = self.matrix
        bias = np.array(self.gyro_bias_deg_s)
        return ImuRecording(
            t_s=recording.t_s, acc_m_s2=recording.acc_m_s2 @ r.T, gyr_deg_s=(recording.gyr_deg_s - bias) @ r.T,
            mag_uT=None if recording.mag_uT is None else recording.mag_uT @ r.T, placement=recording.placement,
            side=recording.side, axis_convention=self.axis_convention, device=recording.device,
            source=f"{recording.source} (calibrated: {self.posture} zeroing)",
        )  # fmt: skip

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the profile as JSON (owner-only; the folder is created owner-only)."""
        target = Path(path)
        make_private_dir(target.parent)
        return write_private_text(target, json.dumps({"kind": "sensor_calibration", **asdict(self)}, indent=2) + "\n")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> SensorCalibration:
        """Read a profile written by ``save``."""
        source = Path(path)
        if not source.exists():
            raise InputFileError("sensor calibration profile not found", where=str(source), fix="run `motionrehab sensors calibrate` first")
        try:
            data = json.loads(read_text(source, kind="sensor calibration profile", max_bytes=1_000_000))
            if data.pop("kind", None) != "sensor_calibration":
                raise TypeError("kind is not sensor_calibration")
            data["rotation"] = tuple(tuple(float(v) for v in row) for row in data["rotation"])
            data["gyro_bias_deg_s"] = tuple(data["gyro_bias_deg_s"])
            data["window_s"] = tuple(data["window_s"])
            return cls(**data)
        except FileNotFoundError:
            raise InputFileError("sensor calibration profile not found", where=str(source),
                                 fix="run `motionrehab sensors calibrate` first") from None  # fmt: skip
        except (json.JSONDecodeError, TypeError, KeyError) as error:
            raise InputFileError(f"not a sensor calibration profile ({error})", where=str(source),
                                 fix="use a file written by `motionrehab sensors calibrate`") from None  # fmt: skip


def default_profile_path(placement: str, side: str, folder: str | os.PathLike[str] = "calibration") -> Path:
    """The default profile path: calibration/sensor-<placement>-<side>.json."""
    return Path(folder) / f"sensor-{placement}-{side}.json"


def calibrate_sensor(recording: ImuRecording, posture: str, *, start_s: float | None = None, window_s: float = 2.0,
                     mounting: str = "x,y,z") -> SensorCalibration:  # fmt: skip
    """Zero a sensor on a still window of ``recording`` held in ``posture`` (see module docstring).

    Args:
        recording: the sensor's recording, device axes, m/s^2 and deg/s.
        posture: 'standing' or 'leg_flat'.
        start_s: start of the still window (s, recording time); default the first sample.
        window_s: length of the still window (s).
        mounting: how the sensor is strapped on (segment x, y, z in sensor axes).

    Raises:
        InvalidDataError: unknown posture or placement without a segment frame, too few
            samples, movement during the window, or a mean acceleration far from 1 g.
    """
    where = f"calibration of {recording.device or 'the sensor'} on {recording.placement}"
    if posture not in POSTURES:
        raise InvalidDataError(f"unknown zeroing posture {posture!r}", where=where, fix=f"use one of {', '.join(POSTURES)}")
    if recording.placement not in SEGMENT_FRAMES:
        raise InvalidDataError(f"no segment frame is defined for placement {recording.placement!r}", where=where,
                               fix=f"calibrate a sensor on one of {', '.join(SEGMENT_FRAMES)}")  # fmt: skip
    convention, ups = SEGMENT_FRAMES[recording.placement]
    t0 = float(recording.t_s[0]) if start_s is None else start_s
    window = (recording.t_s >= t0) & (recording.t_s <= t0 + window_s)
    acc = recording.acc_m_s2[window]
    gyr = recording.gyr_deg_s[window]
    acc = acc[np.isfinite(acc).all(axis=1)]
    gyr = gyr[np.isfinite(gyr).all(axis=1)]
    if acc.shape[0] < 10:
        raise InvalidDataError(f"only {acc.shape[0]} samples in the {window_s:g}-s zeroing window", where=where,
                               fix="hold the posture still for at least 2 s at the start of the recording")  # fmt: skip
    acc_sd = float(np.linalg.norm(acc.std(axis=0)))
    gyr_sd = float(np.linalg.norm(gyr.std(axis=0))) if gyr.shape[0] else 0.0
    if acc_sd > STILL_ACC_SD_M_S2 or gyr_sd > STILL_GYR_SD_DEG_S:
        raise InvalidDataError(f"the sensor moved during zeroing (acceleration SD {acc_sd:.2f} m/s^2, "
                               f"angular rate SD {gyr_sd:.1f} deg/s)", where=where,
                               fix="hold the posture still for the whole window and record again")  # fmt: skip
    mean = acc.mean(axis=0)
    gravity = float(np.linalg.norm(mean))
    if abs(gravity - STANDARD_GRAVITY_M_S2) > GRAVITY_TOLERANCE_M_S2:
        raise InvalidDataError(f"the still sensor reads {gravity:.2f} m/s^2, not about 9.81", where=where,
                               fix="check the units (m/s^2 including gravity) and the sensor")  # fmt: skip
    mount = parse_mounting(mounting)
    measured_up = mount @ (mean / gravity)
    target_up = np.array(ups[posture])
    tilt = _smallest_rotation(measured_up, target_up)
    rotation = tilt @ mount
    tilt_deg = math.degrees(math.acos(float(np.clip(measured_up @ target_up, -1.0, 1.0))))
    bias = gyr.mean(axis=0) if gyr.shape[0] else np.zeros(3)
    return SensorCalibration(
        placement=recording.placement, side=recording.side, axis_convention=convention, posture=posture,
        mounting=mounting, rotation=tuple(tuple(float(v) for v in row) for row in rotation),  # type: ignore[misc]
        gyro_bias_deg_s=(float(bias[0]), float(bias[1]), float(bias[2])), gravity_m_s2=gravity,
        tilt_correction_deg=tilt_deg, window_s=(t0, t0 + window_s), device=recording.device,
        created_utc=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )  # fmt: skip


__all__ = ["POSTURES", "SEGMENT_FRAMES", "SensorCalibration", "calibrate_sensor", "default_profile_path",
           "parse_mounting"]  # fmt: skip
