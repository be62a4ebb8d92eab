"""Synthetic trunk sensors (T12-L1 and S1) for a hinge with known lumbar flexion.

Each sensor turns about its y axis (to the person's left) by its sagittal inclination
theta(t) (trunk_posterior convention: x up the spine, y left, z out of the back). Its
accelerometer reads the specific force (gravity reaction plus the acceleration of a point
on an arc of radius ``radius_m`` about the hips) in the sensor frame; its gyroscope reads
theta' about y. Lumbar flexion truth = theta_T12 - theta_S1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from motionrehab.sensors.imu_recording import ImuRecording

FloatArray = NDArray[np.float64]
GRAVITY_M_S2 = 9.80665


def trunk_sensor(t_s: FloatArray, inclination_deg: FloatArray, *, radius_m: float, placement: str, noise_m_s2: float = 0.02,
                 gyro_noise_deg_s: float = 0.2, seed: int = 0) -> ImuRecording:  # fmt: skip
    """One trunk sensor inclining by ``inclination_deg`` (forward +) on an arc of ``radius_m`` about the hips."""
    rng = np.random.default_rng(seed)
    theta = np.radians(np.asarray(inclination_deg, dtype=np.float64))
    # position in the sagittal plane (forward, up) and its acceleration, numerically from a smooth profile
    forward, up = radius_m * np.sin(theta), radius_m * np.cos(theta)
    a_forward = np.gradient(np.gradient(forward, t_s), t_s)
    a_up = np.gradient(np.gradient(up, t_s), t_s)
    specific_forward, specific_up = a_forward, a_up + GRAVITY_M_S2
    # sensor axes in (forward, up): x = up the spine, z = out of the back (posterior)
    x_axis = np.stack([np.sin(theta), np.cos(theta)], axis=-1)
    z_axis = np.stack([-np.cos(theta), np.sin(theta)], axis=-1)
    specific = np.stack([specific_forward, specific_up], axis=-1)
    acc = np.zeros((t_s.size, 3))
    acc[:, 0] = np.sum(specific * x_axis, axis=-1)
    acc[:, 2] = np.sum(specific * z_axis, axis=-1)
    acc += rng.normal(0.0, noise_m_s2, acc.shape)
    gyr = np.zeros((t_s.size, 3))
    gyr[:, 1] = np.degrees(np.gradient(theta, t_s))
    gyr += rng.normal(0.0, gyro_noise_deg_s, gyr.shape)
    return ImuRecording(t_s=t_s, acc_m_s2=acc, gyr_deg_s=gyr, placement=placement, side="none", axis_convention="trunk_posterior",
                        device="synthetic", source=f"synthetic {placement} sensor")  # fmt: skip
