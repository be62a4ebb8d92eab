"""Baseline: the schema of motionrehab 0.1 (schema_version 1), before Alembic.

Patients, prescriptions, check-ins, sessions, exercises, repetitions, walking,
measurements, PROMs and decisions, exactly as motionrehab 0.1 created them. A database
made by motionrehab 0.1 (table ``schema_version`` at version 1) is stamped at this
revision when it is first opened, not re-created.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LEGACY_DESCRIPTION = "patients, prescriptions, check-ins, sessions, exercises, repetitions, walking, measurements, PROMs, decisions"


def upgrade() -> None:
    """Create the 0.1 tables, and ``schema_version`` at version 1 as 0.1 did."""
    schema_version = op.create_table(
        "schema_version",
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("applied_at", sa.DateTime, nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
    )
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pseudonym", sa.String(40), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "prescriptions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False, index=True),
        sa.Column("assigned_at", sa.DateTime, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("yaml_text", sa.Text, nullable=False),
    )
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("pain_nrs", sa.Integer, nullable=False),
        sa.Column("tingling", sa.Boolean, nullable=False),
        sa.Column("numbness", sa.Boolean, nullable=False),
        sa.Column("red_flags_positive", sa.String(400), nullable=False),
        sa.Column("red_flag_answers", sa.Text, nullable=False),
        sa.Column("flagged_for_clinician", sa.Boolean, nullable=False),
        sa.Column("dose_pct", sa.Float, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False, index=True),
        sa.Column("checkin_id", sa.Integer, sa.ForeignKey("checkins.id"), nullable=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("dose_pct", sa.Float, nullable=False),
        sa.Column("pain_before", sa.Integer, nullable=False),
        sa.Column("tingling_before", sa.Boolean, nullable=False),
        sa.Column("pain_after", sa.Integer, nullable=True),
        sa.Column("pain_next_morning", sa.Integer, nullable=True),
        sa.Column("new_tingling", sa.Boolean, nullable=False),
    )
    op.create_table(
        "exercises_performed",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id"), nullable=False, index=True),
        sa.Column("exercise_id", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("planned_sets", sa.Integer, nullable=False),
        sa.Column("planned_reps", sa.Integer, nullable=True),
        sa.Column("planned_hold_s", sa.Float, nullable=True),
        sa.Column("planned_minutes", sa.Float, nullable=True),
        sa.Column("planned_metres", sa.Float, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.UniqueConstraint("session_id", "exercise_id"),
    )
    op.create_table(
        "repetitions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("exercise_performed_id", sa.Integer, sa.ForeignKey("exercises_performed.id"), nullable=False, index=True),
        sa.Column("set_index", sa.Integer, nullable=False),
        sa.Column("rep_index", sa.Integer, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("t_start_s", sa.Float, nullable=True),
        sa.Column("t_end_s", sa.Float, nullable=True),
        sa.Column("hold_s", sa.Float, nullable=True),
        sa.Column("within_criteria", sa.Boolean, nullable=True),
        sa.Column("faults", sa.String(400), nullable=False),
    )
    op.create_table(
        "repetition_metrics",
        sa.Column("repetition_id", sa.Integer, sa.ForeignKey("repetitions.id"), primary_key=True),
        sa.Column("name", sa.String(80), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
    )
    op.create_table(
        "walking",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("exercise_performed_id", sa.Integer, sa.ForeignKey("exercises_performed.id"), nullable=False, index=True),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("minutes", sa.Float, nullable=False),
        sa.Column("metres", sa.Float, nullable=False),
    )
    op.create_table(
        "measurements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False, index=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id"), nullable=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("side", sa.String(10), nullable=False),
    )
    op.create_table(
        "proms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("instrument", sa.String(10), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("items", sa.Text, nullable=False),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("patient_id", sa.Integer, sa.ForeignKey("patients.id"), nullable=False, index=True),
        sa.Column("decided_at", sa.DateTime, nullable=False),
        sa.Column("week", sa.Integer, nullable=False),
        sa.Column("exercise_id", sa.String(60), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("dose_before", sa.String(80), nullable=False),
        sa.Column("dose_after", sa.String(80), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    now = dt.datetime.now().replace(microsecond=0)
    op.bulk_insert(schema_version, [{"version": 1, "applied_at": now, "description": LEGACY_DESCRIPTION}])


def downgrade() -> None:
    """Drop every table (children first): an empty database."""
    for table in ("decisions", "proms", "measurements", "walking", "repetition_metrics", "repetitions",
                  "exercises_performed", "sessions", "checkins", "prescriptions", "patients", "schema_version"):  # fmt: skip
        op.drop_table(table)
