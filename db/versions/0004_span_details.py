"""What other tools say about a span beyond its label: attributes, normalizations, notes, and the
fragments of a discontinuous span (brat's A, N and # lines, and `T1 ORG 0 4;9 15`).

All four are JSON and NULL when the span has none, as every span made before this revision.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = ("attributes", "normalizations", "notes", "fragments")


def upgrade() -> None:
    # batch mode rebuilds the table on SQLite: keep ids from ever being reused
    with op.batch_alter_table("span", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("span", table_kwargs={"sqlite_autoincrement": True}) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
