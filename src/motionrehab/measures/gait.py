"""Gait measures: strides, cadence, symmetry, variability, distance, walking tolerance.

Definitions from docs/clinical-terms.md section 1 (Gait; Walking distance and walking tolerance):
- IC initial contact, FC final contact (toe-off); a step is IC of one foot to IC of the
  other; a stride is IC to the next IC of the same foot.
- stance = FC - IC (same foot, within the stride), swing = next IC - FC.
- cadence in steps/min; symmetry index SI = |L - R| / (0.5 (L + R)) x 100 %, here of
  the mean **stance time** (an antalgic gait shortens stance on the painful side; stance
  needs no synchronisation between two sensors); stride-time variability as the
  coefficient of variation (SD / mean x 100 %).
- walking tolerance: distance and time walked before symptoms start (pain-onset marker).

This module holds the result types and the sensor-independent arithmetic. Event
detection is in events/gait_events.py; per-source analysis (foot/shank/lower-back IMU,
phone, footpod, video) in measures/gait_imu.py, measures/gait_footpod.py and
measures/gait_video.py. Measures never open files or print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from motionrehab._frames import rows_dataframe
from motionrehab.events.gait_events import GaitEvents

FloatArray = NDArray[np.float64]

#: longest stride accepted as continuous walking (s); longer gaps end a walking bout.
#: Normal strides last about 1.0-1.2 s; the 180 deg turn stride in gaitmap's example lasts 2.3 s.
MAX_STRIDE_TIME_S = 3.0


@dataclass(frozen=True)
class Stride:
    """One stride of one foot: IC to the next IC of the same foot.

    Attributes:
        side: 'left', 'right' or 'none' (side unknown).
        t_ic_s: initial contact that starts the stride (s).
        t_fc_s: final contact (toe-off) inside the stride (s), None when not detectable.
        t_next_ic_s: initial contact that ends the stride (s).
        stride_time_s: t_next_ic_s - t_ic_s.
        stance_s: t_fc_s - t_ic_s, None without FC.
        swing_s: t_next_ic_s - t_fc_s, None without FC.
        stride_length_m: horizontal distance the foot travelled (m), None without a length source.
        is_turn: True when the foot turned by more than 45 deg during the stride (ZUPT heading).
    """

    side: str
    t_ic_s: float
    t_fc_s: float | None
    t_next_ic_s: float
    stride_time_s: float
    stance_s: float | None
    swing_s: float | None
    stride_length_m: float | None = None
    is_turn: bool = False

    def to_json_dict(self) -> dict[str, Any]:
        """Plain dict with the issue's per-stride keys (stride_length_m only when known)."""
        out: dict[str, Any] = {
            "side": self.side,
            "t_ic_s": round(self.t_ic_s, 4),
            "t_fc_s": None if self.t_fc_s is None else round(self.t_fc_s, 4),
            "t_next_ic_s": round(self.t_next_ic_s, 4),
            "stride_time_s": round(self.stride_time_s, 4),
            "stance_s": None if self.stance_s is None else round(self.stance_s, 4),
            "swing_s": None if self.swing_s is None else round(self.swing_s, 4),
        }
        if self.stride_length_m is not None:
            out["stride_length_m"] = round(self.stride_length_m, 4)
        if self.is_turn:
            out["is_turn"] = True
        return out


@dataclass(frozen=True)
class WalkingTolerance:
    """Distance and time walked before a pain-onset marker (docs/clinical-terms.md: walking tolerance).

    Attributes:
        pain_onset_s: the marker (s, recording clock).
        time_s: walking time from the first initial contact to the marker (s).
        distance_m: distance walked up to the marker (m), None without a length source.
    """

    pain_onset_s: float
    time_s: float
    distance_m: float | None

    def to_json_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {
            "pain_onset_s": round(self.pain_onset_s, 3),
            "time_s": round(self.time_s, 3),
            "distance_m": None if self.distance_m is None else round(self.distance_m, 3),
        }


