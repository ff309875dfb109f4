"""Rows of the span and frame tables turned into the records the services hand out.

A span is read one way, as the database driver hands out its columns, past SQLAlchemy's type
conversions: opening a long article reads ten thousand spans and an export every span of the
project, and converting each one's datetimes and JSON through the column types took most of the
time; `span_record` converts only what is there. An export reads fewer columns, from the driver's
cursor (`exported_spans`): SQLAlchemy's Row objects alone took as long as SQLite's reading.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from app.core.annotations import FrameRecord, SlotRecord, SpanRecord
from app.core.documents import SpanData
from app.core.span_details import SpanDetails
from app.core.vocabulary import Origin, Status
from app.store.models import Span

Names = dict[int | None, str | None]
# start, end, id, label, layer, status, score: in this order a plain sort puts marks in text order
Mark = tuple[int, int, int, str, str, Status, float | None]

# A span's columns in the order of SpanRecord's fields, untouched by their column types
SPAN_COLUMNS = tuple(type_coerce(column, NullType()) for column in (
    Span.id, Span.article_id, Span.start, Span.end, Span.label, Span.layer, Span.annotator_id, Span.origin,
    Span.status, Span.score, Span.model, Span.reviewed_by, Span.reviewed_at, Span.created_at, Span.updated_at,
    Span.version, Span.attributes, Span.normalizations, Span.notes, Span.fragments))
# What an export reads of a span, in this order: who is the reviewer, else the annotator (an id)
EXPORT_COLUMNS = tuple(type_coerce(column, NullType()) for column in (
    Span.article_id, Span.id, Span.start, Span.end, Span.label, Span.layer,
    func.coalesce(Span.reviewed_by, Span.annotator_id), Span.origin, Span.status, Span.score,
    Span.attributes, Span.normalizations, Span.notes, Span.fragments))
NO_DETAILS = SpanDetails()  # shared by the spans without details (most), as SpanDetails is immutable
ORIGINS = {member.value: member for member in Origin}
STATUSES = {member.value: member for member in Status}


def read_spans(conn: Connection, where: ColumnElement[bool], *order: Any) -> list[Any]:
    """Rows of SPAN_COLUMNS of the spans `where` picks, in `order` (by start, end and id if none given)."""
    return list(conn.execute(select(*SPAN_COLUMNS).where(where)
                             .order_by(*(order or (Span.start, Span.end, Span.id)))).all())


def span_record(row: Any, names: Names) -> SpanRecord:
    """A row of SPAN_COLUMNS (text or driver values, as SQLite or PostgreSQL give them) as a SpanRecord."""
    (span_id, article_id, start, end, label, layer, annotator_id, origin, status, score, model, reviewed_by,
     reviewed_at, created_at, updated_at, version, *details) = row
    return SpanRecord(id=span_id, article_id=article_id, start=start, end=end, label=label, layer=layer,
                      annotator=names[annotator_id], origin=ORIGINS[origin], status=STATUSES[status], score=score,
                      model=model, reviewed_by=names[reviewed_by], reviewed_at=_moment(reviewed_at),
                      created_at=_moment(created_at), updated_at=_moment(updated_at), version=version,
                      details=_details(details) if any(details) else NO_DETAILS)


class ArticleSpans(MutableMapping[int, SpanRecord]):
    """An article's spans by id as a person sees them, each made a SpanRecord only when asked for.

    Opening a long article reads ten thousand spans, and making every record (its datetimes, its
    frozen dataclass) took longer than drawing them: the window draws them from `marks` and makes
    the records of the spans it shows or changes. Records set here stand in for their rows.
    """

    def __init__(self, rows: Iterable[Any] = (), names: Names | None = None,
                 rejected_by_me: dict[int, Any] | None = None, who: str | None = None):
        """`rows` of SPAN_COLUMNS in text order; `rejected_by_me`: the model suggestions among them that
        person `who` rejected, with when (the rows say they still wait)."""
        self._rows: dict[int, Any] = {row[0]: row for row in rows}
        self._names = names or {None: None}
        self._rejected_by_me = rejected_by_me or {}
        self._who = who
        self._made: dict[int, SpanRecord] = {}

    def __getitem__(self, span_id: int) -> SpanRecord:
        made = self._made.get(span_id)
        if made is None:
            made = span_record(self._rows[span_id], self._names)
            if span_id in self._rejected_by_me:
                made = replace(made, status=Status.REJECTED, reviewed_by=self._who,
                               reviewed_at=self._rejected_by_me[span_id])
            self._made[span_id] = made
        return made

    def __setitem__(self, span_id: int, span: SpanRecord) -> None:
        self._rows.setdefault(span_id, None)  # a new span comes last
        self._made[span_id] = span

    def __delitem__(self, span_id: int) -> None:
        del self._rows[span_id]
        self._made.pop(span_id, None)

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._rows

    def marks(self) -> Iterator[Mark]:
        """What drawing and listing the spans need, without making their records."""
        rejected = Status.REJECTED
        for span_id, row in self._rows.items():
            made = self._made.get(span_id)
            if made is not None:
                yield made.start, made.end, span_id, made.label, made.layer, made.status, made.score
            else:
                status = rejected if span_id in self._rejected_by_me else STATUSES[row[8]]
                yield row[2], row[3], span_id, row[4], row[5], status, row[9]


def span_record_of(session: Session, span_id: int, names: Names) -> SpanRecord:
    """The record of a span as the unit of work in `session` has it so far."""
    return span_record(read_spans(session.connection(), Span.id == span_id)[0], names)


def exported_spans(conn: Connection, where: ColumnElement[bool], names: Names) -> dict[int, list[SpanData]]:
    """The spans `where` picks by article, each in text order (start, end, id) as the SpanData an export
    writes: keyed "T" and its id, the reviewer (else the annotator) as its annotator."""
    spans: dict[int, list[SpanData]] = defaultdict(list)
    origins, statuses, no_details = ORIGINS, STATUSES, NO_DETAILS
    query = select(*EXPORT_COLUMNS).where(where).order_by(Span.article_id, Span.start, Span.end, Span.id)
    for (article_id, span_id, start, end, label, layer, who, origin, status, score,
         attributes, normalizations, notes, fragments) in driver_rows(conn, query):
        if attributes is None and normalizations is None and notes is None and fragments is None:
            details = no_details  # most spans
        else:
            details = _details([attributes, normalizations, notes, fragments])
        spans[article_id].append(SpanData(f"T{span_id}", start, end, label, names[who], origins[origin],
                                          statuses[status], score, layer, {}, details))
    return spans


def driver_rows(conn: Connection, query: Select) -> Sequence[Any]:
    """The rows of `query` as plain tuples from the driver's cursor, its values as the driver gives them
    (the columns' types convert nothing: coerce them to NullType), in the transaction of `conn`."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), [params[name] for name in compiled.positiontup or ()]
                       if compiled.positional else params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _details(values: list[Any]) -> SpanDetails:
    return SpanDetails.from_columns(*map(_json, values))


def _moment(value: Any) -> Any:
    """A moment as UtcDateTime hands it out (aware, UTC), from SQLite's text or PostgreSQL's datetime."""
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's naive UTC text, "2026-12-05 08:52:51.253380"
        return datetime.fromisoformat(value + "+00:00")
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _json(value: Any) -> Any:
    """A JSON column's value: SQLite gives its text, PostgreSQL's driver the parsed value."""
    return json.loads(value) if isinstance(value, str) else value


def frame_record(frame: Any, names: Names, slots: Iterable[Any] | None = None) -> FrameRecord:
    """A Frame (with its slots), or a row of the frame table with its `slots` (rows of frame_slot) apart."""
    slots = frame.slots if slots is None else slots
    return FrameRecord(id=frame.id, article_id=frame.article_id, type=frame.type,
                       attributes=dict(frame.attributes), layer=frame.layer, annotator=names[frame.annotator_id],
                       origin=Origin(frame.origin), status=Status(frame.status), score=frame.score,
                       model=frame.model, reviewed_by=names[frame.reviewed_by], reviewed_at=frame.reviewed_at,
                       created_at=frame.created_at, updated_at=frame.updated_at, version=frame.version,
                       slots=tuple(SlotRecord(s.role, s.span_id, s.position) for s in slots))
