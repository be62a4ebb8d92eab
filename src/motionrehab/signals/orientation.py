"""Sensor orientation from accelerometer + gyroscope (+ magnetometer) with imufusion.

The fusion itself is the maintained x-io Fusion AHRS (``imufusion``, Madgwick's revised
complementary filter with acceleration rejection); this module only feeds it samples in
the units it expects (acceleration in g, angular rate in deg/s, field in any unit) and
returns the result as a typed, read-only track. No quaternion filter is written here.

Frames and conventions
----------------------
- Sensor frame: whatever the recording's axes are (right-handed).
- Earth frame: imufusion's NWU convention, i.e. **z up**, x = initial heading
  ("north" only when a magnetometer is used; otherwise x is the horizontal projection
  of the sensor x axis at the start, up to gyro drift), y = z cross x (left of x).
- ``quaternion_wxyz[i]`` rotates a vector from the sensor frame into the earth frame:
  ``v_earth = R(q) @ v_sensor``. Scalar first (w, x, y, z).

Typical use (foot-mounted IMU, ZUPT)::

    track = estimate_orientation(t_s, acc_m_s2, gyr_deg_s)
    acc_earth = track.to_earth(acc_m_s2)          # still includes gravity (+9.81 on z)
    free_acc = acc_earth - [0, 0, STANDARD_GRAVITY_M_S2]
"""

from __future__ import annotations

from dataclasses import dataclass

import imufusion
import numpy as np
from numpy.typing import NDArray
from scipy.spatial.transform import Rotation

from motionrehab.errors import InvalidDataError
from motionrehab.sensors.imu_recording import ImuRecording

FloatArray = NDArray[np.float64]

#: standard gravity (m/s^2), used to convert to imufusion's units of g and to remove gravity
STANDARD_GRAVITY_M_S2 = 9.80665


@dataclass(frozen=True, eq=False)
class OrientationTrack:
    """Orientation of a sensor over time.

    Attributes:
        t_s: (n,) sample times in seconds.
        quaternion_wxyz: (n, 4) unit quaternions, scalar first, rotating sensor-frame
            vectors into the earth frame (z up, see module docstring).
        uses_magnetometer: True when heading is referenced to magnetic north.
    """

    t_s: FloatArray
    quaternion_wxyz: FloatArray
    uses_magnetometer: bool = False

    def __post_init__(self) -> None:
        t = np.ascontiguousarray(self.t_s, dtype=np.float64)
        q = np.ascontiguousarray(self.quaternion_wxyz, dtype=np.float64)
        if t.ndim != 1 or q.shape != (t.size, 4):
            raise InvalidDataError(
                f"quaternion_wxyz has shape {q.shape}, expected ({t.size}, 4)", where="OrientationTrack"
            )
        t.flags.writeable = False
        q.flags.writeable = False
        object.__setattr__(self, "t_s", t)
        object.__setattr__(self, "quaternion_wxyz", q)

    def rotation(self) -> Rotation:
        """The orientations as one scipy Rotation object (sensor -> earth)."""
        return Rotation.from_quat(self.quaternion_wxyz[:, [1, 2, 3, 0]])

    def to_earth(self, vectors: NDArray[np.floating]) -> FloatArray:
        """Rotate (n, 3) sensor-frame vectors into the earth frame (z up), sample by sample."""
        v = np.array(vectors, dtype=np.float64)  # a writable copy: scipy cannot read read-only buffers
        if v.shape != (self.t_s.size, 3):
            raise InvalidDataError(f"vectors have shape {v.shape}, expected ({self.t_s.size}, 3)", where="to_earth")
        return np.asarray(self.rotation().apply(v), dtype=np.float64)

    def tilt_deg(self) -> FloatArray:
        """Angle between the sensor z axis and earth vertical, degrees (0 = z points up)."""
        return np.asarray(np.degrees(np.arccos(np.clip(self.rotation().as_matrix()[:, 2, 2], -1, 1))))

    def heading_deg(self) -> FloatArray:
        """Heading of the sensor x axis projected on the horizontal plane, degrees, unwrapped.

        Positive counter-clockwise seen from above (a left turn increases it).
        """
        x_axis = self.rotation().as_matrix()[:, :, 0]
        return np.asarray(np.degrees(np.unwrap(np.arctan2(x_axis[:, 1], x_axis[:, 0]))))


def initial_quaternion_from_gravity(acc_m_s2: NDArray[np.floating]) -> FloatArray:
    """Orientation (w, x, y, z) that maps the mean measured gravity direction onto earth +z.

    Heading is set so that the sensor x axis points along earth x as closely as the tilt
    allows. ``acc_m_s2`` should come from a still period (a few samples is enough).
    """
    acc = np.asarray(acc_m_s2, dtype=np.float64).reshape(-1, 3)
    mean = np.nanmean(acc, axis=0)
    if not np.isfinite(mean).all() or np.linalg.norm(mean) < 1e-6:
        raise InvalidDataError("no usable accelerometer samples to set the initial orientation", where="orientation")
    # Two vector pairs: gravity (exact), sensor x -> earth x (best effort, sets heading).
    rotation, _ = Rotation.align_vectors([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], [mean, [1.0, 0.0, 0.0]], weights=[1e6, 1.0])
    x, y, z, w = rotation.as_quat()
    return np.array([w, x, y, z])


