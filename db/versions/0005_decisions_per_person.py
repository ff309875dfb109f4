"""Decisions per person: a decision on a model suggestion is the deciding person's, not everyone's.

Before, accepting a suggestion moved it from the model layer into the accepting
person's layer, and rejecting it marked the shared row. Now the model's row stays
a suggestion for everyone, and each person's decision is a `decision` row (an
acceptance names the copy in their layer). Existing decisions become such rows:

- an accepted model-origin span or frame in a person's layer stays there as their
  copy; a twin goes back into the model layer as an open suggestion (with the label,
  offsets, attributes and roles it had before the person fixed it, from the change
  log), and a decision records that they accepted it;
- a rejected model-layer span or frame is open again, and a decision records that
  the person who rejected it did.

Who decided is the row's `reviewed_by`, else the latest review in the change log,
else (for an accepted row) the person whose layer it is; a decision no one can be
named for is left as it was.

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MODEL_LAYER = "model"
NOT_PEOPLE = (MODEL_LAYER, "gold")
STATUS = sa.Enum("suggested", "accepted", "rejected", name="status", native_enum=False, create_constraint=True,
                 length=16)

WHEN = sa.DateTime(timezone=True)


def _columns(*names: str) -> list[sa.ColumnClause]:
    typed = {"attributes": sa.JSON(), "data": sa.JSON(), "at": WHEN, "reviewed_at": WHEN, "created_at": WHEN,
             "updated_at": WHEN}
    return [sa.column(name, typed.get(name)) for name in names]


REVIEWED = ("origin", "status", "score", "model", "reviewed_by", "reviewed_at", "created_at", "updated_at", "version")
span = sa.table("span", *_columns("id", "article_id", "start", "end", "label", "layer", "annotator_id", *REVIEWED))
frame = sa.table("frame", *_columns("id", "article_id", "type", "attributes", "layer", "annotator_id", *REVIEWED))
frame_slot = sa.table("frame_slot", *_columns("frame_id", "role", "span_id", "position"))
annotator = sa.table("annotator", *_columns("id", "name"))
change_log = sa.table("change_log", *_columns("id", "at", "annotator", "action", "subject", "subject_id", "data"))
decision = sa.table("decision", *_columns("span_id", "frame_id", "annotator_id", "status", "copy_span_id",
                                          "copy_frame_id", "at"))


def upgrade() -> None:
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("span_id", sa.Integer(), nullable=True),
        sa.Column("frame_id", sa.Integer(), nullable=True),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("copy_span_id", sa.Integer(), nullable=True),
        sa.Column("copy_frame_id", sa.Integer(), nullable=True),
        sa.Column("at", WHEN, nullable=False),
        sa.CheckConstraint("(span_id IS NULL) <> (frame_id IS NULL)", name="decision_subject"),
        sa.ForeignKeyConstraint(["span_id"], ["span.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["frame_id"], ["frame.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["annotator_id"], ["annotator.id"]),
        sa.ForeignKeyConstraint(["copy_span_id"], ["span.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["copy_frame_id"], ["frame.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("span_id", "annotator_id", name="uq_decision_span"),
        sa.UniqueConstraint("frame_id", "annotator_id", name="uq_decision_frame"),
    )
    op.create_index("ix_decision_copy_span_id", "decision", ["copy_span_id"])
    op.create_index("ix_decision_copy_frame_id", "decision", ["copy_frame_id"])
    _convert(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_decision_copy_frame_id", table_name="decision")
    op.drop_index("ix_decision_copy_span_id", table_name="decision")
    op.drop_table("decision")


# ------------------------------------------------------------------ the data


def _convert(conn) -> None:
    now = datetime.now(timezone.utc)
    ids = dict(conn.execute(sa.select(annotator.c.name, annotator.c.id)).tuples().all())
    reviews = _latest_reviews(conn)
    twins: dict[int, int] = {}  # a person's accepted span -> the model suggestion it came from
    for kind, table in (("span", span), ("frame", frame)):
        accepted = conn.execute(sa.select(table).where(
            table.c.origin == "model", table.c.status == "accepted", table.c.layer.notin_(NOT_PEOPLE))
            .order_by(table.c.id)).mappings().all()
        for row in accepted:
            who = row["reviewed_by"] or ids.get(reviews.get((kind, row["id"]), (None,))[0]) or ids.get(row["layer"])
            if who is None:
                continue
            twin = _twin(conn, kind, row, twins, now)
            if kind == "span":
                twins[row["id"]] = twin
            conn.execute(sa.insert(decision).values(
                annotator_id=who, status="accepted", at=_when(row, reviews.get((kind, row["id"])), now),
                **{f"{kind}_id": twin, f"copy_{kind}_id": row["id"]}))
        rejected = conn.execute(sa.select(table).where(
            table.c.layer == MODEL_LAYER, table.c.status == "rejected").order_by(table.c.id)).mappings().all()
        for row in rejected:
            who = row["reviewed_by"] or ids.get(reviews.get((kind, row["id"]), (None,))[0])
            if who is None:
                continue
            conn.execute(sa.insert(decision).values(
                annotator_id=who, status="rejected", at=_when(row, reviews.get((kind, row["id"])), now),
                **{f"{kind}_id": row["id"]}))
            conn.execute(sa.update(table).where(table.c.id == row["id"]).values(
                status="suggested", reviewed_by=None, reviewed_at=None, updated_at=now,
                version=table.c.version + 1))


def _latest_reviews(conn) -> dict[tuple[str, int], tuple[str, datetime]]:
    """(kind, id) -> (who, when) of the newest change-log entry that set a span's or frame's status."""
    found = {}
    for who, at, action, subject, subject_id, data in conn.execute(
            sa.select(change_log.c.annotator, change_log.c.at, change_log.c.action, change_log.c.subject,
                      change_log.c.subject_id, change_log.c.data)
            .where(change_log.c.action.in_(("span.review", "frame.review", "span.update", "frame.update")))
            .order_by(change_log.c.id)):
        if subject in ("span", "frame") and subject_id is not None and "status" in data and not data.get("undone"):
            found[subject, subject_id] = (who, at)
    return found


def _when(row, review: tuple[str, datetime] | None, now: datetime):
    return row["reviewed_at"] or (review[1] if review else None) or row["updated_at"] or now


def _original(conn, kind: str, row_id: int) -> dict:
    """What a person's fixes changed, as it was before the first of them: {field: value before}."""
    before: dict = {}
    for (data,) in conn.execute(sa.select(change_log.c.data).where(
            change_log.c.subject == kind, change_log.c.subject_id == row_id,
            change_log.c.action == f"{kind}.update").order_by(change_log.c.id)):
        for key, value in (data or {}).items():
            if key in ("start", "end", "label", "attributes", "roles") and isinstance(value, list) \
                    and len(value) == 2:
                before.setdefault(key, value[0])
    return before


