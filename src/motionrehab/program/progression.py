"""The progression engine: each week, every exercise progresses, holds or steps back, with its reason.

Rules (docs/clinical-terms.md section 3; thresholds are Prescription.rules, defaults in
motionrehab.program.prescription.Rules), applied to the sessions of the week under review,
in this order:

1. A red flag stopped a session this week: everything holds until the clinician has
   reviewed it. A review that cleared the patient lifts the hold (the week is reviewed on
   its other sessions; the stopped one counts as not done). A review that stopped the
   program holds everything from that week on, until the clinician prescribes again.
2. No session was recorded: everything holds.
3. Flare: in any session pain rose by ``flare_rise_nrs`` (2) or more after the session or
   the next morning, or new tingling or numbness appeared: every exercise steps back.
   Reps and holds lose one progression step (never below 1 rep or one step of seconds);
   walking drops by ``step_back_pct`` (20 %).
4. Not settled: in any session the next-morning pain (the after-session pain when the
   morning is missing) was ``hold_rise_nrs`` (1) or more above the pain before: hold.
5. Otherwise each exercise on its own: hold if less than ``complete_dose_pct`` (80 %) of
   the week's prescribed dose was done (completion = sum over sessions of min(1, done /
   planned), at most ``per_day`` sessions counted a day, divided by the prescribed
   sessions a week), hold if it has no progression
   rule or is at its maximum; else progress: reps or hold seconds + ``step`` (capped at
   ``maximum``); walking x (1 + step_pct/100), step_pct never above
   ``walking_weekly_cap_pct`` (10 %), rounded down to 0.5 min, or to 10 m (1 m below 100 m).
6. Next phase: when the week had no flare and no unsettled pain, the phase has lasted at
   least ``min_weeks`` and every milestone was met by a measurement taken during the
   phase, the next phase's prescription starts. Walking carried over (the same id) still
   rises by at most the weekly cap: min(next phase's dose, this dose x 1.10).

Every :class:`Decision` carries its reason in words. ``replay`` applies the rules week by
week from the start; the same history always gives the same decisions.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from motionrehab.errors import SafetyStop
from motionrehab.program.prescription import (
    WALK_KINDS,
    Dose,
    Exercise,
    Milestone,
    Phase,
    Prescription,
)
from motionrehab.program.sessions import Measurement, SessionLog

PROGRESS = "progress"
HOLD = "hold"
STEP_BACK = "step_back"
NEW_PHASE = "new_phase"


@dataclass(frozen=True)
class ProgramState:
    """Where the program stands in a week: the phase and every exercise's current dose.

    Attributes:
        week: program week (1-based) this state applies to.
        phase_index: index into Prescription.phases.
        week_in_phase: 1-based week within the phase.
        doses: current dose by exercise id (every exercise of the phase).
    """

    week: int
    phase_index: int
    week_in_phase: int
    doses: Mapping[str, Dose]

    def phase(self, prescription: Prescription) -> Phase:
        """The current phase."""
        return prescription.phases[self.phase_index]


@dataclass(frozen=True)
class Decision:
    """One exercise's decision at the end of a week, with its reason in words."""

    week: int
    exercise_id: str
    action: str
    dose_before: Dose | None
    dose_after: Dose
    reason: str

    def describe(self) -> str:
        """E.g. 'hinge: progress, 2 x 8 reps -> 2 x 10 reps (symptoms settled ...)'."""
        before = self.dose_before.describe() if self.dose_before is not None else "new"
        change = before if self.dose_before == self.dose_after else f"{before} -> {self.dose_after.describe()}"
        return f"{self.exercise_id}: {self.action.replace('_', ' ')}, {change} ({self.reason})"


@dataclass(frozen=True)
class WeekReview:
    """The end-of-week review: decisions, notes (milestones, recheck due) and the next week's state."""

    week: int
    decisions: tuple[Decision, ...]
    notes: tuple[str, ...]
    next_state: ProgramState

    def decision(self, exercise_id: str) -> Decision:
        """The decision for ``exercise_id``."""
        for decision in self.decisions:
            if decision.exercise_id == exercise_id:
                return decision
        raise KeyError(exercise_id)


def initial_state(prescription: Prescription) -> ProgramState:
    """Week 1 of phase 1 at the prescribed doses."""
    phase = prescription.phases[0]
    return ProgramState(week=1, phase_index=0, week_in_phase=1, doses={ex.id: ex.dose for ex in phase.exercises})


