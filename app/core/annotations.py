"""Spans and frames as plain, immutable data handed out by the project services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.core.span_details import SpanDetails
from app.core.vocabulary import Origin, Status


@dataclass(frozen=True)
class SpanRecord:
    id: int
    article_id: int
    start: int  # code points
    end: int
    label: str
    layer: str
    annotator: str | None
    origin: Origin
    status: Status
    score: float | None
    model: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    details: SpanDetails = field(default_factory=SpanDetails)


@dataclass(frozen=True)
class SlotRecord:
    role: str
    span_id: int
    position: int


@dataclass(frozen=True)
class FrameRecord:
    id: int
    article_id: int
    type: str
    attributes: dict[str, Any]
    layer: str
    annotator: str | None
    origin: Origin
    status: Status
    score: float | None
    model: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    slots: tuple[SlotRecord, ...] = field(default_factory=tuple)

    def role(self, name: str) -> list[int]:
        """Span ids filling role `name`, in order."""
        return [s.span_id for s in sorted(self.slots, key=lambda s: s.position) if s.role == name]


@dataclass(frozen=True)
class DeletedSpan:
    """A deleted span and the frame roles it filled, enough to bring both back (undo)."""

    span: SpanRecord
    slots: tuple[tuple[int, SlotRecord], ...]  # (frame id, slot)


@dataclass(frozen=True)
class ReviewState:
    """A span's or frame's state before a decision made on the row itself (a suggestion in a person's
    own layer), to undo it; start, end and label only for a span."""

    id: int
    status: Status
    reviewed_by: str | None
    reviewed_at: datetime | None
    start: int | None = None
    end: int | None = None
    label: str | None = None


@dataclass(frozen=True)
class DecisionRecord:
    """A person's decision on one of the model's suggestions; an acceptance names their copy of it."""

    kind: str  # "span" or "frame"
    suggestion_id: int
    annotator: str
    status: Status  # accepted or rejected
    copy_id: int | None
    at: datetime


@dataclass(frozen=True)
class Review:
    """What a review did, for undo_review: rows decided in place (as they were), the decisions it
    recorded (with the copies accepting made; undo removes both), the rejections it turned into
    acceptances."""

    spans: tuple[ReviewState, ...] = ()
    frames: tuple[ReviewState, ...] = ()
    decided: tuple[DecisionRecord, ...] = ()
    replaced: tuple[DecisionRecord, ...] = ()


@dataclass(frozen=True)
class Adopted:
    """What an adoption into the gold layer created (not what it found there already), to undo it."""

    spans: tuple[int, ...] = ()
    frames: tuple[int, ...] = ()


@dataclass(frozen=True)
class TakenOut:
    """Rows taken out of the gold layer, column for column (spans, frames, and the role fillers they
    were), to put them back under their own ids (undo)."""

    spans: tuple[dict[str, Any], ...] = ()
    frames: tuple[dict[str, Any], ...] = ()
    slots: tuple[dict[str, Any], ...] = ()
