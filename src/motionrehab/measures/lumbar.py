"""Lumbar flexion from two trunk sensors (T12-L1 and S1), docs/clinical-terms.md section 1.

Lumbar flexion is the difference of the two sensors' sagittal inclinations: the upper
(T12-L1) sensor's minus the sacral (S1) sensor's. Both sensors use the ``trunk_posterior``
axis convention (x up along the spine, y to the person's left, z out of the back); each
sensor's orientation comes from accelerometer + gyroscope fusion (signals.orientation,
imufusion), so the inclination holds while the trunk moves, not only when it is still.

Sagittal inclination, degrees: the angle of the sensor's x axis (up the spine) from the
true vertical, positive leaning forward (the back's outward normal z turning up).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from motionrehab.errors import InvalidDataError
from motionrehab.sensors.imu_recording import ImuRecording
from motionrehab.signals.orientation import orientation_from_recording

FloatArray = NDArray[np.float64]


def sagittal_inclination_deg(recording: ImuRecording) -> FloatArray:
    """(n,) sagittal inclination of a trunk sensor, degrees (see the module docstring)."""
    if recording.axis_convention != "trunk_posterior":
        raise InvalidDataError(
            f"a trunk sensor with axis convention {recording.axis_convention!r}: lumbar flexion needs 'trunk_posterior'",
            where=recording.source or recording.device or recording.placement,
            fix="record with the sensor's x axis up the spine and z out of the back, or map its axes with a sensor calibration profile",
        )
    matrices = orientation_from_recording(recording).rotation().as_matrix()  # sensor -> earth (z up)
    x_up = matrices[:, 2, 0]  # earth-vertical component of the sensor's x axis
    z_up = matrices[:, 2, 2]  # ... and of its z axis (out of the back)
    return np.asarray(np.degrees(np.arctan2(z_up, x_up)))


def lumbar_flexion_deg(upper: ImuRecording, sacrum: ImuRecording, t_s: FloatArray) -> FloatArray:
    """Lumbar flexion (upper minus sacral inclination), degrees, at times ``t_s`` (NaN outside both recordings)."""
    values = []
    for recording in (upper, sacrum):
        inclination = sagittal_inclination_deg(recording)
        values.append(np.interp(t_s, recording.t_s, inclination, left=np.nan, right=np.nan))
    return np.asarray(values[0] - values[1])
