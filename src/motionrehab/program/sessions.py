"""What was done: session logs the progression engine and adherence scoring read.

The session store (motionrehab.records.store) returns these; tests and the simulated
course build them directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from motionrehab.errors import InvalidDataError
from motionrehab.program.prescription import Dose


@dataclass(frozen=True)
class ExerciseDone:
    """One exercise in one session: the dose planned for that session and what was done.

    Attributes:
        exercise_id: the prescription's exercise id.
        planned: the dose planned for this session (after any shortening).
        reps: repetitions done (all sets).
        hold_s: total hold seconds done (all holds).
        minutes: walking minutes done.
        metres: walking metres done.
        reps_measured: repetitions whose form was judged by a measure (camera or sensor).
        reps_within_criteria: of those, the ones within the form criteria (no fault).
        dose_source: where the dose above comes from: 'measured' (camera or sensor),
            'logged' (the patient's own log) or '' (nothing recorded). Measured and logged
            dose are stored apart and never added; the larger one is used (measured on a tie).
    """

    exercise_id: str
    planned: Dose
    reps: int = 0
    hold_s: float = 0.0
    minutes: float = 0.0
    metres: float = 0.0
    reps_measured: int = 0
    reps_within_criteria: int = 0
    dose_source: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.reps_within_criteria <= self.reps_measured:
            raise InvalidDataError(
                f"reps within criteria ({self.reps_within_criteria}) must be between 0 and the reps measured ({self.reps_measured})",
                where=f"exercise {self.exercise_id}",
            )

    @property
    def recorded(self) -> bool:
        """Whether anything of this exercise was recorded (a planned exercise not done is not 'recorded')."""
        return self.reps > 0 or self.hold_s > 0 or self.minutes > 0 or self.metres > 0

    @property
    def done(self) -> float:
        """What was done, in the planned dose's unit (reps, hold seconds, minutes or metres)."""
        unit = self.planned.unit
        if unit == "reps":
            return float(self.reps)
        if unit == "s":
            return self.hold_s
        return self.minutes if unit == "min" else self.metres

    @property
    def done_fraction(self) -> float:
        """Done over planned (uncapped; 1.0 = exactly the planned dose)."""
        planned = self.planned.quantity
        return self.done / planned if planned > 0 else 0.0


@dataclass(frozen=True)
class SessionLog:
    """One recorded home session.

    Attributes:
        started_at: local start time.
        pain_before: pain NRS 0-10 at the check-in.
        pain_after: pain NRS right after the session (None if not asked).
        pain_next_morning: pain NRS the next morning (None if not reported).
        tingling_before: tingling or numbness at the check-in.
        new_tingling: new tingling or numbness after the session or the next morning.
        exercises: what was done.
        stopped_by_red_flag: the check-in found a red flag; nothing was done.
        red_flag_review: with ``stopped_by_red_flag``, the clinician's review of it: None (not
            reviewed yet), "cleared" (the patient may go on) or "stopped" (the program stays
            stopped until the clinician prescribes again).
    """

    started_at: dt.datetime
    pain_before: int
    pain_after: int | None = None
    pain_next_morning: int | None = None
    tingling_before: bool = False
    new_tingling: bool = False
    exercises: tuple[ExerciseDone, ...] = ()
    stopped_by_red_flag: bool = False
    red_flag_review: str | None = None

    def exercise(self, exercise_id: str) -> ExerciseDone | None:
        """The record of ``exercise_id`` in this session, or None."""
        for done in self.exercises:
            if done.exercise_id == exercise_id:
                return done
        return None

    @property
    def worst_rise_nrs(self) -> int:
        """Largest rise of pain after the session or the next morning over the pain before (0 if none)."""
        rises = [p - self.pain_before for p in (self.pain_after, self.pain_next_morning) if p is not None]
        return max([0, *rises])

    @property
    def morning_rise_nrs(self) -> int | None:
        """Next-morning pain minus pain before; the after-session pain stands in when the morning is missing."""
        later = self.pain_next_morning if self.pain_next_morning is not None else self.pain_after
        return None if later is None else later - self.pain_before


@dataclass(frozen=True)
class Measurement:
    """A measurement under its registered name (program.measurements), e.g. 'walking_tolerance_m', or 'slr_peak_deg' with side 'right'."""

    at: dt.datetime
    name: str
    value: float
    side: str = ""
