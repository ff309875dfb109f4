"""The project's tables, as SQLAlchemy 2 typed models.

Offsets are Unicode code points (Python `str` indices). Rows are created by the
Alembic migrations in db/, never by `create_all`; these classes must match them
(tests/test_store.py compares the two).
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from app.core.vocabulary import Origin, Progress, Role, Status


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as its value in a VARCHAR with a CHECK constraint: portable, readable in SQL.
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda e: [m.value for m in e],
    )


class UtcDateTime(TypeDecorator):
    """A moment, handed out as an aware UTC datetime on every database; a naive one going in is UTC.

    Without it SQLite gives back naive datetimes and PostgreSQL ones in its session's time zone.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        return _utc(value)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return _utc(value)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, datetime: UtcDateTime}


class SchemaCopy(Base):
    """The label schema the project carries; the newest row is the one in force."""

    __tablename__ = "label_schema"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    source_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Annotator(Base):
    __tablename__ = "annotator"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "annotator_role"), default=Role.ANNOTATOR)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Article(Base):
    __tablename__ = "article"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(500))
    source: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    published: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    imported_from: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    spans: Mapped[list[Span]] = relationship(back_populates="article", passive_deletes=True)


class Span(Base):
    __tablename__ = "span"
    __table_args__ = (
        CheckConstraint("start >= 0 AND start < \"end\"", name="span_offsets"),
        Index("ix_span_article_layer", "article_id", "layer"),
        # ids are never reused, so an undone delete can bring a span back under its own id
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(100))
    layer: Mapped[str] = mapped_column(String(100))
    annotator_id: Mapped[int | None] = mapped_column(ForeignKey("annotator.id"))
    origin: Mapped[Origin] = mapped_column(_enum(Origin, "origin"))
    status: Mapped[Status] = mapped_column(_enum(Status, "status"))
    score: Mapped[float | None] = mapped_column(Float)
    model: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("annotator.id", name=f"fk_{__tablename__}_reviewed_by"))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # What other tools say about the span (see app/core/span_details.py); SQL NULL when there is nothing
    # (none_as_null: not the JSON text 'null', which every read of a span would have to parse).
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))  # name -> value
    normalizations: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))  # [{"type", "ref", "text"}]
    notes: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))  # note type -> text
    fragments: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))  # [[start, end], ...]

    article: Mapped[Article] = relationship(back_populates="spans")

    __mapper_args__ = {"version_id_col": version}


class Frame(Base):
    """A typed structure over spans: a claim, a tariff fact, a two-role relation."""

    __tablename__ = "frame"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(100))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    layer: Mapped[str] = mapped_column(String(100))
    annotator_id: Mapped[int | None] = mapped_column(ForeignKey("annotator.id"))
    origin: Mapped[Origin] = mapped_column(_enum(Origin, "origin"))
    status: Mapped[Status] = mapped_column(_enum(Status, "status"))
    score: Mapped[float | None] = mapped_column(Float)
    model: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("annotator.id", name=f"fk_{__tablename__}_reviewed_by"))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    slots: Mapped[list[FrameSlot]] = relationship(
        back_populates="frame",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(FrameSlot.role, FrameSlot.position)",
    )

    __mapper_args__ = {"version_id_col": version}


class FrameSlot(Base):
    """One span filling one role of a frame; `position` orders a role with several fillers."""

    __tablename__ = "frame_slot"
    __table_args__ = (UniqueConstraint("frame_id", "role", "span_id", name="uq_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    frame_id: Mapped[int] = mapped_column(ForeignKey("frame.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(100))
    span_id: Mapped[int] = mapped_column(ForeignKey("span.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    frame: Mapped[Frame] = relationship(back_populates="slots")


class Decision(Base):
    """One person's decision on one of the model's suggestions (a span or a frame of the model layer).

    The suggestion stays open for everyone else. Accepting (or fixing) it puts a copy in the person's
    layer, named here; deleting that copy takes the decision back with it, and the suggestion is open
    for them again.
    """

    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint("(span_id IS NULL) <> (frame_id IS NULL)", name="decision_subject"),
        UniqueConstraint("span_id", "annotator_id", name="uq_decision_span"),
        UniqueConstraint("frame_id", "annotator_id", name="uq_decision_frame"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    span_id: Mapped[int | None] = mapped_column(ForeignKey("span.id", ondelete="CASCADE"))
    frame_id: Mapped[int | None] = mapped_column(ForeignKey("frame.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id"))
    status: Mapped[Status] = mapped_column(_enum(Status, "status"))  # accepted or rejected
    copy_span_id: Mapped[int | None] = mapped_column(ForeignKey("span.id", ondelete="CASCADE"), index=True)
    copy_frame_id: Mapped[int | None] = mapped_column(ForeignKey("frame.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleProgress(Base):
    __tablename__ = "article_progress"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotator.id"), primary_key=True)
    status: Mapped[Progress] = mapped_column(_enum(Progress, "progress"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChangeLog(Base):
    """Append-only record of who did what, when. Not tied by foreign keys, so it outlives its subjects."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    annotator: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    article_id: Mapped[int | None] = mapped_column(Integer, index=True)
    subject: Mapped[str | None] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TrainedModel(Base):
    """A spaCy pipeline trained on the project's annotations: where it is, and how well it did."""

    __tablename__ = "trained_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    path: Mapped[str] = mapped_column(String(2000))
    base: Mapped[str] = mapped_column(String(200))
    labels: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"ner": [...], "spancat": [...]}
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)  # dev-set scores, trained and base
    trained_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModelArchive(Base):
    """A trained model's folder as a gzip-compressed tar, so every member of a shared project can use it."""

    __tablename__ = "model_archive"

    model_id: Mapped[int] = mapped_column(ForeignKey("trained_model.id", ondelete="CASCADE"), primary_key=True,
                                          autoincrement=False)
    checksum: Mapped[str] = mapped_column(String(64))  # SHA-256 of data, hex
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes] = mapped_column(LargeBinary)
