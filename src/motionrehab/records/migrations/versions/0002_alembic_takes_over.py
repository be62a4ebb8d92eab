"""Alembic manages the schema from here on: motionrehab 0.1 must refuse this database.

motionrehab 0.1 reads ``max(schema_version.version)`` and refuses a database newer than
its version 1 ("upgrade motionrehab"). Recording version 2 here makes an old install stop
with that message instead of writing into a schema it does not know. Later revisions do
not touch ``schema_version``: ``alembic_version`` is the record.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_schema_version = sa.table(
    "schema_version",
    sa.column("version", sa.Integer),
    sa.column("applied_at", sa.DateTime),
    sa.column("description", sa.String),
)


def upgrade() -> None:
    """Record schema_version 2 (the guard against motionrehab 0.1)."""
    now = dt.datetime.now().replace(microsecond=0)
    op.bulk_insert(_schema_version, [{"version": 2, "applied_at": now, "description": "schema managed by Alembic (table alembic_version)"}])


def downgrade() -> None:
    """Remove the guard: motionrehab 0.1 can open the database again."""
    op.execute(_schema_version.delete().where(_schema_version.c.version == 2))
