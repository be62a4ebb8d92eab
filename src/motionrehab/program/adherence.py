"""Adherence scoring: dose, frequency and spacing, quality, pacing, and one composite 0-100.

docs/clinical-terms.md section 3: adherence has several faces. The formula (all parts are shares 0-1):

Only what was done counts: an exercise is *done* in a session when something of it was
recorded (sets, reps, holds, minutes or metres; measured by a camera or sensor, or logged
by the patient; the measured dose is used when there is one, see
program.sessions.ExerciseDone.dose_source). An exercise planned but not recorded is not done.

* **dose** = for each prescribed exercise, the mean over the sessions in which it was done
  of min(1, done / planned), where planned is the session's planned dose (after any
  shortening); the week's dose is the mean over the phase's exercises (an exercise never
  done scores 0; a gated exercise is credited with its replacement; exercises done only
  as replacements are not scored on their own). Capped: more than planned earns nothing.
* **frequency** (with spacing) = for each exercise, sum over the days of the week of
  min(sessions that day in which the exercise was done, prescribed per_day), divided by
  the prescribed sessions a week (per_day x days_per_week), capped at 1; the mean over
  exercises. Spacing: five sessions crammed into one day count as one day's worth.
* **quality** = reps within the form criteria / reps whose form was measured (all
  exercises). No measured reps: quality is left out (not scored as 0 or 1).
* **pacing** = 1 - (sessions in which any exercise exceeded ``pacing_limit_pct`` (150 %) of
  its planned dose) / sessions in which anything was done. A session far above the dose
  is a pacing failure, not extra credit.

Composite = 100 x (0.30 dose + 0.30 frequency + 0.20 quality + 0.20 pacing) / (sum of the
weights of the parts present), rounded to 0.1. A week in which nothing was done scores 0
(dose and frequency 0; quality and pacing absent); so does a session in which nothing was
done. A session's own score uses dose (over its planned exercises, an undone one at 0),
quality and pacing only (frequency needs a week). A phase's score is the mean of its
weeks' scores. The explanation has one line per part, then one line per exercise (done in
how many of the prescribed sessions, the share of the dose in those, whether the dose was
measured or logged, and its quality where measured).

These weights are the project's convention (dose and frequency first: consistency over
intensity, docs/clinical-terms.md section 3), not a published instrument.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from motionrehab.program.prescription import Exercise, Phase, Prescription
from motionrehab.program.progression import ProgramState, initial_state, replay, sessions_in_week
from motionrehab.program.sessions import ExerciseDone, Measurement, SessionLog

WEIGHTS = {"dose": 0.30, "frequency": 0.30, "quality": 0.20, "pacing": 0.20}
"""Composite weights (project convention; see the module docstring)."""


@dataclass(frozen=True)
class AdherenceScore:
    """An adherence score with its parts (shares 0-1; None when a part cannot be measured) and explanation.

    Attributes:
        label: what was scored ('session 2026-01-06 09:00', 'week 3', 'phase Settle and move').
        dose, frequency, quality, pacing: the parts (module docstring).
        composite: 0-100.
        explanation: one plain-language line per part.
    """

    label: str
    dose: float
    frequency: float | None
    quality: float | None
    pacing: float | None
    composite: float
    explanation: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: parts as percentages (0-100, None when absent)."""

        def pct(x: float | None) -> float | None:
            return None if x is None else round(100 * x, 1)

        return {
            "label": self.label,
            "composite": self.composite,
            "dose_pct": pct(self.dose),
            "frequency_pct": pct(self.frequency),
            "quality_pct": pct(self.quality),
            "pacing_pct": pct(self.pacing),
            "explanation": list(self.explanation),
        }


def composite(dose: float | None, frequency: float | None, quality: float | None, pacing: float | None) -> float:
    """Weighted mean of the parts present, x 100, rounded to 0.1."""
    parts = {"dose": dose, "frequency": frequency, "quality": quality, "pacing": pacing}
    present = {k: v for k, v in parts.items() if v is not None}
    if not present:
        return 0.0
    total = sum(WEIGHTS[k] for k in present)
    return round(100 * sum(WEIGHTS[k] * v for k, v in present.items()) / total, 1)


