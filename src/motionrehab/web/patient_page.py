"""Everything a patient's page shows, read from the store with the records and program functions.

- Trends: records.recheck.recheck_data gives the visits, weeks (walking distance,
  adherence, pain) and the MDC95 verdicts; the SLR chart shades the compared visit's value
  +/- its MDC95 per side (a point outside the band is a real change). Hinge depth and
  tempo are the per-session means of the judged repetitions' metrics.
- Sessions: the newest ``SESSIONS_SHOWN`` with every exercise (planned vs done, the
  session's adherence score from program.adherence.score_session) and every repetition
  (set, faults, the cue for the costliest fault and the score, both from
  measures.hip_hinge's fault table for hinge repetitions).
- Check-ins with their red-flag reviews; PROMs with the MCID verdict against the first
  score of the same instrument (program.proms.compare_proms).
- The prescription in force, its stored versions, and the progression engine's decisions
  for every completed week (program.progression.replay).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from motionrehab.errors import MotionRehabError
from motionrehab.measures.hip_hinge import FAULT_ADVICE, FAULT_COST
from motionrehab.program.adherence import AdherenceScore, score_session
from motionrehab.program.prescription import Prescription
from motionrehab.program.progression import WeekReview, replay
from motionrehab.program.proms import PromChange, PromScore, compare_proms
from motionrehab.records.accounts import Accounts, PrescriptionVersion, RedFlagReview
from motionrehab.records.recheck import recheck_data
from motionrehab.records.report import RecheckData, VisitMeasurement
from motionrehab.records.store import SessionStore, StoredCheckIn, StoredRepetition, StoredSession
from motionrehab.web import svg
from motionrehab.web.patient_list import PrescriptionCache

SESSIONS_SHOWN = 12
HINGE_DEPTH_METRICS = ("peak_hip_flexion_deg", "peak_trunk_inclination_deg", "trunk_inclination_deg")
"""Metric names a hinge repetition's depth may be stored under, in order of preference (deg)."""
HINGE_TEMPO_METRICS = (("eccentric_s", "lowering"), ("concentric_s", "rising"))


@dataclass(frozen=True)
class RepView:
    """One repetition as shown: faults, cue and score ('' / None when not judged)."""

    rep: StoredRepetition
    cue: str
    score: int | None


@dataclass(frozen=True)
class SessionView:
    """One session with its score and repetitions by exercise."""

    stored: StoredSession
    score: AdherenceScore
    reps: dict[str, list[RepView]]


@dataclass(frozen=True)
class CheckInView:
    """A check-in with its review (None: not reviewed or not flagged)."""

    checkin: StoredCheckIn
    review: RedFlagReview | None


@dataclass(frozen=True)
class PromView:
    """A PROM score and its change since the first score of the same instrument."""

    score: PromScore
    change: PromChange | None


@dataclass(frozen=True)
class PatientPage:
    """What the template renders."""

    pseudonym: str
    prescription: Prescription | None
    prescription_problem: str
    week: int | None
    recheck: RecheckData | None
    charts: list[tuple[str, str]]  # (title, inline SVG)
    sessions: list[SessionView]
    sessions_total: int
    checkins: list[CheckInView]
    proms: list[PromView]
    versions: tuple[PrescriptionVersion, ...]
    reviews: tuple[WeekReview, ...]
    measurements_count: int
    latest: list[VisitMeasurement]  # the newest value of each measure and side


def rep_view(rep: StoredRepetition, kind: str) -> RepView:
    """Cue and score of a repetition (hinge: measures.hip_hinge's fault costs and advice)."""
    if kind == "hip_hinge" and rep.within_criteria is not None:
        known = [f for f in rep.faults if f in FAULT_COST]
        cue = FAULT_ADVICE[max(known, key=lambda f: FAULT_COST[f])] if known else ("good hinge" if not rep.faults else "")
        return RepView(rep, cue, max(0, 100 - sum(FAULT_COST[f] for f in known)))
    return RepView(rep, "", None)


def _metric(rep: StoredRepetition, names: Sequence[str]) -> float | None:
    for name in names:
        if name in rep.metrics:
            return rep.metrics[name]
    return None


def _titled(chart: svg.Chart) -> tuple[str, str]:
    return chart.title, svg.render(chart)


def _slr_chart(data: RecheckData) -> tuple[str, str]:
    series, bands = [], []
    for side in ("left", "right"):
        points = [(m.visit_date.toordinal(), m.value) for m in data.measurements if m.kind == "slr_peak_deg" and m.side == side]
        if not points:
            continue
        series.append(svg.Series(f"{side} leg", points))
        # The verdict of this side's series: the one comparing two of its points (labels are the report's to word).
        by_day = {dt.date.fromordinal(int(x)): y for x, y in points}
        verdict = next((v for v in data.verdicts if v.threshold_kind == "MDC95" and v.previous_on in by_day and v.latest_on in by_day
                        and math.isclose(by_day[v.previous_on], v.previous) and math.isclose(by_day[v.latest_on], v.latest)), None)  # fmt: skip
        if verdict is not None:
            colour = "#1f5fa8" if side == "left" else "#c0392b"
            when = f"{verdict.previous_on:%d %b}" if verdict.previous_on else f"{verdict.previous:.0f}"
            bands.append(svg.Band(f"{side} {when} ± MDC95 {verdict.threshold:.1f}", verdict.previous - verdict.threshold,
                                  verdict.previous + verdict.threshold, colour))  # fmt: skip
    return _titled(svg.Chart("SLR peak per side (deg), shaded: the compared visit ± its MDC95", "hip flexion (deg)", series, bands, x_is_date=True))


