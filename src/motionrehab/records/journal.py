"""Today's record: what a patient logs or a command measures lands in a session of today's program.

Every ``analyze``/``measure`` command with ``--patient`` and every ``motionrehab log`` goes
through :func:`store_work`:

- Today's session is the patient's latest session of that day; when there is none it is
  opened from today's check-in (pain, tingling, dose shortening) and today's plan
  (program.progression.plan_session). Without a check-in that day, measurements are kept
  as clinic measurements (no session) and nothing counts as dose, because the red-flag
  screen comes before any exercise; a red flag that day refuses any exercise record.
- Dose: judged repetitions (camera or sensor) and sensor walks are stored as 'measured';
  the patient's own counts as 'logged'. Both are kept, never added (the same walk may be
  logged and recorded); adherence uses the larger and says which it used.
- Measurements are stored under their registered names (program.measurements).
- The same recording (sha256 of its file or files) is stored once per patient and
  command; measuring it again stores nothing and says when it was stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from motionrehab.errors import InvalidDataError
from motionrehab.program.measurements import check_measurement
from motionrehab.program.prescription import HOLD_KINDS, REP_KINDS, WALK_KINDS, Prescription
from motionrehab.program.progression import PlannedExercise, plan_session, state_for_week

if TYPE_CHECKING:  # the measures (scipy) and the store (SQLAlchemy) load only when a command uses them
    from motionrehab.measures.gait import GaitResult
    from motionrehab.measures.hip_hinge import HingeSetResult
    from motionrehab.records.store import (
        MeasuredRepetition,
        SessionRecorder,
        SessionStore,
        StoredCheckIn,
    )


@dataclass(frozen=True)
class Value:
    """A measured value under its registered name ('' side for unsided quantities)."""

    name: str
    value: float
    side: str = ""


@dataclass(frozen=True)
class Work:
    """What one command measured or the patient logged, for the store.

    Attributes:
        what: the command, for the stored-once check and messages ('hip-hinge', 'slr right', 'walk').
        exercise_kind: the prescribed exercise kind this counts as dose for ('hip_hinge',
            'walking', ...), or None for a test that is not an exercise (SLR, slump).
        exercise_id: the prescribed exercise id (default: today's first of ``exercise_kind``).
        source: 'measured' or 'logged'.
        repetitions: judged repetitions (measured dose).
        reps: logged repetitions per set (with ``sets``).
        sets: logged sets.
        hold_s: logged seconds per hold (with ``sets``).
        walk_minutes, walk_metres: a walk's time and distance.
        pain_after: pain NRS right after, if the patient gave it.
        values: measurements to store.
    """

    what: str
    exercise_kind: str | None = None
    exercise_id: str | None = None
    source: str = "measured"
    repetitions: Sequence[MeasuredRepetition] = ()
    reps: int | None = None
    sets: int = 1
    hold_s: float | None = None
    walk_minutes: float | None = None
    walk_metres: float = 0.0
    pain_after: int | None = None
    values: Sequence[Value] = ()


@dataclass(frozen=True)
class Stored:
    """What :func:`store_work` did: whether anything was stored, the session used, and one line per thing done."""

    stored: bool
    session_id: int | None
    lines: tuple[str, ...]


def checksum(paths: Sequence[str | Path]) -> str:
    """sha256 over the bytes of ``paths`` (a folder: every file in it, in name order)."""
    digest = hashlib.sha256()
    for item in paths:
        path = Path(item)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(file.name.encode())
            with open(file, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def todays_checkin(store: SessionStore, patient: str, day: dt.date) -> StoredCheckIn | None:
    """The patient's latest check-in on ``day``, or None."""
    same_day = [c for c in store.checkins(patient) if c.at.date() == day]
    return same_day[-1] if same_day else None


def todays_plan(store: SessionStore, prescription: Prescription, patient: str, at: dt.datetime, checkin: StoredCheckIn | None) -> tuple[PlannedExercise, ...]:
    """Today's planned exercises (after gates and any shortening from today's check-in)."""
    state = state_for_week(prescription, store.session_logs(patient), store.measurements(patient), max(1, prescription.week_of(at.date())))
    pain = checkin.pain_nrs if checkin else prescription.baseline_pain_nrs
    tingling = bool(checkin and (checkin.tingling or checkin.numbness))
    return plan_session(prescription, state, pain_nrs=pain, tingling=tingling, dose_pct=checkin.dose_pct if checkin else 100.0).exercises


def _todays_session(store: SessionStore, patient: str, at: dt.datetime) -> tuple[SessionRecorder | None, str]:
    """Today's session (resumed or opened from today's check-in) or None with the reason."""
    if patient not in store.patients() or not store.has_prescription(patient):
        return None, f"no prescription assigned to {patient}"
    prescription = store.prescription(patient)
    day = at.date()
    same_day = [s for s in store.stored_sessions(patient) if s.log.started_at.date() == day]
    checkin = todays_checkin(store, patient, day)
    if checkin is not None and checkin.flagged_for_clinician:
        raise InvalidDataError(f"a red flag stopped {patient}'s session on {day}: no exercise is recorded that day", where="check-in",
                               fix="seek the care the check-in advised; the clinician reviews before the program goes on")  # fmt: skip
    if same_day:
        store.reopen(same_day[-1].id)
        return store.resume_session(same_day[-1].id), f"session {same_day[-1].id} of {day}"
    if checkin is None:
        return None, f"no check-in on {day}"
    plan = todays_plan(store, prescription, patient, at, checkin)
    recorder = store.open_session(patient, plan, pain_before=checkin.pain_nrs, tingling_before=checkin.tingling or checkin.numbness,
                                  started_at=checkin.at, dose_pct=checkin.dose_pct, checkin_id=checkin.id)  # fmt: skip
    return recorder, f"session {recorder.session_id} of {day} (opened from the check-in at {checkin.at:%H:%M})"


def _exercise_id(store: SessionStore, recorder: SessionRecorder, work: Work) -> str | None:
    planned = recorder.planned_exercises()
    if work.exercise_id is not None:
        if work.exercise_id not in planned:
            raise InvalidDataError(f"'{work.exercise_id}' is not in today's plan", where=work.what,
                                   fix=f"today's exercises: {', '.join(planned)} (`motionrehab today PATIENT` shows them)")  # fmt: skip
        return work.exercise_id
    if work.exercise_kind is None:
        return None
    return next((ex for ex in planned if recorder.kind_of(ex) == work.exercise_kind), None)


def store_work(store: SessionStore, patient: str, work: Work, *, at: dt.datetime, recording_sha256: str | None = None) -> Stored:
    """Store ``work`` for ``patient`` in today's session (module docstring); returns what was done, in words."""
    if recording_sha256 is not None:
        when = store.recording_stored(patient, recording_sha256, work.what)
        if when is not None:
            return Stored(False, None, (f"this recording was already stored for {patient} on {when:%Y-%m-%d %H:%M}; nothing stored twice",))
    for v in work.values:
        check_measurement(v.name, v.side, where=work.what)
    recorder, which = _todays_session(store, patient, at)
    counts_as_dose = work.exercise_kind is not None or work.exercise_id is not None
    lines: list[str] = []
    if recorder is None:
        if work.source == "logged" and which.startswith("no prescription"):
            raise InvalidDataError(f"{which}", where="log", fix=f"motionrehab program assign FILE --start today (the prescription for {patient})")
        if work.source == "logged":
            raise InvalidDataError(f"{patient} has not checked in on {at.date()}", where="log",
                                   fix=f"check in first (pain and the red-flag questions): motionrehab checkin {patient}")  # fmt: skip
        for v in work.values:
            store.add_measurement(patient, v.name, v.value, side=v.side, at=at)
        if counts_as_dose:
            how = f"`motionrehab checkin {patient}` first" if which.startswith("no check-in") else "`motionrehab program assign FILE` first"
            lines.append(f"not counted as today's exercise ({which}: {how}); measurements kept as a clinic visit")
        lines.append(f"stored {len(work.values)} measurement(s) for {patient} on {at:%Y-%m-%d}")
        if recording_sha256 is not None:
            store.add_recording(patient, recording_sha256, work.what, at=at, session_id=None)
        return Stored(True, None, tuple(lines))
    exercise_id = _exercise_id(store, recorder, work)
    if counts_as_dose and exercise_id is None:
        lines.append(f"no {work.exercise_kind.replace('_', ' ') if work.exercise_kind else 'such'} exercise in today's plan: not counted as dose")
    if exercise_id is not None:
        lines.append(_add_dose(recorder, exercise_id, work))
    for v in work.values:
        recorder.add_measurement(v.name, v.value, side=v.side, at=at)
    if work.values:
        lines.append(f"stored {len(work.values)} measurement(s): " + ", ".join(f"{v.name}{' ' + v.side if v.side else ''} {v.value:g}" for v in work.values))
    recorder.close(pain_after=work.pain_after, ended_at=at)
    if recording_sha256 is not None:
        store.add_recording(patient, recording_sha256, work.what, at=at, session_id=recorder.session_id)
    return Stored(True, recorder.session_id, (f"{patient}, {which}:", *lines))


def _add_dose(recorder: SessionRecorder, exercise_id: str, work: Work) -> str:
    source = work.source
    if work.repetitions:
        set_index = recorder.next_set_index(exercise_id)  # one measured recording is one set
        for rep in work.repetitions:
            recorder.add_measured_repetition(exercise_id, rep, set_index=set_index)
        good = sum(1 for r in work.repetitions if not r.faults)
        return f"{exercise_id}: {len(work.repetitions)} repetitions measured ({good} within the form criteria)"
    if work.walk_minutes is not None:
        recorder.add_walking(exercise_id, minutes=work.walk_minutes, metres=work.walk_metres, source=source)
        return f"{exercise_id}: walk of {work.walk_minutes:.1f} min, {work.walk_metres:.0f} m ({source})"
    if work.reps is not None:
        first = recorder.next_set_index(exercise_id)
        for set_index in range(first, first + work.sets):
            for _ in range(work.reps):
                recorder.add_repetition(exercise_id, set_index=set_index, source=source)
        return f"{exercise_id}: {work.sets} x {work.reps} reps ({source})"
    if work.hold_s is not None:
        first = recorder.next_set_index(exercise_id)
        for set_index in range(first, first + work.sets):
            recorder.add_repetition(exercise_id, set_index=set_index, hold_s=work.hold_s, source=source)
        return f"{exercise_id}: {work.sets} x {work.hold_s:g} s hold ({source})"
    return f"{exercise_id}: nothing to count"


def log_work(kind: str, exercise_id: str, *, sets: int | None, reps: int | None, hold_s: float | None, minutes: float | None,
             distance_m: float | None, pain_onset_m: float | None, pain_free: bool, pain_after: int | None) -> Work:  # fmt: skip
    """The Work of ``motionrehab log``: checks that the numbers fit the exercise's kind."""
    where = f"log {exercise_id}"
    if kind in WALK_KINDS:
        if minutes is None:
            raise InvalidDataError("a walk is logged with its minutes", where=where, fix="add --minutes N (and --distance-m M if you know it)")
        if reps is not None or hold_s is not None or sets is not None:
            raise InvalidDataError("a walk has no sets, reps or holds", where=where, fix="give --minutes, --distance-m and --pain-onset-m or --pain-free")
        values = []
        if pain_onset_m is not None and pain_free:
            raise InvalidDataError("give either --pain-onset-m or --pain-free", where=where)
        if pain_onset_m is not None:
            if distance_m is not None and pain_onset_m > distance_m:
                raise InvalidDataError(f"pain began at {pain_onset_m:g} m, after the walk's {distance_m:g} m", where="--pain-onset-m")
            values.append(Value("walking_tolerance_m", pain_onset_m))
        elif pain_free:
            if distance_m is None:
                raise InvalidDataError("a pain-free walk's tolerance is its distance", where="--pain-free", fix="add --distance-m M")
            values.append(Value("walking_tolerance_m", distance_m))
        if distance_m is not None:
            values.append(Value("walking_distance_m", distance_m))
        return Work(f"log {exercise_id}", exercise_id=exercise_id, source="logged", walk_minutes=minutes, walk_metres=distance_m or 0.0,
                    pain_after=pain_after, values=tuple(values))  # fmt: skip
    if minutes is not None or distance_m is not None or pain_onset_m is not None or pain_free:
        raise InvalidDataError(f"--minutes, --distance-m, --pain-onset-m and --pain-free are for walks; {exercise_id} is {kind}", where=where)
    if kind in REP_KINDS or (reps is not None and kind not in HOLD_KINDS):
        if reps is None or hold_s is not None:
            raise InvalidDataError(f"{exercise_id} ({kind}) is logged in sets and repetitions", where=where, fix="give --sets N --reps N")
        return Work(f"log {exercise_id}", exercise_id=exercise_id, source="logged", reps=reps, sets=sets or 1, pain_after=pain_after)
    if hold_s is None or reps is not None:
        raise InvalidDataError(f"{exercise_id} ({kind}) is logged in sets and hold seconds", where=where, fix="give --sets N --hold-s S")
    return Work(f"log {exercise_id}", exercise_id=exercise_id, source="logged", hold_s=hold_s, sets=sets or 1, pain_after=pain_after)


def hinge_work(result: HingeSetResult, exercise_id: str | None = None) -> Work:
    """A measured hinge set: its repetitions (dose and quality) and the deepest good repetition (milestones)."""
    good = [r for r in result.repetitions if not r.faults]
    values = []
    if good:
        values.append(Value("hinge_trunk_inclination_deg", round(max(r.peak_trunk_inclination_deg for r in good), 2)))
        values.append(Value("hinge_hip_flexion_deg", round(max(r.peak_hip_flexion_deg for r in good), 2)))
    if result.score is not None:
        values.append(Value("hinge_form_score_pct", float(result.score)))
    return Work("hip-hinge", exercise_kind="hip_hinge", exercise_id=exercise_id, repetitions=result.repetitions, values=tuple(values))


def gait_work(result: GaitResult, *, exercise_id: str | None = None, pain_free: bool = False, counts_as_walk: bool = True) -> Work:
    """A measured walk: minutes and metres (dose), gait measures and walking tolerance."""
    values = [Value("gait_steps_count", float(result.steps))]
    named = (("cadence_steps_per_min", result.cadence_steps_per_min), ("gait_speed_m_per_s", result.speed_m_per_s),
             ("stride_time_cv_pct", result.stride_time_cv_pct), ("symmetry_index_pct", result.symmetry_index_pct),
             ("walking_distance_m", result.distance_m))  # fmt: skip
    values += [Value(name, round(float(v), 3)) for name, v in named if v is not None and math.isfinite(v)]
    lengths = [s.stride_length_m for s in result.strides if s.stride_length_m is not None and not s.is_turn]
    if lengths:
        values.append(Value("stride_length_m", round(sum(lengths) / len(lengths), 3)))
    tolerance = result.walking_tolerance
    if tolerance is not None:
        values.append(Value("walking_tolerance_s", round(tolerance.time_s, 1)))
        if tolerance.distance_m is not None:
            values.append(Value("walking_tolerance_m", round(tolerance.distance_m, 1)))
    elif pain_free:
        values.append(Value("walking_tolerance_s", round(result.duration_s, 1)))
        if result.distance_m is not None:
            values.append(Value("walking_tolerance_m", round(result.distance_m, 1)))
    minutes = result.duration_s / 60.0 if counts_as_walk else None
    return Work("walk", exercise_kind="walking" if counts_as_walk else None, exercise_id=exercise_id, walk_minutes=minutes,
                walk_metres=result.distance_m or 0.0, values=tuple(values))  # fmt: skip


def exercise_kind(store: SessionStore, patient: str, exercise_id: str, at: dt.datetime) -> str:
    """The kind of ``exercise_id`` in the phase in force on ``at`` (or any phase); refuses an unknown id with the ids of today."""
    prescription = store.prescription(patient)
    state = state_for_week(prescription, store.session_logs(patient), store.measurements(patient), max(1, prescription.week_of(at.date())))
    phase = state.phase(prescription)
    for exercise in (*phase.exercises, *(e for p in prescription.phases for e in p.exercises)):
        if exercise.id == exercise_id:
            return exercise.kind
    raise InvalidDataError(f"no exercise '{exercise_id}' in {patient}'s prescription", where="log",
                           fix=f"this week's exercises: {', '.join(e.id for e in phase.exercises)}")  # fmt: skip


def today_text(store: SessionStore, patient: str, at: dt.datetime) -> list[str]:
    """`motionrehab today PATIENT`: today's plan in the patient's words, with what is recorded and what is still to do."""
    from motionrehab.program.today import TodayItem, days_done_this_week, today_lines

    prescription = store.prescription(patient)
    day = at.date()
    week = prescription.week_of(day)
    if week < 1:
        return [f"{patient}: the program starts on {prescription.start_date} (in {(prescription.start_date - day).days} days)."]
    logs = store.session_logs(patient)
    state = state_for_week(prescription, logs, store.measurements(patient), week)
    checkin = todays_checkin(store, patient, day)
    if checkin is not None and checkin.flagged_for_clinician:
        return today_lines(prescription, state, patient, day, (), checked_in=None, red_flag=True)
    plan = todays_plan(store, prescription, patient, at, checkin)
    today_logs = [s for s in logs if s.started_at.date() == day and not s.stopped_by_red_flag]
    phase = state.phase(prescription)
    items = []
    for planned in plan:
        done = next((d for s in reversed(today_logs) if (d := s.exercise(planned.exercise_id)) is not None and d.recorded), None)
        items.append(TodayItem(planned, phase.exercise(planned.exercise_id), done, days_done_this_week(logs, prescription, week, planned.exercise_id)))
    words = None
    if checkin is not None:
        words = f"Checked in at {checkin.at:%H:%M}: pain {checkin.pain_nrs}/10." + (f" {checkin.message}" if checkin.dose_pct < 100 else "")
    return today_lines(prescription, state, patient, day, items, checked_in=words)