def _scored_exercises(phase: Phase) -> list[Exercise]:
    return [ex for ex in phase.exercises if not ex.alternative_only]


def _done_in(session: SessionLog, exercise: Exercise) -> ExerciseDone | None:
    """What was recorded of ``exercise`` (or of its gate's replacement) in ``session``; None when nothing was."""
    done = session.exercise(exercise.id)
    if (done is None or not done.recorded) and exercise.gate is not None and exercise.gate.otherwise is not None:
        done = session.exercise(exercise.gate.otherwise)
    return done if done is not None and done.recorded else None


def _sources(done: Sequence[ExerciseDone]) -> str:
    kinds = sorted({d.dose_source for d in done if d.dose_source})
    return " and ".join(kinds) if kinds else "recorded"


def _quality(sessions: Sequence[SessionLog]) -> tuple[float | None, str]:
    measured = sum(e.reps_measured for s in sessions for e in s.exercises)
    good = sum(e.reps_within_criteria for s in sessions for e in s.exercises)
    if measured == 0:
        return None, "Quality: not measured (no repetition was judged by a measure)."
    return good / measured, f"Quality {100 * good / measured:.0f} %: {good} of {measured} measured repetitions were within the form criteria."


def _pacing(sessions: Sequence[SessionLog], limit_pct: float) -> tuple[float | None, str]:
    sessions = [s for s in sessions if any(e.recorded for e in s.exercises)]
    if not sessions:
        return None, "Pacing: no session."
    over = [s for s in sessions if any(e.done_fraction * 100 > limit_pct + 1e-9 for e in s.exercises)]
    share = 1 - len(over) / len(sessions)
    if not over:
        return share, f"Pacing 100 %: no session went above {limit_pct:g} % of the planned dose."
    days = ", ".join(s.started_at.strftime("%Y-%m-%d") for s in over)
    return share, (f"Pacing {100 * share:.0f} %: {len(over)} of {len(sessions)} sessions went above {limit_pct:g} % of the planned dose "
                   f"({days}); doing far more than planned risks a flare and earns no credit.")  # fmt: skip


def score_session(prescription: Prescription, session: SessionLog) -> AdherenceScore:
    """One session: dose (mean of min(1, done/planned) over its exercises), quality, pacing."""
    label = f"session {session.started_at:%Y-%m-%d %H:%M}"
    if session.stopped_by_red_flag or not any(e.recorded for e in session.exercises):
        return AdherenceScore(label, 0.0, None, None, None, 0.0, ("No exercise was done in this session.",))
    fractions = [min(1.0, e.done_fraction) for e in session.exercises]
    dose = sum(fractions) / len(fractions)
    parts = ", ".join(f"{e.exercise_id} {100 * f:.0f} %" for e, f in zip(session.exercises, fractions, strict=True))
    quality, q_text = _quality([session])
    pacing, p_text = _pacing([session], prescription.rules.pacing_limit_pct)
    explanation = (f"Dose {100 * dose:.0f} % of the planned dose ({parts}).", q_text, p_text)
    return AdherenceScore(label, dose, None, quality, pacing, composite(dose, None, quality, pacing), explanation)


