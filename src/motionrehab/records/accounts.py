"""Clinician accounts, patient assignments, red-flag reviews and the audit log, in the session store.

The tables are defined in records.store beside the others (the same database, SQLite or
PostgreSQL, and the same Alembic history: revision 0003 creates them). What is stored:

- ``clinicians``: e-mail (the login name), the password hash (an argon2 hash string made by
  the web view; never the password), whether the account is an administrator, and the
  failed-login counter with its lock-out time.
- ``clinician_patients``: which patients a clinician may see. An administrator sees every
  patient without being assigned.
- ``red_flag_reviews``: a clinician's review of a check-in that a red flag stopped:
  ``cleared`` (with a note) or ``stopped`` (the patient's home program is stopped).
- ``audit_log``: who did what, when, to which patient: every view of a patient's data and
  every change (web view and CLI alike). Rows are only ever added.

Only pseudonymous patient ids appear here, as everywhere in the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from motionrehab.errors import InvalidDataError
from motionrehab.records.store import (
    SessionStore,
    audit_log,
    checkins,
    clinician_patients,
    clinicians,
    patients,
    prescriptions,
    red_flag_reviews,
)

ACCOUNT_TABLES = (clinicians, clinician_patients, red_flag_reviews, audit_log)
"""Defined in records.store with the other tables (one metadata, one migration history); created by revision 0003."""
REVIEW_OUTCOMES = ("cleared", "stopped")
MIN_PASSWORD_CHARS = 12


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def normalise_email(email: str) -> str:
    """The login name as stored: trimmed, lower-case; refused unless it looks like an e-mail address."""
    text = email.strip().lower()
    local, at, domain = text.partition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in text) or len(text) > 254:
        raise InvalidDataError(f"'{email}' is not an e-mail address", where="clinician", fix="give the clinician's e-mail, e.g. anna.berg@clinic.example")
    return text


@dataclass(frozen=True)
class Clinician:
    """A clinician's account (the password hash stays in the store's row, read only to verify)."""

    id: int
    email: str
    is_admin: bool
    password_hash: str
    failed_logins: int
    locked_until: dt.datetime | None


@dataclass(frozen=True)
class RedFlagReview:
    """A clinician's review of a red-flag check-in."""

    checkin_id: int
    reviewed_at: dt.datetime
    reviewer: str
    outcome: str
    note: str


@dataclass(frozen=True)
class AuditEntry:
    """One audit row: who did what, when, to which patient."""

    at: dt.datetime
    actor: str
    action: str
    patient: str
    detail: str


@dataclass(frozen=True)
class PrescriptionVersion:
    """One stored version of a patient's prescription (the newest is in force)."""

    id: int
    assigned_at: dt.datetime
    start_date: dt.date
    source: str
    yaml_text: str