@dataclass(frozen=True)
class WalkingBout:
    """One straight walking bout (lower-back sensor: split at pauses and turns).

    Attributes:
        t_start_s: first initial contact of the bout (s).
        t_end_s: last initial contact (s).
        steps: initial contacts in the bout.
        left_steps: contacts read as left foot.
        right_steps: contacts read as right foot.
        cadence_steps_per_min: mean over the bout's strides of 120 / stride time.
        distance_m: summed step lengths (m), None without a length source.
        speed_m_per_s: distance / (t_end_s - t_start_s), None without a length source.
    """

    t_start_s: float
    t_end_s: float
    steps: int
    left_steps: int
    right_steps: int
    cadence_steps_per_min: float | None
    distance_m: float | None = None
    speed_m_per_s: float | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""

        def rounded(value: float | None, digits: int) -> float | None:
            return None if value is None else round(float(value), digits)

        return {
            "t_start_s": round(self.t_start_s, 3), "t_end_s": round(self.t_end_s, 3), "steps": self.steps,
            "left_steps": self.left_steps, "right_steps": self.right_steps,
            "cadence_steps_per_min": rounded(self.cadence_steps_per_min, 2),
            "distance_m": rounded(self.distance_m, 3), "speed_m_per_s": rounded(self.speed_m_per_s, 3),
        }  # fmt: skip


@dataclass(frozen=True)
class TurnSummary:
    """One turn of the whole body.

    Attributes:
        t_start_s: start of the turn (s).
        t_end_s: end of the turn (s).
        angle_deg: heading change, positive turning left (counter-clockwise seen from above).
        steps: initial contacts during the turn.
    """

    t_start_s: float
    t_end_s: float
    angle_deg: float
    steps: int

    def to_json_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return {"t_start_s": round(self.t_start_s, 3), "t_end_s": round(self.t_end_s, 3),
                "angle_deg": round(self.angle_deg, 1), "steps": self.steps}  # fmt: skip


@dataclass(frozen=True)
class GaitResult:
    """Summary of one walk.

    Attributes:
        steps: number of steps (initial contacts of both feet; see ``notes`` when estimated).
        cadence_steps_per_min: steps per minute while walking.
        strides: per-stride results, both sides, in time order.
        symmetry_index_pct: SI of ``symmetry_parameter`` between left and right (%), None
            when only one side is measured.
        symmetry_parameter: which parameter the SI compares (e.g. 'stance_time').
        stride_time_cv_pct: coefficient of variation of stride time (%), None with < 3 strides.
        distance_m: distance walked (m), None without a length source.
        speed_m_per_s: mean walking speed (m/s), None without a length source.
        walking_tolerance: distance/time before pain onset, None without a marker.
        duration_s: walking time from the first to the last initial contact (s).
        method: events and length methods used.
        notes: plain-language remarks (estimates, excluded strides, selected person...).
        bouts: straight walking bouts (lower-back analysis; empty for other sources).
        turns: turns found (lower-back analysis; empty for other sources).
    """

    steps: int
    cadence_steps_per_min: float | None
    strides: tuple[Stride, ...]
    symmetry_index_pct: float | None
    stride_time_cv_pct: float | None
    distance_m: float | None
    speed_m_per_s: float | None
    walking_tolerance: WalkingTolerance | None
    duration_s: float
    method: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    symmetry_parameter: str = "stance_time"
    bouts: tuple[WalkingBout, ...] = ()
    turns: tuple[TurnSummary, ...] = ()

    def to_dataframe(self) -> Any:
        """A pandas DataFrame, one row per stride, both sides in time order; the result's summary values are in ``frame.attrs``."""
        return rows_dataframe(self.strides, Stride, {"steps": self.steps, "cadence_steps_per_min": self.cadence_steps_per_min, "symmetry_index_pct": self.symmetry_index_pct, "stride_time_cv_pct": self.stride_time_cv_pct, "distance_m": self.distance_m, "speed_m_per_s": self.speed_m_per_s, "duration_s": self.duration_s, "method": self.method, "notes": self.notes})

    def to_json_dict(self) -> dict[str, Any]:
        """Plain dict with the issue's keys: steps, cadence_steps_per_min, strides, ..."""

        def rounded(value: float | None, digits: int) -> float | None:
            return None if value is None else round(float(value), digits)

        return {
            "steps": self.steps,
            "cadence_steps_per_min": rounded(self.cadence_steps_per_min, 2),
            "strides": [stride.to_json_dict() for stride in self.strides],
            "symmetry_index_pct": rounded(self.symmetry_index_pct, 2),
            "symmetry_parameter": self.symmetry_parameter,
            "stride_time_cv_pct": rounded(self.stride_time_cv_pct, 2),
            "distance_m": rounded(self.distance_m, 3),
            "speed_m_per_s": rounded(self.speed_m_per_s, 3),
            "walking_tolerance": None if self.walking_tolerance is None else self.walking_tolerance.to_json_dict(),
            "duration_s": round(self.duration_s, 3),
            "method": self.method,
            "notes": list(self.notes),
            **({"bouts": [b.to_json_dict() for b in self.bouts]} if self.bouts else {}),
            **({"turns": [t.to_json_dict() for t in self.turns]} if self.turns else {}),
        }


