"""The session store: every check-in, session, repetition, measurement, PROM and decision.

SQLite by default (one file, owner-only, in the user data folder); the same code runs on
PostgreSQL for a clinic (``postgresql+psycopg://user:password@host/db``). SQLAlchemy 2
Core; the schema is versioned with Alembic (``records/migrations``): opening a store
brings an older database up to the newest revision, safely when several processes open a
brand-new store at the same moment.

Crash safety: every repetition, measurement and check-in is its own committed
transaction, written as it happens. On SQLite the journal is a write-ahead log with
``synchronous=FULL``, so a session killed mid-way (kill -9, power cut after the commit
returned) keeps every repetition already recorded; a session never closed reads back with
status 'open'.

Only pseudonymous patient ids are stored (no names, no dates of birth). The live session
uses it like this::

    store = SessionStore()                       # or SessionStore("postgresql+psycopg://...")
    recorder = store.open_session("P-7F3A2C", plan, pain_before=3)
    recorder.add_repetition("hinge", set_index=1, t_start_s=2.0, t_end_s=8.1,
                            within_criteria=True, metrics={"trunk_inclination_deg": 38.5})
    recorder.add_walking("walk", minutes=12, metres=950)
    recorder.add_measurement("walking_tolerance_m", 950)
    recorder.close(pain_after=3)

Readers return frozen dataclasses: ``session_logs`` gives the program layer's
SessionLog (what the progression engine and adherence scoring read).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import platformdirs
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from motionrehab._files import make_private_dir, open_private
from motionrehab.errors import InvalidDataError, MotionRehabError
from motionrehab.program.measurements import canonical, check_measurement
from motionrehab.program.prescription import (
    Dose,
    Prescription,
    check_patient_id,
    parse_prescription,
)
from motionrehab.program.progression import PlannedExercise, WeekReview
from motionrehab.program.proms import PromScore
from motionrehab.program.safety import CheckIn, CheckInOutcome
from motionrehab.program.sessions import ExerciseDone, Measurement, SessionLog
from motionrehab.records import migrations

STORE_ENV = "MOTIONREHAB_STORE"
"""Environment variable naming the store: a SQLAlchemy URL or a SQLite file path."""

metadata = sa.MetaData()

# motionrehab 0.1 versioned its schema here; kept at version 2 so that 0.1 refuses a newer
# database ("upgrade motionrehab"). Alembic's table alembic_version is the record now.
schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.DateTime, nullable=False),
    sa.Column("description", sa.String(200), nullable=False),
)  # fmt: skip

patients = sa.Table(
    "patients", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("pseudonym", sa.String(40), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)  # fmt: skip

prescriptions = sa.Table(
    "prescriptions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("patient_id", sa.ForeignKey("patients.id"), nullable=False, index=True),
    sa.Column("assigned_at", sa.DateTime, nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("source", sa.String(500), nullable=False),
    sa.Column("yaml_text", sa.Text, nullable=False),
)  # fmt: skip

checkins = sa.Table(
    "checkins", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("patient_id", sa.ForeignKey("patients.id"), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("pain_nrs", sa.Integer, nullable=False),
    sa.Column("tingling", sa.Boolean, nullable=False),
    sa.Column("numbness", sa.Boolean, nullable=False),
    sa.Column("red_flags_positive", sa.String(400), nullable=False),  # comma-separated RedFlag ids, '' if none
    sa.Column("red_flag_answers", sa.Text, nullable=False),  # JSON object id -> bool, the whole screen
    sa.Column("flagged_for_clinician", sa.Boolean, nullable=False),
    sa.Column("dose_pct", sa.Float, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
)  # fmt: skip

sessions = sa.Table(
    "sessions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("patient_id", sa.ForeignKey("patients.id"), nullable=False, index=True),
    sa.Column("checkin_id", sa.ForeignKey("checkins.id"), nullable=True),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("ended_at", sa.DateTime, nullable=True),
    sa.Column("status", sa.String(10), nullable=False),  # 'open' until close(); a crash leaves 'open'; 'failed': measured nothing
    sa.Column("dose_pct", sa.Float, nullable=False),
    sa.Column("pain_before", sa.Integer, nullable=False),
    sa.Column("tingling_before", sa.Boolean, nullable=False),
    sa.Column("pain_after", sa.Integer, nullable=True),
    sa.Column("pain_next_morning", sa.Integer, nullable=True),
    sa.Column("new_tingling", sa.Boolean, nullable=False),
    sa.Column("failure", sa.Text, nullable=False, server_default=""),  # why a 'failed' session measured nothing
)  # fmt: skip

exercises_performed = sa.Table(
    "exercises_performed", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("session_id", sa.ForeignKey("sessions.id"), nullable=False, index=True),
    sa.Column("exercise_id", sa.String(60), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("planned_sets", sa.Integer, nullable=False),
    sa.Column("planned_reps", sa.Integer, nullable=True),
    sa.Column("planned_hold_s", sa.Float, nullable=True),
    sa.Column("planned_minutes", sa.Float, nullable=True),
    sa.Column("planned_metres", sa.Float, nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.UniqueConstraint("session_id", "exercise_id"),
)  # fmt: skip

repetitions = sa.Table(
    "repetitions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("exercise_performed_id", sa.ForeignKey("exercises_performed.id"), nullable=False, index=True),
    sa.Column("set_index", sa.Integer, nullable=False),
    sa.Column("rep_index", sa.Integer, nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.Column("t_start_s", sa.Float, nullable=True),
    sa.Column("t_end_s", sa.Float, nullable=True),
    sa.Column("hold_s", sa.Float, nullable=True),
    sa.Column("within_criteria", sa.Boolean, nullable=True),  # None: form not measured
    sa.Column("faults", sa.String(400), nullable=False),  # comma-separated fault names
    sa.Column("source", sa.String(10), nullable=False, server_default="measured"),  # 'measured' (camera/sensor) or 'logged' (patient)
)  # fmt: skip

repetition_metrics = sa.Table(
    "repetition_metrics", metadata,
    sa.Column("repetition_id", sa.ForeignKey("repetitions.id"), primary_key=True),
    sa.Column("name", sa.String(80), primary_key=True),  # ends with its unit, e.g. trunk_inclination_deg
    sa.Column("value", sa.Float, nullable=False),
)  # fmt: skip

walking = sa.Table(
    "walking", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("exercise_performed_id", sa.ForeignKey("exercises_performed.id"), nullable=False, index=True),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.Column("minutes", sa.Float, nullable=False),
    sa.Column("metres", sa.Float, nullable=False),
    sa.Column("source", sa.String(10), nullable=False, server_default="measured"),  # 'measured' (sensor) or 'logged' (patient)
)  # fmt: skip

measurements = sa.Table(
    "measurements", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("patient_id", sa.ForeignKey("patients.id"), nullable=False, index=True),
    sa.Column("session_id", sa.ForeignKey("sessions.id"), nullable=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("name", sa.String(80), nullable=False),  # ends with its unit: slr_left_deg, walking_m
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("side", sa.String(10), nullable=False),
)  # fmt: skip

proms = sa.Table(
    "proms", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("patient_id", sa.ForeignKey("patients.id"), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("instrument", sa.String(10), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("items", sa.Text, nullable=False),  # JSON list of the item answers
)  # fmt: skip

decisions = sa.Table(
    "decisions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("patient_id", sa.ForeignKey("patients.id"), nullable=False, index=True),
    sa.Column("decided_at", sa.DateTime, nullable=False),
    sa.Column("week", sa.Integer, nullable=False),
    sa.Column("exercise_id", sa.String(60), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("dose_before", sa.String(80), nullable=False),
    sa.Column("dose_after", sa.String(80), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)  # fmt: skip

recordings = sa.Table(
    "recordings", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("patient_id", sa.ForeignKey("patients.id"), nullable=False, index=True),
    sa.Column("sha256", sa.String(64), nullable=False),  # of the input file(s): the same recording is stored once
    sa.Column("what", sa.String(40), nullable=False),  # the command that measured it, e.g. 'slr right', 'walk'
    sa.Column("session_id", sa.ForeignKey("sessions.id"), nullable=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("patient_id", "sha256", "what"),
)  # fmt: skip

# -- clinician accounts for the web view (read and written by records.accounts) -------------
clinicians = sa.Table(
    "clinicians", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),  # stored lower-case
    sa.Column("password_hash", sa.String(400), nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("failed_logins", sa.Integer, nullable=False),  # consecutive failures since the last success
    sa.Column("locked_until", sa.DateTime, nullable=True),
)  # fmt: skip

clinician_patients = sa.Table(
    "clinician_patients", metadata,
    sa.Column("clinician_id", sa.ForeignKey("clinicians.id"), primary_key=True),
    sa.Column("patient_id", sa.ForeignKey("patients.id"), primary_key=True, index=True),
    sa.Column("assigned_at", sa.DateTime, nullable=False),
)  # fmt: skip

red_flag_reviews = sa.Table(
    "red_flag_reviews", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("checkin_id", sa.ForeignKey("checkins.id"), nullable=False, unique=True),
    sa.Column("reviewed_at", sa.DateTime, nullable=False),
    sa.Column("reviewer", sa.String(254), nullable=False),
    sa.Column("outcome", sa.String(10), nullable=False),  # 'cleared' or 'stopped'
    sa.Column("note", sa.Text, nullable=False),
)  # fmt: skip

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(254), nullable=False),  # a clinician's e-mail, 'cli:<user>' or '-' (anonymous)
    sa.Column("action", sa.String(40), nullable=False),  # e.g. view_patient, upload_prescription, login_failed
    sa.Column("patient", sa.String(40), nullable=False, index=True),  # pseudonym, '' when none
    sa.Column("detail", sa.Text, nullable=False),
)  # fmt: skip

_PERFORMED_JOIN = exercises_performed.join(sessions, exercises_performed.c.session_id == sessions.c.id)
_REPS_JOIN = repetitions.join(_PERFORMED_JOIN, repetitions.c.exercise_performed_id == exercises_performed.c.id)
_WALK_JOIN = walking.join(_PERFORMED_JOIN, walking.c.exercise_performed_id == exercises_performed.c.id)

def default_store_url() -> str:
    """$MOTIONREHAB_STORE (a URL or a file path), else a SQLite file in the user data folder's sessions/."""
    named = os.environ.get(STORE_ENV, "").strip()
    if named:
        return named if "://" in named else f"sqlite:///{Path(named).expanduser().resolve()}"
    return f"sqlite:///{platformdirs.user_data_path('motionrehab') / 'sessions' / 'motionrehab.sqlite'}"


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every insert here has an integer primary key
        raise RuntimeError("insert returned no primary key")
    return int(key[0])


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _open_engine(url: str) -> tuple[Engine, str, bool]:
    """The engine for ``url`` (a new SQLite file created owner-only first); returns (engine, URL without password, is SQLite)."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as error:
        raise InvalidDataError(f"'{url}' is not a database URL", where=STORE_ENV,
                               fix="use a SQLite file path or e.g. postgresql+psycopg://user:password@host/dbname") from error  # fmt: skip
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        _prepare_sqlite_file(parsed)
    engine = sa.create_engine(parsed, pool_pre_ping=not is_sqlite)
    if is_sqlite:
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine, parsed.render_as_string(hide_password=True), is_sqlite


def store_revision(url: str | None = None) -> str | None:
    """The store's schema revision without changing anything (None: an empty database)."""
    engine, _, _ = _open_engine(url or default_store_url())
    try:
        return migrations.current_revision(engine)
    finally:
        engine.dispose()