def sessions_in_week(prescription: Prescription, sessions: Iterable[SessionLog], week: int) -> tuple[SessionLog, ...]:
    """The sessions of program week ``week``, in time order."""
    return tuple(sorted((s for s in sessions if prescription.week_of(s.started_at.date()) == week), key=lambda s: s.started_at))


def completion(exercise: Exercise, phase: Phase, sessions: Iterable[SessionLog]) -> float:
    """Share (0-1) of the week's prescribed dose done: sum of min(1, done/planned) per session / sessions a week.

    At most ``per_day`` sessions count on one day (the best ones): cramming is not
    consistency. A gated exercise is credited with its replacement when the gate replaced it.
    """
    by_day: dict[dt.date, list[float]] = {}
    for session in sessions:
        done = session.exercise(exercise.id)
        if (done is None or not done.recorded) and exercise.gate is not None and exercise.gate.otherwise is not None:
            done = session.exercise(exercise.gate.otherwise)
        if done is not None and done.recorded:
            by_day.setdefault(session.started_at.date(), []).append(min(1.0, done.done_fraction))
    credit = sum(sum(sorted(day, reverse=True)[: exercise.frequency.per_day]) for day in by_day.values())
    return min(1.0, credit / exercise.frequency.sessions_per_week)


def _floor_walk(dose: Dose, factor: float) -> Dose:
    # Rounded down so that rounding never breaks the weekly cap; to 10 m from 100 m up, to 1 m below
    # (else 10 % of a walk under 100 m rounds back to where it was, and it could never progress).
    if dose.minutes is not None:
        return replace(dose, minutes=max(1.0, math.floor(dose.minutes * factor * 2 + 1e-9) / 2))
    metres = (dose.metres or 0.0) * factor
    grain = 10.0 if metres >= 100.0 else 1.0
    return replace(dose, metres=max(50.0, math.floor(metres / grain + 1e-9) * grain))


def _progressed(exercise: Exercise, dose: Dose, prescription: Prescription) -> Dose | None:
    """The next dose up, or None when there is no rule or the dose is at its maximum."""
    rule = exercise.progression
    if rule is None:
        return None
    if exercise.kind in WALK_KINDS:
        pct = min(rule.step_pct or 0.0, prescription.rules.walking_weekly_cap_pct)
        new = _floor_walk(dose, 1 + pct / 100)
        if rule.maximum is not None:
            capped = min(new.quantity, max(rule.maximum, dose.quantity))
            new = replace(new, minutes=capped) if new.minutes is not None else replace(new, metres=capped)
        return None if new.quantity <= dose.quantity else new
    step, maximum = rule.step or 0.0, rule.maximum if rule.maximum is not None else math.inf
    if dose.reps is not None:
        reps = int(min(dose.reps + step, maximum))
        return None if reps <= dose.reps else replace(dose, reps=reps)
    hold = min((dose.hold_s or 0.0) + step, maximum)
    return None if hold <= (dose.hold_s or 0.0) else replace(dose, hold_s=hold)


def next_dose(exercise: Exercise, dose: Dose, prescription: Prescription) -> Dose | None:
    """The dose after one progression step, or None when there is no rule or ``dose`` is at its maximum."""
    return _progressed(exercise, dose, prescription)


def _stepped_back(exercise: Exercise, dose: Dose, prescription: Prescription) -> Dose:
    if exercise.kind in WALK_KINDS:
        return _floor_walk(dose, 1 - prescription.rules.step_back_pct / 100)
    rule = exercise.progression
    if rule is None or rule.step is None:
        return dose
    if dose.reps is not None:
        return replace(dose, reps=max(1, int(dose.reps - rule.step)))
    return replace(dose, hold_s=max(rule.step, (dose.hold_s or 0.0) - rule.step))


def _day(session: SessionLog) -> str:
    return session.started_at.date().isoformat()


def _milestones(prescription: Prescription, state: ProgramState, measurements: Iterable[Measurement]) -> tuple[bool, list[str]]:
    """Whether every milestone of the phase was met by a measurement taken in the phase; and notes."""
    phase = state.phase(prescription)
    first_day = prescription.week_start(state.week - state.week_in_phase + 1)
    last_day = prescription.week_start(state.week + 1)
    in_phase = [m for m in measurements if first_day <= m.at.date() < last_day]
    notes, all_met = [], True
    for milestone in phase.milestones:
        status = milestone_status(milestone, in_phase)
        all_met &= status.met
        notes.append(status.text)
    return all_met, notes


