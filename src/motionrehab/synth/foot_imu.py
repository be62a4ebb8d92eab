"""Synthetic foot-mounted IMU: walking bouts and sitting with exactly known strides.

The foot's motion is defined analytically, so every sample of acceleration and angular
rate is exact (no numerical differentiation):

- pitch phi(t) about the sensor's y axis (gaitmap foot frame: x forward, y left, z up;
  positive phi = toe down) through knots per stride: IC (toe up ``heel_strike_pitch_deg``),
  foot flat, heel off, toe-off (toe down ``toe_off_pitch_deg``), next IC; cosine
  interpolation between knots, so the angular rate is exactly zero at IC and toe-off
  (the events the detector looks for: zero crossings of the sagittal rate);
- position: still during stance; during swing the sensor moves ``stride_length_m``
  forward along a minimum-jerk profile and lifts by ``foot_clearance_m`` (sine bump);
- heading ``heading_deg`` per bout (rotation about earth z); gravity 9.80665 m/s^2.

Truth: IC and toe-off times, and the stride length (horizontal sensor displacement
between consecutive stances). Only tests, examples and benchmarks import synth/.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from motionrehab.sensors.imu_recording import ImuRecording

FloatArray = NDArray[np.float64]
GRAVITY_M_S2 = 9.80665


@dataclass(frozen=True)
class FootWalkParameters:
    """Parameters of a synthetic walk (defaults: a healthy adult, docs/clinical-terms.md section 1).

    stride_time_s 1.1 s (109 steps/min), stride_length_m 1.4 m (1.27 m/s), stance 60 %.
    """

    stride_time_s: float = 1.1
    stride_length_m: float = 1.4
    stance_fraction: float = 0.6
    heel_strike_pitch_deg: float = 20.0
    toe_off_pitch_deg: float = 55.0
    foot_clearance_m: float = 0.08
    foot_flat_fraction: float = 0.1
    heel_off_fraction: float = 0.35


@dataclass(frozen=True, eq=False)
class SyntheticFootWalk:
    """A synthetic foot-IMU recording with its truth.

    Attributes:
        recording: the ImuRecording (placement 'foot', axis convention 'gaitmap_foot').
        t_ic_s: true initial contacts (s).
        t_fc_s: true toe-offs (s).
        stride_length_m: true length of the stride starting at each IC except the last (m).
    """

    recording: ImuRecording
    t_ic_s: FloatArray
    t_fc_s: FloatArray
    stride_length_m: FloatArray


def _cosine(tau: FloatArray, duration: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    s = 0.5 * (1 - np.cos(np.pi * tau))
    d1 = 0.5 * np.pi * np.sin(np.pi * tau) / duration
    d2 = 0.5 * np.pi**2 * np.cos(np.pi * tau) / duration**2
    return s, d1, d2


def _min_jerk(tau: FloatArray, duration: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    s = tau**3 * (10 - 15 * tau + 6 * tau**2)
    d1 = 30 * tau**2 * (1 - tau) ** 2 / duration
    d2 = (60 * tau - 180 * tau**2 + 120 * tau**3) / duration**2
    return s, d1, d2


def _piecewise(
    t: FloatArray, knot_t: FloatArray, knot_v: FloatArray, basis: str
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Value, first and second derivative of a knot-to-knot interpolation (constant outside)."""
    k = np.clip(np.searchsorted(knot_t, t, side="right") - 1, 0, knot_t.size - 2)
    duration = knot_t[k + 1] - knot_t[k]
    tau = np.clip((t - knot_t[k]) / duration, 0.0, 1.0)
    s, d1, d2 = (_cosine if basis == "cosine" else _min_jerk)(tau, duration)
    delta = knot_v[k + 1] - knot_v[k]
    outside = (t < knot_t[0]) | (t > knot_t[-1])
    value = knot_v[k] + delta * s
    first = np.where(outside, 0.0, delta * d1)
    second = np.where(outside, 0.0, delta * d2)
    return value, first, second


