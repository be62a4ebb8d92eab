"""The machinery every exercise of the library shares: views, repetitions, holds, faults, scores.

An exercise is a declarative ``Exercise`` (one short module each, see the package docstring):
which signal drives its repetitions (an angle column of kinematics.angles, ``{side}`` being the
side that faces the camera), which way it moves and how far, what to measure in each
repetition, which faults (each a rule with a cited threshold), which views and posture it
needs and what the camera cannot assess. This module turns that into results:

- View: side-on or frontal from the shoulders' apparent separation over the trunk length
  (kinematics.view's ratios; the full 2-D separation, so a person lying on their side seen
  from the front, shoulders stacked, reads frontal). A view the exercise does not accept, or a
  posture it cannot be done in (a seated slider filmed standing), is refused with what to do.
- Repetitions: events.repetitions' segmenter on the driving signal (hysteresis, minimum
  duration, partial excursions kept apart) counts them. Their timing is then refitted
  (``fit_phases``) with a movement shape that is itself fitted, not assumed: each ramp follows
  the symmetric regularised incomplete beta function I_tau(a, a), whose one shape parameter
  spans steady speed (a = 1), a raised cosine (about 1.6) and minimum jerk (a = 3, exactly
  Flash & Hogan's polynomial), so a patient who lowers at a counted, even pace is timed as
  well as a smooth one. ``hold_s`` is the time at the turning point between the two ramps.
- Holds (planks, stretches): the excursion into position and back; the hold runs from reaching
  the position to leaving it, or to the moment alignment was lost beyond the exercise's limit
  when that lasted more than ``HoldRule.grace_s`` (a moment's wobble does not end a hold).
- Faults: each ``Fault`` is a rule on the repetition's (or hold's) measured values, with the
  views it needs; faults whose view is missing are listed as not assessed, never silently passed.
- Score: 100 minus the cost of each fault found, never below 0; the set's score is the mean.

Live and offline are one path: ``ExerciseTracker`` takes one frame's signals at a time and
returns each repetition or hold as it is complete; ``analyze_exercise`` feeds a whole recording
through it, so the live session and ``motionrehab analyze`` give the same repetitions.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import optimize
from scipy.special import betainc

from motionrehab.capture.landmarks import LANDMARK_INDEX
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.errors import UnusableViewError
from motionrehab.events.repetitions import (
    RepetitionPhases,
    RepetitionSegmenter,
    RepetitionThresholds,
)
from motionrehab.kinematics.angles import (
    axial_rotation_deg,
    facing_side,
    pelvis_tilt_3d_deg,
    to_body_frame,
)
from motionrehab.kinematics.calibration import (
    CameraCalibration,
    image_to_up,
    still_frames,
    still_posture,
)
from motionrehab.kinematics.measure import AngleMeasurement, measure_angles
from motionrehab.kinematics.view import FRONTAL_MIN_RATIO, SIDE_ON_MAX_RATIO
from motionrehab.signals.filters import hampel, lowpass_zero_phase

FloatArray = NDArray[np.float64]

#: a value counts as reached when held this long (s): the moving median of sustained peaks
SUSTAINED_S = 0.3

POSTURES = ("standing", "seated", "supine", "prone", "side-lying")
LYING_POSTURES = ("supine", "prone", "side-lying")


@dataclass(frozen=True)
class Fault:
    """One fault: its name, the rule (with its source) in words, the cue, what it costs.

    Attributes:
        name: snake_case name (the JSON ``faults`` items).
        rule: the threshold and its source, one sentence (docs, --help).
        advice: the cue the patient hears, plain words.
        cost: points taken off the repetition's 100.
        test: True when the fault is present, given the repetition's measured values.
        views: the views in which the camera can see it.
    """

    name: str
    rule: str
    advice: str
    cost: int
    test: Callable[[Mapping[str, float]], bool]
    views: tuple[str, ...] = ("side", "front")


@dataclass(frozen=True)
class HoldRule:
    """How a hold is timed and when it ends early.

    Attributes:
        alignment: the signal whose departure from 0 ends the hold (degrees), or None.
        limit_deg: |alignment| beyond this is alignment lost.
        grace_s: alignment lost for longer than this ends the hold (at the moment it was lost).
        above_fault / below_fault: the fault named when the hold ended above (+) or below (-).
    """

    alignment: str | None = None
    limit_deg: float = 10.0
    grace_s: float = 1.0
    above_fault: str = ""
    below_fault: str = ""


@dataclass(frozen=True)
class RepWindow:
    """One repetition's samples, for an exercise's ``measure`` function.

    Attributes:
        phases: the segmenter's repetition (times in seconds from the recording start).
        t_s: the sample times from movement onset to return.
        signals: name -> the samples of every signal over ``t_s``.
        rest: name -> the median of each signal over the second before onset (NaN if none).
        view: 'side' or 'front'.
        side: the side facing the camera ('left' or 'right'; the side view's near side).
    """

    phases: RepetitionPhases
    t_s: FloatArray
    signals: Mapping[str, FloatArray]
    rest: Mapping[str, float]
    view: str
    side: str

    def _at(self, name: str) -> FloatArray:
        return self.signals[name.format(side=self.side)]

    def peak(self, name: str) -> float:
        """Largest value of a signal in the repetition (``{side}`` allowed in the name)."""
        values = self._at(name)
        return float(np.nanmax(values)) if np.isfinite(values).any() else math.nan

    def lowest(self, name: str) -> float:
        """Smallest value of a signal in the repetition."""
        values = self._at(name)
        return float(np.nanmin(values)) if np.isfinite(values).any() else math.nan

    def largest_abs(self, name: str) -> float:
        """The value furthest from 0 (sign kept)."""
        values = self._at(name)
        if not np.isfinite(values).any():
            return math.nan
        return float(values[int(np.nanargmax(np.abs(values)))])

    def at_turn(self, name: str) -> float:
        """The signal held at the turning point: median over the pause (the samples nearest the peak without one)."""
        values = self._at(name)
        held = (self.t_s >= self.phases.t_bottom_start_s) & (self.t_s <= self.phases.t_bottom_end_s)
        if held.sum() < 3:
            peak_t = self.t_s[min(max(self.phases.i_peak - self.phases.i_start, 0), self.t_s.size - 1)]
            held = np.abs(self.t_s - peak_t) <= 0.1
        chosen = values[held]
        return float(np.nanmedian(chosen)) if np.isfinite(chosen).any() else math.nan

    def _steady(self, name: str) -> FloatArray:
        """The signal through a moving median over SUSTAINED_S, so one noisy frame is never its extreme."""
        values = self._at(name)
        if values.size < 3:
            return values
        rate = (values.size - 1) / max(float(self.t_s[-1] - self.t_s[0]), 1e-9)
        width = max(1, min(values.size, int(round(SUSTAINED_S * rate)) | 1))
        windows = np.lib.stride_tricks.sliding_window_view(np.pad(values, width // 2, mode="edge"), width)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.asarray(np.nanmedian(windows, axis=-1))

    def sustained_peak(self, name: str) -> float:
        """The largest value the signal kept for SUSTAINED_S (a moving median's maximum)."""
        values = self._steady(name)
        return float(np.nanmax(values)) if np.isfinite(values).any() else math.nan

    def change_from_rest(self, name: str) -> float:
        """The largest sustained departure of a signal from its rest value (sign kept; moving median)."""
        rest = self.rest.get(name.format(side=self.side), math.nan)
        values = self._steady(name) - rest
        if not np.isfinite(values).any():
            return math.nan
        return float(values[int(np.nanargmax(np.abs(values)))])


Measure = Callable[[RepWindow], dict[str, float]]


@dataclass(frozen=True)
class Exercise:
    """A declarative exercise definition (see the package docstring).

    Attributes:
        name: the command name (``motionrehab analyze NAME``), kebab-case.
        kind: the prescription's exercise kind it measures ('' when none).
        title: the name in plain words.
        posture: one of POSTURES (lying postures measure with anterior = up).
        views: views the exercise accepts ('side', 'front'), the preferred first.
        setup: where to put the camera, one or two sentences for the patient.
        driver: the signal whose excursions are the repetitions ({side} = the near side).
        direction: +1 when the movement increases the driver, -1 when it decreases it.
        expected_amplitude_deg: the excursion of a full repetition (sets the thresholds).
        measure: the repetition's values (names with units) from its window.
        faults: the faults judged.
        not_assessed: what the camera cannot judge, per view.
        hold: a HoldRule for hold exercises (None: repetitions).
        front_driver: the driver in a front view when it differs.
        front_expected_amplitude: its full excursion (default: expected_amplitude_deg).
        front_direction: its direction (default: direction).
        refuse_postures: observed postures (kinematics.calibration.still_posture) this exercise
            cannot be done in, with the reason.
        notes: sentences every result carries.
        summarize: extra keys of the result from its repetitions and the patient's details
            (``age_years``, ``sex``): a clinic test's score (the 30-second chair stand).
        static: a still check (posture): one hold, the longest still stretch, no movement.
        roll_from_person: estimate the camera roll from the person's still stretch (False when
            the person's own alignment is what is measured: the posture check).
        cutoff_hz: the landmarks' low-pass cutoff (default CUTOFF_HZ, see there).
    """

    name: str
    kind: str
    title: str
    posture: str
    views: tuple[str, ...]
    setup: str
    driver: str
    direction: int
    expected_amplitude_deg: float
    measure: Measure
    faults: tuple[Fault, ...] = ()
    not_assessed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    hold: HoldRule | None = None
    front_driver: str | None = None
    front_expected_amplitude: float | None = None
    front_direction: int | None = None
    refuse_postures: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    summarize: Callable[[tuple[MeasuredRepetition, ...], Mapping[str, Any]], dict[str, Any]] | None = None
    static: bool = False
    roll_from_person: bool = True
    cutoff_hz: float = 6.0

    @property
    def is_hold(self) -> bool:
        """True for hold exercises (planks, stretches): results are holds, reps is 0."""
        return self.hold is not None

    @property
    def lying(self) -> bool:
        """True for lying postures (the body frame's anterior is true up)."""
        return self.posture in LYING_POSTURES

    def direction_for(self, view: str) -> int:
        """The driving signal's direction in this view."""
        return self.front_direction if view == "front" and self.front_driver and self.front_direction else self.direction

    def driver_for(self, view: str, side: str) -> str:
        """The driving signal's name in this view, for this side."""
        name = self.front_driver if view == "front" and self.front_driver else self.driver
        return name.format(side=side)


@dataclass(frozen=True)
class MeasuredRepetition:
    """One repetition (or hold) of any exercise: timing, values (units in the names), faults, score."""

    index: int
    t_start_s: float
    t_end_s: float
    hold_s: float
    values: Mapping[str, float]
    faults: tuple[str, ...]
    score: int
    cue: str

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready values (the ``repetitions`` items of ``analyze EXERCISE --json``)."""
        out: dict[str, Any] = {"index": self.index, "t_start_s": _round(self.t_start_s), "t_end_s": _round(self.t_end_s), "hold_s": _round(self.hold_s)}
        out.update({name: _round(value) for name, value in self.values.items()})
        out.update({"faults": list(self.faults), "score": self.score, "cue": self.cue})
        return out


@dataclass(frozen=True)
class MeasuredHold:
    """One hold: when it started, how long it lasted (s), the values held, faults and score."""

    index: int
    t_start_s: float
    duration_s: float
    values: Mapping[str, float]
    faults: tuple[str, ...]
    score: int
    cue: str

    @property
    def t_end_s(self) -> float:
        """When the hold ended."""
        return self.t_start_s + self.duration_s

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-ready values (the ``holds`` items)."""
        out: dict[str, Any] = {"index": self.index, "t_start_s": _round(self.t_start_s), "duration_s": _round(self.duration_s)}
        out.update({name: _round(value) for name, value in self.values.items()})
        out.update({"faults": list(self.faults), "score": self.score, "cue": self.cue})
        return out


def _round(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 3)


@dataclass(frozen=True)
class ExerciseResult:
    """A set of one exercise: repetitions or holds, the score, and what was not assessed."""

    exercise: Exercise
    view: str
    side: str
    repetitions: tuple[MeasuredRepetition, ...]
    holds: tuple[MeasuredHold, ...]
    partial_repetitions: int
    not_assessed: tuple[str, ...]
    notes: tuple[str, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def reps(self) -> int:
        """Counted repetitions (0 for holds; partial excursions excluded)."""
        return 0 if self.exercise.is_hold else len(self.repetitions)

    @property
    def score(self) -> int | None:
        """Mean score of the repetitions (or holds); None when there are none."""
        items = self.holds if self.exercise.is_hold else self.repetitions
        return None if not items else int(round(float(np.mean([item.score for item in items]))))

    def to_json_dict(self) -> dict[str, Any]:
        """The summary of ``motionrehab analyze EXERCISE --json``."""
        out: dict[str, Any] = {
            "exercise": self.exercise.name,
            "view": self.view,
            "side": self.side,
            "reps": self.reps,
            "partial_reps": self.partial_repetitions,
            "repetitions": [] if self.exercise.is_hold else [r.to_json_dict() for r in self.repetitions],
            "holds": [h.to_json_dict() for h in self.holds],
            "score": self.score,
            "not_assessed": list(self.not_assessed),
            "notes": list(self.notes),
        }
        out.update(self.extra)
        return out


def judge(exercise: Exercise, values: Mapping[str, float], view: str, extra_faults: tuple[str, ...] = ()) -> tuple[tuple[str, ...], int, str]:
    """Faults found among those the view can see (plus ``extra_faults``), the score and the cue."""
    costs = {fault.name: fault.cost for fault in exercise.faults}
    advice = {fault.name: fault.advice for fault in exercise.faults}
    found = [fault.name for fault in exercise.faults if view in fault.views and fault.name not in extra_faults and _safe_test(fault, values)]
    found += list(extra_faults)
    score = max(0, 100 - sum(costs.get(name, 0) for name in found))
    cue = "good" if not found else advice.get(max(found, key=lambda name: costs.get(name, 0)), "")
    return tuple(found), score, cue


def _safe_test(fault: Fault, values: Mapping[str, float]) -> bool:
    with np.errstate(invalid="ignore"):
        return bool(fault.test(values))


def not_assessed_in(exercise: Exercise, view: str) -> tuple[str, ...]:
    """What the camera cannot judge in this view: listed items plus faults needing another view."""
    items = list(exercise.not_assessed.get(view, ()))
    items += [f"{fault.name.replace('_', ' ')} (needs a {' or '.join(fault.views)} view)" for fault in exercise.faults if view not in fault.views]
    return tuple(items)


class ExerciseTracker:
    """Repetitions and holds of one exercise, frame by frame (live), or over a recording (offline).

    Args:
        exercise: the definition.
        view: 'side' or 'front'.
        side: the side facing the camera.
        expected_amplitude_deg: the full excursion (default: the exercise's).
    """

    def __init__(self, exercise: Exercise, *, view: str, side: str, expected_amplitude_deg: float | None = None) -> None:
        self.exercise = exercise
        self.view = view
        self.side = side
        self.driver = exercise.driver_for(view, side)
        default = exercise.front_expected_amplitude if view == "front" and exercise.front_driver else None
        amplitude = expected_amplitude_deg or default or exercise.expected_amplitude_deg
        self.direction = exercise.direction_for(view)
        self.segmenter = RepetitionSegmenter(RepetitionThresholds.for_depth(amplitude), direction=self.direction)
        self._t: list[float] = []
        self._rows: dict[str, list[float]] = {}
        self.repetitions_: list[MeasuredRepetition] = []
        self.holds_: list[MeasuredHold] = []
        self.partial_: int = 0

    @property
    def phase(self) -> str:
        """The segmenter's phase: 'rest', 'moving' or 'returning'."""
        return self.segmenter.phase

    def update(self, t_s: float, signals: Mapping[str, float]) -> MeasuredRepetition | MeasuredHold | None:
        """Add one frame's signals; returns a repetition or hold when one is complete."""
        self._t.append(float(t_s))
        for name, value in signals.items():
            self._rows.setdefault(name, []).append(float(value))
        phases = self.segmenter.update(t_s, signals.get(self.driver, math.nan))
        return self._complete(phases)

    def finish(self) -> MeasuredRepetition | MeasuredHold | None:
        """End of the recording: complete a repetition that was returning to rest."""
        return self._complete(self.segmenter.finish())

    def _complete(self, phases: RepetitionPhases | None) -> MeasuredRepetition | MeasuredHold | None:
        if phases is None:
            return None
        if phases.partial:
            self.partial_ += 1
            return None
        t = np.asarray(self._t)
        phases = fit_phases(t, np.asarray(self._rows.get(self.driver, [math.nan] * t.size)), phases, self.direction)
        inside = (t >= phases.t_start_s) & (t <= phases.t_end_s)
        if inside.sum() < 3:
            inside = np.zeros(t.size, dtype=bool)
            inside[phases.i_start : phases.i_end + 1] = True
        before = (t >= phases.t_start_s - 1.0) & (t < phases.t_start_s)
        signals = {name: np.asarray(values)[inside] for name, values in self._rows.items()}
        rest = {name: float(np.nanmedian(np.asarray(values)[before])) if np.isfinite(np.asarray(values)[before]).any() else math.nan for name, values in self._rows.items()}
        window = RepWindow(phases=phases, t_s=t[inside], signals=signals, rest=rest, view=self.view, side=self.side)
        values = self.exercise.measure(window)
        if self.exercise.hold is not None:
            return self._hold(window, values)
        faults, score, cue = judge(self.exercise, values, self.view)
        # a front view's driver (the hips' height) is not shaped like the movement: no hold time from it
        hold = math.nan if self.view == "front" and self.exercise.front_driver else phases.pause_s
        rep = MeasuredRepetition(len(self.repetitions_), phases.t_start_s, phases.t_end_s, hold, values, faults, score, cue)
        self.repetitions_.append(rep)
        return rep

    def _hold(self, window: RepWindow, values: dict[str, float]) -> MeasuredHold:
        rule = self.exercise.hold
        assert rule is not None
        start, end = window.phases.t_bottom_start_s, window.phases.t_bottom_end_s
        ended_by: tuple[str, ...] = ()
        if rule.alignment is not None:
            t = window.t_s
            alignment = window.signals[rule.alignment.format(side=self.side)]
            lost_from = _first_sustained(t, alignment, rule.limit_deg, rule.grace_s, start, end)
            if lost_from is not None:
                end = lost_from
                sign = np.sign(np.nanmedian(alignment[(t >= lost_from) & (t <= lost_from + rule.grace_s)]))
                ended_by = (rule.above_fault if sign > 0 else rule.below_fault,)
        held = (window.t_s >= start) & (window.t_s <= end)
        held_window = RepWindow(window.phases, window.t_s[held], {k: v[held] for k, v in window.signals.items()}, window.rest, window.view, window.side)
        if held.sum() >= 3:
            values = self.exercise.measure(held_window)
        faults, score, cue = judge(self.exercise, values, self.view, ended_by)
        hold = MeasuredHold(len(self.holds_), start, max(end - start, 0.0), values, faults, score, cue)
        self.holds_.append(hold)
        return hold


def _first_sustained(t: FloatArray, values: FloatArray, limit: float, grace_s: float, start: float, end: float) -> float | None:
    """The first time in [start, end] from which |values| stays beyond ``limit`` for more than ``grace_s``."""
    beyond = np.abs(np.nan_to_num(values)) > limit
    run_start: float | None = None
    for time, flag in zip(t, beyond, strict=True):
        if time < start or time > end:
            run_start = None if time < start else run_start
            if time > end:
                break
            continue
        if flag:
            run_start = time if run_start is None else run_start
            if time - run_start > grace_s:
                return run_start
        else:
            run_start = None
    return None


#: low-pass cutoff for the exercise angles, Hz. Winter's residual analysis picks the 1 Hz floor on
#: recordings that are mostly still (holds), which smears the ramps' corners and shortens holds by
#: 0.3 s; 6 Hz is Winter's usual cutoff for human movement kinematics (Biomechanics and Motor
#: Control of Human Movement, 4th ed. 2009, sec. 3.4), above these slow exercises' content.
CUTOFF_HZ = 6.0

#: the ramp shape parameter's range (1: steady speed ... 3: minimum jerk ... 6: slower ends still)
SHAPE_RANGE = (0.8, 3.5)
#: the shapes the fit starts from (steady speed, raised-cosine-like, minimum jerk)
STARTING_SHAPES = (1.0, 1.6, 3.0)


def _ramp(tau: FloatArray, shape: float) -> FloatArray:
    return np.asarray(betainc(shape, shape, np.clip(tau, 0.0, 1.0)), dtype=np.float64)


def fit_phases(t_s: FloatArray, values: FloatArray, phases: RepetitionPhases, direction: int) -> RepetitionPhases:
    """The repetition's phases refitted with a fitted ramp shape (see the module docstring).

    Least squares over the repetition and up to 1 s of rest either side: onset, the two ramp
    durations, the hold, the turning level, both rest levels and the shape. Returns
    ``phases`` unchanged when the fit fails.
    """
    x = direction * np.asarray(values, dtype=np.float64)
    inside = (t_s >= phases.t_start_s - 1.0) & (t_s <= phases.t_end_s + 1.0) & np.isfinite(x)
    t, x = t_s[inside], x[inside]
    if t.size < 10:
        return phases
    turning, rest = direction * phases.peak_value, direction * phases.rest_value
    amplitude = abs(turning - rest) or 1.0
    span = float(t[-1] - t[0])

    def model(time: FloatArray, onset: float, rise: float, hold: float, fall: float, top: float, before: float, after: float, shape: float) -> FloatArray:
        up = _ramp((time - onset) / rise, shape)
        down = _ramp((time - onset - rise - hold) / fall, shape)
        return before + (top - before) * up - (top - after) * down

    p0 = [phases.t_start_s, max(phases.eccentric_s, 0.1), max(phases.pause_s, 0.0), max(phases.concentric_s, 0.1), turning, rest, rest, 3.0]
    lower = [t[0] - 1.0, 0.05, 0.0, 0.05, turning - amplitude, rest - 0.5 * amplitude, rest - 0.5 * amplitude, SHAPE_RANGE[0]]
    upper = [t[-1], span + 1.0, span + 1.0, span + 1.0, turning + amplitude, rest + 0.5 * amplitude, rest + 0.5 * amplitude, SHAPE_RANGE[1]]
    best: tuple[float, FloatArray] | None = None
    # the shape trades off against the ramps' durations under noise: start from steady, smooth
    # and minimum-jerk shapes and keep the best fit, so a local minimum is not taken for the answer
    for shape in STARTING_SHAPES:
        start = [min(max(v, lo + 1e-6), hi - 1e-6) for v, lo, hi in zip([*p0[:7], shape], lower, upper, strict=True)]
        try:
            fitted, _ = optimize.curve_fit(model, t, x, p0=start, bounds=(lower, upper))
        except (RuntimeError, ValueError):
            continue
        cost = float(np.sum((model(t, *fitted) - x) ** 2))
        if best is None or cost < best[0]:
            best = (cost, fitted)
    if best is None:
        return phases
    onset, rise, hold, fall = (float(v) for v in best[1][:4])
    return replace(
        phases, t_start_s=onset, t_bottom_start_s=onset + rise, t_bottom_end_s=onset + rise + hold, t_end_s=onset + rise + hold + fall,
        eccentric_s=rise, pause_s=hold, concentric_s=fall,
    )  # fmt: skip


def _static(exercise: Exercise, measurement: AngleMeasurement, signals: dict[str, FloatArray], view: str, side: str) -> ExerciseAnalysis:
    """A still check: the longest still stretch is one hold; its values are the stretch's medians."""
    still = still_frames(measurement.cleaned)
    notes = [measurement.calibration_note, *exercise.notes]
    holds: tuple[MeasuredHold, ...] = ()
    if still.any():
        edges = np.flatnonzero(np.diff(np.concatenate([[0], still.astype(int), [0]])))
        starts, stops = edges[::2], edges[1::2]
        k = int(np.argmax(stops - starts))
        chosen = slice(int(starts[k]), int(stops[k]))
        t = measurement.angles.t_s[chosen]
        phases = RepetitionPhases(0, float(t[0]), float(t[0]), float(t[-1]), float(t[-1]), 0.0, float(t[-1] - t[0]), 0.0, math.nan, math.nan,
                                  int(starts[k]), int(starts[k]), int(stops[k]) - 1, False)  # fmt: skip
        window = RepWindow(phases, t, {name: values[chosen] for name, values in signals.items()}, {}, view, side)
        values = exercise.measure(window)
        faults, score, cue = judge(exercise, values, view)
        holds = (MeasuredHold(0, float(t[0]), float(t[-1] - t[0]), values, faults, score, cue),)
    else:
        notes.append("no still stretch of 1 s: stand still for a few seconds for the check")
    result = ExerciseResult(exercise=exercise, view=view, side=side, repetitions=(), holds=holds, partial_repetitions=0,
                            not_assessed=not_assessed_in(exercise, view), notes=tuple(notes))  # fmt: skip
    return ExerciseAnalysis(result=result, measurement=measurement)


# ----------------------------------------------------------------------------- views and posture


def observed_view(track: PoseTrack) -> str:
    """'side', 'front' or 'oblique': the shoulders' apparent 2-D separation over the trunk length (median)."""
    px = track.landmarks_px
    ls, rs = px[:, LANDMARK_INDEX["left_shoulder"]], px[:, LANDMARK_INDEX["right_shoulder"]]
    lh, rh = px[:, LANDMARK_INDEX["left_hip"]], px[:, LANDMARK_INDEX["right_hip"]]
    with np.errstate(invalid="ignore"):
        ratio = float(np.nanmedian(np.linalg.norm(ls - rs, axis=-1) / np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2, axis=-1)))
    if not math.isfinite(ratio):
        raise UnusableViewError("the shoulders and hips are not in view", where=track.source, fix="make sure your whole body is in view")
    return "side" if ratio < SIDE_ON_MAX_RATIO else "front" if ratio > FRONTAL_MIN_RATIO else "oblique"


def observed_posture(track: PoseTrack) -> str:
    """'standing', 'lying' or 'other' (sitting, kneeling): the posture most frames are in."""
    postures = still_posture(track)
    values, counts = np.unique(postures, return_counts=True)
    return str(values[int(np.argmax(counts))])


def _check_view(exercise: Exercise, track: PoseTrack, view: str | None) -> str:
    found = view or observed_view(track)
    if found not in exercise.views:
        wanted = " or ".join("your side" if v == "side" else "your front" for v in exercise.views)
        raise UnusableViewError(
            f"the {exercise.title} needs a {' or '.join(exercise.views)} view; this recording is a {found} view",
            where=track.source,
            fix=f"turn so that {wanted} faces the camera. {exercise.setup}",
        )
    posture = observed_posture(track)
    if posture in exercise.refuse_postures:
        raise UnusableViewError(exercise.refuse_postures[posture], where=track.source, fix=exercise.setup)
    return found


def hip_lowering_pct(landmarks_px: FloatArray, camera_roll_deg: float) -> FloatArray:
    """How far the hips have come down, % of the highest hip height above the ankles seen so far.

    Hip mid above ankle mid along the true vertical (pixels, roll removed); 0 at the highest
    so far, e.g. 40 in a deep squat. Causal (a running maximum), so live and offline agree.
    A front view's depth signal, where joint angles are foreshortened. Not an angle.
    """
    up = image_to_up(landmarks_px, camera_roll_deg)
    hips = (up[:, LANDMARK_INDEX["left_hip"]] + up[:, LANDMARK_INDEX["right_hip"]]) / 2
    ankles = (up[:, LANDMARK_INDEX["left_ankle"]] + up[:, LANDMARK_INDEX["right_ankle"]]) / 2
    height = hips[:, 1] - ankles[:, 1]
    highest = np.fmax.accumulate(np.where(np.isfinite(height), height, -np.inf))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(highest > 0, 100.0 * (1.0 - height / highest), np.nan))


def hip_rise_pct(landmarks_px: FloatArray, camera_roll_deg: float) -> FloatArray:
    """How far the hips have risen, % of the lowest hip height above the ankles seen so far (causal).

    0 at the lowest so far (seated), about 70 standing up from a chair: a front view's
    sit-to-stand signal. Not an angle.
    """
    up = image_to_up(landmarks_px, camera_roll_deg)
    hips = (up[:, LANDMARK_INDEX["left_hip"]] + up[:, LANDMARK_INDEX["right_hip"]]) / 2
    ankles = (up[:, LANDMARK_INDEX["left_ankle"]] + up[:, LANDMARK_INDEX["right_ankle"]]) / 2
    height = hips[:, 1] - ankles[:, 1]
    lowest = np.fmin.accumulate(np.where(np.isfinite(height), height, np.inf))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where((lowest > 0) & np.isfinite(lowest), 100.0 * (height / lowest - 1.0), np.nan))


