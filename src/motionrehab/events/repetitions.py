"""Repetitions of an exercise in a 1-D angle signal, and their phases.

Counting. A repetition is an excursion away from rest: the signal leaves rest, passes the
upper hysteresis threshold (``enter_above_rest_deg``), turns, and comes back below the
lower one (``exit_above_rest_deg``). Hysteresis stops noise near a threshold from
counting twice; a minimum duration drops twitches; an excursion much shallower than the
expected depth is kept but marked ``partial`` (not counted as a repetition done).

Phases. Lowering (eccentric), pause at the turning point, and return (concentric) are
timed from movement onset to the turning point and back, the way a clinician times tempo:
a phase boundary is where the movement starts or stops, i.e. where the angle's speed leaves
or comes back to zero (docs/phase-timing.md). Those instants cannot be read off a noisy
signal by a threshold: the angle leaves rest slowly, and how slowly depends on how the
person moves. So the whole repetition is fitted with a movement model and the boundaries are
where the fitted movements start and stop.

By default the model is minimum jerk (Flash & Hogan 1985, J Neurosci 5:1688):
x(t) = a + (b - a) s((t - t0) / T), s(tau) = 10 tau^3 - 15 tau^4 + 6 tau^5; each ramp between
10 % and 90 % of its travel gives a first guess (``fit_ramp``: tau by inverting s, a line of
t on tau), then every sample of the repetition is fitted. It is exact on minimum-jerk motion
and biased on other profiles (a steady "counted" lowering reads up to 1-2 s long, a raised
cosine 0.5-0.7 s; docs/phase-timing.md). ``free_shape=True`` fits the shape as well
(``MovementShape``: a bell-shaped speed, skewed or not, with or without a steady-speed
plateau, a family holding minimum jerk, raised cosine, constant speed and fast-start
movements), exact on noise-free motion of every such profile but not yet within 0.25 s
under landmark noise.

Live use. ``RepetitionSegmenter`` takes one sample at a time and returns each repetition
as soon as it has settled back at rest; ``segment_repetitions`` feeds a whole recording
through the same segmenter, so live and offline give the same repetitions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy import optimize
from scipy.signal import find_peaks
from scipy.special import betainc

from motionrehab.signals.filters import lowpass_zero_phase

FloatArray = NDArray[np.float64]

_TAU = np.linspace(0.0, 1.0, 2001)
_S = 10 * _TAU**3 - 15 * _TAU**4 + 6 * _TAU**5


def minimum_jerk(tau: FloatArray) -> FloatArray:
    """The minimum-jerk position profile s(tau) on [0, 1] (0 -> 0, 1 -> 1)."""
    clipped = np.clip(tau, 0.0, 1.0)
    return np.asarray(10 * clipped**3 - 15 * clipped**4 + 6 * clipped**5, dtype=np.float64)


@dataclass(frozen=True)
class Ramp:
    """One fitted movement between two levels: onset time and duration, seconds."""

    t_onset_s: float
    duration_s: float

    @property
    def t_done_s(self) -> float:
        """Time the movement reaches its end level."""
        return self.t_onset_s + self.duration_s


def fit_ramp(t_s: FloatArray, values: FloatArray, start_level: float, end_level: float, low: float = 0.1, high: float = 0.9) -> Ramp | None:
    """Fit onset and duration of a minimum-jerk movement from ``start_level`` to ``end_level``.

    A line through the samples whose travel fraction lies in [low, high], in the
    minimum-jerk time base. None with fewer than 3 such samples.
    """
    travel = end_level - start_level
    if travel == 0 or t_s.size < 3:
        return None
    fraction = (values - start_level) / travel
    use = np.isfinite(fraction) & (fraction >= low) & (fraction <= high)
    if use.sum() < 3:
        return None
    tau = np.interp(fraction[use], _S, _TAU)
    slope, intercept = np.polyfit(tau, t_s[use], 1)
    if slope <= 0:
        return None
    return Ramp(t_onset_s=float(intercept), duration_s=float(slope))


@dataclass(frozen=True)
class MovementShape:
    """The shape of one movement between two levels: a bell-shaped speed with an optional plateau.

    The speed is a beta-function bell, tau^(a-1) (1 - tau)^(b-1) on [0, 1 - plateau],
    averaged over a window of width ``plateau`` (the share of the movement spent near a
    steady speed). This one family holds the shapes people move with: a = b = 3 is minimum
    jerk (Flash & Hogan 1985), a = b near 2 a raised cosine, a = b = 1 with a plateau a
    steady "counted" speed with short accelerations, a != b a skewed movement (a fast start
    and a slow approach when a < b). Its position at tau = 0 and 1 is exactly the start and
    end level, with zero speed there for a, b > 1, so the fitted onset and end are where the
    movement starts and stops, whatever its shape.
    """

    a: float = 3.0
    b: float = 3.0
    plateau: float = 0.0


MINIMUM_JERK_SHAPE = MovementShape(3.0, 3.0, 0.0)

#: shape bounds of the fit: a, b in [0.8, 8] (from near-constant speed to a very slow
#: start or end); plateau from none to 90 % of the movement
_SHAPE_LOWER = (math.log(0.8), math.log(0.8), 0.01)
_SHAPE_UPPER = (math.log(8.0), math.log(8.0), 0.9)
#: the fit's weak prior on the shape (log a, log b ~ log 2.5 +- log 2.5, plateau ~ 0 +- 0.5):
#: it only decides where the samples cannot (the slow ends of a movement under noise)
_SHAPE_PRIOR = (math.log(2.5), math.log(2.5), 0.0)
_SHAPE_PRIOR_SD = (math.log(2.5), math.log(2.5), 0.5)


def _integrated_beta(y: FloatArray, a: float, b: float) -> FloatArray:
    """Integral from 0 to y of the regularised incomplete beta I_u(a, b) du (1 per unit past 1)."""
    yc = np.clip(y, 0.0, 1.0)
    inside = yc * betainc(a, b, yc) - a / (a + b) * betainc(a + 1.0, b, yc)
    return np.asarray(np.where(y > 1.0, b / (a + b) + (y - 1.0), np.where(y < 0.0, 0.0, inside)), dtype=np.float64)


def movement_progress(tau: FloatArray, shape: MovementShape = MINIMUM_JERK_SHAPE) -> FloatArray:
    """Progress in [0, 1] at normalised time ``tau`` of a movement of ``shape`` (0 before, 1 after)."""
    tau = np.asarray(tau, dtype=np.float64)
    if shape.plateau < 1e-4:
        return np.asarray(betainc(shape.a, shape.b, np.clip(tau, 0.0, 1.0)), dtype=np.float64)
    bell = 1.0 - shape.plateau
    # position = the bell's progress averaged over the plateau window (a moving average of
    # the speed), in closed form through the integral of the incomplete beta function
    upper = bell * _integrated_beta(tau / bell, shape.a, shape.b)
    lower = bell * _integrated_beta((tau - shape.plateau) / bell, shape.a, shape.b)
    return np.asarray(np.clip((upper - lower) / shape.plateau, 0.0, 1.0), dtype=np.float64)


def repetition_profile(
    t_s: FloatArray, onset_s: float, eccentric_s: float, pause_s: float, concentric_s: float, turning: float, rest_before: float, rest_after: float,
    away_shape: MovementShape = MINIMUM_JERK_SHAPE, back_shape: MovementShape = MINIMUM_JERK_SHAPE,
) -> FloatArray:  # fmt: skip
    """A whole repetition: rest, a movement away, a hold at the turning point, a movement back to rest.

    ``away_shape`` and ``back_shape`` are the two movements' shapes (default minimum jerk).
    """
    away = movement_progress((t_s - onset_s) / max(eccentric_s, 1e-3), away_shape)
    back = movement_progress((t_s - onset_s - eccentric_s - max(pause_s, 0.0)) / max(concentric_s, 1e-3), back_shape)
    return np.asarray(rest_before + (turning - rest_before) * away - (turning - rest_after) * back)


def fit_repetition(
    t_s: FloatArray, values: FloatArray, rest_before: float, rest_after: float, rise: Ramp, fall: Ramp, turning: float, *, free_rest: bool = False,
    free_shape: bool = False, lowpass_hz: float | None = None,
) -> tuple[float, float, float, float] | None:
    """Least-squares fit of ``repetition_profile`` to every sample of a repetition.

    Starts from the two ramps' line fits; returns (onset, eccentric, pause, concentric)
    seconds, or None when the fit fails. By default the movements are minimum jerk (exact on
    minimum-jerk motion, biased on others: see the module docstring); with ``free_shape`` their
    shape is fitted too (``fit_repetition_free_shape``). Using all samples (both ramps, the
    hold, the turning level as a free parameter) times the slow approach to the turning point
    far better under landmark noise than the ramps' own samples, or the noisy extreme, can.
    With ``free_rest`` the two rest levels are fitted too (the samples must include rest
    before and after): a rest level off by 1 % of the amplitude would otherwise move the
    cubic onset of a minimum-jerk movement by about 10 % of its duration. ``lowpass_hz``
    (free shape only): the zero-phase low-pass the samples went through.
    """
    if free_shape:
        return fit_repetition_free_shape(t_s, values, rest_before, rest_after, rise, fall, turning, free_rest=free_rest, lowpass_hz=lowpass_hz)
    finite = np.isfinite(values)
    if finite.sum() < 8:
        return None
    pause0 = max(fall.t_onset_s - rise.t_done_s, 0.0)
    span = float(t_s[-1] - t_s[0])
    amplitude = abs(turning - rest_before)
    p0 = [rise.t_onset_s, rise.duration_s, pause0, fall.duration_s, turning]
    lower = [t_s[0] - 1.0, 0.05, 0.0, 0.05, turning - amplitude]
    upper = [t_s[-1], span + 1.0, span + 1.0, span + 1.0, turning + amplitude]
    if free_rest:
        p0 += [rest_before, rest_after]
        lower += [rest_before - 0.5 * amplitude, rest_after - 0.5 * amplitude]
        upper += [rest_before + 0.5 * amplitude, rest_after + 0.5 * amplitude]

    def model(t: FloatArray, *p: float) -> FloatArray:
        before, after = (p[5], p[6]) if free_rest else (rest_before, rest_after)
        return repetition_profile(t, p[0], p[1], p[2], p[3], p[4], before, after)

    try:
        params, _ = optimize.curve_fit(model, t_s[finite], values[finite], p0=p0, bounds=(lower, upper))
    except (RuntimeError, ValueError):
        return None
    onset, eccentric, pause, concentric = (float(p) for p in params[:4])
    return onset, eccentric, pause, concentric


def fit_repetition_free_shape(
    t_s: FloatArray, values: FloatArray, rest_before: float, rest_after: float, rise: Ramp, fall: Ramp, turning: float, *, free_rest: bool = False,
    lowpass_hz: float | None = None,
) -> tuple[float, float, float, float] | None:
    """``fit_repetition`` with the movements' shape fitted too: timing that does not assume a profile.

    The movements' shape (``MovementShape``, one for the lowering and the return: a person
    moves both ways alike, and one shape found from both halves what noise can hide) is
    fitted with their timing, so the onset and end of each are where the fitted movement
    starts and stops whatever its profile (minimum jerk, raised cosine, steady counted speed,
    skewed), under a weak prior on the shape. Exact on noise-free motion of any of these
    profiles; under landmark noise not yet within 0.25 s (docs/phase-timing.md gives the
    figures), which is why it is not the default.

    ``lowpass_hz``: the cutoff of the zero-phase low-pass (signals.filters) the samples went
    through, if any; the model goes through the same filter before it is compared (``t_s``
    must then be uniformly sampled). A 1 Hz low-pass rounds the start and end of a 1-3 s
    movement into a slower-looking shape, which a free shape would otherwise take for the
    movement's own.
    """
    finite = np.isfinite(values)
    if finite.sum() < 12:
        return None
    t, x = t_s[finite], values[finite]
    rate_hz = 1.0 / float(np.median(np.diff(t_s))) if lowpass_hz is not None else 0.0
    pause0 = max(fall.t_onset_s - rise.t_done_s, 0.0)
    span = float(t[-1] - t[0])
    amplitude = abs(turning - rest_before)
    if amplitude <= 0:
        return None
    start_shape = (_SHAPE_PRIOR[0], _SHAPE_PRIOR[1], 0.3)  # a plateau away from its bound, where the fit can move it
    p0 = [rise.t_onset_s, max(rise.duration_s, 0.1), pause0, max(fall.duration_s, 0.1), turning, *start_shape]
    lower = [t[0] - 1.0, 0.05, 0.0, 0.05, turning - amplitude, *_SHAPE_LOWER]
    upper = [t[-1], span + 1.0, span + 1.0, span + 1.0, turning + amplitude, *_SHAPE_UPPER]
    if free_rest:
        p0 += [rest_before, rest_after]
        lower += [rest_before - 0.5 * amplitude, rest_after - 0.5 * amplitude]
        upper += [rest_before + 0.5 * amplitude, rest_after + 0.5 * amplitude]
    p0 = list(np.clip(p0, np.asarray(lower) + 1e-9, np.asarray(upper) - 1e-9))
    prior = np.asarray(_SHAPE_PRIOR)
    prior_sd = np.asarray(_SHAPE_PRIOR_SD)
    # a low-passed signal has about 2 * cutoff / rate independent samples per sample: the
    # data's weight against the prior counts those, not the (correlated) samples
    independent = min(1.0, 2.0 * lowpass_hz / rate_hz) if lowpass_hz is not None else 1.0

    def model_at(p: FloatArray) -> FloatArray:
        before, after = (p[8], p[9]) if free_rest else (rest_before, rest_after)
        away = MovementShape(math.exp(p[5]), math.exp(p[6]), p[7])
        back = away  # one shape for the rep's two movements (see the docstring)
        if lowpass_hz is None:
            return repetition_profile(t, p[0], p[1], p[2], p[3], p[4], before, after, away, back)
        model = repetition_profile(t_s, p[0], p[1], p[2], p[3], p[4], before, after, away, back)
        return lowpass_zero_phase(model, rate_hz, lowpass_hz)[finite]

    def solve(start: list[float], weight: float) -> optimize.OptimizeResult | None:
        def residuals(p: FloatArray) -> FloatArray:
            return np.concatenate([weight * (model_at(p) - x), (p[5:8] - prior) / prior_sd])

        try:
            result = optimize.least_squares(residuals, start, bounds=(lower, upper), x_scale="jac")
        except (RuntimeError, ValueError):
            return None
        return result if result.success else None

    # first with a token prior, to measure the noise as what the model leaves; then with the
    # data weighed by that noise, so the prior decides only what the samples cannot
    first = solve(p0, 1e3 / amplitude)
    if first is None:
        return None
    noise = float(np.sqrt(np.mean((model_at(first.x) - x) ** 2)))
    solution = solve(list(first.x), math.sqrt(independent) / max(noise, 1e-4 * amplitude)) or first
    onset, eccentric, pause, concentric = (float(p) for p in solution.x[:4])
    return onset, eccentric, pause, concentric


@dataclass(frozen=True)
class RepetitionPhases:
    """One repetition and its phases (times in seconds from the start of the recording).

    Attributes:
        index: 0-based order among the excursions found (partial ones included).
        t_start_s: movement onset (leaving rest).
        t_bottom_start_s: turning point reached (end of the eccentric phase).
        t_bottom_end_s: leaving the turning point (start of the concentric phase).
        t_end_s: back at rest.
        eccentric_s, pause_s, concentric_s: phase durations.
        peak_value: the signal at the turning point (degrees for angles).
        rest_value: the signal at rest before the repetition.
        i_start, i_peak, i_end: sample indices of onset, extreme and return.
        partial: True when the excursion was much shallower than expected (not counted).
    """

    index: int
    t_start_s: float
    t_bottom_start_s: float
    t_bottom_end_s: float
    t_end_s: float
    eccentric_s: float
    pause_s: float
    concentric_s: float
    peak_value: float
    rest_value: float
    i_start: int
    i_peak: int
    i_end: int
    partial: bool

    @property
    def amplitude(self) -> float:
        """Peak minus rest."""
        return self.peak_value - self.rest_value


@dataclass(frozen=True)
class RepetitionThresholds:
    """When an excursion counts (all relative to the rest level, in the signal's units).

    Attributes:
        enter_above_rest: the signal must pass rest + this for a repetition to start counting.
        exit_above_rest: ... and come back below rest + this for it to end.
        partial_below: an excursion whose amplitude is under this is ``partial``.
        min_duration_s: excursions shorter than this (from enter to exit) are ignored.
    """

    enter_above_rest: float
    exit_above_rest: float
    partial_below: float
    min_duration_s: float = 0.4

    @classmethod
    def for_depth(cls, expected_amplitude: float) -> RepetitionThresholds:
        """Thresholds for an expected depth (e.g. the prescribed hip flexion).

        Enter at 30 %, exit at 15 %, partial under 60 % of the expected amplitude.
        """
        return cls(0.3 * expected_amplitude, 0.15 * expected_amplitude, 0.6 * expected_amplitude)


class RepetitionSegmenter:
    """Incremental repetition segmentation (see the module docstring).

    Args:
        thresholds: when an excursion counts.
        direction: +1 when the movement increases the signal (hip flexion in a hinge), -1 otherwise.
        lookback_s: how far back (at most, and never before the previous repetition) the
            rest level and the start of the movement are looked for when a repetition starts.
        settle_s: after coming back below the exit threshold, wait at most this long for the
            signal to settle before the repetition is reported.
        free_shape: time the phases with the movement's shape fitted (``fit_repetition``).
        lowpass_hz: with ``free_shape``, the zero-phase low-pass cutoff the signal went
            through, Hz (the fit filters its model the same way); None: unfiltered.
    """

    def __init__(self, thresholds: RepetitionThresholds, *, direction: int = 1, lookback_s: float = 5.0, settle_s: float = 1.0,
                 lowpass_hz: float | None = None, free_shape: bool = False) -> None:  # fmt: skip
        self.thresholds = thresholds
        self.lowpass_hz = lowpass_hz
        self.free_shape = free_shape
        self.direction = 1 if direction >= 0 else -1
        self.lookback_s = lookback_s
        self.settle_s = settle_s
        self._t: list[float] = []
        self._x: list[float] = []
        self._rest_since = 0
        self._rest_level: float | None = None
        self._state = "rest"
        self._rep_first = 0
        self._exit_time: float | None = None
        self._enter_time = 0.0
        self._count = 0
        self.repetitions_: list[RepetitionPhases] = []

    @property
    def phase(self) -> str:
        """'rest', 'moving' (away from rest) or 'returning' (back below the exit threshold, settling)."""
        return self._state

    @property
    def rest_level(self) -> float | None:
        """The current rest level (signal units, in the signal's own sign), or None before any rest."""
        return None if self._rest_level is None else self.direction * self._rest_level

    def update(self, t_s: float, value: float) -> RepetitionPhases | None:
        """Add one sample; returns a repetition when one has just finished."""
        x = self.direction * float(value)
        index = len(self._t)
        self._t.append(float(t_s))
        self._x.append(x)
        if not np.isfinite(x):
            return None
        th = self.thresholds
        if self._state == "rest":
            first = max(self._rest_since, int(np.searchsorted(self._t, t_s - self.lookback_s)))
            window = np.asarray(self._x[first:])
            # the low end of the rest, robust to a single outlying sample (a filter's edge, a
            # glitch), which would otherwise set the rest too low for the next return to reach
            lowest = float(np.nanpercentile(window, 10)) if np.isfinite(window).sum() >= 10 else float(np.nanmin(window))
            if x > lowest + th.enter_above_rest:
                # rest = the samples near the lowest point since the last repetition: the
                # standing (or lying) stretch before this movement, not its first rise
                near_rest = window[np.isfinite(window) & (window <= lowest + 0.5 * th.exit_above_rest)]
                self._rest_level = float(np.median(near_rest))
                if x > self._rest_level + th.enter_above_rest:
                    self._state = "moving"
                    self._enter_time = t_s
                    self._rep_first = first
            else:
                self._rest_level = lowest
            return None
        assert self._rest_level is not None
        if self._state == "moving":
            if x < self._rest_level + th.exit_above_rest:
                if t_s - self._enter_time < th.min_duration_s:
                    self._back_to_rest(t_s, x)
                    return None
                self._state = "returning"
                self._exit_time = t_s
            return None
        # returning: settle at rest, or a new movement starts, or time is up
        assert self._exit_time is not None
        recent = self._x[-3:]
        settled = len(recent) == 3 and max(recent) - min(recent) < 0.02 * max(th.partial_below, 1e-6)
        rising = x > self._rest_level + th.exit_above_rest
        if settled or rising or t_s - self._exit_time >= self.settle_s:
            repetition = self._finish(index)
            self._back_to_rest(t_s, x)
            return repetition
        return None

    def finish(self) -> RepetitionPhases | None:
        """End of the recording: report a repetition that was coming back to rest."""
        if self._state == "returning":
            repetition = self._finish(len(self._t) - 1)
            self._state = "rest"
            return repetition
        return None

    def _back_to_rest(self, t_s: float, x: float) -> None:
        self._state = "rest"
        self._exit_time = None
        # the next repetition's look-back starts at the lowest point of this one's return
        tail = np.asarray(self._x[self._rep_first :])
        self._rest_since = self._rep_first + int(np.nanargmin(np.where(np.arange(tail.size) >= np.nanargmax(tail), tail, np.inf)))

    def _finish(self, last: int) -> RepetitionPhases | None:
        assert self._rest_level is not None
        t = np.asarray(self._t[self._rep_first : last + 1])
        x = np.asarray(self._x[self._rep_first : last + 1])
        finite = np.isfinite(x)
        if finite.sum() < 5:
            return None
        i_peak_local = int(np.nanargmax(x))
        peak = float(x[i_peak_local])
        rest_before = self._rest_level
        # the return is timed to the level the signal settles at; when that is within 5 % of
        # the depth of the rest level before, it is the same rest (the last samples may still
        # be settling in the minimum-jerk tail, which would otherwise shorten the phase)
        rest_after = float(np.nanmedian(x[-3:]))
        if abs(rest_after - rest_before) <= 0.05 * abs(peak - rest_before):
            rest_after = rest_before
        rise = fit_ramp(t[: i_peak_local + 1], x[: i_peak_local + 1], rest_before, peak)
        fall = fit_ramp(t[i_peak_local:], x[i_peak_local:], peak, rest_after)
        if rise is None or fall is None:
            return None
        fitted = fit_repetition(t, x, rest_before, rest_after, rise, fall, peak, lowpass_hz=self.lowpass_hz, free_shape=self.free_shape)
        if fitted is None:
            onset, eccentric, pause, concentric = rise.t_onset_s, rise.duration_s, max(fall.t_onset_s - rise.t_done_s, 0.0), fall.duration_s
        else:
            onset, eccentric, pause, concentric = fitted
        t_bottom_start = onset + eccentric
        t_bottom_end = t_bottom_start + pause
        t_end = t_bottom_end + concentric
        amplitude = peak - rest_before
        repetition = RepetitionPhases(
            index=self._count,
            t_start_s=onset,
            t_bottom_start_s=t_bottom_start,
            t_bottom_end_s=t_bottom_end,
            t_end_s=t_end,
            eccentric_s=eccentric,
            pause_s=pause,
            concentric_s=concentric,
            peak_value=self.direction * peak,
            rest_value=self.direction * rest_before,
            i_start=self._rep_first + int(np.searchsorted(t, onset)),
            i_peak=self._rep_first + i_peak_local,
            i_end=self._rep_first + min(int(np.searchsorted(t, t_end)), t.size - 1),
            partial=amplitude < self.thresholds.partial_below,
        )
        self._count += 1
        self.repetitions_.append(repetition)
        return repetition


def thresholds_from_signal(values: FloatArray) -> RepetitionThresholds:
    """Offline thresholds from the signal's own range (rest = 5th percentile, depth = 95th minus rest)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return RepetitionThresholds.for_depth(1.0)
    depth = float(np.percentile(finite, 95) - np.percentile(finite, 5))
    return RepetitionThresholds.for_depth(max(depth, 1e-6))


def segment_repetitions(
    t_s: FloatArray, values: FloatArray, thresholds: RepetitionThresholds | None = None, *, direction: int = 1, lowpass_hz: float | None = None,
    free_shape: bool = False,
) -> list[RepetitionPhases]:
    """All repetitions in a recording, by feeding it through a RepetitionSegmenter.

    Without ``thresholds`` they come from the signal's range (``thresholds_from_signal``).
    ``free_shape``, ``lowpass_hz``: as for ``RepetitionSegmenter``.
    """
    signal = np.asarray(values, dtype=np.float64)
    segmenter = RepetitionSegmenter(thresholds or thresholds_from_signal(direction * signal), direction=direction, lowpass_hz=lowpass_hz, free_shape=free_shape)
    out = [rep for t, v in zip(np.asarray(t_s, dtype=np.float64), signal, strict=True) if (rep := segmenter.update(float(t), float(v)))]
    last = segmenter.finish()
    if last is not None:
        out.append(last)
    return out


@dataclass(frozen=True)
class Peak:
    """A peak of a 1-D signal: index, time, value and prominence."""

    index: int
    t_s: float
    value: float
    prominence: float


def find_trial_peaks(t_s: FloatArray, values: FloatArray, *, min_prominence: float, min_separation_s: float = 1.0) -> list[Peak]:
    """Peaks standing out by at least ``min_prominence`` and at least ``min_separation_s`` apart (scipy find_peaks).

    NaN samples never make a peak (they are treated as very low).
    """
    signal = np.where(np.isfinite(values), values, -np.inf)
    if t_s.size < 3:
        return []
    rate = 1.0 / float(np.median(np.diff(t_s)))
    finite_floor = np.nanmin(values) if np.isfinite(values).any() else 0.0
    signal = np.where(np.isfinite(signal), signal, finite_floor - 10 * min_prominence)
    indices, properties = find_peaks(signal, prominence=min_prominence, distance=max(1, int(round(min_separation_s * rate))))
    peaks = [Peak(int(i), float(t_s[i]), float(values[i]), float(p)) for i, p in zip(indices, properties["prominences"], strict=True)]
    # Two peaks of one held trial (tremor on the plateau) are not separated by a real valley:
    # merge neighbours unless the signal drops by min_prominence below the lower of the two.
    merged: list[Peak] = []
    for peak in peaks:
        if merged:
            previous = merged[-1]
            valley = float(np.min(signal[previous.index : peak.index + 1]))
            if min(previous.value, peak.value) - valley < min_prominence:
                merged[-1] = peak if peak.value > previous.value else previous
                continue
        merged.append(peak)
    return merged


def retime_on(
    t_s: FloatArray, values: FloatArray, phases: RepetitionPhases, *, margin_s: float = 1.0, lowpass_hz: float | None = None, margin_before_s: float | None = None,
    free_shape: bool = False,
) -> RepetitionPhases:
    """The same repetition with its phases timed on another signal that moves with it.

    ``values`` (same direction as the repetition: increasing away from rest) is fitted with
    ``repetition_profile`` over the repetition's window widened by ``margin_s`` (before it by
    ``margin_before_s`` when given: the rest before a rep is already seen), starting
    from ``phases``' timing. Used when a less noisy signal carries the movement (the hinge's
    trunk inclination). ``free_shape``, ``lowpass_hz``: see ``fit_repetition``. Returns ``phases`` unchanged when the fit fails.
    """
    t = np.asarray(t_s, dtype=np.float64)
    x = np.asarray(values, dtype=np.float64)
    lead = margin_s if margin_before_s is None else margin_before_s
    inside = (t >= phases.t_start_s - lead) & (t <= phases.t_end_s + margin_s)
    before = x[(t >= phases.t_start_s - lead) & (t <= phases.t_start_s)]
    after = x[(t >= phases.t_end_s) & (t <= phases.t_end_s + margin_s)]
    if not (np.isfinite(before).any() and np.isfinite(after).any() and np.isfinite(x[inside]).sum() >= 8):
        return phases
    rest_before, rest_after = float(np.nanmedian(before)), float(np.nanmedian(after))
    turning = float(np.nanmax(x[inside]))
    if abs(rest_after - rest_before) <= 0.05 * abs(turning - rest_before):
        rest_after = rest_before  # back where it started, as in the segmenter
    rise = Ramp(phases.t_start_s, phases.eccentric_s)
    fall = Ramp(phases.t_bottom_end_s, phases.concentric_s)
    fitted = fit_repetition(t[inside], x[inside], rest_before, rest_after, rise, fall, turning, free_rest=True, free_shape=free_shape,
                            lowpass_hz=lowpass_hz)  # fmt: skip
    if fitted is None:
        return phases
    onset, eccentric, pause, concentric = fitted
    return replace(
        phases, t_start_s=onset, t_bottom_start_s=onset + eccentric, t_bottom_end_s=onset + eccentric + pause,
        t_end_s=onset + eccentric + pause + concentric, eccentric_s=eccentric, pause_s=pause, concentric_s=concentric,
    )  # fmt: skip
