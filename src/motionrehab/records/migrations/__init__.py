"""Schema migrations of the session store, with Alembic; safe when several processes open a new store at once.

The revisions are in ``versions/`` (shipped with the package). Revision ``0001`` is the schema
of motionrehab 0.1, which versioned itself in a table ``schema_version``: a database made by
0.1 is stamped ``0001`` when first opened, then upgraded like any other. Opening a store
(``SessionStore``) upgrades it to the newest revision; ``motionrehab migrate`` moves it to
any revision, down as well as up.

Concurrency: the check, the creation and every migration run in one transaction that only one
process at a time can hold (SQLite ``BEGIN EXCLUSIVE``; PostgreSQL a transaction-level advisory
lock). A process that finds the lock taken waits and retries for up to ``LOCK_WAIT_S`` seconds,
then re-reads the revision the other process left, so two processes creating the same new store
never both create it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from motionrehab.errors import MotionRehabError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Alembic is imported where it is used: a command's --help opens no store and should not pay for it.

MIGRATIONS_DIR = Path(__file__).resolve().parent
"""Alembic's script folder: env.py, the revision template and versions/."""

BASELINE = "0001"
"""The revision equal to motionrehab 0.1's schema (its ``schema_version`` 1)."""

LOCK_WAIT_S = 60.0
"""How long a process waits for another one's schema creation or migration before giving up."""

# Any constant 64-bit key names the lock; the same key in every motionrehab process.
_POSTGRES_LOCK_KEY = 0x6D6F74696F6E7265  # 'motionre'
_RETRY_PAUSE_S = 0.05
_STORE_TABLES = ("patients", "sessions", "checkins", "measurements")


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def head_revision() -> str:
    """The newest revision this motionrehab knows."""
    head = _scripts().get_current_head()
    if head is None:  # pragma: no cover - versions/ ships with the package
        raise RuntimeError(f"no migration revisions in {MIGRATIONS_DIR / 'versions'}")
    return head


def revisions() -> tuple[tuple[str, str], ...]:
    """Every revision, oldest first, with its one-line description."""
    return tuple((r.revision, r.doc or "") for r in reversed(list(_scripts().walk_revisions())))


def _db_revision(conn: Connection, where: str) -> str | None:
    """The database's revision (None: empty), reading a motionrehab 0.1 ``schema_version`` as the baseline."""
    inspector = sa.inspect(conn)
    if inspector.has_table("alembic_version"):
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()
    if inspector.has_table("schema_version"):
        legacy = conn.execute(sa.text("SELECT max(version) FROM schema_version")).scalar()
        if legacy == 1:
            return BASELINE
        raise MotionRehabError(f"the store has schema_version {legacy} but no Alembic revision: not a database motionrehab made",
                               where=where, fix="point MOTIONREHAB_STORE at a motionrehab store")  # fmt: skip
    if any(inspector.has_table(name) for name in _STORE_TABLES):
        raise MotionRehabError("the database holds tables named like the store's but no schema version",
                               where=where, fix="use an empty database, or a store motionrehab made")  # fmt: skip
    return None


def _is_stamped(conn: Connection) -> bool:
    return sa.inspect(conn).has_table("alembic_version")


def _check_known(revision: str | None, where: str) -> None:
    from alembic.util import CommandError

    if revision is None:
        return
    try:
        _scripts().get_revision(revision)
    except CommandError:
        raise MotionRehabError(f"the store has schema revision {revision}, newer than this motionrehab (newest {head_revision()})",
                               where=where, fix="upgrade motionrehab") from None  # fmt: skip


def _resolve(target: str, where: str) -> str | None:
    if target == "head":
        return head_revision()
    if target == "base":
        return None
    from alembic.util import CommandError

    try:
        script = _scripts().get_revision(target)
    except CommandError:
        script = None
    if script is None:
        known = ", ".join(r for r, _ in revisions())
        raise MotionRehabError(f"no schema revision '{target}'", where=where, fix=f"use one of: {known}, or head")
    return script.revision


def current_revision(engine: Engine) -> str | None:
    """The store's schema revision (None for an empty database)."""
    where = engine.url.render_as_string(hide_password=True)
    with engine.connect() as conn:
        return _db_revision(conn, where)


@contextmanager
def _migration_lock(engine: Engine, where: str) -> Iterator[Connection]:
    """A connection inside a transaction that one process at a time holds; committed on success."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            deadline = time.monotonic() + LOCK_WAIT_S
            while True:
                try:
                    # Takes the write lock now (not at the first write), so the revision read next
                    # cannot change before this process commits.
                    conn.exec_driver_sql("BEGIN EXCLUSIVE")
                    break
                except sa.exc.OperationalError as error:
                    conn.rollback()
                    if "locked" not in str(error.orig) and "busy" not in str(error.orig):
                        raise
                    if time.monotonic() > deadline:
                        raise MotionRehabError(f"another process held the store for {LOCK_WAIT_S:.0f} s while creating or migrating it",
                                               where=where, fix="wait for the other motionrehab to finish, then retry") from error  # fmt: skip
                    time.sleep(_RETRY_PAUSE_S)  # the busy timeout already waited; pause briefly, then retry
        elif engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK_KEY})
        yield conn
        conn.commit()


def _config(conn: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    return config


def migrate(engine: Engine, target: str = "head") -> tuple[str | None, str | None]:
    """Bring the store to revision ``target`` ('head', a revision id, or 'base' for empty); returns (before, after).

    Up or down as needed, in one transaction under the migration lock: a failure leaves the
    database as it was (PostgreSQL, and SQLite for everything but a batch table copy).
    """
    where = engine.url.render_as_string(hide_password=True)
    wanted = _resolve(target, where)
    with engine.connect() as conn:  # the common case, already there: no lock, no write
        before = _db_revision(conn, where)
        _check_known(before, where)
        if before == wanted and (before is None or _is_stamped(conn)):
            return before, before
    with _migration_lock(engine, where) as conn:
        before = _db_revision(conn, where)  # again: another process may have migrated meanwhile
        _check_known(before, where)
        from alembic import command

        config = _config(conn)
        if before is not None and not _is_stamped(conn):
            command.stamp(config, before)  # a motionrehab 0.1 database: it is the baseline
        if before == wanted:
            return before, before
        order = [r for r, _ in revisions()]
        going_up = before is None or (wanted is not None and order.index(wanted) > order.index(before))
        if going_up:
            command.upgrade(config, wanted or "base")
        else:
            command.downgrade(config, wanted or "base")
    return before, wanted