@dataclass(frozen=True)
class MilestoneStatus:
    """Whether a milestone is met, by which stored measurement (or the best one so far), in words."""

    met: bool
    best: Measurement | None
    text: str


def milestone_status(milestone: Milestone, measurements: Iterable[Measurement]) -> MilestoneStatus:
    """Judge ``milestone`` by ``measurements`` (its registered name and, for a sided measure, its side)."""
    values = [m for m in measurements if m.name == milestone.measurement and m.side == milestone.side]
    name = milestone.measurement + (f" {milestone.side}" if milestone.side else "")
    meeting = [m for m in values if milestone.met_by(m.value)]
    if meeting:
        m = meeting[0]
        return MilestoneStatus(True, m, f"milestone met: {milestone.text} ({name} {m.value:g} on {m.at:%Y-%m-%d})")
    if not values:
        return MilestoneStatus(False, None, f"milestone not met yet: {milestone.text} ({name} not measured yet)")
    best = max(values, key=lambda m: m.value) if milestone.at_least is not None else min(values, key=lambda m: m.value)
    need = f">= {milestone.at_least:g}" if milestone.at_least is not None else f"<= {milestone.at_most:g}"
    return MilestoneStatus(False, best, f"milestone not met yet: {milestone.text} (best {name} {best.value:g} on {best.at:%Y-%m-%d}; needs {need})")


def program_stop(prescription: Prescription, sessions: Iterable[SessionLog]) -> SessionLog | None:
    """The red-flag check-in after which the clinician stopped the home program, if any.

    Only stops on or after ``prescription.start_date`` count: assigning a prescription that
    starts after the stop is how the clinician restarts the program.
    """
    return next((s for s in sorted(sessions, key=lambda s: s.started_at)
                 if s.stopped_by_red_flag and s.red_flag_review == "stopped" and s.started_at.date() >= prescription.start_date), None)  # fmt: skip


def require_program_running(prescription: Prescription, sessions: Iterable[SessionLog]) -> None:
    """Raise SafetyStop when the clinician stopped the home program (``program_stop``): no session may start."""
    stop = program_stop(prescription, sessions)
    if stop is not None:
        raise SafetyStop(f"your clinician stopped your home program after the red flag of {_day(stop)}: do not start a session",
                         where="program", fix="contact your clinic; the program restarts when your clinician assigns a new prescription")  # fmt: skip


