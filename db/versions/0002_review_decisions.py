"""Who reviewed a span or frame (accepted, rejected or fixed a suggestion), and when.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("frame", "span")


def upgrade() -> None:
    for table in TABLES:
        # batch mode rebuilds the table on SQLite: keep ids from ever being reused
        with op.batch_alter_table(table, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            batch_op.add_column(sa.Column("reviewed_by", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.create_foreign_key(f"fk_{table}_reviewed_by", "annotator", ["reviewed_by"], ["id"])


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, table_kwargs={"sqlite_autoincrement": True}) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_reviewed_by", type_="foreignkey")
            batch_op.drop_column("reviewed_at")
            batch_op.drop_column("reviewed_by")