def extra_signals(measurement: AngleMeasurement, cutoff_hz: float = CUTOFF_HZ) -> dict[str, FloatArray]:
    """Signals beside the AngleTable that exercises use (not joint angles).

    ``hip_lowering_pct`` and ``hip_rise_pct`` always; ``pelvis_tilt_3d_deg`` (kinematics.angles)
    when the track has world landmarks, and then ``shoulder_rotation_deg`` and
    ``pelvis_rotation_deg`` (kinematics.angles.axial_rotation_deg), ``thoracic_rotation_deg``
    (the shoulders' rotation relative to the pelvis) and its magnitude; ``<part>_forward_pct``:
    the ear, shoulder, hip and knee (midpoints) forward of the ankles' plumb line, % of the
    ankle-to-ear height (body frame: roll removed, forward = where the toes point).
    """
    roll = measurement.calibration.camera_roll_deg
    out = {"hip_lowering_pct": hip_lowering_pct(measurement.cleaned.landmarks_px, roll), "hip_rise_pct": hip_rise_pct(measurement.cleaned.landmarks_px, roll)}
    # offsets forward of the ankles' plumb line, % of the ankle-to-ear height (the posture check)
    body = to_body_frame(measurement.cleaned.landmarks_px, measurement.body_frame)
    ankle = (body[:, LANDMARK_INDEX["left_ankle"]] + body[:, LANDMARK_INDEX["right_ankle"]]) / 2
    ear = (body[:, LANDMARK_INDEX["left_ear"]] + body[:, LANDMARK_INDEX["right_ear"]]) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        height = ear[:, 1] - ankle[:, 1]
        for part in ("ear", "shoulder", "hip", "knee"):
            mid = (body[:, LANDMARK_INDEX[f"left_{part}"]] + body[:, LANDMARK_INDEX[f"right_{part}"]]) / 2
            out[f"{part}_forward_pct"] = 100.0 * (mid[:, 0] - ankle[:, 0]) / height
    world = measurement.cleaned.world_m
    if world is not None:
        rate = measurement.cleaned.frame_rate_hz

        def cleaned(values: FloatArray) -> FloatArray:
            # the world landmarks are not cleaned with the image ones: spikes (swaps) out, then low-pass
            despiked, _ = hampel(values)
            return lowpass_zero_phase(despiked, rate, cutoff_hz)

        out["pelvis_tilt_3d_deg"] = cleaned(pelvis_tilt_3d_deg(world, roll))
        shoulders = cleaned(axial_rotation_deg(world, "left_shoulder", "right_shoulder", roll))
        pelvis = cleaned(axial_rotation_deg(world, "left_hip", "right_hip", roll))
        out.update(shoulder_rotation_deg=shoulders, pelvis_rotation_deg=pelvis, thoracic_rotation_deg=shoulders - pelvis,
                   thoracic_rotation_abs_deg=np.abs(shoulders - pelvis))  # fmt: skip
    return out