def strides_from_events(
    events: GaitEvents,
    stride_lengths_m: Sequence[float | None] | None = None,
    turns: Sequence[bool] | None = None,
    *,
    max_stride_time_s: float = MAX_STRIDE_TIME_S,
) -> list[Stride]:
    """Pair consecutive ICs of one foot into strides, with the FC between them.

    A pair further apart than ``max_stride_time_s`` is a pause, not a stride.
    ``stride_lengths_m[k]`` / ``turns[k]`` belong to the stride starting at IC k.
    """
    t_ic = events.t_ic_s
    t_fc = events.t_fc_s
    strides: list[Stride] = []
    for k in range(t_ic.size - 1):
        start, end = float(t_ic[k]), float(t_ic[k + 1])
        if end - start > max_stride_time_s:
            continue
        inside = t_fc[(t_fc > start) & (t_fc < end)]
        fc = float(inside[0]) if inside.size else None
        length = None if stride_lengths_m is None else stride_lengths_m[k]
        strides.append(
            Stride(
                side=events.side,
                t_ic_s=start,
                t_fc_s=fc,
                t_next_ic_s=end,
                stride_time_s=end - start,
                stance_s=None if fc is None else fc - start,
                swing_s=None if fc is None else end - fc,
                stride_length_m=None if length is None or not np.isfinite(length) else float(length),
                is_turn=bool(turns[k]) if turns is not None else False,
            )
        )
    return strides


def symmetry_index_pct(left: float, right: float) -> float:
    """SI = |L - R| / (0.5 (L + R)) x 100 % (docs/clinical-terms.md section 1, Gait)."""
    return float(abs(left - right) / (0.5 * (left + right)) * 100.0)


def coefficient_of_variation_pct(values: Sequence[float]) -> float | None:
    """SD (ddof=1) / mean x 100 %, None with fewer than 3 values."""
    array = np.asarray(values, dtype=np.float64)
    if array.size < 3:
        return None
    return float(np.std(array, ddof=1) / np.mean(array) * 100.0)


def cadence_from_ics(t_ic_s: NDArray[np.floating], *, max_step_time_s: float = 0.5 * MAX_STRIDE_TIME_S) -> float | None:
    """Steps per minute from the initial contacts of both feet merged (60 / mean step time).

    Pauses (steps longer than ``max_step_time_s``) are left out.
    """
    t = np.sort(np.asarray(t_ic_s, dtype=np.float64))
    step_times = np.diff(t)
    step_times = step_times[step_times <= max_step_time_s]
    if step_times.size == 0:
        return None
    return float(60.0 / np.mean(step_times))


def walking_tolerance(
    pain_onset_s: float, t_ic_s: NDArray[np.floating], strides: Sequence[Stride] = ()
) -> WalkingTolerance:
    """Time and distance walked from the first IC until ``pain_onset_s``.

    Distance: the stride lengths of one side (the side that starts first) summed up to
    the marker, the stride that contains the marker counted in proportion to the time
    elapsed in it (constant speed within a stride). None when no stride has a length.
    """
    t = np.sort(np.asarray(t_ic_s, dtype=np.float64))
    start = float(t[0]) if t.size else pain_onset_s
    time_s = max(0.0, pain_onset_s - start)
    with_length = [s for s in strides if s.stride_length_m is not None]
    distance: float | None = None
    if with_length:
        # the side whose strides start first covers the walk from its beginning
        first_side = min(with_length, key=lambda s: s.t_ic_s).side
        own: list[Stride] = []
        for stride in sorted((s for s in with_length if s.side == first_side), key=lambda s: s.t_ic_s):
            if not own or stride.t_ic_s >= own[-1].t_next_ic_s - 1e-9:  # side-less strides overlap
                own.append(stride)
        total = 0.0
        for stride in own:
            assert stride.stride_length_m is not None
            fraction = (pain_onset_s - stride.t_ic_s) / stride.stride_time_s
            total += stride.stride_length_m * float(np.clip(fraction, 0.0, 1.0))
        distance = total
    return WalkingTolerance(pain_onset_s=float(pain_onset_s), time_s=time_s, distance_m=distance)


