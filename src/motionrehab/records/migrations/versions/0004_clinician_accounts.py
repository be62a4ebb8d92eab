"""Clinician accounts, patient assignments, red-flag reviews and the audit log (the web view).

Four new tables (records.store, read and written by records.accounts): ``clinicians``
(e-mail, argon2 password hash, administrator or not, failed sign-ins and lock-out),
``clinician_patients`` (who may see whom), ``red_flag_reviews`` (a clinician's review of a
red-flag check-in: cleared with a note, or the patient stopped) and ``audit_log`` (who did
what, when, to which patient). Nothing existing changes; downgrade drops the four tables
and their rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create clinicians, clinician_patients, red_flag_reviews and audit_log."""
    op.create_table(
        "clinicians",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=400), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "clinician_patients",
        sa.Column("clinician_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["clinician_id"], ["clinicians.id"]),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"]),
        sa.PrimaryKeyConstraint("clinician_id", "patient_id"),
    )
    with op.batch_alter_table("clinician_patients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clinician_patients_patient_id"), ["patient_id"], unique=False)
    op.create_table(
        "red_flag_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("reviewer", sa.String(length=254), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["checkin_id"], ["checkins.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("checkin_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("patient", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_patient"), ["patient"], unique=False)


def downgrade() -> None:
    """Drop the four tables (accounts, assignments, reviews and the audit log are lost)."""
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_patient"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
    op.drop_table("audit_log")
    op.drop_table("red_flag_reviews")
    with op.batch_alter_table("clinician_patients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clinician_patients_patient_id"))
    op.drop_table("clinician_patients")
    op.drop_table("clinicians")
