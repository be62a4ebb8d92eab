"""Measurement vocabulary, logged vs measured dose, recordings stored once.

- ``repetitions.source`` and ``walking.source``: 'measured' (camera or sensor) or 'logged'
  (the patient's own count); rows already stored were measured.
- ``recordings``: the sha256 of a measured file per patient and command, so that the same
  recording is stored once.
- Measurements under their registered names (program.measurements): ``slr_left_deg`` ->
  ``slr_peak_deg`` side left, ``slr_onset_right_deg`` -> ``slr_onset_deg`` side right,
  ``walking_pain_free_m`` -> ``walking_tolerance_m``, ``steps`` -> ``gait_steps_count``.
  The downgrade names them back (every sided SLR value gets its side in the name again).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_measurements = sa.table("measurements", sa.column("name", sa.String), sa.column("side", sa.String))

#: (name before, side it carried) -> (registered name, side): the same list as program.measurements.LEGACY_NAMES,
#: written out here because a revision must not change when the code does
_RENAMES = (
    ("slr_left_deg", "slr_peak_deg", "left"),
    ("slr_right_deg", "slr_peak_deg", "right"),
    ("slr_onset_left_deg", "slr_onset_deg", "left"),
    ("slr_onset_right_deg", "slr_onset_deg", "right"),
    ("walking_pain_free_m", "walking_tolerance_m", ""),
    ("steps", "gait_steps_count", ""),
)


def upgrade() -> None:
    """Add the dose sources and the recordings table; rename legacy measurement names."""
    for table in ("repetitions", "walking"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("source", sa.String(10), nullable=False, server_default="measured"))
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False, index=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("what", sa.String(40), nullable=False),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id"), nullable=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("patient_id", "sha256", "what"),
    )
    for old, new, side in _RENAMES:
        values = {"name": new, "side": side} if side else {"name": new}
        op.execute(_measurements.update().where(_measurements.c.name == old).values(**values))


def downgrade() -> None:
    """Drop the recordings table and the dose sources; give sided SLR values their side in the name again."""
    for old, new, side in _RENAMES:
        condition = _measurements.c.name == new
        if side:
            condition = condition & (_measurements.c.side == side)
        op.execute(_measurements.update().where(condition).values(name=old))
    op.drop_table("recordings")
    for table in ("walking", "repetitions"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("source")