def summarize_gait(
    events_by_side: Sequence[GaitEvents],
    strides: Sequence[Stride],
    *,
    method: str,
    notes: Sequence[str] = (),
    pain_onset_s: float | None = None,
    distance_m: float | None = None,
    single_foot: bool = False,
) -> GaitResult:
    """Build a GaitResult from per-side events and strides.

    ``single_foot``: the events come from one foot (or shank) only, even if its side is
    unknown ('none'); steps and cadence then count the other foot's steps too.

    steps: the number of ICs of all measured sides. With one instrumented foot, each of
    its strides contains one step of the other foot: steps = ICs + strides, stated in
    ``notes``. distance_m: given, or the mean over sides of the summed stride lengths
    (each foot travels the whole distance between its first and last stance).
    """
    notes_out = list(notes)
    sided = [e for e in events_by_side if e.side in ("left", "right")]
    all_ic = np.sort(np.concatenate([e.t_ic_s for e in events_by_side])) if events_by_side else np.array([])
    one_foot = len(events_by_side) == 1 and (single_foot or len(sided) == 1)
    if one_foot:
        n_ic = int(events_by_side[0].t_ic_s.size)
        # each stride of the measured foot contains one step of the other foot
        steps = n_ic + len(strides)
        stride_times = [s.stride_time_s for s in strides]
        cadence = 120.0 / float(np.mean(stride_times)) if stride_times else None
        notes_out.append(
            f"one foot ({events_by_side[0].side}) measured: steps = {n_ic} ICs + {len(strides)} steps of the other foot "
            "inside its strides (estimate)"
        )
    else:
        steps = int(all_ic.size)
        cadence = cadence_from_ics(all_ic)
    duration = float(all_ic[-1] - all_ic[0]) if all_ic.size > 1 else 0.0

    symmetry = None
    by_side = {side: [s.stance_s for s in strides if s.side == side and s.stance_s is not None and not s.is_turn]
               for side in ("left", "right")}  # fmt: skip
    if by_side["left"] and by_side["right"]:
        symmetry = symmetry_index_pct(float(np.mean(by_side["left"])), float(np.mean(by_side["right"])))

    straight = [s.stride_time_s for s in strides if not s.is_turn]
    cv = coefficient_of_variation_pct(straight)

    if distance_m is None:
        totals = []
        for side in ("left", "right", "none"):
            lengths = [s.stride_length_m for s in strides if s.side == side and s.stride_length_m is not None]
            if lengths:
                totals.append(float(np.sum(lengths)))
        distance_m = float(np.mean(totals)) if totals else None
    speed = None
    if distance_m is not None:
        sided_strides = [s for s in strides if s.stride_length_m is not None]
        walk_time = float(np.mean([
            sum(s.stride_time_s for s in sided_strides if s.side == side)
            for side in {s.side for s in sided_strides}
        ])) if sided_strides else duration  # fmt: skip
        speed = distance_m / walk_time if walk_time > 0 else None
    tolerance = None
    if pain_onset_s is not None:
        tolerance = walking_tolerance(pain_onset_s, all_ic, strides)
    return GaitResult(
        steps=steps,
        cadence_steps_per_min=cadence,
        strides=tuple(sorted(strides, key=lambda s: s.t_ic_s)),
        symmetry_index_pct=symmetry,
        stride_time_cv_pct=cv,
        distance_m=distance_m,
        speed_m_per_s=speed,
        walking_tolerance=tolerance,
        duration_s=duration,
        method=method,
        notes=tuple(notes_out),
    )