def migrate_store(url: str | None = None, target: str = "head") -> tuple[str | None, str | None]:
    """Move the store's schema to revision ``target`` (up or down; 'head' is the newest); returns (before, after).

    Downgrading removes what the newer revisions added, data included.
    """
    engine, display_url, _ = _open_engine(url or default_store_url())
    try:
        return migrations.migrate(engine, target)
    except sa.exc.OperationalError as error:
        raise MotionRehabError(f"cannot migrate the session store ({error.orig})", where=display_url,
                               fix=f"check {STORE_ENV} or the database server") from error  # fmt: skip
    finally:
        engine.dispose()


def _prepare_sqlite_file(url: sa.engine.URL) -> None:
    if not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    make_private_dir(path.parent)
    if not path.exists():
        # Created owner-only before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
        with open_private(path, "a"):
            pass


@dataclass(frozen=True)
class StoredRepetition:
    """One recorded repetition or hold (times in seconds from the start of the recording)."""

    exercise_id: str
    set_index: int
    rep_index: int
    recorded_at: dt.datetime
    t_start_s: float | None
    t_end_s: float | None
    hold_s: float | None
    within_criteria: bool | None
    faults: tuple[str, ...]
    metrics: Mapping[str, float] = field(default_factory=dict)
    source: str = "measured"


