"""The patient list: one row per patient with what a clinician must see first.

Each row is computed with the program and records functions the CLI uses (the store's
readers, program.adherence.score_week, program.progression.replay,
records.recheck.flagged_events, program.proms.compare_proms); nothing is re-scored here.

Flags, most urgent first (``FLAG_ORDER``):

1. ``red_flag``: a check-in stopped by a red flag that no clinician has reviewed yet.
2. ``flare_up``: pain rose by the prescription's ``flare_rise_nrs`` after a session or the
   next morning, or new tingling or numbness, in the last ``RECENT_DAYS`` days.
3. ``pacing_failure``: an exercise done beyond ``pacing_limit_pct`` of its planned dose in
   the last ``RECENT_DAYS`` days.
4. ``stalled``: program.stalls.detect_stalls finds a stall (an exercise that could
   progress held at the same dose for 3 weeks, or a milestone overdue).
5. ``adherence_drop``: the last completed week's adherence is ``ADHERENCE_DROP_POINTS`` or
   more below the mean of the (up to) three weeks before it.
6. ``recheck_due``: a recheck interval is over (``recheck_every_weeks``) and no
   questionnaire (PROM) was recorded since the last week of that interval began.

Pain trend: the mean check-in pain of the last 7 days against the 7 days before; called
rising or falling only when the change reaches the NRS MCID (program.proms: 2 points or
30 %), else steady.

Speed: computing a row replays the patient's program (tens of milliseconds); a clinic list
of hundreds of patients is served from rows kept in memory and recomputed only for the
patients whose data changed since the last request (PatientList: how changes are found).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from motionrehab.errors import InvalidDataError, MotionRehabError
from motionrehab.program.adherence import score_week
from motionrehab.program.prescription import Prescription, parse_prescription
from motionrehab.program.progression import initial_state, replay
from motionrehab.program.proms import compare_proms, score_nrs
from motionrehab.program.stalls import detect_stalls
from motionrehab.records import accounts
from motionrehab.records import store as st
from motionrehab.records.recheck import flagged_events
from motionrehab.records.store import SessionStore

FLAG_ORDER = ("red_flag", "flare_up", "pacing_failure", "stalled", "adherence_drop", "recheck_due")
FLAG_LABELS = {
    "red_flag": "red flag",
    "flare_up": "flare-up",
    "pacing_failure": "pacing",
    "stalled": "stalled",
    "adherence_drop": "adherence drop",
    "recheck_due": "recheck due",
}
RECENT_DAYS = 14
"""Flare-ups and pacing failures older than this are history, not a flag (the recheck report keeps them)."""
ADHERENCE_DROP_POINTS = 20.0
"""A week this many composite points below the weeks before it is a drop (project convention)."""
PAIN_WINDOW_DAYS = 7


@dataclass(frozen=True)
class Flag:
    """One flag on a patient's row: its kind (FLAG_ORDER) and what happened, in words."""

    kind: str
    text: str

    @property
    def label(self) -> str:
        """Short name for the badge."""
        return FLAG_LABELS[self.kind]


@dataclass(frozen=True)
class PatientRow:
    """One row of the list.

    Attributes:
        pseudonym: the patient id.
        last_session: start of the latest session (None: none yet).
        week: program week today (None: no prescription).
        adherence_week: this week's adherence composite so far, 0-100 (None: no prescription).
        adherence_last_week: the last completed week's composite (None in week 1).
        pain_now, pain_before: mean check-in pain NRS over the last 7 days and the 7 before (None: no check-in).
        pain_trend: 'rising', 'falling', 'steady' or '' (not enough check-ins).
        flags: most urgent first.
        stopped: a clinician stopped the home program at a red-flag review.
        problem: why the row could not be computed (e.g. no prescription), '' otherwise.
    """

    pseudonym: str
    last_session: dt.datetime | None
    week: int | None
    adherence_week: float | None
    adherence_last_week: float | None
    pain_now: float | None
    pain_before: float | None
    pain_trend: str
    flags: tuple[Flag, ...]
    stopped: bool
    problem: str = ""

    @property
    def urgency(self) -> int:
        """Index of the most urgent flag in FLAG_ORDER (len(FLAG_ORDER) when none)."""
        return min((FLAG_ORDER.index(f.kind) for f in self.flags), default=len(FLAG_ORDER))

    def has(self, kind: str) -> bool:
        """Whether the row carries a flag of ``kind``."""
        return any(f.kind == kind for f in self.flags)


