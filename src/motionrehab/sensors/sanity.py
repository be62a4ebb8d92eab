"""Are the units and axes of an inertial recording what they claim? Checked against physics.

A file says its time is in seconds, its acceleration in m/s^2 and its angular rate in
deg/s, but loggers write milliseconds, g and rad/s just as often, and a sensor strapped on
another way round has its "up" axis pointing sideways. Unchecked, these give silent
nonsense (no steps found, a third of the distance). Each check here compares the numbers
with something the physics fixes, and either converts with a stated note (when only one
reading makes sense) or raises a clear error (when the data cannot be trusted):

- **time**: body-worn inertial sensors sample at 5-2000 Hz. A median sample interval
  that gives fewer than 5 samples per second in seconds but a plausible rate in
  milliseconds, microseconds or nanoseconds is converted (stated); when no unit fits, an
  error. (A clock faster than 2000 Hz is left alone: no smaller unit explains it.)
- **acceleration**: a sensor's reading includes gravity, so the median magnitude is close
  to 1 g whatever the movement (walking averages 1 g over the gait cycle). About 1 means
  the file is in g, about 1000 in milli-g: converted (stated). Anything else far from
  9.81 is an error.
- **angular rate**: a body segment that moves (acceleration magnitude spread over more
  than 2 m/s^2) turns at tens to hundreds of deg/s: on our real recordings the 99th
  percentile of |gyr| while walking is 53-150 deg/s on the trunk and 500-620 deg/s on
  the feet. A 99th percentile below 20 while moving is radians per second (the same
  recordings in rad/s read 0.9-10.8): converted (stated).
- **vertical axis** (:func:`check_axes`): a foot or lower-back convention names an up
  axis (gaitmap foot z, mobgap lower back x, APDM lumbar -x) that the quieter samples
  (stance, standing) must see gravity within 50 deg of; the error names the axis that
  does read gravity. Shin and trunk conventions are not checked this way: lying for a
  straight-leg raise or bending forward legitimately turns their "up" axis horizontal.
- **sagittal axis** of foot and shank sensors: walking rotates these segments mostly
  about the medio-lateral axis (y in gaitmap_foot and shin_anterior: 4-5x the variance
  of either other axis on gaitmap's and APDM's foot sensors). When another axis carries
  more rotation, two axes are swapped: an error.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from motionrehab.errors import InvalidDataError
from motionrehab.sensors.imu_recording import ImuRecording

FloatArray = NDArray[np.float64]

STANDARD_GRAVITY_M_S2 = 9.80665
#: plausible sampling rates of body-worn inertial sensors (Hz)
PLAUSIBLE_RATE_HZ = (5.0, 2000.0)
#: time units tried when seconds give an implausible rate: name -> factor to seconds
TIME_UNITS: tuple[tuple[str, float], ...] = (("milliseconds", 1e-3), ("microseconds", 1e-6), ("nanoseconds", 1e-9))
#: |acc| spread (95th - 5th percentile, m/s^2) above which the sensor is taken to be moving
MOVING_ACC_SPREAD_M_S2 = 2.0
#: 99th percentile of |gyr| below which a moving sensor's rate must be rad/s, not deg/s
RAD_S_CEILING = 20.0
#: largest angle between gravity and the declared up axis (deg)
MAX_UP_ANGLE_DEG = 50.0
#: declared up axis (index, sign) per axis convention
UP_AXIS: dict[str, tuple[int, float]] = {
    "gaitmap_foot": (2, 1.0),
    "mobgap_lower_back": (0, 1.0),
    "apdm_lumbar": (0, -1.0),
}
#: conventions whose y axis is medio-lateral on a foot or shank (the sagittal rotation axis)
SAGITTAL_Y = ("gaitmap_foot", "shin_anterior")
AXIS_NAMES = ("x", "y", "z")
#: statistics are taken on at most this many evenly spread samples (a day at 100 Hz is 8.6 M:
#: medians and percentiles of 100 k samples are as good, and the checks stay under a second)
MAX_STATISTIC_SAMPLES = 100_000


def _thin(values: FloatArray) -> FloatArray:
    step = max(1, values.shape[0] // MAX_STATISTIC_SAMPLES)
    return values[::step]


@dataclass(frozen=True)
class ConformedUnits:
    """Arrays in motionrehab's units and the conversions made to get there.

    Attributes:
        t_s: (n,) seconds.
        acc_m_s2: (n, 3) m/s^2 including gravity.
        gyr_deg_s: (n, 3) deg/s.
        notes: one plain sentence per conversion made (empty when none was needed).
    """

    t_s: FloatArray
    acc_m_s2: FloatArray
    gyr_deg_s: FloatArray
    notes: tuple[str, ...]


def _time_to_seconds(t: FloatArray, where: str) -> tuple[FloatArray, str | None]:
    steps = np.diff(t[:MAX_STATISTIC_SAMPLES])
    steps = steps[np.isfinite(steps) & (steps > 0)]
    if steps.size == 0:
        return t, None
    step = float(np.median(steps))
    low, high = PLAUSIBLE_RATE_HZ
    if 1.0 / step >= low:
        # plausible, or faster than any inertial sensor: no smaller unit can explain a fast
        # clock (bursty arrival stamps of radio packets look like this), so leave it
        return t, None
    for unit, factor in TIME_UNITS:
        if low <= 1.0 / (step * factor) <= high:
            return t * factor, (
                f"time read as {unit} (median step {step:g} gives {1.0 / (step * factor):.1f} Hz; "
                f"in seconds it would be {1.0 / step:.3g} Hz): converted to seconds"
            )
    raise InvalidDataError(
        f"median time step {step:g} gives {1.0 / step:.3g} samples per second, and no time unit "
        f"(s, ms, us, ns) gives a plausible {low:g}-{high:g} Hz",
        where=where,
        fix="write time in seconds from the start of the recording",
    )


def _acc_to_m_s2(acc: FloatArray, where: str) -> tuple[FloatArray, str | None]:
    thin = _thin(acc)
    finite = thin[np.isfinite(thin).all(axis=1)]
    if finite.shape[0] < 10:
        return acc, None
    norm = float(np.median(np.linalg.norm(finite, axis=1)))
    if 6.0 <= norm <= 14.0:
        return acc, None
    if 0.6 <= norm <= 1.4:
        return acc * STANDARD_GRAVITY_M_S2, (
            f"acceleration read as g (median magnitude {norm:.2f}; gravity alone is 1 g): converted to m/s^2"
        )
    if 600.0 <= norm <= 1400.0:
        return acc * STANDARD_GRAVITY_M_S2 / 1000.0, (
            f"acceleration read as milli-g (median magnitude {norm:.0f}): converted to m/s^2"
        )
    raise InvalidDataError(
        f"median |acceleration| is {norm:.3g}; a body-worn sensor reads about 9.81 m/s^2 (gravity) on average",
        where=where,
        fix="write acceleration in m/s^2 including gravity (g x 9.80665)",
    )


def moving(acc_m_s2: FloatArray) -> bool:
    """True when the acceleration magnitude spreads over more than MOVING_ACC_SPREAD_M_S2."""
    thin = _thin(acc_m_s2)
    norm = np.linalg.norm(thin[np.isfinite(thin).all(axis=1)], axis=1)
    if norm.size < 10:
        return False
    return bool(np.percentile(norm, 95) - np.percentile(norm, 5) > MOVING_ACC_SPREAD_M_S2)


def _gyr_to_deg_s(gyr: FloatArray, acc_m_s2: FloatArray) -> tuple[FloatArray, str | None]:
    thin = _thin(gyr)
    finite = thin[np.isfinite(thin).all(axis=1)]
    if finite.shape[0] < 10 or not moving(acc_m_s2):
        return gyr, None
    p99 = float(np.percentile(np.linalg.norm(finite, axis=1), 99))
    if p99 >= RAD_S_CEILING or p99 == 0.0:
        return gyr, None
    return np.degrees(gyr), (
        f"angular rate read as rad/s (99th percentile {p99:.2f} while the sensor moves; in deg/s a moving "
        f"body segment reads tens to hundreds): converted to deg/s"
    )


def conform_units(t: FloatArray, acc: FloatArray, gyr: FloatArray, *, where: str) -> ConformedUnits:
    """Check time, acceleration and angular rate against physics; convert what is unambiguous.

    Args:
        t: (n,) sample times in the file's unit.
        acc: (n, 3) acceleration in the file's unit.
        gyr: (n, 3) angular rate in the file's unit (all NaN when there is no gyroscope).
        where: the file or stream, for error messages.

    Raises:
        InvalidDataError: a quantity no unit makes plausible.
    """
    notes: list[str] = []
    t_s, note = _time_to_seconds(np.asarray(t, dtype=np.float64), where)
    if note:
        notes.append(note)
    acc_m_s2, note = _acc_to_m_s2(np.asarray(acc, dtype=np.float64), where)
    if note:
        notes.append(note)
    gyr_deg_s, note = _gyr_to_deg_s(np.asarray(gyr, dtype=np.float64), acc_m_s2)
    if note:
        notes.append(note)
    return ConformedUnits(t_s=t_s, acc_m_s2=acc_m_s2, gyr_deg_s=gyr_deg_s, notes=tuple(notes))


def gravity_direction(recording: ImuRecording) -> FloatArray:
    """Unit vector of gravity ("up") in the sensor frame, from the quieter samples.

    Quiet: |gyr| below its 30th percentile (stance of a foot, standing, the slow part of
    the gait cycle); the mean acceleration there is gravity plus little else.
    """
    acc = _thin(recording.acc_m_s2)
    gyr = np.linalg.norm(np.nan_to_num(_thin(recording.gyr_deg_s)), axis=1)
    finite = np.isfinite(acc).all(axis=1)
    quiet = finite & (gyr <= np.percentile(gyr[finite], 30)) if finite.any() else finite
    up = np.mean(acc[quiet], axis=0) if quiet.sum() >= 10 else np.nanmedian(acc, axis=0)
    return np.asarray(up / np.linalg.norm(up), dtype=np.float64)


def check_axes(recording: ImuRecording) -> None:
    """Raise when the declared axis convention contradicts gravity or the walking rotation.

    Raises:
        InvalidDataError: the declared up axis is more than MAX_UP_ANGLE_DEG from gravity,
            or a foot/shank sensor rotates mostly about an axis other than y.
    """
    where = recording.source or recording.device or f"{recording.placement} sensor"
    convention = recording.axis_convention
    if convention in UP_AXIS and np.isfinite(_thin(recording.acc_m_s2)).all(axis=1).sum() >= 10:
        axis, sign = UP_AXIS[convention]
        up = gravity_direction(recording)
        angle = float(np.degrees(np.arccos(np.clip(sign * up[axis], -1.0, 1.0))))
        if angle > MAX_UP_ANGLE_DEG:
            k = int(np.argmax(np.abs(up)))
            reads = f"{'+' if up[k] > 0 else '-'}{AXIS_NAMES[k]}"
            raise InvalidDataError(
                f"axis convention {convention!r} has {'+' if sign > 0 else '-'}{AXIS_NAMES[axis]} up, but gravity "
                f"reads on {reads} ({angle:.0f} deg from the declared up axis): the axes are swapped or the "
                "sensor is worn another way round",
                where=where,
                fix="reorder the columns to the convention, name the right axis_convention, or calibrate the sensor "
                "(motionrehab sensors calibrate)",
            )
    gyr = _thin(recording.gyr_deg_s)
    finite = np.isfinite(gyr).all(axis=1)
    if (
        convention in SAGITTAL_Y
        and recording.placement in ("foot", "shin")
        and finite.sum() >= 10
        and moving(recording.acc_m_s2)
    ):
        variance = np.var(gyr[finite], axis=0)
        k = int(np.argmax(variance))
        if k != 1:
            raise InvalidDataError(
                f"the {recording.placement} sensor turns most about {AXIS_NAMES[k]} (variance "
                f"{variance[k]:.0f} vs {variance[1]:.0f} (deg/s)^2 about y); walking turns a "
                f"{recording.placement} mostly about the medio-lateral axis, y in {convention!r}: two axes are swapped",
                where=where,
                fix="reorder the columns so that y points to the person's left, or calibrate the sensor",
            )


def sanitized(recording: ImuRecording) -> ImuRecording:
    """The recording with units conformed (conversions added to its notes) and axes checked.

    Idempotent: a recording already in the right units comes back unchanged.
    """
    where = recording.source or recording.device or f"{recording.placement} sensor"
    conformed = conform_units(recording.t_s, recording.acc_m_s2, recording.gyr_deg_s, where=where)
    out = recording
    if conformed.notes:
        out = replace(
            recording,
            t_s=conformed.t_s,
            acc_m_s2=conformed.acc_m_s2,
            gyr_deg_s=conformed.gyr_deg_s,
            notes=(*recording.notes, *conformed.notes),
        )
    check_axes(out)
    return out