def review_week(
    prescription: Prescription,
    state: ProgramState,
    sessions: Iterable[SessionLog],
    measurements: Iterable[Measurement] = (),
) -> WeekReview:
    """Apply the rules (module docstring) to week ``state.week`` and return the decisions and the next state."""
    sessions = tuple(sessions)
    rules = prescription.rules
    phase = state.phase(prescription)
    week = sessions_in_week(prescription, sessions, state.week)
    done = [s for s in week if not s.stopped_by_red_flag]
    stopped = [s for s in week if s.stopped_by_red_flag and s.red_flag_review != "cleared"]
    cleared = [s for s in week if s.stopped_by_red_flag and s.red_flag_review == "cleared"]
    stop = program_stop(prescription, sessions)
    program_stopped = [stop] if stop is not None and prescription.week_of(stop.started_at.date()) <= state.week else []
    flares = [s for s in done if s.worst_rise_nrs >= rules.flare_rise_nrs or s.new_tingling]
    unsettled = [s for s in done if (s.morning_rise_nrs or 0) >= rules.hold_rise_nrs]
    milestones_met, notes = _milestones(prescription, state, measurements)
    notes.extend(f"the red flag of {_day(s)} was reviewed and cleared by the clinician" for s in cleared)

    week_reason = ""
    if program_stopped:
        week_reason = f"the clinician stopped the program after the red flag of {_day(program_stopped[0])}: nothing changes until a new prescription"
    elif stopped:
        week_reason = f"a red flag stopped the session on {_day(stopped[0])}: nothing changes until the clinician has reviewed"
    elif not done:
        week_reason = f"no session was recorded in week {state.week}"
    elif unsettled and not flares:
        s = unsettled[0]
        later = s.pain_next_morning if s.pain_next_morning is not None else s.pain_after
        when = "the next morning" if s.pain_next_morning is not None else "after the session"
        week_reason = f"pain had not settled after the session on {_day(s)} ({s.pain_before}/10 before, {later}/10 {when})"

    can_advance = not week_reason and not flares and milestones_met and state.week_in_phase >= phase.min_weeks
    if can_advance and state.phase_index + 1 < len(prescription.phases):
        return _next_phase(prescription, state, notes)
    if milestones_met and phase.milestones and state.phase_index + 1 < len(prescription.phases) and not can_advance and not week_reason and not flares:
        notes.append(f"all milestones met; the phase lasts at least {phase.min_weeks} weeks (this was week {state.week_in_phase})")
    if milestones_met and phase.milestones and state.phase_index + 1 == len(prescription.phases):
        notes.append("every milestone of the last phase is met: discuss discharge or a maintenance plan at the recheck")

    decisions = []
    doses = dict(state.doses)
    for exercise in phase.exercises:
        before = state.doses[exercise.id]
        action, after, reason = HOLD, before, week_reason
        if not reason and flares:
            s = flares[0]
            if s.new_tingling:
                why = f"new tingling or numbness after the session on {_day(s)}"
            else:
                later = max(p for p in (s.pain_after, s.pain_next_morning) if p is not None)
                why = f"pain rose from {s.pain_before}/10 to {later}/10 around the session on {_day(s)} ({rules.flare_rise_nrs}+ points)"
            after = _stepped_back(exercise, before, prescription)
            action = STEP_BACK if after != before else HOLD
            reason = f"flare: {why}" + ("" if after != before else "; no progression step to take back")
        elif not reason:
            action, after, reason = _exercise_decision(prescription, phase, exercise, before, done)
        doses[exercise.id] = after
        decisions.append(Decision(week=state.week, exercise_id=exercise.id, action=action, dose_before=before, dose_after=after, reason=reason))
    if state.week % prescription.recheck_every_weeks == 0:
        notes.append(f"recheck due after week {state.week}: record pain NRS, ODI, LEFS and PSFS")
    next_state = ProgramState(week=state.week + 1, phase_index=state.phase_index, week_in_phase=state.week_in_phase + 1, doses=doses)
    return WeekReview(week=state.week, decisions=tuple(decisions), notes=tuple(notes), next_state=next_state)


def _exercise_decision(prescription: Prescription, phase: Phase, exercise: Exercise, before: Dose, done: list[SessionLog]) -> tuple[str, Dose, str]:
    rules = prescription.rules
    if exercise.alternative_only:
        return HOLD, before, "done only in place of a gated exercise; the dose stays"
    share = completion(exercise, phase, done)
    if share * 100 < rules.complete_dose_pct - 1e-9:
        # Rounded down in words so that '80 %' never appears beside 'needs 80 %'.
        return HOLD, before, (f"{math.floor(share * 100)} % of the week's prescribed dose was done; "
                              f"progressing needs {rules.complete_dose_pct:g} % (consistency before intensity)")  # fmt: skip
    if exercise.progression is None:
        return HOLD, before, "no progression rule: the dose stays"
    after = _progressed(exercise, before, prescription)
    if after is None:
        return HOLD, before, f"at the maximum for this phase ({before.describe()})"
    extra = ""
    if exercise.kind in WALK_KINDS:
        extra = f"; walking +{min(exercise.progression.step_pct or 0.0, rules.walking_weekly_cap_pct):g} % at most a week"
    return PROGRESS, after, f"symptoms settled and {share * 100:.0f} % of the week's dose done{extra}"


def _next_phase(prescription: Prescription, state: ProgramState, notes: list[str]) -> WeekReview:
    old_phase = state.phase(prescription)
    index = state.phase_index + 1
    phase = prescription.phases[index]
    cap = 1 + prescription.rules.walking_weekly_cap_pct / 100
    texts = "; ".join(m.text for m in old_phase.milestones)
    decisions, doses = [], {}
    for exercise in phase.exercises:
        before = state.doses.get(exercise.id)
        after = exercise.dose
        reason = f"phase '{phase.name}' starts: milestones of '{old_phase.name}' met ({texts})"
        if before is not None and exercise.kind in WALK_KINDS and before.unit == after.unit and after.quantity > before.quantity * cap:
            after = _floor_walk(before, cap)
            reason += f"; walking rises towards {exercise.dose.describe()} by at most {prescription.rules.walking_weekly_cap_pct:g} % a week"
        doses[exercise.id] = after
        decisions.append(Decision(week=state.week, exercise_id=exercise.id, action=NEW_PHASE, dose_before=before, dose_after=after, reason=reason))
    if state.week % prescription.recheck_every_weeks == 0:
        notes.append(f"recheck due after week {state.week}: record pain NRS, ODI, LEFS and PSFS")
    next_state = ProgramState(week=state.week + 1, phase_index=index, week_in_phase=1, doses=doses)
    return WeekReview(week=state.week, decisions=tuple(decisions), notes=tuple(notes), next_state=next_state)