@dataclass(frozen=True)
class StoredSession:
    """A session as stored: id, status, end time and its log.

    ``status`` is 'open' until closed (and after a crash), 'closed', or 'failed' when it
    measured nothing (``failure`` says why; a failed session never counts toward adherence).
    """

    id: int
    status: str
    ended_at: dt.datetime | None
    dose_pct: float
    log: SessionLog
    failure: str = ""


@dataclass(frozen=True)
class StoredCheckIn:
    """A stored check-in; ``flagged_for_clinician`` when a red flag stopped the session."""

    id: int
    at: dt.datetime
    pain_nrs: int
    tingling: bool
    numbness: bool
    red_flags_positive: tuple[str, ...]
    flagged_for_clinician: bool
    dose_pct: float
    message: str


@dataclass(frozen=True)
class StoredDecision:
    """A stored progression decision."""

    decided_at: dt.datetime
    week: int
    exercise_id: str
    action: str
    dose_before: str
    dose_after: str
    reason: str


class SessionStore:
    """The store; ``url`` is a SQLAlchemy URL (default: :func:`default_store_url`). Opening migrates the schema."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_store_url()
        self.engine, self.display_url, self.is_sqlite = _open_engine(self.url)
        try:
            migrations.migrate(self.engine, "head")
        except sa.exc.OperationalError as error:
            self.engine.dispose()
            raise MotionRehabError(f"cannot open the session store ({error.orig})", where=self.display_url,
                                   fix=f"check {STORE_ENV} or the database server") from error  # fmt: skip

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()

    # -- schema ---------------------------------------------------------------------------
    def schema_revision(self) -> str | None:
        """The database's Alembic revision (``migrations.head_revision()`` once opened)."""
        return migrations.current_revision(self.engine)

    # -- patients and prescriptions -------------------------------------------------------
    def _patient_id(self, conn: Connection, pseudonym: str, *, create: bool) -> int:
        check_patient_id(pseudonym)
        found = conn.execute(sa.select(patients.c.id).where(patients.c.pseudonym == pseudonym)).scalar()
        if found is not None:
            return int(found)
        if not create:
            raise InvalidDataError(f"no patient '{pseudonym}' in the store", where=self.display_url, fix="check the pseudonym, or assign a prescription first")
        return _new_id(conn.execute(sa.insert(patients).values(pseudonym=pseudonym, created_at=_now())))

    def patients(self) -> tuple[str, ...]:
        """Every patient pseudonym, sorted."""
        with self.engine.connect() as conn:
            return tuple(conn.execute(sa.select(patients.c.pseudonym).order_by(patients.c.pseudonym)).scalars())

    def forget_patient(self, pseudonym: str) -> dict[str, int]:
        """Delete every row of the patient, in one transaction; returns the rows deleted per table.

        On SQLite the deleted pages are overwritten (``secure_delete``), the write-ahead log is
        emptied and the file rebuilt (``VACUUM``), so the data is not left in free pages.
        A PostgreSQL server reclaims the space at its next vacuum (docs/security.md).
        """
        deleted: dict[str, int] = {}
        with self.engine.begin() as conn:
            if self.is_sqlite:
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
            patient = self._patient_id(conn, pseudonym, create=False)
            session_ids = sa.select(sessions.c.id).where(sessions.c.patient_id == patient)
            performed_ids = sa.select(exercises_performed.c.id).where(exercises_performed.c.session_id.in_(session_ids))
            rep_ids = sa.select(repetitions.c.id).where(repetitions.c.exercise_performed_id.in_(performed_ids))

            def delete(table: sa.Table, where: Any) -> None:
                deleted[table.name] = deleted.get(table.name, 0) + int(conn.execute(sa.delete(table).where(where)).rowcount or 0)

            delete(repetition_metrics, repetition_metrics.c.repetition_id.in_(rep_ids))
            delete(repetitions, repetitions.c.exercise_performed_id.in_(performed_ids))
            delete(walking, walking.c.exercise_performed_id.in_(performed_ids))
            delete(measurements, measurements.c.patient_id == patient)
            delete(exercises_performed, exercises_performed.c.session_id.in_(session_ids))
            delete(sessions, sessions.c.patient_id == patient)
            # every other table holding the patient's id (including tables added by later schema versions)
            for table in reversed(metadata.sorted_tables):
                if table is not patients and "patient_id" in table.c and table.name not in deleted:
                    delete(table, table.c.patient_id == patient)
            delete(patients, patients.c.id == patient)
        if self.is_sqlite:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.exec_driver_sql("VACUUM")
        return deleted

    def assign_prescription(self, prescription: Prescription, yaml_text: str) -> int:
        """Store ``yaml_text`` (already parsed into ``prescription``) as the patient's current prescription."""
        with self.engine.begin() as conn:
            patient = self._patient_id(conn, prescription.patient, create=True)
            values = dict(patient_id=patient, assigned_at=_now(), start_date=prescription.start_date, source=prescription.source[:500], yaml_text=yaml_text)
            return _new_id(conn.execute(sa.insert(prescriptions).values(**values)))

    def has_prescription(self, pseudonym: str) -> bool:
        """Whether a prescription is stored for the patient (False for an unknown patient)."""
        with self.engine.connect() as conn:
            patient = conn.execute(sa.select(patients.c.id).where(patients.c.pseudonym == pseudonym)).scalar()
            return patient is not None and conn.execute(sa.select(prescriptions.c.id).where(prescriptions.c.patient_id == patient).limit(1)).first() is not None

    def prescription(self, pseudonym: str) -> Prescription:
        """The patient's latest prescription."""
        with self.engine.connect() as conn:
            patient = self._patient_id(conn, pseudonym, create=False)
            row = conn.execute(
                sa.select(prescriptions.c.yaml_text, prescriptions.c.source, prescriptions.c.start_date)
                .where(prescriptions.c.patient_id == patient).order_by(prescriptions.c.id.desc()).limit(1)
            ).first()
        if row is None:
            raise InvalidDataError(f"no prescription stored for '{pseudonym}'", where=self.display_url, fix="motionrehab program assign FILE --start today")
        # The start date assigned (e.g. `program assign --start today`) is the one in force, whatever the file said.
        return dataclasses.replace(parse_prescription(row.yaml_text, f"{row.source} (stored)"), start_date=row.start_date)

    # -- check-ins ------------------------------------------------------------------------
    def record_checkin(self, checkin: CheckIn, outcome: CheckInOutcome) -> int:
        """Store a check-in and its outcome (committed at once; flagged for the clinician on a red flag)."""
        with self.engine.begin() as conn:
            patient = self._patient_id(conn, checkin.patient, create=True)
            values = dict(
                patient_id=patient, at=checkin.at, pain_nrs=checkin.pain_nrs, tingling=checkin.tingling, numbness=checkin.numbness,
                red_flags_positive=",".join(outcome.red_flags), red_flag_answers=json.dumps(dict(checkin.red_flags), sort_keys=True),
                flagged_for_clinician=outcome.flag_for_clinician, dose_pct=outcome.dose_pct, message=outcome.message,
            )  # fmt: skip
            return _new_id(conn.execute(sa.insert(checkins).values(**values)))

    def checkins(self, pseudonym: str, *, flagged_only: bool = False) -> tuple[StoredCheckIn, ...]:
        """The patient's check-ins in time order (only the flagged ones with ``flagged_only``)."""
        with self.engine.connect() as conn:
            patient = self._patient_id(conn, pseudonym, create=False)
            query = sa.select(checkins).where(checkins.c.patient_id == patient).order_by(checkins.c.at, checkins.c.id)
            if flagged_only:
                query = query.where(checkins.c.flagged_for_clinician.is_(True))
            rows = conn.execute(query).all()
        return tuple(
            StoredCheckIn(id=r.id, at=r.at, pain_nrs=r.pain_nrs, tingling=r.tingling, numbness=r.numbness,
                          red_flags_positive=tuple(f for f in r.red_flags_positive.split(",") if f),
                          flagged_for_clinician=r.flagged_for_clinician, dose_pct=r.dose_pct, message=r.message)  # fmt: skip
            for r in rows
        )

    # -- sessions -------------------------------------------------------------------------
    def open_session(
        self,
        pseudonym: str,
        plan: Iterable[PlannedExercise],
        *,
        pain_before: int,
        tingling_before: bool = False,
        started_at: dt.datetime | None = None,
        dose_pct: float = 100.0,
        checkin_id: int | None = None,
    ) -> SessionRecorder:
        """Start a session for the planned exercises; returns the recorder the live session writes through."""
        planned = tuple(plan)
        if not planned:
            raise InvalidDataError("a session needs at least one planned exercise", where="plan")
        with self.engine.begin() as conn:
            patient = self._patient_id(conn, pseudonym, create=True)
            session_id = _new_id(conn.execute(sa.insert(sessions).values(
                patient_id=patient, checkin_id=checkin_id, started_at=started_at or _now(), status="open", dose_pct=dose_pct,
                pain_before=pain_before, tingling_before=tingling_before, new_tingling=False,
            )))  # fmt: skip
            performed = {}
            for item in planned:
                d = item.dose
                performed[item.exercise_id] = _new_id(conn.execute(sa.insert(exercises_performed).values(
                    session_id=session_id, exercise_id=item.exercise_id, kind=item.kind, planned_sets=d.sets, planned_reps=d.reps,
                    planned_hold_s=d.hold_s, planned_minutes=d.minutes, planned_metres=d.metres, note=item.note,
                )))  # fmt: skip
        return SessionRecorder(self, session_id, patient, performed, {item.exercise_id: item.kind for item in planned})

    def resume_session(self, session_id: int) -> SessionRecorder:
        """A recorder for an existing session (e.g. today's, to add what was logged or measured later that day)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(sessions.c.patient_id).where(sessions.c.id == session_id)).first()
            if row is None:
                raise InvalidDataError(f"no session {session_id}", where=self.display_url)
            rows = conn.execute(sa.select(exercises_performed.c.id, exercises_performed.c.exercise_id, exercises_performed.c.kind)
                                .where(exercises_performed.c.session_id == session_id).order_by(exercises_performed.c.id)).all()  # fmt: skip
            performed = {r.exercise_id: r.id for r in rows}
            counts = conn.execute(
                sa.select(exercises_performed.c.exercise_id, repetitions.c.set_index, sa.func.max(repetitions.c.rep_index))
                .select_from(_REPS_JOIN).where(exercises_performed.c.session_id == session_id)
                .group_by(exercises_performed.c.exercise_id, repetitions.c.set_index)
            ).all()  # fmt: skip
        recorder = SessionRecorder(self, session_id, int(row.patient_id), performed, {r.exercise_id: r.kind for r in rows})
        recorder._rep_counts = {(ex, int(set_index)): int(n) for ex, set_index, n in counts}
        return recorder

    def reopen(self, session_id: int) -> None:
        """Mark a session open again (more is being recorded into it)."""
        with self.engine.begin() as conn:
            conn.execute(sa.update(sessions).where(sessions.c.id == session_id).values(status="open"))

    def recording_stored(self, pseudonym: str, sha256: str, what: str) -> dt.datetime | None:
        """When this recording (by checksum) was stored for ``what``, or None if never."""
        with self.engine.connect() as conn:
            patient = conn.execute(sa.select(patients.c.id).where(patients.c.pseudonym == pseudonym)).scalar()
            if patient is None:
                return None
            return conn.execute(sa.select(recordings.c.at).where(
                recordings.c.patient_id == patient, recordings.c.sha256 == sha256, recordings.c.what == what)).scalar()  # fmt: skip

    def add_recording(self, pseudonym: str, sha256: str, what: str, *, at: dt.datetime, session_id: int | None) -> None:
        """Remember that this recording was stored (so measuring it again stores nothing twice)."""
        with self.engine.begin() as conn:
            patient = self._patient_id(conn, pseudonym, create=True)
            conn.execute(sa.insert(recordings).values(patient_id=patient, sha256=sha256, what=what, session_id=session_id, at=at))

    def record_next_morning(self, session_id: int, *, pain_nrs: int, new_tingling: bool = False) -> None:
        """Add the next-morning pain (and any new tingling or numbness) to a session."""
        if not 0 <= pain_nrs <= 10:
            raise InvalidDataError(f"pain must be 0 to 10, got {pain_nrs}", where="pain_next_morning")
        with self.engine.begin() as conn:
            conn.execute(sa.update(sessions).where(sessions.c.id == session_id).values(
                pain_next_morning=pain_nrs, new_tingling=sessions.c.new_tingling | sa.literal(new_tingling)))  # fmt: skip

    def stored_sessions(self, pseudonym: str) -> tuple[StoredSession, ...]:
        """The patient's sessions in time order, with what was done in each."""
        with self.engine.connect() as conn:
            patient = self._patient_id(conn, pseudonym, create=False)
            rows = conn.execute(sa.select(sessions).where(sessions.c.patient_id == patient).order_by(sessions.c.started_at, sessions.c.id)).all()
            ex_rows = conn.execute(
                sa.select(exercises_performed).join(sessions).where(sessions.c.patient_id == patient).order_by(exercises_performed.c.id)
            ).all()
            rep_rows = conn.execute(
                sa.select(
                    repetitions.c.exercise_performed_id,
                    repetitions.c.source,
                    sa.func.count().label("reps"),
                    sa.func.coalesce(sa.func.sum(repetitions.c.hold_s), 0.0).label("hold_s"),
                    sa.func.count(repetitions.c.within_criteria).label("measured"),
                    sa.func.sum(sa.case((repetitions.c.within_criteria.is_(True), 1), else_=0)).label("good"),
                )
                .select_from(_REPS_JOIN)
                .where(sessions.c.patient_id == patient)
                .group_by(repetitions.c.exercise_performed_id, repetitions.c.source)
            ).all()
            walk_rows = conn.execute(
                sa.select(walking.c.exercise_performed_id, walking.c.source, sa.func.sum(walking.c.minutes).label("minutes"),
                          sa.func.sum(walking.c.metres).label("metres"))
                .select_from(_WALK_JOIN)
                .where(sessions.c.patient_id == patient)
                .group_by(walking.c.exercise_performed_id, walking.c.source)
            ).all()  # fmt: skip
        reps_by: dict[tuple[int, str], Any] = {(r.exercise_performed_id, r.source): r for r in rep_rows}
        walks_by: dict[tuple[int, str], Any] = {(r.exercise_performed_id, r.source): r for r in walk_rows}
        by_session: dict[int, list[ExerciseDone]] = {}
        for e in ex_rows:
            planned = Dose(sets=e.planned_sets, reps=e.planned_reps, hold_s=e.planned_hold_s, minutes=e.planned_minutes, metres=e.planned_metres)
            measured = reps_by.get((e.id, "measured"))
            candidates = []
            for source in DOSE_SOURCES:  # measured first: it wins a tie
                reps, walk = reps_by.get((e.id, source)), walks_by.get((e.id, source))
                if reps is None and walk is None:
                    continue
                candidates.append(ExerciseDone(
                    exercise_id=e.exercise_id, planned=planned,
                    reps=int(reps.reps) if reps else 0, hold_s=float(reps.hold_s) if reps else 0.0,
                    minutes=float(walk.minutes) if walk else 0.0, metres=float(walk.metres) if walk else 0.0,
                    reps_measured=int(measured.measured) if measured else 0, reps_within_criteria=int(measured.good or 0) if measured else 0,
                    dose_source=source,
                ))  # fmt: skip
            # Measured and logged dose are kept apart, never added (the same walk may be both logged and recorded):
            # the session's dose is the larger of the two, and says which it is.
            done = max(candidates, key=lambda c: c.done, default=ExerciseDone(exercise_id=e.exercise_id, planned=planned))
            by_session.setdefault(e.session_id, []).append(done)
        return tuple(
            StoredSession(
                id=r.id, status=r.status, ended_at=r.ended_at, dose_pct=r.dose_pct, failure=r.failure if r.status == "failed" else "",
                log=SessionLog(started_at=r.started_at, pain_before=r.pain_before, pain_after=r.pain_after, pain_next_morning=r.pain_next_morning,
                               tingling_before=r.tingling_before, new_tingling=r.new_tingling, exercises=tuple(by_session.get(r.id, ()))),
            )  # fmt: skip
            for r in rows
        )

    def session_logs(self, pseudonym: str) -> tuple[SessionLog, ...]:
        """What the program layer reads: every session but the failed ones, plus a stopped session for each red-flag check-in (with its review)."""
        logs = [s.log for s in self.stored_sessions(pseudonym) if s.status != "failed"]
        flagged = self.checkins(pseudonym, flagged_only=True)
        with self.engine.connect() as conn:
            reviews = dict(conn.execute(sa.select(red_flag_reviews.c.checkin_id, red_flag_reviews.c.outcome)
                                        .where(red_flag_reviews.c.checkin_id.in_([c.id for c in flagged]))).all())  # fmt: skip
        for c in flagged:
            logs.append(SessionLog(started_at=c.at, pain_before=c.pain_nrs, tingling_before=c.tingling or c.numbness, stopped_by_red_flag=True,
                                   red_flag_review=reviews.get(c.id)))  # fmt: skip
        return tuple(sorted(logs, key=lambda s: s.started_at))

    def repetitions(self, session_id: int) -> tuple[StoredRepetition, ...]:
        """Every repetition of a session, in recording order, with its metrics."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(repetitions, exercises_performed.c.exercise_id)
                .select_from(_REPS_JOIN)
                .where(exercises_performed.c.session_id == session_id)
                .order_by(repetitions.c.id)
            ).all()
            metric_rows = conn.execute(
                sa.select(repetition_metrics).select_from(repetition_metrics.join(repetitions).join(_PERFORMED_JOIN)).where(exercises_performed.c.session_id == session_id)
            ).all()
        metrics: dict[int, dict[str, float]] = {}
        for m in metric_rows:
            metrics.setdefault(m.repetition_id, {})[m.name] = m.value
        return tuple(
            StoredRepetition(exercise_id=r.exercise_id, set_index=r.set_index, rep_index=r.rep_index, recorded_at=r.recorded_at,
                             t_start_s=r.t_start_s, t_end_s=r.t_end_s, hold_s=r.hold_s, within_criteria=r.within_criteria,
                             faults=tuple(f for f in r.faults.split(",") if f), metrics=metrics.get(r.id, {}), source=r.source)  # fmt: skip
            for r in rows
        )

    # -- measurements, PROMs, decisions ---------------------------------------------------
    def add_measurement(self, pseudonym: str, name: str, value: float, *, at: dt.datetime | None = None, side: str = "", session_id: int | None = None) -> int:
        """Store a measurement outside a session (e.g. at a clinic recheck)."""
        with self.engine.begin() as conn:
            patient = self._patient_id(conn, pseudonym, create=True)
            return _insert_measurement(conn, patient, session_id, name, value, at or _now(), side)

    def measurements(self, pseudonym: str, name: str | None = None) -> tuple[Measurement, ...]:
        """The patient's measurements in time order (only ``name`` if given)."""
        with self.engine.connect() as conn:
            patient = self._patient_id(conn, pseudonym, create=False)
            query = sa.select(measurements).where(measurements.c.patient_id == patient).order_by(measurements.c.at, measurements.c.id)
            if name is not None:
                query = query.where(measurements.c.name == name)
            return tuple(Measurement(at=r.at, name=r.name, value=r.value, side=r.side) for r in conn.execute(query).all())

    def record_prom(self, pseudonym: str, score: PromScore) -> int:
        """Store a PROM score (with its item answers)."""
        with self.engine.begin() as conn:
            patient = self._patient_id(conn, pseudonym, create=True)
            values = dict(patient_id=patient, at=score.at, instrument=score.instrument, score=score.score, items=json.dumps(list(score.items)))
            return _new_id(conn.execute(sa.insert(proms).values(**values)))

    def proms(self, pseudonym: str, instrument: str | None = None) -> tuple[PromScore, ...]:
        """The patient's PROM scores in time order (only ``instrument`` if given)."""
        with self.engine.connect() as conn:
            patient = self._patient_id(conn, pseudonym, create=False)
            query = sa.select(proms).where(proms.c.patient_id == patient).order_by(proms.c.at, proms.c.id)
            if instrument is not None:
                query = query.where(proms.c.instrument == instrument)
            return tuple(PromScore(instrument=r.instrument, at=r.at, score=r.score, items=tuple(json.loads(r.items))) for r in conn.execute(query).all())

    def record_decisions(self, pseudonym: str, reviews: Sequence[WeekReview]) -> int:
        """Store the decisions of ``reviews`` not stored yet (by week and exercise); returns how many were added."""
        added = 0
        with self.engine.begin() as conn:
            patient = self._patient_id(conn, pseudonym, create=True)
            have = {(r.week, r.exercise_id) for r in conn.execute(sa.select(decisions.c.week, decisions.c.exercise_id).where(decisions.c.patient_id == patient))}
            for review in reviews:
                for d in review.decisions:
                    if (d.week, d.exercise_id) in have:
                        continue
                    conn.execute(sa.insert(decisions).values(
                        patient_id=patient, decided_at=_now(), week=d.week, exercise_id=d.exercise_id, action=d.action,
                        dose_before=d.dose_before.describe() if d.dose_before else "", dose_after=d.dose_after.describe(), reason=d.reason,
                    ))  # fmt: skip
                    added += 1
        return added

    def decisions(self, pseudonym: str) -> tuple[StoredDecision, ...]:
        """The stored decisions in week order."""
        with self.engine.connect() as conn:
            patient = self._patient_id(conn, pseudonym, create=False)
            rows = conn.execute(sa.select(decisions).where(decisions.c.patient_id == patient).order_by(decisions.c.week, decisions.c.id)).all()
        return tuple(StoredDecision(decided_at=r.decided_at, week=r.week, exercise_id=r.exercise_id, action=r.action,
                                    dose_before=r.dose_before, dose_after=r.dose_after, reason=r.reason) for r in rows)  # fmt: skip