@dataclass(frozen=True)
class ExerciseAnalysis:
    """The result and the angles it was measured on."""

    result: ExerciseResult
    measurement: AngleMeasurement


def analyze_exercise(
    exercise: Exercise,
    track: PoseTrack,
    calibration: CameraCalibration | None = None,
    *,
    view: str | None = None,
    expected_amplitude_deg: float | None = None,
    patient: Mapping[str, Any] | None = None,
) -> ExerciseAnalysis:
    """Measure one set of ``exercise`` in a recording of the patient (see the module docstring).

    Args:
        exercise: the definition (motionrehab.measures.exercises.EXERCISES).
        track: the patient's pose track.
        calibration: a saved camera profile (None: estimated from a still stretch).
        view: 'side' or 'front' when known; None finds it from the recording.
        expected_amplitude_deg: a full repetition's excursion of the driver (default: the exercise's).
        patient: details a clinic test compares with norms (``age_years``, ``sex``).

    Raises:
        UnusableViewError: the view or the posture does not suit the exercise.
    """
    found_view = _check_view(exercise, track, view)
    extra_notes = []
    if calibration is None and not exercise.roll_from_person:
        calibration = CameraCalibration(0.0, method="assumed level", source="no calibration profile given")
        extra_notes.append("the camera was assumed level: the person's own alignment cannot calibrate it; level the camera or give a calibration profile")
    measurement = measure_angles(track, calibration, lying=exercise.lying, cutoff_hz=exercise.cutoff_hz)
    if extra_notes:
        measurement = replace(measurement, calibration_note=extra_notes[0])
    side = facing_side(measurement.cleaned)
    tracker = ExerciseTracker(exercise, view=found_view, side=side, expected_amplitude_deg=expected_amplitude_deg)
    signals = dict(measurement.angles.columns)
    signals.update(extra_signals(measurement, exercise.cutoff_hz))
    if exercise.static:
        return _static(exercise, measurement, signals, found_view, side)
    names = list(signals)
    table = np.stack([signals[name] for name in names], axis=1)
    for t, row in zip(measurement.angles.t_s, table, strict=True):
        tracker.update(float(t), dict(zip(names, row.tolist(), strict=True)))
    tracker.finish()
    notes = [measurement.calibration_note, *exercise.notes]
    if tracker.partial_:
        notes.append(f"{tracker.partial_} movement(s) too small to count as a repetition")
    extra = exercise.summarize(tuple(tracker.repetitions_), dict(patient or {})) if exercise.summarize else {}
    result = ExerciseResult(
        exercise=exercise, view=found_view, side=side, repetitions=tuple(tracker.repetitions_), holds=tuple(tracker.holds_),
        partial_repetitions=tracker.partial_, not_assessed=not_assessed_in(exercise, found_view), notes=tuple(notes), extra=extra,
    )  # fmt: skip
    return ExerciseAnalysis(result=result, measurement=measurement)