def _hinge_charts(sessions: Sequence[tuple[dt.datetime, Sequence[StoredRepetition]]]) -> list[tuple[str, str]]:
    """Depth and tempo charts from each session's hinge repetitions (per-session means)."""
    depth: list[tuple[float, float]] = []
    tempo: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for started_at, reps in sessions:
        day = float(started_at.date().toordinal())
        depths = [v for v in (_metric(r, HINGE_DEPTH_METRICS) for r in reps) if v is not None]
        if depths:
            depth.append((day, statistics.fmean(depths)))
        for name, label in HINGE_TEMPO_METRICS:
            values = [r.metrics[name] for r in reps if name in r.metrics]
            if values:
                tempo[label].append((day, statistics.fmean(values)))
    return [_titled(svg.Chart("Hip hinge depth, mean per session", "depth (deg)", [svg.Series("depth", depth)], x_is_date=True)),
            _titled(svg.Chart("Hip hinge tempo, mean per session", "seconds", [svg.Series(f"{k} phase", v) for k, v in tempo.items()], x_is_date=True))]  # fmt: skip


def _latest(recheck: RecheckData | None) -> list[VisitMeasurement]:
    newest: dict[tuple[str, str | None], VisitMeasurement] = {}
    for m in sorted(recheck.measurements if recheck else (), key=lambda m: m.visit_date):
        newest[(m.kind, m.side)] = m
    return sorted(newest.values(), key=lambda m: (m.label, m.side or ""))


def build_page(store: SessionStore, accounts: Accounts, pseudonym: str, today: dt.date, now: dt.datetime,
               prescriptions: PrescriptionCache | None = None) -> PatientPage:  # fmt: skip
    """Read everything the patient's page shows."""
    prescription: Prescription | None = None
    problem = ""
    try:
        prescription = (prescriptions or PrescriptionCache()).latest(accounts, pseudonym)
    except MotionRehabError as error:
        problem = error.what
    stored = store.stored_sessions(pseudonym)
    kinds: dict[str, str] = {}
    if prescription is not None:
        kinds = {ex.id: ex.kind for phase in prescription.phases for ex in phase.exercises}
    shown = stored[-SESSIONS_SHOWN:]
    session_views = []
    for s in reversed(shown):
        reps: dict[str, list[RepView]] = defaultdict(list)
        for rep in store.repetitions(s.id):
            reps[rep.exercise_id].append(rep_view(rep, kinds.get(rep.exercise_id, "")))
        score = score_session(prescription, s.log) if prescription is not None else AdherenceScore("", 0.0, None, None, None, 0.0, ())
        session_views.append(SessionView(s, score, dict(reps)))
    # Hinge trends over every session with a hinge exercise, not only the ones listed.
    hinge_ids = {ex for ex, kind in kinds.items() if kind == "hip_hinge"}
    hinge_sessions = []
    for s in stored:
        if any(e.exercise_id in hinge_ids for e in s.log.exercises):
            hinge_sessions.append((s.log.started_at, [r for r in store.repetitions(s.id) if r.exercise_id in hinge_ids]))
    reviews_of = accounts.red_flag_reviews(pseudonym)
    checkins = [CheckInView(c, reviews_of.get(c.id)) for c in reversed(store.checkins(pseudonym))]
    proms = store.proms(pseudonym)
    first: dict[str, PromScore] = {}
    prom_views = []
    for p in proms:
        base = first.setdefault(p.instrument, p)
        prom_views.append(PromView(p, compare_proms(base, p) if base is not p else None))
    recheck: RecheckData | None = None
    charts: list[tuple[str, str]] = []
    reviews: tuple[WeekReview, ...] = ()
    week = None
    measurements = store.measurements(pseudonym)
    if prescription is not None:
        week = prescription.week_of(today)
        try:
            recheck = recheck_data(store, pseudonym, generated=now)
        except MotionRehabError as error:  # e.g. measurements dated before the compare day: show the rest
            problem = error.what
        if recheck is not None:
            weeks = recheck.weeks
            charts.append(_slr_chart(recheck))
            charts.extend(_hinge_charts(hinge_sessions))
            walking = [m for m in recheck.measurements if m.kind == "walking_tolerance_m"]
            charts.append(_titled(svg.Chart(
                "Walking per week, and tolerance", "metres",
                [svg.Series("walked in sessions", [(w.week_index, w.walking_distance_m) for w in weeks if w.walking_distance_m > 0], bars=True),
                 svg.Series("pain-free distance (measured)", [(prescription.week_of(m.visit_date), m.value) for m in walking])],
            )))  # fmt: skip
            charts.append(_titled(svg.Chart("Adherence per week (0-100)", "adherence", [svg.Series("composite", [(w.week_index, w.adherence_score) for w in weeks if w.adherence_score is not None])], y_range=(0, 100))))
            charts.append(_titled(svg.Chart(
                "Pain before sessions per week (NRS)", "pain NRS",
                [svg.Series("mean", [(w.week_index, w.pain_mean_nrs) for w in weeks if w.pain_mean_nrs is not None]),
                 svg.Series("highest", [(w.week_index, w.pain_max_nrs) for w in weeks if w.pain_max_nrs is not None], dashed=True)],
                y_range=(0, 10),
            )))  # fmt: skip
        reviews = replay(prescription, store.session_logs(pseudonym), measurements, through_week=max(0, week - 1))
    return PatientPage(
        pseudonym=pseudonym, prescription=prescription, prescription_problem=problem, week=week, recheck=recheck,
        charts=[(title, chart) for title, chart in charts if chart], sessions=session_views, sessions_total=len(stored), checkins=checkins,
        proms=list(reversed(prom_views)), versions=accounts.prescription_versions(pseudonym), reviews=reviews,
        measurements_count=len(measurements), latest=_latest(recheck),
    )  # fmt: skip