def _bout_signals(
    t: FloatArray, first_toe_off_s: float, n_strides: int, p: FootWalkParameters, heading_deg: float, x0_m: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Signals of one bout on grid t: acc (n,3), gyr (n,3), IC times, toe-off times, stride lengths."""
    T = p.stride_time_s
    swing = (1 - p.stance_fraction) * T
    # first toe-off, then n_strides + 1 initial contacts (the first swing starts the walk)
    t_ic = first_toe_off_s + swing + T * np.arange(n_strides + 1)
    t_fc = np.concatenate([[first_toe_off_s], t_ic[:-1] + p.stance_fraction * T])
    # pitch knots
    pitch_t = [first_toe_off_s - (p.stance_fraction - p.heel_off_fraction) * T, first_toe_off_s]
    pitch_v = [0.0, p.toe_off_pitch_deg]
    for k, ic in enumerate(t_ic):
        pitch_t += [ic, ic + p.foot_flat_fraction * T]
        pitch_v += [-p.heel_strike_pitch_deg, 0.0]
        if k < n_strides:
            pitch_t += [ic + p.heel_off_fraction * T, t_fc[k + 1]]
            pitch_v += [0.0, p.toe_off_pitch_deg]
    phi_deg, phi_rate_deg_s, _ = _piecewise(t, np.array(pitch_t), np.array(pitch_v), "cosine")
    # forward position: min-jerk during each swing, still in stance
    x_t, x_v, z_t, z_v = [], [], [], []
    for k in range(n_strides + 1):
        x_t += [t_fc[k], t_ic[k]]
        x_v += [x0_m + k * p.stride_length_m, x0_m + (k + 1) * p.stride_length_m]
        z_t += [t_fc[k], 0.5 * (t_fc[k] + t_ic[k]), t_ic[k]]
        z_v += [0.0, p.foot_clearance_m, 0.0]
    _, _, ax = _piecewise(t, np.array(x_t), np.array(x_v), "min_jerk")
    _, _, az = _piecewise(t, np.array(z_t), np.array(z_v), "cosine")
    # sensor orientation R = Rz(heading) Ry(phi); acc_sensor = R^T (a_world + g z)
    phi = np.radians(phi_deg)
    cos_p, sin_p = np.cos(phi), np.sin(phi)
    # a_world in the heading frame is (ax, 0, az + g); Rz cancels for the forward axis
    fx, fz = ax, az + GRAVITY_M_S2
    acc = np.column_stack([cos_p * fx - sin_p * fz, np.zeros_like(fx), sin_p * fx + cos_p * fz])
    gyr = np.column_stack([np.zeros_like(fx), phi_rate_deg_s, np.zeros_like(fx)])
    del heading_deg  # heading does not change the sensor-frame signals of a straight bout
    lengths = np.full(n_strides, p.stride_length_m)
    as_float = np.asarray
    return (as_float(acc, dtype=np.float64), as_float(gyr, dtype=np.float64), as_float(t_ic, dtype=np.float64),
            as_float(t_fc, dtype=np.float64), as_float(lengths, dtype=np.float64))  # fmt: skip


def synthesize_foot_walk(
    n_strides: int = 20,
    *,
    params: FootWalkParameters | None = None,
    rate_hz: float = 100.0,
    standing_s: float = 2.0,
    side: str = "left",
    noise: bool = True,
    seed: int = 0,
) -> SyntheticFootWalk:
    """One straight walking bout: ``standing_s`` still, ``n_strides`` strides, still again.

    The first IC ends the first swing; the walk has ``n_strides + 1`` ICs and
    ``n_strides`` complete strides. Noise (default on): white, 0.05 m/s^2 and 0.3 deg/s.
    """
    p = params or FootWalkParameters()
    swing = (1 - p.stance_fraction) * p.stride_time_s
    duration = standing_s + swing + n_strides * p.stride_time_s + standing_s + p.stride_time_s
    t = np.arange(0.0, duration, 1.0 / rate_hz)
    first_fc = standing_s + (p.stance_fraction - p.heel_off_fraction) * p.stride_time_s
    acc, gyr, t_ic, t_fc, lengths = _bout_signals(t, first_fc, n_strides, p, 0.0, 0.0)
    if noise:
        rng = np.random.default_rng(seed)
        acc += rng.normal(0.0, 0.05, acc.shape)
        gyr += rng.normal(0.0, 0.3, gyr.shape)
    recording = ImuRecording(
        t_s=t, acc_m_s2=acc, gyr_deg_s=gyr, placement="foot", side=side, axis_convention="gaitmap_foot",
        device="synthetic foot IMU", source=f"synthetic walk, {n_strides} strides",
    )  # fmt: skip
    return SyntheticFootWalk(recording=recording, t_ic_s=t_ic, t_fc_s=t_fc, stride_length_m=lengths)


def synthesize_foot_day(
    hours: float = 24.0,
    *,
    rate_hz: float = 100.0,
    walking_fraction: float = 0.1,
    bout_strides: int = 300,
    params: FootWalkParameters | None = None,
    seed: int = 0,
) -> SyntheticFootWalk:
    """A long recording of sitting and walking bouts (for benchmarks).

    Bouts of ``bout_strides`` strides are spread evenly so that walking takes
    ``walking_fraction`` of the time; the rest is sitting with the foot still on the floor
    and small toe taps (3 deg, 1 Hz, every few minutes) that must not count as steps.
    Arrays are filled bout by bout to keep peak memory near the size of the result.
    """
    p = params or FootWalkParameters()
    n = int(round(hours * 3600 * rate_hz))
    t = np.arange(n) / rate_hz
    acc = np.empty((n, 3))
    gyr = np.empty((n, 3))
    rng = np.random.default_rng(seed)
    bout_s = (bout_strides + 2) * p.stride_time_s + 4.0
    n_bouts = max(1, int(hours * 3600 * walking_fraction / bout_s))
    spacing = hours * 3600 / n_bouts
    all_ic, all_fc, all_len = [], [], []
    chunk = int(600 * rate_hz)
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        tt = t[start:stop]
        acc[start:stop] = [0.0, 0.0, GRAVITY_M_S2]
        gyr[start:stop] = 0.0
        # toe taps while sitting: 2 s of 1 Hz, 3 deg pitch oscillation every 3 minutes
        tap = (tt % 180.0) < 2.0
        gyr[start:stop, 1] += np.where(tap, 3.0 * 2 * np.pi * np.cos(2 * np.pi * tt), 0.0)
        acc[start:stop] += rng.normal(0.0, 0.05, (stop - start, 3))
        gyr[start:stop] += rng.normal(0.0, 0.3, (stop - start, 3))
    for b in range(n_bouts):
        begin = b * spacing + 0.5 * (spacing - bout_s)
        i0, i1 = int(begin * rate_hz), min(n, int((begin + bout_s) * rate_hz))
        tt = t[i0:i1]
        first_fc = begin + 2.0 + (p.stance_fraction - p.heel_off_fraction) * p.stride_time_s
        a, g, t_ic, t_fc, lengths = _bout_signals(tt, first_fc, bout_strides, p, 0.0, 0.0)
        acc[i0:i1] = a + rng.normal(0.0, 0.05, a.shape)
        gyr[i0:i1] = g + rng.normal(0.0, 0.3, g.shape)
        all_ic.append(t_ic)
        all_fc.append(t_fc)
        all_len.append(lengths)
    recording = ImuRecording(
        t_s=t, acc_m_s2=acc, gyr_deg_s=gyr, placement="foot", side="left", axis_convention="gaitmap_foot",
        device="synthetic foot IMU", source=f"synthetic day, {hours:g} h, {n_bouts} walking bouts",
    )  # fmt: skip
    return SyntheticFootWalk(
        recording=recording,
        t_ic_s=np.concatenate(all_ic),
        t_fc_s=np.concatenate(all_fc),
        stride_length_m=np.concatenate(all_len),
    )