def score_week(prescription: Prescription, state: ProgramState, sessions: Iterable[SessionLog]) -> AdherenceScore:
    """Week ``state.week``'s adherence against the prescription in force that week (``state``)."""
    week_sessions = [s for s in sessions_in_week(prescription, sessions, state.week) if not s.stopped_by_red_flag]
    label = f"week {state.week}"
    exercises = _scored_exercises(state.phase(prescription))
    if not week_sessions:
        text = (f"Dose 0 %: no session was recorded in week {state.week}.", "Frequency 0 %: no session.", "Quality: no session.", "Pacing: no session.")
        return AdherenceScore(label, 0.0, 0.0, None, None, 0.0, text)
    if not any(e.recorded for s in week_sessions for e in s.exercises):
        text = (f"Dose 0 %: nothing was done in the {len(week_sessions)} session(s) of week {state.week}.", "Frequency 0 %: no exercise was done.",
                "Quality: nothing done.", "Pacing: nothing done.")  # fmt: skip
        return AdherenceScore(label, 0.0, 0.0, None, None, 0.0, text)
    doses, freqs, dose_words, freq_words, exercise_lines = [], [], [], [], []
    for exercise in exercises:
        done = [d for d in (_done_in(s, exercise) for s in week_sessions) if d is not None]
        dose = sum(min(1.0, d.done_fraction) for d in done) / len(done) if done else 0.0
        per_day = Counter(s.started_at.date() for s in week_sessions if _done_in(s, exercise) is not None)
        credited = sum(min(n, exercise.frequency.per_day) for n in per_day.values())
        prescribed = exercise.frequency.sessions_per_week
        freq = min(1.0, credited / prescribed)
        doses.append(dose)
        freqs.append(freq)
        dose_words.append(f"{exercise.id} {100 * dose:.0f} %")
        crammed = sum(per_day.values()) - credited
        freq_words.append(f"{exercise.id} {min(credited, prescribed)}/{prescribed}" + (f" ({crammed} extra the same day not counted)" if crammed else ""))
        exercise_lines.append(_exercise_line(exercise, done, min(credited, prescribed), prescribed, dose))
    dose = sum(doses) / len(doses)
    frequency = sum(freqs) / len(freqs)
    quality, q_text = _quality(week_sessions)
    pacing, p_text = _pacing(week_sessions, prescription.rules.pacing_limit_pct)
    explanation = (
        f"Dose {100 * dose:.0f} %: in the sessions done, the share of the planned dose completed ({', '.join(dose_words)}).",
        f"Frequency {100 * frequency:.0f} %: prescribed sessions done, at most the prescribed number a day ({', '.join(freq_words)}).",
        q_text,
        p_text,
        *exercise_lines,
    )
    return AdherenceScore(label, dose, frequency, quality, pacing, composite(dose, frequency, quality, pacing), explanation)


def _exercise_line(exercise: Exercise, done: Sequence[ExerciseDone], counted: int, prescribed: int, dose: float) -> str:
    """One exercise's week in one line: sessions done, dose in those, measured or logged, quality where measured."""
    if not done:
        return f"{exercise.id}: not done (0 of {prescribed} prescribed sessions): scores 0."
    measured = sum(d.reps_measured for d in done)
    good = sum(d.reps_within_criteria for d in done)
    quality = f"quality {100 * good / measured:.0f} % ({good}/{measured} reps within the form criteria)" if measured else "quality not measured"
    return (f"{exercise.id}: done in {counted} of {prescribed} prescribed sessions, {100 * dose:.0f} % of the planned dose in those "
            f"({_sources(done)}); {quality}.")  # fmt: skip


def weekly_scores(
    prescription: Prescription, sessions: Iterable[SessionLog], measurements: Iterable[Measurement] = (), *, through_week: int
) -> tuple[AdherenceScore, ...]:
    """Weeks 1..through_week, each scored against the prescription in force that week (after the engine's decisions)."""
    sessions, measurements = tuple(sessions), tuple(measurements)
    reviews = replay(prescription, sessions, measurements, through_week=max(0, through_week - 1))
    states = [initial_state(prescription)] + [r.next_state for r in reviews]
    return tuple(score_week(prescription, state, sessions) for state in states[:through_week])


def score_phase(prescription: Prescription, phase_index: int, weeks: Sequence[tuple[ProgramState, AdherenceScore]]) -> AdherenceScore:
    """A phase: the mean of its weeks' parts and composites (weeks given with the state they were scored against)."""
    mine = [score for state, score in weeks if state.phase_index == phase_index]
    name = prescription.phases[phase_index].name
    if not mine:
        return AdherenceScore(f"phase {name}", 0.0, None, None, None, 0.0, (f"No week of phase '{name}' yet.",))

    def mean(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return sum(present) / len(present) if present else None

    dose = mean([s.dose for s in mine]) or 0.0
    total = round(sum(s.composite for s in mine) / len(mine), 1)
    text = (f"Mean of {len(mine)} weeks: " + ", ".join(f"{s.label} {s.composite:g}" for s in mine) + ".",)
    return AdherenceScore(f"phase {name}", dose, mean([s.frequency for s in mine]), mean([s.quality for s in mine]), mean([s.pacing for s in mine]), total, text)