_WAL_SWITCH_WAIT_S = 30.0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # First: every later statement, switching to WAL included, waits for another process's lock
    # (a report reading while the live session writes, two processes creating a new store).
    cursor.execute("PRAGMA busy_timeout=5000")
    # WAL: readers never block the live writer; FULL: a commit that returned survives a crash or power cut.
    # Switching a brand-new file to WAL needs a moment alone with it, and SQLite answers "locked" at
    # once (no busy wait) while another process creates the schema: retry for a while.
    deadline = time.monotonic() + _WAL_SWITCH_WAIT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _insert_measurement(conn: Connection, patient: int, session_id: int | None, name: str, value: float, at: dt.datetime, side: str) -> int:
    # One vocabulary (program.measurements): legacy names are stored under their registered name and side.
    name, side = canonical(name, side)
    check_measurement(name, side)
    if value != value:  # NaN
        raise InvalidDataError(f"the measurement '{name}' is not a number", where="measurement")
    values = dict(patient_id=patient, session_id=session_id, at=at, name=name, value=float(value), side=side)
    return _new_id(conn.execute(sa.insert(measurements).values(**values)))


_METRIC_SUFFIXES = ("_deg", "_s", "_m", "_pct")
DOSE_SOURCES = ("measured", "logged")


def _check_source(source: str) -> None:
    if source not in DOSE_SOURCES:
        raise InvalidDataError(f"unknown dose source '{source}'", where="source", fix="'measured' or 'logged'")


