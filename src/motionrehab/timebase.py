"""The time base of a recording, checked where it enters (file readers) and before a resampler allocates.

A pose track or inertial recording is sampled at a plausible rate with no long holes.
Timestamps that are far apart (a 1e9 s jump from a bad clock) or far too close (1e-12 s
steps) would make a uniform resampling grid of billions of points; they are refused here
with the line or frame concerned and what to do about it.

Limits (each a generous bound on real devices, not a clinical constant):
- frame rate (the median of 1/dt): webcams and phones film at 5-240 fps (pose readers
  pass their own maximum, 1000 Hz); inertial sensors sample at 10-2000 Hz, and a BLE
  burst of several samples per notification can put host timestamps tens of microseconds
  apart, so ``MAX_RATE_HZ`` is 100 kHz: far below the 1e12 Hz of 1e-12 s steps.
- one gap between samples at most ``MAX_GAP_S`` (a minute without a frame is a new
  recording, not a gap to bridge).
- a whole recording at most ``MAX_DURATION_S`` (one day).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from motionrehab.errors import InvalidDataError

MIN_RATE_HZ = 1.0
MAX_RATE_HZ = 100_000.0
MAX_GAP_S = 60.0
MAX_DURATION_S = 24 * 3600.0
MAX_GRID_EXTRA = 100_000
"""A resampling grid may hold at most this many points more than twice the samples."""


def check_time_base(t_s: NDArray[np.float64], where: str, *, max_rate_hz: float = MAX_RATE_HZ) -> None:
    """Raise InvalidDataError unless ``t_s`` (strictly increasing seconds) has a plausible rate, gaps and length."""
    t = np.asarray(t_s, dtype=np.float64)
    if t.size < 2:
        return
    steps = np.diff(t)
    duration = float(t[-1] - t[0])
    if not np.isfinite(duration) or duration > MAX_DURATION_S:
        raise InvalidDataError(f"the recording spans {_seconds(duration)}, more than one day", where=where,
                               fix="check the timestamps: t_s is seconds from the start of the recording")  # fmt: skip
    median = float(np.median(steps))
    rate = 1.0 / median if median > 0 else float("inf")
    if not MIN_RATE_HZ <= rate <= max_rate_hz:
        raise InvalidDataError(f"the frame rate is {_rate(rate)} (median time step {median:.3g} s), outside {MIN_RATE_HZ:g}-{max_rate_hz:,.0f} Hz",
                               where=where, fix="t_s must be in seconds (not milliseconds or frame numbers)")  # fmt: skip
    worst = int(np.argmax(steps))
    if steps[worst] > MAX_GAP_S:
        raise InvalidDataError(f"a gap of {_seconds(float(steps[worst]))} between samples {worst} and {worst + 1} "
                               f"(t_s {t[worst]:.3f} s and {t[worst + 1]:.3f} s)", where=where,
                               fix=f"split the recording at the gap; gaps of at most {MAX_GAP_S:g} s are bridged")  # fmt: skip


def check_grid_size(n_samples: int, n_grid: int, rate_hz: float, where: str = "resampling") -> None:
    """Raise InvalidDataError before a uniform grid far larger than the samples is allocated."""
    if n_grid > 2 * n_samples + MAX_GRID_EXTRA:
        raise InvalidDataError(f"resampling {n_samples:,} samples at {rate_hz:g} Hz would make {n_grid:,} points: the timestamps have huge gaps",
                               where=where, fix="check the timestamps (seconds, increasing, no long holes)")  # fmt: skip


def _seconds(value: float) -> str:
    if not np.isfinite(value):
        return "an infinite time"
    if value >= 3600:
        return f"{value / 3600:,.1f} h"
    return f"{value:,.1f} s"


def _rate(value: float) -> str:
    return "infinite" if not np.isfinite(value) else f"{value:,.3g} Hz"
