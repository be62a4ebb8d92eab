"""Filters for landmark and angle time series: zero-phase low-pass, one-euro, Hampel.

- ``lowpass_zero_phase``: offline analysis. A 4th-order Butterworth (scipy) run forwards
  and backwards (sosfiltfilt), so there is no phase lag. Default cutoff 6 Hz: the cutoff
  Winter recommends for human movement kinematics (D. A. Winter, Biomechanics and Motor
  Control of Human Movement, 4th ed., 2009, ch. 2.2: most movement power is below 6 Hz);
  rehabilitation exercises are slower still, so 6 Hz keeps every real movement and
  removes landmark jitter. NaN gaps split the signal: each finite run is filtered on its
  own; runs too short to filter are left as they are.
- ``OneEuroFilter``: live use. Causal, adaptive cutoff (Casiez, Roussel & Vogel, "1 Euro
  filter", CHI 2012): smooth when still, little lag when moving. Defaults min_cutoff
  1.0 Hz, beta 0.05, d_cutoff 1.0 Hz (the paper's recommended starting point, tuned for
  pixel coordinates at 30 fps).
- ``hampel``: outlier (jump) rejection. A sample further than ``n_sigmas`` robust standard
  deviations (1.4826 x MAD) from the median of its window is an outlier (Pearson 2002,
  "Outliers in process modeling and identification"); defaults 7 samples, 3 sigmas.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.typing import NDArray
from scipy import signal

FloatArray = NDArray[np.float64]

#: Winter 2009's cutoff for human movement kinematics, Hz
DEFAULT_CUTOFF_HZ = 6.0
BUTTERWORTH_ORDER = 4


def _finite_runs(finite: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the runs of True in a 1-D mask."""
    padded = np.concatenate([[False], finite, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def lowpass_zero_phase(values: FloatArray, sample_rate_hz: float, cutoff_hz: float = DEFAULT_CUTOFF_HZ, *, order: int = BUTTERWORTH_ORDER) -> FloatArray:
    """Zero-phase Butterworth low-pass along axis 0, NaN-aware (see the module docstring).

    Args:
        values: (n, ...) samples; NaN marks missing values.
        sample_rate_hz: uniform sampling rate (resample irregular data first).
        cutoff_hz: -3 dB cutoff of the forward-backward filter's single pass, Hz.
        order: Butterworth order of one pass.
    """
    data = np.asarray(values, dtype=np.float64)
    out = data.copy()
    nyquist = sample_rate_hz / 2.0
    if cutoff_hz >= nyquist:
        return out  # nothing to remove below Nyquist
    sos = signal.butter(order, cutoff_hz / nyquist, btype="low", output="sos")
    padlen = 3 * (2 * len(sos) + 1)  # scipy's default pad length for sosfiltfilt
    flat = out.reshape(out.shape[0], -1)
    # columns sharing a finite run (e.g. x and y of a landmark, every landmark without gaps)
    # are filtered together in one call: the same result, far fewer calls
    runs: dict[tuple[int, int], list[int]] = {}
    for column in range(flat.shape[1]):
        for start, stop in _finite_runs(np.isfinite(flat[:, column])):
            if stop - start > padlen:
                runs.setdefault((start, stop), []).append(column)
    for (start, stop), columns in runs.items():
        flat[start:stop, columns] = signal.sosfiltfilt(sos, flat[start:stop, columns], axis=0)
    return flat.reshape(out.shape)


def hampel(values: FloatArray, window: int = 7, n_sigmas: float = 3.0) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Replace outliers by their window median along axis 0. Returns (cleaned, outlier mask).

    For each sample, the window of ``window`` samples centred on it (odd; shrunk at the
    ends) gives a median m and MAD = median(|x - m|); the sample is an outlier when
    |x - m| > n_sigmas x 1.4826 x MAD. NaN samples are ignored and never changed.
    """
    data = np.asarray(values, dtype=np.float64)
    flat = data.reshape(data.shape[0], -1)
    half = (window | 1) // 2
    padded = np.pad(flat, ((half, half), (0, 0)), mode="constant", constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1, axis=0)  # (n, k, w)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows: no decision
        median = np.nanmedian(windows, axis=-1)
        mad = np.nanmedian(np.abs(windows - median[..., None]), axis=-1)
    outliers = np.isfinite(flat) & np.isfinite(median) & (np.abs(flat - median) > n_sigmas * 1.4826 * mad + 1e-9)
    cleaned = np.where(outliers, median, flat)
    return cleaned.reshape(data.shape), outliers.reshape(data.shape)


def _smoothing_factor(dt_s: float, cutoff_hz: float) -> float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    """Causal one-euro filter over arrays of any shape (each element filtered independently).

    Args:
        min_cutoff_hz: cutoff when the signal is still, Hz (lower: smoother, more lag when still).
        beta: cutoff increase per unit of speed (higher: less lag when moving).
        d_cutoff_hz: cutoff of the speed estimate, Hz.

    ``update(t_s, x)`` returns the filtered value; NaN inputs pass through as NaN and
    restart that element's filter at its next finite sample.
    """

    def __init__(self, min_cutoff_hz: float = 1.0, beta: float = 0.05, d_cutoff_hz: float = 1.0) -> None:
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self._x: FloatArray | None = None
        self._dx: FloatArray | None = None
        self._t: float | None = None

    def reset(self) -> None:
        """Forget the past (e.g. after a long gap)."""
        self._x = self._dx = None
        self._t = None

    def update(self, t_s: float, x: FloatArray) -> FloatArray:
        """Filter one sample taken at ``t_s`` seconds."""
        value = np.asarray(x, dtype=np.float64)
        if self._x is None or self._t is None or self._dx is None or t_s <= self._t:
            self._x = value.copy()
            self._dx = np.zeros_like(value)
            self._t = t_s
            return value.copy()
        dt = t_s - self._t
        self._t = t_s
        previous = np.where(np.isfinite(self._x), self._x, value)  # restart elements that were NaN
        derivative = np.where(np.isfinite(value), (value - previous) / dt, 0.0)
        a_d = _smoothing_factor(dt, self.d_cutoff_hz)
        self._dx = a_d * derivative + (1.0 - a_d) * np.nan_to_num(self._dx)
        cutoff = self.min_cutoff_hz + self.beta * np.abs(self._dx)
        tau = 1.0 / (2.0 * np.pi * cutoff)
        a = 1.0 / (1.0 + tau / dt)
        filtered = a * value + (1.0 - a) * previous
        self._x = np.where(np.isfinite(value), filtered, np.nan)
        return self._x.copy()

    def filter(self, t_s: FloatArray, values: FloatArray) -> FloatArray:
        """Filter a whole series causally (the same as calling ``update`` sample by sample)."""
        self.reset()
        return np.stack([self.update(float(t), v) for t, v in zip(t_s, values, strict=True)])


def residual_cutoff_hz(values: FloatArray, sample_rate_hz: float, *, lowest_hz: float = 0.5, highest_hz: float | None = None, step_hz: float = 0.25) -> float:
    """The low-pass cutoff chosen by Winter's residual analysis (Winter 2009, sec. 3.4.4.3).

    For each candidate cutoff the RMS residual between the raw and filtered signal is
    computed (pooled over all columns of ``values``, (n, ...), NaN ignored). At high cutoffs
    the residual is pure noise and falls linearly with the cutoff; the straight line fitted
    to that upper third, extended to 0 Hz, gives the noise level. The chosen cutoff is the
    lowest at which the residual falls to that level: everything removed below it would be
    signal. Slow exercise (a 3-second hinge) gets a lower cutoff than walking this way,
    instead of a fixed number.
    """
    nyquist = sample_rate_hz / 2.0
    top = min(highest_hz if highest_hz is not None else 0.8 * nyquist, 0.9 * nyquist)
    candidates = np.arange(lowest_hz, top + 1e-9, step_hz)
    data = np.asarray(values, dtype=np.float64).reshape(len(values), -1)
    residuals = []
    for cutoff in candidates:
        smoothed = lowpass_zero_phase(data, sample_rate_hz, float(cutoff))
        residuals.append(math.sqrt(float(np.nanmean((data - smoothed) ** 2))))
    residual = np.array(residuals)
    tail = candidates >= candidates[0] + 2.0 * (candidates[-1] - candidates[0]) / 3.0
    slope, intercept = np.polyfit(candidates[tail], residual[tail], 1)
    below = np.flatnonzero(residual <= intercept)
    return float(candidates[below[0]]) if below.size else DEFAULT_CUTOFF_HZ
