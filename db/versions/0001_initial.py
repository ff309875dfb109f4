"""Initial schema: articles, annotators, spans, frames, progress, change log.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 18:24:30.432534
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annotator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.Enum('annotator', 'reviewer', name='annotator_role', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('published', sa.String(length=40), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('imported_from', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('content_hash')
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_external_id'), ['external_id'], unique=False)

    op.create_table('change_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('annotator', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=20), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_change_log_article_id'), ['article_id'], unique=False)

    op.create_table('label_schema',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('article_progress',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('todo', 'in_progress', 'done', name='progress', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['annotator_id'], ['annotator.id'], ),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'annotator_id')
    )
    op.create_table('frame',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('layer', sa.String(length=100), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.Enum('human', 'model', 'rule', 'import', name='origin', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('status', sa.Enum('suggested', 'accepted', 'rejected', name='status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('model', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['annotator_id'], ['annotator.id'], ),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('frame', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frame_article_id'), ['article_id'], unique=False)

    op.create_table('span',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('layer', sa.String(length=100), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=True),
    sa.Column('origin', sa.Enum('human', 'model', 'rule', 'import', name='origin', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('status', sa.Enum('suggested', 'accepted', 'rejected', name='status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('model', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('start >= 0 AND start < "end"', name='span_offsets'),
    sa.ForeignKeyConstraint(['annotator_id'], ['annotator.id'], ),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('span', schema=None) as batch_op:
        batch_op.create_index('ix_span_article_layer', ['article_id', 'layer'], unique=False)

    op.create_table('frame_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('frame_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=False),
    sa.Column('span_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['frame_id'], ['frame.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['span_id'], ['span.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('frame_id', 'role', 'span_id', name='uq_slot')
    )
    with op.batch_alter_table('frame_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frame_slot_frame_id'), ['frame_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_frame_slot_span_id'), ['span_id'], unique=False)

    _make_change_log_append_only()


def _make_change_log_append_only() -> None:
    """The change log is a record: the database itself refuses to rewrite it."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER change_log_no_{verb.lower()} BEFORE {verb} ON change_log "
                "BEGIN SELECT RAISE(ABORT, 'the change log is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION change_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the change log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON change_log "
            "FOR EACH ROW EXECUTE FUNCTION change_log_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER change_log_append_only ON change_log")
        op.execute("DROP FUNCTION change_log_append_only()")
    with op.batch_alter_table('frame_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frame_slot_span_id'))
        batch_op.drop_index(batch_op.f('ix_frame_slot_frame_id'))

    op.drop_table('frame_slot')
    with op.batch_alter_table('span', schema=None) as batch_op:
        batch_op.drop_index('ix_span_article_layer')

    op.drop_table('span')
    with op.batch_alter_table('frame', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frame_article_id'))

    op.drop_table('frame')
    op.drop_table('article_progress')
    op.drop_table('label_schema')
    with op.batch_alter_table('change_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_log_article_id'))

    op.drop_table('change_log')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_external_id'))

    op.drop_table('article')
    op.drop_table('annotator')
