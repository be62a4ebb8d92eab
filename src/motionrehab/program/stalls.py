"""Stalled progress: flags for the clinician (the clinician decides what to change).

Two kinds, judged over the completed weeks (program.progression.replay decides each week):

* ``dose_held``: an exercise that could progress (it has a progression rule and is below
  its maximum) ended ``DOSE_HELD_WEEKS`` (3) weeks in a row on 'hold' at the same dose. The
  suggestion follows the latest reason: too little of the dose done (barriers, or a dose
  that does not fit the week), pain not settling (the load or the exercise), or no session.
* ``milestone_overdue``: a milestone of the current phase is still unmet
  ``MILESTONE_GRACE_WEEKS`` (2) weeks after the week it was expected in (the phase's
  ``min_weeks``-th week, the earliest it could be left).

Both thresholds are the project's convention (the issue that asked for them), not published
values: three weekly reviews make a pattern, two weeks of grace allow for a slow phase.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from motionrehab.program.prescription import Prescription
from motionrehab.program.progression import (
    HOLD,
    WeekReview,
    completed_weeks,
    initial_state,
    milestone_status,
    next_dose,
    replay,
)
from motionrehab.program.sessions import Measurement, SessionLog

DOSE_HELD_WEEKS = 3
MILESTONE_GRACE_WEEKS = 2
DOSE_HELD = "dose_held"
MILESTONE_OVERDUE = "milestone_overdue"


@dataclass(frozen=True)
class Stall:
    """One stall flag.

    Attributes:
        kind: 'dose_held' or 'milestone_overdue'.
        subject: the exercise id or the milestone's text.
        since_week: the first week of the stall.
        text: what stalled, in words.
        suggestion: what the clinician might consider.
    """

    kind: str
    subject: str
    since_week: int
    text: str
    suggestion: str

    def describe(self) -> str:
        """One line: 'STALL: ...; suggestion: ...'."""
        return f"STALL: {self.text}. Suggestion (the clinician decides): {self.suggestion}."


def _hold_suggestion(reason: str) -> str:
    if "of the week's prescribed dose was done" in reason:
        return "less than the dose is done each week; ask what gets in the way, or lower the dose or the days a week so that it fits"
    if "pain had not settled" in reason or "flare" in reason:
        return "pain keeps rising after sessions; review the load, the tempo or the choice of exercise"
    if "red flag" in reason:
        return "a red flag stopped a session; review the patient before the program goes on"
    return "no sessions were recorded; contact the patient"


def detect_stalls(prescription: Prescription, sessions: Iterable[SessionLog], measurements: Iterable[Measurement], *,
                  today: dt.date, reviews: tuple[WeekReview, ...] | None = None) -> tuple[Stall, ...]:  # fmt: skip
    """The stalls (module docstring) as of ``today``, over the weeks completed by then; ``reviews`` if already replayed."""
    sessions, measurements = tuple(sessions), tuple(measurements)
    completed = completed_weeks(prescription, today)
    if reviews is None:
        reviews = replay(prescription, sessions, measurements, through_week=completed)
    reviews = reviews[:completed]
    state = reviews[-1].next_state if reviews else initial_state(prescription)
    phase = state.phase(prescription)
    stalls: list[Stall] = []
    for exercise in phase.exercises:
        if exercise.alternative_only or exercise.progression is None:
            continue
        run: list[WeekReview] = []
        for review in reversed(reviews):
            decision = next((d for d in review.decisions if d.exercise_id == exercise.id), None)
            if decision is None or decision.action != HOLD or decision.dose_before != decision.dose_after:
                break
            if next_dose(exercise, decision.dose_after, prescription) is None:  # at its maximum: holding is the plan
                break
            run.append(review)
        if len(run) >= DOSE_HELD_WEEKS:
            latest = run[0].decision(exercise.id)
            first = run[-1].week
            stalls.append(Stall(DOSE_HELD, exercise.id, first,
                                f"{exercise.id} held at {latest.dose_after.describe()} for {len(run)} weeks (weeks {first}-{run[0].week}; last reason: {latest.reason})",
                                _hold_suggestion(latest.reason)))  # fmt: skip
    phase_start_week = state.week - state.week_in_phase + 1
    expected_week = phase_start_week + phase.min_weeks - 1
    if completed >= expected_week + MILESTONE_GRACE_WEEKS:
        first_day = prescription.week_start(phase_start_week)
        in_phase = [m for m in measurements if m.at.date() >= first_day]
        for milestone in phase.milestones:
            status = milestone_status(milestone, in_phase)
            if status.met:
                continue
            where = "not measured in this phase" if status.best is None else f"best {status.best.value:g} on {status.best.at:%Y-%m-%d}"
            stalls.append(Stall(MILESTONE_OVERDUE, milestone.text, expected_week,
                                f"milestone '{milestone.text}' expected by week {expected_week}, still unmet after week {completed} ({where})",
                                "measure it if it was not measured; else review whether the target or the phase's exercises still fit"))  # fmt: skip
    return tuple(stalls)
