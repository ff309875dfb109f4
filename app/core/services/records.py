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
from collections.abc import Callable, ItemsView, Iterable, Iterator, MutableMapping, Sequence, ValuesView
from dataclasses import replace
from itertools import islice
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
# start, end, id, label, layer, status (its stored value, which a Status equals), score, version: in
# this order a plain sort puts marks in text order
Mark = tuple[int, int, int, str, str, str, float | None, int]

# A span's columns in the order of SpanRecord's fields, untouched by their column types
SPAN_COLUMNS = tuple(type_coerce(column, NullType()) for column in (
    Span.id, Span.article_id, Span.start, Span.end, Span.label, Span.layer, Span.annotator_id, Span.origin,
    Span.status, Span.score, Span.model, Span.reviewed_by, Span.reviewed_at, Span.created_at, Span.updated_at,
    Span.version, Span.attributes, Span.normalizations, Span.notes, Span.fragments))
# A span's mark, untouched by the column types: what the window reads of every span of an article
MARK_COLUMNS = tuple(type_coerce(column, NullType()) for column in (
    Span.start, Span.end, Span.id, Span.label, Span.layer, Span.status, Span.score, Span.version))
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


def read_marks(conn: Connection, where: ColumnElement[bool]) -> list[Mark]:
    """The marks of the spans `where` picks, in text order, as plain tuples."""
    return list(driver_rows(conn, select(*MARK_COLUMNS).where(where).order_by(Span.start, Span.end, Span.id)))


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
    """An article's spans by id as a person sees them: their marks read at once, each made a
    SpanRecord only when asked for.

    Opening a long article reads ten thousand spans, and reading every column of each (its
    datetimes, its details) and making its record took longer than drawing them: the window draws
    them from `marks`, and the rest of a span's columns are read (`fetch`, with its neighbours in
    text order, for a table shows them together) when its record is first asked for. Its record
    keeps what the mark says (place, label, layer, status, score, version), so an edit of a span
    someone changed since is refused as stale; a span deleted since has no record (KeyError).
    Records set here stand in for their marks.
    """

    FETCHED_TOGETHER = 100

    def __init__(self, marks: Iterable[Mark] = (), names: Names | None = None,
                 rejected_by_me: dict[int, Any] | None = None, who: str | None = None,
                 fetch: Callable[[list[int] | None], Iterable[Any]] | None = None):
        """`marks` in text order; `rejected_by_me`: the model suggestions among them that person `who`
        rejected, with when (the marks say they still wait); `fetch`: the rows of SPAN_COLUMNS of
        the spans with the given ids (None: all the article's)."""
        self._marks: dict[int, Mark] = {mark[2]: mark for mark in marks}
        self._names = names or {None: None}
        self._rejected_by_me = rejected_by_me or {}
        self._who = who
        self._fetch = fetch
        self._made: dict[int, SpanRecord] = {}
        self._fetched: dict[int, Any] = {}  # rows read with a neighbour's, not made yet
        self._in_text_order = True  # until a span is added or moved

    def __getitem__(self, span_id: int) -> SpanRecord:
        made = self._made.get(span_id)
        if made is None:
            mark = self._marks[span_id]
            row = self._fetched.pop(span_id, None) if span_id in self._fetched else self._read_from(span_id)
            if row is None:
                raise KeyError(span_id)  # deleted since the marks were read
            made = span_record(row, self._names)
            if (made.start, made.end, made.id, made.label, made.layer, made.status, made.score,
                    made.version) != mark:
                made = replace(made, start=mark[0], end=mark[1], label=mark[3], layer=mark[4],
                               status=STATUSES[mark[5]], score=mark[6], version=mark[7])
            if span_id in self._rejected_by_me:
                made = replace(made, status=Status.REJECTED, reviewed_by=self._who,
                               reviewed_at=self._rejected_by_me[span_id])
            self._made[span_id] = made
        return made

    def _read_from(self, span_id: int) -> Any:
        """Read the span's row with those of the next spans in text order that have no record yet."""
        if self._fetch is None:
            return None
        ids = list(self._marks)
        wanted = islice((i for i in ids[ids.index(span_id):] if i not in self._made and i not in self._fetched),
                        self.FETCHED_TOGETHER)
        self._fetched.update((row[0], row) for row in self._fetch(list(wanted)))
        return self._fetched.pop(span_id, None)

    def _read_all(self) -> None:
        """Read the rows of every span without a record yet, in one go (before making them all)."""
        if self._fetch is not None and len(self._made) + len(self._fetched) < len(self._marks):
            self._fetched.update((row[0], row) for row in self._fetch(None)
                                 if row[0] in self._marks and row[0] not in self._made)

    def values(self) -> ValuesView[SpanRecord]:
        self._read_all()
        return super().values()

    def items(self) -> ItemsView[int, SpanRecord]:
        self._read_all()
        return super().items()

    def __setitem__(self, span_id: int, span: SpanRecord) -> None:
        if span_id not in self._marks or self._marks[span_id][:2] != (span.start, span.end):
            self._in_text_order = False
        # a new span comes last
        self._marks[span_id] = (span.start, span.end, span.id, span.label, span.layer, span.status, span.score,
                                span.version)
        self._made[span_id] = span
        self._fetched.pop(span_id, None)
        self._rejected_by_me.pop(span_id, None)  # the record says how the person decided

    def __delitem__(self, span_id: int) -> None:
        del self._marks[span_id]
        self._made.pop(span_id, None)
        self._fetched.pop(span_id, None)

    def __iter__(self) -> Iterator[int]:
        return iter(self._marks)

    def __len__(self) -> int:
        return len(self._marks)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._marks

    def mark(self, span_id: int) -> Mark:
        """The span's mark as the person sees it (a suggestion they rejected is rejected)."""
        mark = self._marks[span_id]
        return mark if span_id not in self._rejected_by_me else (*mark[:5], Status.REJECTED.value, *mark[6:])

    def in_text_order(self) -> list[int]:
        """The ids by start, end and id: as read, unless spans were added or moved since."""
        if self._in_text_order:
            return list(self._marks)
        return [mark[2] for mark in sorted(self._marks.values())]

    def marks(self) -> Iterator[Mark]:
        """What drawing and listing the spans need, without making their records."""
        if not self._rejected_by_me:
            return iter(self._marks.values())
        return map(self.mark, self._marks)


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
    (the columns' types convert nothing: coerce them to NullType), in the transaction of `conn`.

    Making SQLAlchemy's Row objects took as long as SQLite's reading (a fifth of opening a long article)."""
    result = conn.execute(query)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


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