def _twin(conn, kind: str, row, twins: dict[int, int], now: datetime) -> int:
    """Put a copy of a person's accepted suggestion back in the model layer, as the open suggestion it was."""
    original = _original(conn, kind, row["id"])
    common = {"article_id": row["article_id"], "layer": MODEL_LAYER, "annotator_id": None, "origin": "model",
              "status": "suggested", "score": row["score"], "model": row["model"], "reviewed_by": None,
              "reviewed_at": None, "created_at": row["created_at"], "updated_at": now, "version": 1}
    if kind == "span":
        values = {key: original.get(key, row[key]) for key in ("start", "end", "label")}
        return conn.execute(sa.insert(span).values(**values, **common).returning(span.c.id)).scalar_one()
    attributes = original.get("attributes", row["attributes"])
    twin = conn.execute(sa.insert(frame).values(type=row["type"], attributes=attributes, **common)
                        .returning(frame.c.id)).scalar_one()
    if "roles" in original:
        slots = [(role, span_id, position) for role, fillers in original["roles"].items()
                 for position, span_id in enumerate(fillers)]
    else:
        slots = list(conn.execute(sa.select(frame_slot.c.role, frame_slot.c.span_id, frame_slot.c.position)
                                  .where(frame_slot.c.frame_id == row["id"])).tuples())
    existing = set(conn.execute(sa.select(span.c.id).where(span.c.article_id == row["article_id"])).scalars())
    rows = [{"frame_id": twin, "role": role, "span_id": twins.get(span_id, span_id), "position": position}
            for role, span_id, position in slots if span_id in existing]
    if rows:
        conn.execute(sa.insert(frame_slot), rows)
    return twin