def estimate_orientation(
    t_s: NDArray[np.floating],
    acc_m_s2: NDArray[np.floating],
    gyr_deg_s: NDArray[np.floating],
    mag_uT: NDArray[np.floating] | None = None,
    *,
    gain: float = 0.5,
    acceleration_rejection_deg: float = 10.0,
    recovery_trigger_period_s: float = 5.0,
    initial_still_s: float = 0.25,
    still: NDArray[np.bool_] | None = None,
    still_gain: float = 2.0,
) -> OrientationTrack:
    """Estimate orientation with imufusion's AHRS (Madgwick 2020, x-io Fusion).

    Args:
        t_s: (n,) sample times in seconds (irregular sampling is honoured sample by sample).
        acc_m_s2: (n, 3) acceleration in m/s^2 including gravity, sensor frame.
        gyr_deg_s: (n, 3) angular rate in deg/s, sensor frame. Subtract a known gyro bias first.
        mag_uT: optional (n, 3) magnetic field (any unit); None for 6-axis fusion.
        gain: Fusion AHRS gain (default 0.5, the library's documented default); lower
            trusts the gyroscope more during fast movement.
        acceleration_rejection_deg: the accelerometer is ignored while its direction
            disagrees with the estimate by more than this (default 10 deg, Fusion default);
            this keeps foot-strike impacts out of the tilt estimate.
        recovery_trigger_period_s: Fusion's rejection timeout (default 5 s).
        initial_still_s: the first orientation is set from the mean acceleration over this
            many seconds (the recording should start still; gait recordings usually do).
        still: optional (n,) mask of samples known to be at rest (e.g. a foot's mid-stance).
            When given, the AHRS uses ``still_gain`` on these samples (gravity is then the
            only acceleration, so tilt can be corrected firmly) and ``gain`` elsewhere
            (set ``gain=0`` to rely on the gyroscope alone between rests, as ZUPT
            systems do).
        still_gain: gain on still samples (default 2.0).

    Returns:
        OrientationTrack with one quaternion per sample (NaN samples hold the previous one).
    """
    t = np.asarray(t_s, dtype=np.float64)
    acc = np.asarray(acc_m_s2, dtype=np.float64)
    gyr = np.asarray(gyr_deg_s, dtype=np.float64)
    n = t.size
    if acc.shape != (n, 3) or gyr.shape != (n, 3):
        raise InvalidDataError(
            f"acc {acc.shape} and gyr {gyr.shape} must both be ({n}, 3)", where="estimate_orientation"
        )
    if n < 2:
        raise InvalidDataError("need at least 2 samples to estimate orientation", where="estimate_orientation")
    mag = None if mag_uT is None else np.asarray(mag_uT, dtype=np.float64)
    dt = np.diff(t)
    median_dt = float(np.median(dt))
    irregular = bool(np.any(np.abs(dt - median_dt) > 0.01 * median_dt))

    def make_settings(chosen_gain: float) -> imufusion.AhrsSettings:
        settings = imufusion.AhrsSettings()
        settings.convention = imufusion.CONVENTION_NWU
        settings.gain = chosen_gain
        settings.gyroscope_range = 4000.0
        settings.acceleration_rejection = acceleration_rejection_deg
        settings.magnetic_rejection = 10.0 if mag is not None else 0.0
        settings.sample_rate = round(1.0 / median_dt)
        settings.rejection_timeout = max(1, round(recovery_trigger_period_s / median_dt))
        return settings

    moving_settings = make_settings(gain)
    still_settings = make_settings(still_gain)
    at_rest = [False] * n if still is None else [bool(v) for v in np.asarray(still, dtype=bool)]
    ahrs = imufusion.Ahrs()
    ahrs.set_settings(moving_settings)
    ahrs.set_sample_period(median_dt)

    still = t <= t[0] + initial_still_s
    ahrs.set_quaternion(initial_quaternion_from_gravity(acc[still]))
    ahrs.skip_startup()

    acc_g = acc / STANDARD_GRAVITY_M_S2
    finite_rows: NDArray[np.bool_] = np.asarray(np.isfinite(acc_g).all(axis=1) & np.isfinite(gyr).all(axis=1))
    if mag is not None:
        finite_rows = np.asarray(finite_rows & np.isfinite(mag).all(axis=1))
    finite = [bool(v) for v in finite_rows]
    quaternions = np.empty((n, 4))
    update = ahrs.update_no_magnetometer
    get = ahrs.get_quaternion
    quaternions[0] = get()
    resting = False
    # The loop is the library's per-sample API (about 3-4 us per sample).
    for i in range(1, n):
        if at_rest[i] != resting:
            resting = at_rest[i]
            ahrs.set_settings(still_settings if resting else moving_settings)
            ahrs.set_sample_period(float(dt[i - 1]) if irregular else median_dt)
        if finite[i]:
            if irregular:
                ahrs.set_sample_period(float(dt[i - 1]))
            if mag is None:
                update(gyr[i], acc_g[i])
            else:
                ahrs.update(gyr[i], acc_g[i], mag[i])
        quaternions[i] = get()
    return OrientationTrack(t_s=t, quaternion_wxyz=quaternions, uses_magnetometer=mag is not None)


def estimate_gyro_bias_deg_s(gyr_deg_s: NDArray[np.floating], still: NDArray[np.bool_]) -> FloatArray:
    """Gyroscope bias (deg/s, per axis) as the median angular rate over still samples.

    Returns zeros when fewer than 10 still samples are available.
    """
    gyr = np.asarray(gyr_deg_s, dtype=np.float64)
    mask: NDArray[np.bool_] = np.logical_and(np.asarray(still, dtype=bool), np.isfinite(gyr).all(axis=1))
    if mask.sum() < 10:
        return np.zeros(3)
    return np.asarray(np.median(gyr[mask], axis=0), dtype=np.float64)


def orientation_from_recording(recording: ImuRecording, *, gain: float = 0.5) -> OrientationTrack:
    """Orientation of an ImuRecording's sensor (uses its magnetometer when present)."""
    return estimate_orientation(
        recording.t_s, recording.acc_m_s2, recording.gyr_deg_s, recording.mag_uT, gain=gain
    )