class Accounts:
    """Accounts, assignments, reviews and the audit log over an open :class:`SessionStore` (its schema is at head)."""

    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self.engine = store.engine

    # -- accounts ---------------------------------------------------------------------
    def add_clinician(self, email: str, password_hash: str, *, admin: bool = False) -> int:
        """Create an account; refused when the e-mail already has one."""
        email = normalise_email(email)
        with self.engine.begin() as conn:
            if conn.execute(sa.select(clinicians.c.id).where(clinicians.c.email == email)).first() is not None:
                raise InvalidDataError(f"{email} already has an account", where="clinician add", fix="use another e-mail, or keep the existing account")
            result = conn.execute(sa.insert(clinicians).values(email=email, password_hash=password_hash, is_admin=admin,
                                                               created_at=_now(), failed_logins=0, locked_until=None))  # fmt: skip
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def clinician(self, email: str) -> Clinician | None:
        """The account of ``email`` (any case), or None."""
        try:
            email = normalise_email(email)
        except InvalidDataError:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(clinicians).where(clinicians.c.email == email)).first()
        return None if row is None else _clinician(row)

    def clinician_by_id(self, clinician_id: int) -> Clinician | None:
        """The account with this id, or None (e.g. a session cookie naming a removed account)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(clinicians).where(clinicians.c.id == clinician_id)).first()
        return None if row is None else _clinician(row)

    def clinicians(self) -> tuple[Clinician, ...]:
        """Every account, by e-mail."""
        with self.engine.connect() as conn:
            return tuple(_clinician(r) for r in conn.execute(sa.select(clinicians).order_by(clinicians.c.email)).all())

    def record_login_failure(self, clinician_id: int, *, max_failures: int, lock_for: dt.timedelta, now: dt.datetime) -> dt.datetime | None:
        """Count a failed password; after ``max_failures`` in a row the account is locked until now + ``lock_for`` (returned)."""
        with self.engine.begin() as conn:
            failures = int(conn.execute(sa.select(clinicians.c.failed_logins).where(clinicians.c.id == clinician_id)).scalar_one()) + 1
            locked_until = now + lock_for if failures >= max_failures else None
            # After a lock-out the count starts again, so each further failure after it ends locks again only at max_failures.
            conn.execute(sa.update(clinicians).where(clinicians.c.id == clinician_id).values(
                failed_logins=0 if locked_until else failures, locked_until=locked_until))  # fmt: skip
        return locked_until

    def record_login_success(self, clinician_id: int) -> None:
        """Reset the failure count."""
        with self.engine.begin() as conn:
            conn.execute(sa.update(clinicians).where(clinicians.c.id == clinician_id).values(failed_logins=0, locked_until=None))

    def set_password_hash(self, email: str, password_hash: str) -> None:
        """Replace an account's password hash (and lift any lock-out)."""
        email = normalise_email(email)
        with self.engine.begin() as conn:
            done = conn.execute(sa.update(clinicians).where(clinicians.c.email == email).values(password_hash=password_hash, failed_logins=0, locked_until=None))
        if done.rowcount == 0:
            raise InvalidDataError(f"no account for {email}", where="clinician", fix="motionrehab clinician add EMAIL --password-stdin")

    # -- assignments ------------------------------------------------------------------
    def assign(self, email: str, pseudonym: str) -> bool:
        """Let the clinician see the patient; False when it was already assigned."""
        account = self.clinician(email)
        if account is None:
            raise InvalidDataError(f"no account for {email}", where="clinician assign", fix="motionrehab clinician add EMAIL --password-stdin")
        with self.engine.begin() as conn:
            patient = conn.execute(sa.select(patients.c.id).where(patients.c.pseudonym == pseudonym)).scalar()
            if patient is None:
                raise InvalidDataError(f"no patient '{pseudonym}' in the store", where=self.store.display_url,
                                       fix="check the pseudonym, or assign a prescription first (motionrehab program assign FILE)")  # fmt: skip
            exists = conn.execute(sa.select(clinician_patients).where(clinician_patients.c.clinician_id == account.id,
                                                                      clinician_patients.c.patient_id == patient)).first()  # fmt: skip
            if exists is not None:
                return False
            conn.execute(sa.insert(clinician_patients).values(clinician_id=account.id, patient_id=patient, assigned_at=_now()))
        return True

    def visible_patients(self, clinician: Clinician) -> tuple[str, ...]:
        """The pseudonyms the clinician may see, sorted (every patient for an administrator)."""
        query = sa.select(patients.c.pseudonym).order_by(patients.c.pseudonym)
        if not clinician.is_admin:
            query = query.join(clinician_patients, clinician_patients.c.patient_id == patients.c.id).where(clinician_patients.c.clinician_id == clinician.id)
        with self.engine.connect() as conn:
            return tuple(conn.execute(query).scalars())

    def may_see(self, clinician: Clinician, pseudonym: str) -> bool:
        """Whether the patient exists and the clinician may see them."""
        query = sa.select(patients.c.id).where(patients.c.pseudonym == pseudonym)
        if not clinician.is_admin:
            query = query.join(clinician_patients, clinician_patients.c.patient_id == patients.c.id).where(clinician_patients.c.clinician_id == clinician.id)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    # -- red-flag reviews -------------------------------------------------------------
    def review_red_flag(self, pseudonym: str, checkin_id: int, *, reviewer: str, outcome: str, note: str) -> None:
        """Record a clinician's review of a flagged check-in of this patient (once per check-in)."""
        if outcome not in REVIEW_OUTCOMES:
            raise InvalidDataError(f"'{outcome}' is not a review outcome", where="review", fix=f"one of: {', '.join(REVIEW_OUTCOMES)}")
        note = note.strip()
        if outcome == "cleared" and not note:
            raise InvalidDataError("clearing a red flag needs a note", where="review", fix="write what was checked and why exercise may go on")
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(checkins.c.flagged_for_clinician).select_from(checkins.join(patients))
                .where(checkins.c.id == checkin_id, patients.c.pseudonym == pseudonym)
            ).first()  # fmt: skip
            if row is None or not row.flagged_for_clinician:
                raise InvalidDataError(f"check-in {checkin_id} of {pseudonym} is not a red-flag check-in", where="review")
            if conn.execute(sa.select(red_flag_reviews.c.id).where(red_flag_reviews.c.checkin_id == checkin_id)).first() is not None:
                raise InvalidDataError(f"check-in {checkin_id} has already been reviewed", where="review")
            conn.execute(sa.insert(red_flag_reviews).values(checkin_id=checkin_id, reviewed_at=_now(), reviewer=reviewer, outcome=outcome, note=note))

    def red_flag_reviews(self, pseudonym: str) -> dict[int, RedFlagReview]:
        """The patient's reviews by check-in id."""
        query = (sa.select(red_flag_reviews).select_from(red_flag_reviews.join(checkins).join(patients))
                 .where(patients.c.pseudonym == pseudonym))  # fmt: skip
        with self.engine.connect() as conn:
            return {r.checkin_id: RedFlagReview(r.checkin_id, r.reviewed_at, r.reviewer, r.outcome, r.note) for r in conn.execute(query).all()}

    # -- prescriptions ----------------------------------------------------------------
    def prescription_versions(self, pseudonym: str) -> tuple[PrescriptionVersion, ...]:
        """Every stored version of the patient's prescription, newest first."""
        query = (sa.select(prescriptions).join(patients).where(patients.c.pseudonym == pseudonym)
                 .order_by(prescriptions.c.id.desc()))  # fmt: skip
        with self.engine.connect() as conn:
            return tuple(PrescriptionVersion(r.id, r.assigned_at, r.start_date, r.source, r.yaml_text) for r in conn.execute(query).all())

    def latest_prescription_version(self, pseudonym: str) -> PrescriptionVersion | None:
        """The version in force (the newest), or None."""
        query = (sa.select(prescriptions).join(patients).where(patients.c.pseudonym == pseudonym)
                 .order_by(prescriptions.c.id.desc()).limit(1))  # fmt: skip
        with self.engine.connect() as conn:
            r = conn.execute(query).first()
        return None if r is None else PrescriptionVersion(r.id, r.assigned_at, r.start_date, r.source, r.yaml_text)

    # -- audit ------------------------------------------------------------------------
    def audit(self, actor: str, action: str, *, patient: str = "", detail: str = "", at: dt.datetime | None = None) -> None:
        """Add one audit row (committed at once)."""
        with self.engine.begin() as conn:
            conn.execute(sa.insert(audit_log).values(at=at or _now(), actor=actor[:254], action=action[:40], patient=patient[:40], detail=detail))

    def audit_entries(self, *, patient: str | None = None, limit: int = 500) -> tuple[AuditEntry, ...]:
        """The newest audit rows first (only ``patient``'s if given)."""
        query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if patient is not None:
            query = query.where(audit_log.c.patient == patient)
        with self.engine.connect() as conn:
            return tuple(AuditEntry(r.at, r.actor, r.action, r.patient, r.detail) for r in conn.execute(query).all())


def _clinician(row: sa.Row) -> Clinician:  # type: ignore[type-arg]
    return Clinician(id=row.id, email=row.email, is_admin=row.is_admin, password_hash=row.password_hash,
                     failed_logins=row.failed_logins, locked_until=row.locked_until)  # fmt: skip
