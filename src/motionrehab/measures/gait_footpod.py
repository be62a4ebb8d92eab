"""Gait from a Bluetooth footpod: the Running Speed and Cadence (RSC) measurement.

The RSC Measurement characteristic (0x2A53, Bluetooth SIG Running Speed and Cadence
Service 1.0; docs/clinical-terms.md section 1, Walking distance) reports instantaneous speed (m/s),
instantaneous cadence (1/min: foot contacts per minute, i.e. steps/min), and optionally
instantaneous stride length (m) and total distance (m, a running total kept by the pod).
The pod has already done the gait analysis; this module only turns a sequence of
decoded measurements into a GaitResult.

Input: :class:`FootpodSample` (one decoded notification with its arrival time). The BLE
decoder in sensors/ produces the same fields; adapt with ``FootpodSample(t_s=..., **fields)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from motionrehab.errors import InvalidDataError
from motionrehab.measures.gait import GaitResult, WalkingTolerance


@dataclass(frozen=True)
class FootpodSample:
    """One decoded RSC measurement.

    Attributes:
        t_s: arrival time (s, recording clock).
        speed_m_s: instantaneous speed (m/s).
        cadence_per_min: instantaneous cadence (foot contacts per minute = steps/min).
        stride_length_m: instantaneous stride length (m) when the pod reports it.
        total_distance_m: the pod's running total (m) when it reports it.
    """

    t_s: float
    speed_m_s: float
    cadence_per_min: float
    stride_length_m: float | None = None
    total_distance_m: float | None = None


def analyze_footpod(
    samples: Sequence[FootpodSample], *, pain_onset_s: float | None = None, moving_speed_m_s: float = 0.2
) -> GaitResult:
    """Steps, cadence, distance and speed from a sequence of RSC measurements.

    Distance: difference of the pod's total distance (last - first) when every sample
    carries it, else the integral of speed over time. Steps: integral of cadence over
    time (cadence held from one notification to the next). Cadence and speed: means
    over samples moving faster than ``moving_speed_m_s`` (default 0.2 m/s).
    """
    if len(samples) < 2:
        raise InvalidDataError(f"need at least 2 footpod measurements, got {len(samples)}", where="footpod",
                               fix="record for longer; footpods notify about once a second")  # fmt: skip
    ordered = sorted(samples, key=lambda s: s.t_s)
    t = np.array([s.t_s for s in ordered])
    if np.any(np.diff(t) <= 0):
        raise InvalidDataError("footpod measurements have repeated times", where="footpod",
                               fix="give each notification its own arrival time")  # fmt: skip
    speed = np.array([s.speed_m_s for s in ordered])
    cadence = np.array([s.cadence_per_min for s in ordered])
    dt = np.diff(t)
    notes: list[str] = []
    totals = [s.total_distance_m for s in ordered]
    if all(total is not None for total in totals):
        total = np.array(totals, dtype=np.float64)
        distance = float(total[-1] - total[0])
        cumulative = total - total[0]
        notes.append("distance from the footpod's total distance field")
    else:
        cumulative = np.concatenate([[0.0], np.cumsum(speed[:-1] * dt)])
        distance = float(cumulative[-1])
        notes.append("distance by integrating the footpod's instantaneous speed")
    steps = int(round(float(np.sum(cadence[:-1] / 60.0 * dt))))
    moving = speed > moving_speed_m_s
    mean_cadence = float(np.mean(cadence[moving])) if moving.any() else None
    strides = [s.stride_length_m for s, m in zip(ordered, moving, strict=True) if m and s.stride_length_m is not None]
    if strides:
        notes.append(f"mean stride length reported by the pod: {np.mean(strides):.2f} m")
    moving_time = float(np.sum(dt[moving[:-1]]))
    tolerance = None
    if pain_onset_s is not None:
        start = float(t[moving][0]) if moving.any() else float(t[0])
        tolerance = WalkingTolerance(pain_onset_s=pain_onset_s, time_s=max(0.0, pain_onset_s - start),
                                     distance_m=float(np.interp(pain_onset_s, t, cumulative)))  # fmt: skip
    return GaitResult(
        steps=steps,
        cadence_steps_per_min=mean_cadence,
        strides=(),
        symmetry_index_pct=None,
        stride_time_cv_pct=None,
        distance_m=distance,
        speed_m_per_s=distance / moving_time if moving_time > 0 else None,
        walking_tolerance=tolerance,
        duration_s=float(t[-1] - t[0]),
        method="footpod, Bluetooth Running Speed and Cadence measurement (0x2A53)",
        notes=tuple(notes),
        symmetry_parameter="none",
    )
