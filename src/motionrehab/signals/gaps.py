"""Missing landmarks: visibility gating, short-gap filling, and a report of the long gaps.

A landmark the model barely sees (visibility below ``min_visibility``, default 0.5, the
visibility MediaPipe itself uses as its default presence threshold) is treated as missing.
Gaps up to ``max_gap_s`` (default 0.25 s) are interpolated with a shape-preserving cubic
(PCHIP: no overshoot); at rehabilitation speeds a limb moves only a few degrees in a
quarter of a second, so interpolation there is safe. Longer gaps stay missing and are
reported, so a measure never reads a guessed angle at a peak.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import PchipInterpolator

from motionrehab.signals.filters import _finite_runs

FloatArray = NDArray[np.float64]

DEFAULT_MIN_VISIBILITY = 0.5
DEFAULT_MAX_GAP_S = 0.25


@dataclass(frozen=True)
class Gap:
    """A stretch where one series stayed missing after filling.

    Attributes:
        series: what is missing (a landmark name, or a column index as text).
        t_start_s: time of the first missing sample.
        t_end_s: time of the last missing sample.
        n_frames: number of missing samples.
    """

    series: str
    t_start_s: float
    t_end_s: float
    n_frames: int


def gate_by_visibility(landmarks_px: FloatArray, visibility: FloatArray, min_visibility: float = DEFAULT_MIN_VISIBILITY) -> FloatArray:
    """(n, 33, 2) landmarks with those below ``min_visibility`` set to NaN."""
    hidden = ~(np.nan_to_num(visibility, nan=0.0) >= min_visibility)
    out = np.array(landmarks_px, dtype=np.float64)
    out[hidden] = np.nan
    return out


def fill_short_gaps(t_s: FloatArray, values: FloatArray, max_gap_s: float = DEFAULT_MAX_GAP_S, names: list[str] | None = None) -> tuple[FloatArray, list[Gap]]:
    """Interpolate gaps no longer than ``max_gap_s`` in each column of ``values`` (n, k).

    Returns the filled array and the gaps left missing (longer ones, and those at either
    end of the recording, which cannot be interpolated). ``names`` label the columns in
    the report.
    """
    data = np.array(values, dtype=np.float64)
    flat = data.reshape(data.shape[0], -1)
    left: list[Gap] = []
    for column in range(flat.shape[1]):
        series = flat[:, column]
        finite = np.isfinite(series)
        if finite.sum() < 2:
            if not finite.all() and t_s.size:
                missing = np.flatnonzero(~finite)
                left.append(Gap(names[column] if names else str(column), float(t_s[missing[0]]), float(t_s[missing[-1]]), int(missing.size)))
            continue
        interpolator = PchipInterpolator(t_s[finite], series[finite], extrapolate=False)
        for start, stop in _finite_runs(~finite):
            interior = start > 0 and stop < series.size
            duration = t_s[min(stop, series.size - 1)] - t_s[max(start - 1, 0)]
            if interior and duration <= max_gap_s + 1e-9:
                series[start:stop] = interpolator(t_s[start:stop])
            else:
                left.append(Gap(names[column] if names else str(column), float(t_s[start]), float(t_s[stop - 1]), stop - start))
    return flat.reshape(data.shape), left