def replay(
    prescription: Prescription,
    sessions: Iterable[SessionLog],
    measurements: Iterable[Measurement] = (),
    *,
    through_week: int,
) -> tuple[WeekReview, ...]:
    """Review weeks 1..``through_week`` in order; the last review's next_state is week through_week + 1."""
    sessions, measurements = tuple(sessions), tuple(measurements)
    state, reviews = initial_state(prescription), []
    for _ in range(through_week):
        review = review_week(prescription, state, sessions, measurements)
        reviews.append(review)
        state = review.next_state
    return tuple(reviews)


def state_for_week(prescription: Prescription, sessions: Iterable[SessionLog], measurements: Iterable[Measurement], week: int) -> ProgramState:
    """The program state in force during ``week`` (after reviewing weeks 1..week-1)."""
    reviews = replay(prescription, sessions, measurements, through_week=week - 1)
    return reviews[-1].next_state if reviews else initial_state(prescription)


def completed_weeks(prescription: Prescription, today: dt.date) -> int:
    """Weeks fully over by ``today`` (0 during week 1)."""
    return max(0, prescription.week_of(today) - 1)


@dataclass(frozen=True)
class PlannedExercise:
    """One exercise of today's session: ``note`` says why it differs from the prescription (if it does); ``clinician_note`` is the prescription's note."""

    exercise_id: str
    kind: str
    dose: Dose
    note: str = ""
    clinician_note: str = ""


@dataclass(frozen=True)
class SessionPlan:
    """Today's session: the exercises at their doses (after gating and shortening)."""

    exercises: tuple[PlannedExercise, ...]
    dose_pct: float


def _scaled(dose: Dose, pct: float) -> Dose:
    if pct >= 100:
        return dose
    f = pct / 100
    if dose.reps is not None:
        return replace(dose, reps=max(1, math.ceil(dose.reps * f)))
    if dose.hold_s is not None:
        return replace(dose, hold_s=max(1.0, round(dose.hold_s * f)))
    return _floor_walk(dose, f)


def plan_session(prescription: Prescription, state: ProgramState, *, pain_nrs: int, tingling: bool, dose_pct: float = 100.0) -> SessionPlan:
    """Today's exercises: gates applied (pain and tingling now), doses scaled to ``dose_pct`` (see safety.evaluate_checkin)."""
    phase = state.phase(prescription)
    planned: list[PlannedExercise] = []
    shortened = f"shortened to {dose_pct:g} % (pain well above baseline)" if dose_pct < 100 else ""
    for exercise in phase.exercises:
        if exercise.alternative_only:
            continue
        gate = exercise.gate
        if gate is not None and (pain_nrs > gate.max_pain_nrs or (gate.no_tingling and tingling)):
            why = f"pain {pain_nrs}/10 is above {gate.max_pain_nrs}" if pain_nrs > gate.max_pain_nrs else "tingling today"
            if gate.otherwise is not None:
                other = phase.exercise(gate.otherwise)
                note = f"instead of {exercise.id}: {why}" + (f"; {shortened}" if shortened else "")
                planned.append(PlannedExercise(other.id, other.kind, _scaled(state.doses[other.id], dose_pct), note, other.note))
            continue
        planned.append(PlannedExercise(exercise.id, exercise.kind, _scaled(state.doses[exercise.id], dose_pct), shortened, exercise.note))
    # A replacement that is also prescribed in its own right is done once (its first place in the list).
    unique = [item for index, item in enumerate(planned) if all(p.exercise_id != item.exercise_id for p in planned[:index])]
    return SessionPlan(exercises=tuple(unique), dose_pct=dose_pct)
