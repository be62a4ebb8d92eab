"""Assemble the recheck report's data (records.report.RecheckData) from the session store.

What each part is made of:

- Visits: a measurement day. The *latest* value of each measure is its most recent one;
  it is compared with that measure's most recent value on or before the compare date
  (``--compare``; default: the latest day minus the prescription's recheck interval, the
  previous recheck).
- Is a measured change real? MDC95 = 1.96 x sqrt(2) x SEM (docs/clinical-terms.md section 5). The SEM
  is the person's own repeat-measurement SD: the pooled SD of the measure's values in the
  7 days up to each compared day (at least 2 values in each week); for a measure taken
  once around each visit but in trials with a stored trial SD (``slr_peak_sd_deg``),
  the two visits' trial SDs pooled, as measures.slr does. Day-to-day variation
  is part of that SD, so the MDC is on the cautious side. A measure taken too rarely for
  an SD (e.g. weekly walking tolerance) is shown without a verdict, and the report says so.
- Patient-reported changes (questionnaires, and the mean check-in pain of the 7 days up
  to each compared day) are judged against the MCID of program.proms (docs/clinical-terms.md section 5).
- Weeks: metres walked in recorded sessions, the adherence composite
  (program.adherence.weekly_scores), mean and highest check-in pain, sessions done
  (red-flag stops excluded) against the most sessions any exercise of the phase asks for.
- Flagged events: red-flag check-ins; flare-ups (pain after the session or next morning
  at least ``flare_rise_nrs`` above the pain before, or new tingling/numbness); pacing
  failures (an exercise done beyond ``pacing_limit_pct`` of its planned dose).
- Decisions: the stored progression decisions except 'hold' (counted in a note), dated
  the first day of the week they apply to.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Sequence

from motionrehab.errors import InvalidDataError
from motionrehab.program.adherence import weekly_scores
from motionrehab.program.measurements import LOWER, NEITHER, canonical, quantity
from motionrehab.program.progression import HOLD, initial_state, replay
from motionrehab.program.proms import LOWER_IS_BETTER, MCID, PromScore
from motionrehab.program.sessions import Measurement
from motionrehab.program.stalls import detect_stalls
from motionrehab.records.report import (
    ChangeVerdict,
    FlaggedEvent,
    ProgressionRecord,
    RecheckData,
    VisitMeasurement,
    WeekSummary,
    measure_label,
)
from motionrehab.records.store import SessionStore, StoredCheckIn, StoredSession

#: days of repeat measurements around a compared day that give the SD (the person's own measurement error)
SD_WINDOW_DAYS = 7
_Z95_SQRT2 = 1.96 * math.sqrt(2.0)  # MDC95 = 1.96 x sqrt(2) x SEM (docs/clinical-terms.md section 5)
_UNITS = {"deg": "deg", "m": "m", "s": "s", "pct": "%", "min": "min"}
#: measures where a lower value is the better one (everything else measured here: higher is better)
LOWER_IS_BETTER_MEASURES = frozenset({"slump_knee_extension_deficit_deg", "stride_time_cv_pct", "symmetry_index_pct"})


def measure_kind(name: str, side: str) -> tuple[str, str | None, str]:
    """(report kind, side, unit) of a stored measurement: its registered name (program.measurements), side and unit.

    Legacy names are read as their registered ones: slr_right_deg -> ('slr_peak_deg', 'right', 'deg').
    """
    kind, side = canonical(name, side)
    registered = quantity(kind)
    if registered is not None:
        return kind, side if side in ("left", "right") else None, registered.unit
    suffix = name.rsplit("_", 1)[-1]
    return kind, side if side in ("left", "right") else None, _UNITS.get(suffix, suffix)


def _better(kind: str) -> str:
    registered = quantity(kind)
    if registered is not None:
        return "lower" if registered.better == LOWER else "higher"
    return "lower" if kind in LOWER_IS_BETTER_MEASURES else "higher"


def sd_companion(name: str) -> str | None:
    """The measure a trial-SD measurement belongs to (``slr_peak_sd_deg`` -> ``slr_peak_deg``), or None."""
    head, sep, unit = name.rpartition("_sd_")
    return f"{head}_{unit}" if sep and head and unit in _UNITS else None


def visit_measurements(measurements: Sequence[Measurement]) -> tuple[VisitMeasurement, ...]:
    """One VisitMeasurement per day and measure: the mean of that day's values.

    Its SD is the stored trial SD (``<measure>_sd_<unit>``, e.g. slr_peak_sd_deg saved by
    ``motionrehab measure slr``) when there is one, else the SD of the day's values when
    more than one; trial SDs are not measures of their own.
    """
    groups: dict[tuple[dt.date, str, str], list[float]] = defaultdict(list)
    trial_sd: dict[tuple[dt.date, str, str], float] = {}
    for m in measurements:
        base = sd_companion(m.name)
        if base is not None:
            trial_sd[(m.at.date(), base, m.side)] = m.value
        else:
            groups[(m.at.date(), m.name, m.side)].append(m.value)
    result = []
    for (day, name, side), values in sorted(groups.items()):
        kind, limb, unit = measure_kind(name, side)
        sd = trial_sd.get((day, name, side), statistics.stdev(values) if len(values) > 1 else None)
        result.append(VisitMeasurement(day, kind, limb, statistics.fmean(values), sd, unit))
    return tuple(result)


def _label(kind: str, side: str | None, unit: str) -> str:
    base = measure_label(kind)
    return f"{base}{' ' + side if side else ''} ({unit})"


def _window(values: Sequence[tuple[dt.date, float]], day: dt.date) -> list[float]:
    return [v for d, v in values if day - dt.timedelta(days=SD_WINDOW_DAYS - 1) <= d <= day]


def measured_verdicts(visits: Sequence[VisitMeasurement], compare: dt.date) -> tuple[list[ChangeVerdict], list[str]]:
    """Latest vs compare-day value of each measure, judged against its MDC95; and notes on measures not judged."""
    series: dict[tuple[str, str | None, str], list[tuple[dt.date, float]]] = defaultdict(list)
    sds: dict[tuple[str, str | None, str, dt.date], float | None] = {}
    for v in visits:
        series[(v.kind, v.side, v.unit)].append((v.visit_date, v.value))
        sds[(v.kind, v.side, v.unit, v.visit_date)] = v.sd
    verdicts, notes = [], []
    for (kind, side, unit), values in series.items():
        registered = quantity(kind)
        if registered is not None and registered.better == NEITHER:
            continue  # descriptive (e.g. steps in a walk): no direction of improvement to judge
        before = [(d, v) for d, v in values if d <= compare]
        if not before or values[-1][0] <= before[-1][0]:
            continue
        (d0, previous), (d1, latest) = before[-1], values[-1]
        label = _label(kind, side, unit)
        trial = [sd for sd in (sds[(kind, side, unit, d0)], sds[(kind, side, unit, d1)]) if sd is not None]
        windows = [_window(values, d0), _window(values, d1)]
        if len(trial) == 2 and all(len(w) < 2 for w in windows):
            # Both visits were measured in trials (e.g. 3 SLR trials): their SDs, pooled, are the SEM (as measures.slr).
            mdc = _Z95_SQRT2 * math.sqrt((trial[0] ** 2 + trial[1] ** 2) / 2)
            better = _better(kind)
            verdicts.append(ChangeVerdict(label, previous, latest, round(mdc, 1), "MDC95", better, d0, d1))
            continue
        if any(len(w) < 2 for w in windows):
            notes.append(f"{label}: {previous:.1f} on {d0} -> {latest:.1f} on {d1}; not judged (too few repeat measurements for an MDC).")
            continue
        pooled_var = sum((len(w) - 1) * statistics.variance(w) for w in windows) / sum(len(w) - 1 for w in windows)
        mdc = _Z95_SQRT2 * math.sqrt(pooled_var)
        better = _better(kind)
        verdicts.append(ChangeVerdict(label, previous, latest, round(mdc, 1), "MDC95", better, d0, d1))
    return verdicts, notes


def recheck_data(store: SessionStore, patient: str, *, compare: dt.date | None = None, generated: dt.datetime,
                 today: dt.date | None = None) -> RecheckData:  # fmt: skip
    """Everything the recheck report shows for ``patient`` (see the module docstring); stalls as of ``today`` (default: the last recorded day)."""
    prescription = store.prescription(patient)
    stored = store.stored_sessions(patient)
    logs = store.session_logs(patient)
    measurements = store.measurements(patient)
    checkins = store.checkins(patient)
    proms = store.proms(patient)
    days = [s.log.started_at.date() for s in stored] + [m.at.date() for m in measurements] + [c.at.date() for c in checkins] + [p.at.date() for p in proms]
    if not days:
        return RecheckData(patient, generated, prescription.start_date, prescription.start_date, None, None)
    last_day = max(days)
    visits = visit_measurements(measurements)
    latest_visit = max((v.visit_date for v in visits), default=None)
    first_visit = latest_visit is not None and all(v.visit_date == latest_visit for v in visits)
    if compare is None and latest_visit is not None and not first_visit:
        compare = max(min(v.visit_date for v in visits), latest_visit - dt.timedelta(weeks=prescription.recheck_every_weeks))
    if compare is not None and latest_visit is not None and compare >= latest_visit:
        raise InvalidDataError(f"the compare date {compare} is not before the latest measurement ({latest_visit})", where="--compare",
                               fix="give an earlier visit date, YYYY-MM-DD")  # fmt: skip
    verdicts: list[ChangeVerdict] = []
    notes: list[str] = []
    if compare is not None:
        verdicts, notes = measured_verdicts(visits, compare)
        verdicts += _reported_verdicts(proms, checkins, compare, last_day)

    through = max(1, prescription.week_of(last_day))
    scores = weekly_scores(prescription, logs, measurements, through_week=through)
    reviews = replay(prescription, logs, measurements, through_week=through - 1)
    states = [initial_state(prescription)] + [r.next_state for r in reviews]
    weeks = []
    tolerance = [m for m in measurements if canonical(m.name, m.side)[0] == "walking_tolerance_m"]
    for week, (state, score) in enumerate(zip(states, scores, strict=True), start=1):
        in_week = [s for s in stored if prescription.week_of(s.log.started_at.date()) == week]
        week_tolerance = [m.value for m in tolerance if prescription.week_of(m.at.date()) == week]
        pains = [c.pain_nrs for c in checkins if prescription.week_of(c.at.date()) == week]
        prescribed = max((e.frequency.sessions_per_week for e in state.phase(prescription).exercises if not e.alternative_only), default=0)
        weeks.append(WeekSummary(
            week_index=week, week_start=prescription.week_start(week),
            walking_distance_m=sum(e.metres for s in in_week for e in s.log.exercises),
            adherence_score=score.composite, pain_mean_nrs=statistics.fmean(pains) if pains else None,
            pain_max_nrs=float(max(pains)) if pains else None,
            sessions_done=sum(1 for s in in_week if not s.log.stopped_by_red_flag), sessions_prescribed=prescribed,
            walking_tolerance_m=max(week_tolerance) if week_tolerance else None,
        ))  # fmt: skip

    events = _events(store, patient, prescription.rules.flare_rise_nrs, prescription.rules.pacing_limit_pct)
    decisions = store.decisions(patient)
    holds = sum(1 for d in decisions if d.action == HOLD)
    # One row per week, action and reason: a phase change or a flare step-back names every exercise it moves.
    grouped: dict[tuple[int, str, str], list[str]] = defaultdict(list)
    for d in decisions:
        if d.action != HOLD:
            grouped[(d.week, d.action, d.reason)].append(d.exercise_id)
    records = [ProgressionRecord(prescription.week_start(week + 1), ", ".join(ids), action, reason) for (week, action, reason), ids in grouped.items()]
    return RecheckData(
        pseudonym=patient, generated=generated, period_start=prescription.start_date, period_end=last_day, compare_visit=compare,
        latest_visit=latest_visit, measurements=visits, weeks=tuple(weeks), verdicts=tuple(verdicts), events=events,
        decisions=tuple(records), notes=tuple(notes), first_visit=first_visit,
        stalls=tuple(s.describe() for s in detect_stalls(prescription, logs, measurements, today=today or last_day)),
        decisions_note=f"{holds} 'hold' decisions (dose kept) are not listed; `motionrehab export` has them all." if holds else "",
    )  # fmt: skip


def _reported_verdicts(proms: Sequence[PromScore], checkins: Sequence[StoredCheckIn], compare: dt.date, last_day: dt.date) -> list[ChangeVerdict]:
    verdicts = []
    by_instrument: dict[str, list[PromScore]] = defaultdict(list)
    for p in proms:
        by_instrument[p.instrument].append(p)
    for instrument, scores in by_instrument.items():
        before = [p for p in scores if p.at.date() <= compare]
        if before and scores[-1].at > before[-1].at:
            better = "lower" if LOWER_IS_BETTER[instrument] else "higher"
            verdicts.append(ChangeVerdict(f"{instrument} questionnaire (points)", before[-1].score, scores[-1].score, MCID[instrument], "MCID", better,
                                          before[-1].at.date(), scores[-1].at.date()))  # fmt: skip
    pain = [(c.at.date(), float(c.pain_nrs)) for c in checkins if not c.flagged_for_clinician]
    previous, latest = _window(pain, compare), _window(pain, last_day)
    if previous and latest and last_day > compare:
        verdicts.append(ChangeVerdict(f"Pain before sessions, mean of {SD_WINDOW_DAYS} days (NRS 0-10)", statistics.fmean(previous),
                                      statistics.fmean(latest), MCID["NRS"], "MCID", "lower", compare, last_day))  # fmt: skip
    return verdicts


def _events(store: SessionStore, patient: str, flare_rise_nrs: int, pacing_limit_pct: float) -> tuple[FlaggedEvent, ...]:
    return flagged_events(store.checkins(patient, flagged_only=True), store.stored_sessions(patient), flare_rise_nrs, pacing_limit_pct)


def flagged_events(
    checkins: Sequence[StoredCheckIn], sessions: Sequence[StoredSession], flare_rise_nrs: int, pacing_limit_pct: float
) -> tuple[FlaggedEvent, ...]:
    """Red-flag check-ins, flare-ups and pacing failures (module docstring), in time order.

    ``checkins`` may hold every check-in: only the flagged ones become red-flag events.
    """
    events = []
    for c in checkins:
        if not c.flagged_for_clinician:
            continue
        flags = ", ".join(f.replace("_", " ") for f in c.red_flags_positive) or "red flag"
        events.append(FlaggedEvent(c.at, "red_flag", f"positive screen ({flags}) at the check-in: session stopped, urgent care advised"))
    for s in sessions:
        log = s.log
        later = [(p, when) for p, when in ((log.pain_after, "after the session"), (log.pain_next_morning, "the next morning")) if p is not None]
        worst = max(later, default=None, key=lambda item: item[0])
        if worst is not None and worst[0] - log.pain_before >= flare_rise_nrs:
            events.append(FlaggedEvent(log.started_at, "flare_up", f"pain rose from {log.pain_before} to {worst[0]} {worst[1]}"))
        elif log.new_tingling:
            events.append(FlaggedEvent(log.started_at, "flare_up", "new tingling or numbness after the session"))
        for e in log.exercises:
            if e.planned.quantity > 0 and 100.0 * e.done_fraction > pacing_limit_pct:
                events.append(FlaggedEvent(log.started_at, "pacing_failure",
                                           f"{e.exercise_id}: {100 * e.done_fraction:.0f} % of the planned dose (limit {pacing_limit_pct:g} %)"))  # fmt: skip
    return tuple(sorted(events, key=lambda e: e.when))