class MeasuredRepetition(Protocol):
    """What a measure's repetition result offers the store: its times (s) and its fault names."""

    @property
    def t_start_s(self) -> float: ...  # noqa: D102

    @property
    def t_end_s(self) -> float: ...  # noqa: D102

    @property
    def faults(self) -> tuple[str, ...]: ...  # noqa: D102


class SessionRecorder:
    """Writes one session as it happens; every call is committed before it returns."""

    def __init__(self, store: SessionStore, session_id: int, patient_id: int, performed: Mapping[str, int], kinds: Mapping[str, str] | None = None) -> None:
        self.store = store
        self.session_id = session_id
        self._patient_id = patient_id
        self._performed = dict(performed)
        self._kinds = dict(kinds or {})
        self._rep_counts: dict[tuple[str, int], int] = {}
        self.closed = False

    @property
    def repetitions_recorded(self) -> int:
        """How many repetitions (or holds) this recorder has committed."""
        return sum(self._rep_counts.values())

    def planned_exercises(self) -> tuple[str, ...]:
        """The exercise ids planned in this session, in plan order."""
        return tuple(self._performed)

    def kind_of(self, exercise_id: str) -> str | None:
        """The kind of a planned exercise (None if unknown)."""
        return self._kinds.get(exercise_id)

    def next_set_index(self, exercise_id: str) -> int:
        """The set number after the last one recorded for ``exercise_id`` in this session (1 for the first)."""
        return 1 + max((s for ex, s in self._rep_counts if ex == exercise_id), default=0)

    def _performed_id(self, exercise_id: str) -> int:
        if self.closed:
            raise InvalidDataError("the session is closed", where=f"session {self.session_id}", fix="open a new session")
        try:
            return self._performed[exercise_id]
        except KeyError:
            raise InvalidDataError(f"'{exercise_id}' is not planned in this session", where=f"session {self.session_id}",
                                   fix=f"planned: {', '.join(self._performed)}") from None  # fmt: skip

    def add_repetition(
        self,
        exercise_id: str,
        *,
        set_index: int = 1,
        t_start_s: float | None = None,
        t_end_s: float | None = None,
        hold_s: float | None = None,
        within_criteria: bool | None = None,
        faults: Sequence[str] = (),
        metrics: Mapping[str, float] | None = None,
        source: str = "measured",
    ) -> int:
        """Record one repetition (or one hold, with ``hold_s``) and commit it; returns its 1-based index within the set.

        ``within_criteria`` is None when form was not measured; ``faults`` are the measure's
        fault names; ``metrics`` are plain numbers whose names end with their unit;
        ``source`` is 'measured' (camera or sensor) or 'logged' (the patient's own count).
        """
        _check_source(source)
        performed = self._performed_id(exercise_id)
        key = (exercise_id, set_index)
        rep_index = self._rep_counts.get(key, 0) + 1
        with self.store.engine.begin() as conn:
            rep_id = _new_id(conn.execute(sa.insert(repetitions).values(
                exercise_performed_id=performed, set_index=set_index, rep_index=rep_index, recorded_at=_now(), t_start_s=t_start_s,
                t_end_s=t_end_s, hold_s=hold_s, within_criteria=within_criteria, faults=",".join(faults), source=source,
            )))  # fmt: skip
            if metrics:
                conn.execute(sa.insert(repetition_metrics), [dict(repetition_id=rep_id, name=name, value=float(value)) for name, value in metrics.items()])
        self._rep_counts[key] = rep_index
        return rep_index

    def add_measured_repetition(self, exercise_id: str, rep: MeasuredRepetition, *, set_index: int = 1) -> int:
        """Record a repetition judged by a measure (e.g. measures.hip_hinge.HingeRepetition) and commit it.

        Within criteria means no fault. Every finite number field whose name ends with a unit
        (``_deg``, ``_s``, ``_m``, ``_pct``) is stored as a metric, so the store needs no
        knowledge of each measure's result type.
        """
        metrics: dict[str, float] = {}
        if dataclasses.is_dataclass(rep):
            for item in dataclasses.fields(rep):
                value = getattr(rep, item.name)
                if item.name.endswith(_METRIC_SUFFIXES) and item.name not in ("t_start_s", "t_end_s") and isinstance(value, (int, float)) \
                        and not isinstance(value, bool) and math.isfinite(value):  # fmt: skip
                    metrics[item.name] = float(value)
        return self.add_repetition(exercise_id, set_index=set_index, t_start_s=rep.t_start_s, t_end_s=rep.t_end_s,
                                   within_criteria=not rep.faults, faults=tuple(rep.faults), metrics=metrics)  # fmt: skip

    def add_walking(self, exercise_id: str, *, minutes: float, metres: float = 0.0, source: str = "measured") -> None:
        """Record a walking bout (minutes and metres; ``source`` 'measured' by a sensor or 'logged' by the patient) and commit it."""
        _check_source(source)
        performed = self._performed_id(exercise_id)
        if minutes < 0 or metres < 0:
            raise InvalidDataError(f"walking minutes and metres must not be negative (got {minutes}, {metres})", where=f"session {self.session_id}")
        with self.store.engine.begin() as conn:
            conn.execute(sa.insert(walking).values(exercise_performed_id=performed, recorded_at=_now(), minutes=minutes, metres=metres, source=source))

    def add_measurement(self, name: str, value: float, *, side: str = "", at: dt.datetime | None = None) -> int:
        """Record a measurement taken in this session (e.g. slr_right_deg, walking_pain_free_m) and commit it."""
        if self.closed:
            raise InvalidDataError("the session is closed", where=f"session {self.session_id}")
        with self.store.engine.begin() as conn:
            return _insert_measurement(conn, self._patient_id, self.session_id, name, value, at or _now(), side)

    def fail(self, reason: str, *, ended_at: dt.datetime | None = None) -> None:
        """Mark the session 'failed' because it measured nothing, with ``reason`` (it never counts toward adherence).

        The reason goes to ``sessions.failure``; the planned exercises' notes stay as they were.
        """
        text = " ".join(reason.split()) or "no reason given"
        with self.store.engine.begin() as conn:
            conn.execute(sa.update(sessions).where(sessions.c.id == self.session_id).values(status="failed", ended_at=ended_at or _now(), failure=text))
        self.closed = True

    def close(self, *, pain_after: int | None = None, new_tingling: bool = False, ended_at: dt.datetime | None = None) -> None:
        """Mark the session closed with the pain right after it (NRS 0-10; a pain already stored stays when none is given)."""
        if pain_after is not None and not 0 <= pain_after <= 10:
            raise InvalidDataError(f"pain must be 0 to 10, got {pain_after}", where="pain_after")
        values: dict[str, Any] = dict(status="closed", ended_at=ended_at or _now(), new_tingling=sessions.c.new_tingling | sa.literal(new_tingling))
        if pain_after is not None:
            values["pain_after"] = pain_after
        with self.store.engine.begin() as conn:
            conn.execute(sa.update(sessions).where(sessions.c.id == self.session_id).values(**values))
        self.closed = True
