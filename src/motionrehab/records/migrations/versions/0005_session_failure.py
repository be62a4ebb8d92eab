"""Why a failed session measured nothing: ``sessions.failure``.

Until now the reason was written over the note of the session's planned exercises
(``failed: <reason>``), which lost the clinician's note of the plan. The upgrade moves
each such reason into the new column and empties those notes (the planned note they
replaced is gone already); the downgrade writes the reasons back into the notes and drops
the column.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Written out here because a revision must not change when the code does.
_FAILED_NOTE = "failed: "
_sessions = sa.table("sessions", sa.column("id", sa.Integer), sa.column("status", sa.String), sa.column("failure", sa.Text))
_exercises = sa.table("exercises_performed", sa.column("session_id", sa.Integer), sa.column("note", sa.Text))


def upgrade() -> None:
    """Add sessions.failure; move the 'failed: ...' exercise notes into it."""
    op.add_column("sessions", sa.Column("failure", sa.Text(), nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_exercises.c.session_id, _exercises.c.note).where(_exercises.c.note.like(_FAILED_NOTE + "%"))).all()
    reasons = {session_id: note[len(_FAILED_NOTE) :] for session_id, note in rows}
    for session_id, reason in reasons.items():
        conn.execute(_sessions.update().where(_sessions.c.id == session_id).values(failure=reason))
        conn.execute(_exercises.update().where(_exercises.c.session_id == session_id).values(note=""))


def downgrade() -> None:
    """Write each failed session's reason back into its exercises' notes; drop sessions.failure."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(_sessions.c.id, _sessions.c.failure).where(_sessions.c.status == "failed")).all()
    for session_id, reason in rows:
        conn.execute(_exercises.update().where(_exercises.c.session_id == session_id).values(note=_FAILED_NOTE + (reason or "no reason given")))
    if conn.dialect.name == "sqlite":
        # SQLite 3.35+ drops a column in place; a batch copy would drop and re-create sessions,
        # which the foreign keys of exercises_performed and recordings forbid.
        op.execute("ALTER TABLE sessions DROP COLUMN failure")
    else:
        op.drop_column("sessions", "failure")