def _mean(values: Sequence[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _pain_trend(now: float | None, before: float | None, at: dt.datetime) -> str:
    if now is None or before is None:
        return ""
    # The MCID verdict of program.proms on rounded means (NRS is scored in whole points).
    change = compare_proms(score_nrs(round(before), at), score_nrs(round(now), at))
    if not change.meaningful or change.improvement == 0:
        return "steady"
    return "falling" if change.improvement > 0 else "rising"


class PrescriptionCache:
    """Parsed prescriptions by stored version id (a version never changes: a new one is a new row); thread-safe."""

    def __init__(self) -> None:
        self._parsed: dict[int, Prescription] = {}
        self._lock = threading.Lock()

    def latest(self, book: accounts.Accounts, pseudonym: str) -> Prescription:
        """The patient's prescription in force (parsed once per version), as SessionStore.prescription gives it."""
        version = book.latest_prescription_version(pseudonym)
        if version is None:
            raise InvalidDataError(f"no prescription stored for '{pseudonym}'", where=book.store.display_url, fix="motionrehab program assign FILE")
        with self._lock:
            found = self._parsed.get(version.id)
        if found is None:
            # As the store reads it: the start date assigned with the version is the one in force.
            found = dataclasses.replace(parse_prescription(version.yaml_text, f"{version.source} (stored)"), start_date=version.start_date)
            with self._lock:
                self._parsed[version.id] = found
        return found


def compute_row(store: SessionStore, book: accounts.Accounts, pseudonym: str, today: dt.date, cache: PrescriptionCache | None = None) -> PatientRow:
    """One patient's row from the store (module docstring)."""
    now = dt.datetime.combine(today, dt.time(23, 59))
    checkins = store.checkins(pseudonym)
    recent_from = today - dt.timedelta(days=PAIN_WINDOW_DAYS - 1)
    before_from = recent_from - dt.timedelta(days=PAIN_WINDOW_DAYS)
    calm = [c for c in checkins if not c.flagged_for_clinician]
    pain_now = _mean([c.pain_nrs for c in calm if recent_from <= c.at.date() <= today])
    pain_before = _mean([c.pain_nrs for c in calm if before_from <= c.at.date() < recent_from])
    review_of = book.red_flag_reviews(pseudonym)
    stopped = any(r.outcome == "stopped" for r in review_of.values())
    flags: list[Flag] = []
    unreviewed = [c for c in checkins if c.flagged_for_clinician and c.id not in review_of]
    if unreviewed:
        latest = unreviewed[-1]
        what = ", ".join(f.replace("_", " ") for f in latest.red_flags_positive) or "red flag"
        many = f"{len(unreviewed)} unreviewed, latest " if len(unreviewed) > 1 else ""
        flags.append(Flag("red_flag", f"{many}{latest.at:%Y-%m-%d}: {what}"))
    sessions = store.stored_sessions(pseudonym)
    last_session = sessions[-1].log.started_at if sessions else None
    try:
        prescription = (cache or PrescriptionCache()).latest(book, pseudonym)
    except MotionRehabError as error:
        return PatientRow(pseudonym, last_session, None, None, None, pain_now, pain_before, _pain_trend(pain_now, pain_before, now),
                          tuple(flags), stopped, problem=error.what)  # fmt: skip
    if today < prescription.start_date:
        return PatientRow(pseudonym, last_session, None, None, None, pain_now, pain_before, _pain_trend(pain_now, pain_before, now),
                          tuple(flags), stopped, problem=f"the program starts on {prescription.start_date.isoformat()}")  # fmt: skip
    rules = prescription.rules
    events = flagged_events((), sessions, rules.flare_rise_nrs, rules.pacing_limit_pct)
    recent = [e for e in events if (today - e.when.date()).days < RECENT_DAYS]
    for kind in ("flare_up", "pacing_failure"):
        mine = [e for e in recent if e.kind == kind]
        if mine:
            more = f" (+{len(mine) - 1} more)" if len(mine) > 1 else ""
            flags.append(Flag(kind, f"{mine[-1].when:%Y-%m-%d}: {mine[-1].description}{more}"))
    logs = store.session_logs(pseudonym)
    measurements = store.measurements(pseudonym)
    week = max(1, prescription.week_of(today))
    completed = week - 1
    reviews_done = replay(prescription, logs, measurements, through_week=completed)
    # As program.adherence.weekly_scores, sharing this replay: each week against the state in force that week.
    states = [initial_state(prescription)] + [r.next_state for r in reviews_done]
    scores = [score_week(prescription, state, logs) for state in states]
    stalls = detect_stalls(prescription, logs, measurements, today=today, reviews=reviews_done)
    if stalls:
        more = f" (+{len(stalls) - 1} more)" if len(stalls) > 1 else ""
        flags.append(Flag("stalled", f"{stalls[0].text}; suggestion: {stalls[0].suggestion}{more}"))
    last_week = scores[completed - 1].composite if completed >= 1 else None
    earlier = [s.composite for s in scores[max(0, completed - 4) : completed - 1]]
    if last_week is not None and earlier and statistics.fmean(earlier) - last_week >= ADHERENCE_DROP_POINTS:
        flags.append(Flag("adherence_drop", f"week {completed}: {last_week:g}/100, down from a mean of {statistics.fmean(earlier):.0f} the weeks before"))
    every = prescription.recheck_every_weeks
    last_recheck_week = completed - completed % every
    if last_recheck_week >= every:
        since = prescription.week_start(last_recheck_week)  # the interval's last week
        if not any(p.at.date() >= since for p in store.proms(pseudonym)):
            flags.append(Flag("recheck_due", f"after week {last_recheck_week}: no questionnaire recorded since {since.isoformat()}"))
    return PatientRow(
        pseudonym=pseudonym, last_session=last_session, week=prescription.week_of(today), adherence_week=scores[-1].composite,
        adherence_last_week=last_week, pain_now=pain_now, pain_before=pain_before, pain_trend=_pain_trend(pain_now, pain_before, now),
        flags=tuple(sorted(flags, key=lambda f: FLAG_ORDER.index(f.kind))), stopped=stopped,
    )  # fmt: skip


def _session_sums(table: sa.Table) -> list[Any]:
    # The columns a session changes after it is written (closing it, the next-morning pain), weighted by id so
    # that two changes cannot cancel out in the sum unless their weights happen to match exactly.
    ident = table.c.id
    return [sa.func.count(table.c.ended_at), sa.func.sum(ident * sa.func.coalesce(table.c.pain_after, -1)),
            sa.func.sum(ident * sa.func.coalesce(table.c.pain_next_morning, -1)), sa.func.sum(sa.case((table.c.new_tingling.is_(True), ident), else_=0)),
            sa.func.sum(sa.case((table.c.status == "closed", ident), else_=0))]  # fmt: skip


def _patient_of(table: sa.Table) -> tuple[Any, Any]:
    """(the patient id column, the FROM clause) reaching the patient from a row of ``table``."""
    s, e, c = st.sessions, st.exercises_performed, st.checkins
    if table is st.repetitions or table is st.walking:
        return s.c.patient_id, table.join(e, table.c.exercise_performed_id == e.c.id).join(s, e.c.session_id == s.c.id)
    if table is st.exercises_performed:
        return s.c.patient_id, table.join(s, table.c.session_id == s.c.id)
    if table is accounts.red_flag_reviews:
        return c.c.patient_id, table.join(c, table.c.checkin_id == c.c.id)
    return table.c.patient_id, table


WATCHED = (st.sessions, st.exercises_performed, st.repetitions, st.walking, st.checkins, st.measurements, st.proms, st.prescriptions,
           accounts.red_flag_reviews)  # fmt: skip
"""Tables whose new rows change a patient's row; the store only ever adds rows to them (ids only grow)."""

# Built once: a request runs them as they are (building SQLAlchemy statements costs more than running these).
_NEWEST_IDS = sa.select(*(sa.select(sa.func.coalesce(sa.func.max(t.c.id), 0)).scalar_subquery() for t in WATCHED))
_TOUCHED = {t.name: sa.select(_patient_of(t)[0]).distinct().select_from(_patient_of(t)[1]).where(t.c.id > sa.bindparam("since")) for t in WATCHED}
_SESSION_TOTAL = sa.select(*_session_sums(st.sessions))
_SESSION_BY_PATIENT = sa.select(st.sessions.c.patient_id, *_session_sums(st.sessions)).group_by(st.sessions.c.patient_id)
_PATIENT_IDS = sa.select(st.patients.c.pseudonym, st.patients.c.id)


class PatientList:
    """Rows for the list, computed once and kept until the patient's data changes; safe to share between threads.

    Change detection per request, cheap at clinic scale: for each table in WATCHED, rows
    with an id above the last one seen name the patients touched (a primary-key range
    scan); sessions changed in place (closed, next-morning pain, new tingling) show in
    one weighted sum over the sessions table, and only when it moves is the same sum taken
    per patient to find whose. A touched patient's row is recomputed on the next request;
    a new day recomputes every row (weeks and windows move).
    """

    def __init__(self, store: SessionStore, accounts_: accounts.Accounts, prescriptions: PrescriptionCache | None = None) -> None:
        self.store = store
        self.accounts = accounts_
        self.prescriptions = prescriptions or PrescriptionCache()
        self._lock = threading.Lock()
        self._rows: dict[str, tuple[tuple[object, ...], PatientRow]] = {}
        self._watermarks: dict[str, int] = {}
        self._generation: dict[int, int] = {}
        self._session_total: tuple[object, ...] | None = None
        self._session_by_patient: dict[int, tuple[object, ...]] = {}
        self.computed = 0  # rows computed (not served from the cache), for tests and the benchmark

    def _touch(self, patient_ids: Iterable[int]) -> None:
        for pid in patient_ids:
            self._generation[pid] = self._generation.get(pid, 0) + 1

    def _detect_changes(self, conn: sa.Connection) -> None:
        newest = dict(zip((t.name for t in WATCHED), (int(v) for v in conn.execute(_NEWEST_IDS).one()), strict=True))
        for table in WATCHED:
            since = self._watermarks.get(table.name)
            if since is not None and newest[table.name] != since:
                self._touch(conn.execute(_TOUCHED[table.name], {"since": since}).scalars())
        self._watermarks = newest
        total = tuple(conn.execute(_SESSION_TOTAL).one())
        if total != self._session_total:
            by_patient = {row[0]: tuple(row[1:]) for row in conn.execute(_SESSION_BY_PATIENT)}
            if self._session_total is not None:
                self._touch(pid for pid, sums in by_patient.items() if self._session_by_patient.get(pid) != sums)
            self._session_total, self._session_by_patient = total, by_patient

    def rows(self, pseudonyms: Iterable[str], today: dt.date) -> list[PatientRow]:
        """The rows of ``pseudonyms`` for ``today`` (recomputing only what changed)."""
        with self._lock:
            with self.store.engine.connect() as conn:
                self._detect_changes(conn)
                ids = dict(conn.execute(_PATIENT_IDS).all())
            result = []
            for name in pseudonyms:
                key = (today, self._generation.get(ids.get(name, -1), 0))
                cached = self._rows.get(name)
                if cached is None or cached[0] != key:
                    cached = (key, compute_row(self.store, self.accounts, name, today, self.prescriptions))
                    self._rows[name] = cached
                    self.computed += 1
                result.append(cached[1])
            return result


def _newest_first(row: PatientRow) -> float:
    return -row.last_session.timestamp() if row.last_session is not None else float("inf")  # never seen: last


SORTS: dict[str, Callable[[PatientRow], tuple[object, ...]]] = {
    "urgency": lambda r: (r.urgency, -len(r.flags), _newest_first(r), r.pseudonym),
    "patient": lambda r: (r.pseudonym,),
    "last_session": lambda r: (_newest_first(r), r.pseudonym),
    "adherence": lambda r: (r.adherence_week if r.adherence_week is not None else 1e9, r.pseudonym),
    "pain": lambda r: (-(r.pain_now if r.pain_now is not None else -1.0), r.pseudonym),
}
"""Sort keys by name: urgency (default), patient, last session (newest first), adherence (lowest first), pain (highest first)."""


def select_rows(rows: Iterable[PatientRow], *, sort: str = "urgency", flag: str = "", search: str = "") -> list[PatientRow]:
    """Filter by flag kind ('any' = any flag) and pseudonym substring, then sort (unknown names fall back to urgency)."""
    chosen = list(rows)
    if flag == "any":
        chosen = [r for r in chosen if r.flags]
    elif flag in FLAG_ORDER:
        chosen = [r for r in chosen if r.has(flag)]
    if search.strip():
        needle = search.strip().lower()
        chosen = [r for r in chosen if needle in r.pseudonym.lower()]
    return sorted(chosen, key=SORTS.get(sort, SORTS["urgency"]))

