"""Today's plan in the words a patient reads.

The exercises, the dose, the clinician's notes, how to record each one, and what is
still to do today.

Pure: it takes the prescription, the program state of the week, today's plan (after the
check-in's gates and shortening) and the sessions recorded so far, and returns lines of
text. ``motionrehab today PATIENT`` prints them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from motionrehab.program.prescription import HOLD_KINDS, WALK_KINDS, Dose, Exercise, Prescription
from motionrehab.program.progression import PlannedExercise, ProgramState
from motionrehab.program.sessions import ExerciseDone, SessionLog

CAMERA_COMMANDS: dict[str, str] = {"hip_hinge": "analyze hip-hinge"}
"""Exercise kind -> the `motionrehab` command that measures it from a video or pose CSV (a new measure adds its line)."""


@dataclass(frozen=True)
class TodayItem:
    """One exercise of today: the plan, the prescription's exercise, what is recorded today and this week."""

    planned: PlannedExercise
    exercise: Exercise
    done_today: ExerciseDone | None
    days_this_week: int


def _dose_words(exercise: Exercise, dose: Dose) -> str:
    if dose.reps is not None:
        words = f"{dose.sets} set{'s' if dose.sets > 1 else ''} of {dose.reps} repetitions"
        if exercise.tempo is not None:
            t = exercise.tempo
            words += f", {t.eccentric_s:g} s down, {t.pause_s:g} s hold, {t.concentric_s:g} s up"
        return words
    if dose.hold_s is not None:
        return f"{dose.sets} hold{'s' if dose.sets > 1 else ''} of {dose.hold_s:g} seconds"
    if dose.minutes is not None:
        return f"walk {dose.minutes:g} minutes"
    return f"walk {dose.metres:g} metres"


def _record_words(patient: str, item: PlannedExercise) -> str:
    dose = item.dose
    if item.kind in WALK_KINDS:
        return (f"motionrehab log {patient} {item.exercise_id} --minutes N --distance-m M --pain-onset-m X (or --pain-free); "
                f"with a footpod or phone: motionrehab log {patient} {item.exercise_id} --recording FILE")  # fmt: skip
    logged = f"motionrehab log {patient} {item.exercise_id} --sets {dose.sets} " + (f"--hold-s {dose.hold_s:g}" if item.kind in HOLD_KINDS or dose.hold_s is not None else f"--reps {dose.reps}")
    camera = CAMERA_COMMANDS.get(item.kind)
    if camera:
        return f"film it: motionrehab {camera} VIDEO --patient {patient} (or log it: {logged})"
    return logged


def _done_words(done: ExerciseDone) -> str:
    how = f" ({done.dose_source})" if done.dose_source else ""
    unit = done.planned.unit
    amount = {"reps": f"{done.reps} repetitions", "s": f"{done.hold_s:g} s of holds", "min": f"{done.minutes:.0f} min", "m": f"{done.metres:.0f} m"}[unit]
    return f"{amount}{how}, {min(100.0, 100 * done.done_fraction):.0f} % of today's dose"


def today_lines(prescription: Prescription, state: ProgramState, patient: str, day: dt.date, items: Sequence[TodayItem], *,
                checked_in: str | None, red_flag: bool = False) -> list[str]:  # fmt: skip
    """The text of `motionrehab today` (see the module docstring)."""
    phase = state.phase(prescription)
    lines = [f"{patient}, {day:%A %Y-%m-%d}: week {state.week} of your program, phase '{phase.name}' (its week {state.week_in_phase})."]
    if red_flag:
        lines.append("Today's check-in found a warning sign: no exercise today. Follow the advice you were given and contact your clinician.")
        return lines
    if checked_in is None:
        lines.append(f"First check in (pain and safety questions): motionrehab checkin {patient}")
    else:
        lines.append(checked_in)
    lines.append("Today's exercises:")
    to_do = []
    for number, item in enumerate(items, start=1):
        ex = item.exercise
        freq = ex.frequency
        how_often = f"{freq.per_day}x a day" if freq.per_day > 1 else "once a day"
        how_often += ", every day" if freq.days_per_week == 7 else f", {freq.days_per_week} days a week (done on {item.days_this_week} day{'s' if item.days_this_week != 1 else ''} this week)"
        lines.append(f"  {number}. {item.planned.exercise_id}: {_dose_words(ex, item.planned.dose)}; {how_often}.")
        if ex.targets:
            lines.append("     Aim: " + "; ".join(f"{t.name.replace('_deg', '').replace('_', ' ')} {t.low:g}-{t.high:g} deg" for t in ex.targets) + ".")
        if ex.note:
            lines.append(f"     Your clinician's note: {ex.note}")
        if item.planned.note:
            lines.append(f"     Today: {item.planned.note}.")
        lines.append(f"     Record it: {_record_words(patient, item.planned)}")
        done = item.done_today
        if done is not None and done.recorded:
            lines.append(f"     Done today: {_done_words(done)}.")
            if done.done_fraction < 1.0 - 1e-9:
                to_do.append(item.planned.exercise_id)
        else:
            to_do.append(item.planned.exercise_id)
    lines.append(f"Still to do today: {', '.join(to_do)}." if to_do else "Everything planned today is recorded. Well done.")
    lines.append(f"Tomorrow morning, record your pain: motionrehab program morning {patient} --pain N")
    return lines


def days_done_this_week(sessions: Sequence[SessionLog], prescription: Prescription, week: int, exercise_id: str) -> int:
    """Days of program week ``week`` on which ``exercise_id`` was recorded."""
    return len({s.started_at.date() for s in sessions if prescription.week_of(s.started_at.date()) == week
                and (d := s.exercise(exercise_id)) is not None and d.recorded})  # fmt: skip
