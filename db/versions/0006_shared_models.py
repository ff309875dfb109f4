"""Trained models shared through the project: each model's folder, packed, in the database.

A model trained on a shared project used to live only on the trainer's machine
(`<project>.models/NAME`). Now its folder is stored as a gzip-compressed tar in
`model_archive`, one row per trained model, with its SHA-256; every member's
NewsGloss unpacks it into their own cache on first use. Models registered before
keep no archive and are found at their path, as before.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_archive",
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["model_id"], ["trained_model.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("model_id"),
    )


def downgrade() -> None:
    op.drop_table("model_archive")
