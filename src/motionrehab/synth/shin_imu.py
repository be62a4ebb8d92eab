"""Synthetic shin-mounted IMU during supine straight-leg raises, with exactly known angles.

The leg (hip -> ankle, knee straight) is raised by an angle theta(t) that follows the same
minimum-jerk phases and timing as ``synth.exercises.supine_slr`` (same ``SlrTrial`` list and
lead-in), so a camera recording and this sensor cover the same trials on the same clock.
The sensor sits on the shin's anterior crest ``sensor_distance_m`` from the hip joint
(axis convention 'shin_anterior': x along the shin towards the knee, y left, z out of the
shin; lying flat z points up). Its specific force is exact (analytic derivatives):

    p = r u,  u = (cos theta, sin theta) in (towards the feet, up)
    p'' = r (theta'' n - theta'^2 u),  n = (-sin theta, cos theta)
    f = p'' + g up;  sensor reads f . (-u) on x, 0 on y, f . n on z;  gyro y = theta'.

Then a fixed mounting rotation, an accelerometer bias (constant, per axis) and white noise
are added. Only tests, examples and benchmarks import synth/.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from motionrehab.sensors.imu_recording import ImuRecording
from motionrehab.synth.exercises import SlrTrial, minimum_jerk_step

FloatArray = NDArray[np.float64]
GRAVITY_M_S2 = 9.80665


@dataclass(frozen=True)
class ShinImuNoise:
    """What a real accelerometer/gyroscope adds (defaults: issue 6's figures).

    acc_noise_m_s2: white noise sigma per axis (0.02 m/s^2).
    acc_bias_max_m_s2: each axis' constant bias is drawn uniformly in +-this (0.1 m/s^2).
    gyr_noise_deg_s, gyr_bias_max_deg_s: the same for the gyroscope.
    mounting_max_deg: the sensor is turned on the shin by up to this about each axis.
    """

    acc_noise_m_s2: float = 0.02
    acc_bias_max_m_s2: float = 0.1
    gyr_noise_deg_s: float = 0.2
    gyr_bias_max_deg_s: float = 1.0
    mounting_max_deg: float = 10.0

    @classmethod
    def none(cls) -> ShinImuNoise:
        """Exact signals."""
        return cls(0.0, 0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class ShinImuTruth:
    """Truth of a synthetic shin recording: per-trial peak and onset angles (deg), the bias added (m/s^2)."""

    t_peak_s: tuple[float, ...]
    peak_deg: tuple[float, ...]
    onset_t_s: tuple[float | None, ...]
    onset_deg: tuple[float | None, ...]
    acc_bias_m_s2: tuple[float, float, float]
    leg_elevation_deg: FloatArray


def _rotation(rx: float, ry: float, rz: float) -> FloatArray:
    cx, sx, cy, sy, cz, sz = math.cos(rx), math.sin(rx), math.cos(ry), math.sin(ry), math.cos(rz), math.sin(rz)
    x = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    y = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    z = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return z @ y @ x


def supine_slr_shin_imu(
    trials: Sequence[SlrTrial] | int = 3,
    *,
    side: str = "left",
    noise: ShinImuNoise | None = None,
    seed: int = 0,
    sampling_rate_hz: float = 100.0,
    sensor_distance_m: float = 0.6,
    lead_in_s: float = 2.0,
) -> tuple[ImuRecording, ShinImuTruth]:
    """A shin sensor's recording of SLR trials (knee straight; ``knee_bend_deg`` etc. of the trials are ignored)."""
    trial_list = [SlrTrial()] * trials if isinstance(trials, int) else list(trials)
    noise = noise if noise is not None else ShinImuNoise()
    rng = np.random.default_rng(seed)
    total = lead_in_s + sum(t.raise_s + t.hold_s + t.lower_s + t.rest_s for t in trial_list) + 1.0
    t_s = np.arange(int(round(total * sampling_rate_hz))) / sampling_rate_hz
    theta = np.zeros_like(t_s)
    peaks_t: list[float] = []
    peaks: list[float] = []
    onsets_t: list[float | None] = []
    onsets: list[float | None] = []
    t0 = lead_in_s
    for trial in trial_list:
        theta += math.radians(trial.peak_deg) * (minimum_jerk_step(t_s, t0, trial.raise_s) - minimum_jerk_step(t_s, t0 + trial.raise_s + trial.hold_s, trial.lower_s))
        peaks_t.append(t0 + trial.raise_s)
        peaks.append(trial.peak_deg)
        if trial.onset_fraction is None:
            onsets_t.append(None)
            onsets.append(None)
        else:
            # minimum-jerk: the raise reaches that fraction at tau with s(tau) = fraction; the angle is exact
            low, high = 0.0, 1.0
            for _ in range(60):
                mid = (low + high) / 2
                low, high = (mid, high) if 10 * mid**3 - 15 * mid**4 + 6 * mid**5 < trial.onset_fraction else (low, mid)
            onsets_t.append(t0 + (low + high) / 2 * trial.raise_s)
            onsets.append(trial.onset_fraction * trial.peak_deg)
        t0 += trial.raise_s + trial.hold_s + trial.lower_s + trial.rest_s
    # exact derivatives of a sum of minimum-jerk steps, numerically: the profile is a quintic per
    # phase, so a central difference at 100 Hz is exact to ~1e-6 rad/s^2 (far below the noise)
    dt = 1.0 / sampling_rate_hz
    omega = np.gradient(theta, dt, edge_order=2)
    alpha = np.gradient(omega, dt, edge_order=2)
    u = np.column_stack([np.cos(theta), np.sin(theta)])
    n = np.column_stack([-np.sin(theta), np.cos(theta)])
    accel = sensor_distance_m * (alpha[:, None] * n - (omega**2)[:, None] * u)
    force = accel + np.array([0.0, GRAVITY_M_S2])
    acc = np.column_stack([np.sum(force * -u, axis=1), np.zeros_like(t_s), np.sum(force * n, axis=1)])
    gyr = np.column_stack([np.zeros_like(t_s), np.degrees(omega), np.zeros_like(t_s)])
    mount = _rotation(*np.radians(rng.uniform(-noise.mounting_max_deg, noise.mounting_max_deg, 3)))
    acc = acc @ mount.T
    gyr = gyr @ mount.T
    bias = rng.uniform(-noise.acc_bias_max_m_s2, noise.acc_bias_max_m_s2, 3)
    acc = acc + bias + rng.normal(0.0, noise.acc_noise_m_s2, acc.shape) * (noise.acc_noise_m_s2 > 0)
    gyr = gyr + rng.uniform(-noise.gyr_bias_max_deg_s, noise.gyr_bias_max_deg_s, 3) + rng.normal(0.0, noise.gyr_noise_deg_s, gyr.shape) * (noise.gyr_noise_deg_s > 0)
    recording = ImuRecording(t_s=t_s, acc_m_s2=acc, gyr_deg_s=gyr, placement="shin", side=side, axis_convention="device",
                             device="synthetic shin IMU", source=f"synthetic supine SLR shin sensor, {side} leg, {len(trial_list)} trials")  # fmt: skip
    truth = ShinImuTruth(tuple(peaks_t), tuple(peaks), tuple(onsets_t), tuple(onsets), (float(bias[0]), float(bias[1]), float(bias[2])), np.degrees(theta))
    return recording, truth
