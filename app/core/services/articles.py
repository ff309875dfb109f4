"""Reading articles (listings, texts, whole annotated articles for exports), a person's progress, dump and restore."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, exists, func, select
from sqlalchemy.exc import SQLAlchemyError, StatementError

from app.core import article_listing
from app.core.annotations import (
    FrameRecord,
    SpanRecord,
)
from app.core.articles import ArticleQuery, ArticleRecord, ArticleSummary
from app.core.documents import SpanData
from app.core.errors import NotFoundError, ValidationError
from app.core.schema import Schema, parse_schema
from app.core.services.records import Names, exported_spans, frame_record, read_spans, span_record
from app.core.services.rows import (
    choice,
    get,
    names_by_id,
    table_of,
)
from app.core.services.work import Work
from app.core.vocabulary import Progress, Status
from app.store.dump import NotEmptyError, dump_tables, load_tables, table_rows
from app.store.engine import failure_reason, shown_location
from app.store.models import (
    Annotator,
    Article,
    ArticleProgress,
    Decision,
    Frame,
    FrameSlot,
    SchemaCopy,
    Span,
)

T = TypeVar("T")
# Reads the spans of a chunk of articles that a condition picks, by article: (conn, where, names) -> spans
SpanReader = Callable[[Connection, ColumnElement[bool], Names], dict[int, list[T]]]

class ArticleService:
    """The project's articles as listings and records, progress, and the native dump and restore."""

    def __init__(self, work: Work):
        self.work = work

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of the project (native export): schema copies, annotators, articles, spans,
        frames and their slots, progress, the change log."""
        with self.work.engine.connect() as conn:
            return dump_tables(conn)

    @contextmanager
    def dump_reader(self) -> Iterator[Callable[[str], Iterator[dict[str, Any]]]]:
        """A function giving a table's rows as `dump` has them, read as they are used (native export of a
        large project), all in one read transaction."""
        with self.work.engine.connect() as conn, conn.begin():
            yield functools.partial(table_rows, conn)

    def restore(self, dumped: dict[str, list[dict[str, Any]]], source: str = "the native file") -> None:
        """Fill an empty project with a dump, ids and all, in one transaction; errors name `source`.

        The dump's newest schema is parsed inside it, so a dump whose schema is
        missing or broken leaves the project as it was, not unopenable.
        """
        try:
            with self.work.writer.begin() as conn:
                load_tables(conn, dumped)
                schema = _newest_schema(conn, source)
        except NotEmptyError as err:
            raise ValidationError(f"{shown_location(self.work.url)}: {err}; a native import needs a new, empty project") from None
        except (KeyError, TypeError, ValueError, SQLAlchemyError) as err:
            reason = failure_reason(err) if isinstance(err, StatementError) else str(err).splitlines()[0]
            raise ValidationError(f"{source}: its rows do not fit this project: {reason}") from None
        self.work.schema = schema

    def articles(self, article_ids: Iterable[int] | None = None) -> list[ArticleSummary]:
        """Every article (or those of `article_ids`) with its counts and the acting person's progress."""
        def only(query, column):
            return query if article_ids is None else query.where(column.in_(list(article_ids)))

        with self.work.read() as session:
            span_counts: dict[int, int] = dict(session.execute(only(
                select(Span.article_id, func.count()).where(Span.status != Status.REJECTED,
                                                            ~self._decided_by_me(Decision.span_id == Span.id)),
                Span.article_id).group_by(Span.article_id)).tuples().all())
            frame_counts: dict[int, int] = dict(session.execute(only(
                select(Frame.article_id, func.count()).where(Frame.status != Status.REJECTED,
                                                             ~self._decided_by_me(Decision.frame_id == Frame.id)),
                Frame.article_id).group_by(Frame.article_id)).tuples().all())
            progress: dict[int, Progress] = dict(session.execute(only(
                select(ArticleProgress.article_id, ArticleProgress.status)
                .join(Annotator, Annotator.id == ArticleProgress.annotator_id)
                .where(Annotator.name == self.work.annotator), ArticleProgress.article_id
            )).tuples().all())
            rows = session.execute(only(
                select(Article.id, Article.external_id, Article.title, Article.source,
                       func.length(Article.text)), Article.id
            ).order_by(Article.id)).all()
        return [
            ArticleSummary(id=i, external_id=ext, title=title, source=source, chars=chars,
                           spans=span_counts.get(i, 0), frames=frame_counts.get(i, 0),
                           progress=progress.get(i, Progress.TODO))
            for i, ext, title, source, chars in rows
        ]

    def count_articles(self, query: ArticleQuery = ArticleQuery()) -> int:
        """How many articles `query` lists."""
        with self.work.read() as session:
            listed = article_listing.listed(query, self.work.annotator).subquery()
            return session.scalar(select(func.count()).select_from(listed)) or 0

    def article_page(self, query: ArticleQuery, offset: int, limit: int) -> list[ArticleSummary]:
        """Summaries of the articles `query` lists, rows offset to offset + limit, in its order."""
        with self.work.read() as session:
            ids = session.scalars(article_listing.listed(query, self.work.annotator).offset(offset).limit(limit)).all()
        by_id = {summary.id: summary for summary in self.articles(ids)} if ids else {}
        return [by_id[i] for i in ids]

    def article_position(self, query: ArticleQuery, article_id: int) -> int | None:
        """Where `article_id` stands among the articles `query` lists (0 first); None if not among them."""
        with self.work.read() as session:
            return session.scalar(article_listing.position(query, self.work.annotator, article_id))

    def article(self, article_id: int) -> ArticleRecord:
        with self.work.read() as session:
            a = get(session, Article, article_id)
            return ArticleRecord(id=a.id, external_id=a.external_id, title=a.title, source=a.source, url=a.url,
                                 published=a.published, text=a.text, content_hash=a.content_hash,
                                 meta=dict(a.meta), imported_from=a.imported_from)

    def article_ids(self) -> list[int]:
        """Every article's id, in order: one query, for callers that need no counts."""
        with self.work.read() as session:
            return list(session.scalars(select(Article.id).order_by(Article.id)))

    def annotated(self, article_ids: Iterable[int] | None = None, chunk: int = 500
                  ) -> Iterator[tuple[ArticleRecord, list[SpanRecord], list[FrameRecord]]]:
        """Every article (or those of `article_ids`) in id order, with all its spans, rejected too (by start,
        end, id), and frames (by id), as `spans` and `frames` give them: for exports, which read a whole
        project. Four queries per `chunk` articles, and only one chunk in memory at a time."""
        yield from self._read(self._wanted(self.article_ids(), article_ids), chunk, _span_records)

    def exported(self, article_ids: Iterable[int] | None = None, chunk: int = 500
                 ) -> Iterator[tuple[ArticleRecord, list[SpanData], list[FrameRecord]]]:
        """As `annotated`, each span the SpanData an export writes (records.exported_spans): what the
        exports read, in a fraction of the time."""
        yield from self._read(self._wanted(self.article_ids(), article_ids), chunk, exported_spans)

    @staticmethod
    def _wanted(ids: list[int], article_ids: Iterable[int] | None) -> list[int]:
        if article_ids is None:
            return ids
        wanted = set(article_ids)
        return [i for i in ids if i in wanted]

    def framed(self, frame_type: str, article_ids: Iterable[int] | None = None, chunk: int = 500
               ) -> Iterator[tuple[ArticleRecord, list[SpanRecord], list[FrameRecord]]]:
        """As `annotated`, but only the articles with frames of `frame_type`, each with those frames and the
        spans that fill them: for the facts and claims exports, which need no other span (a project
        without such frames costs one query)."""
        with self.work.engine.connect() as conn:
            ids = self._wanted(list(conn.scalars(select(Frame.article_id).where(Frame.type == frame_type).distinct()
                                                 .order_by(Frame.article_id))), article_ids)
        yield from self._read(ids, chunk, _span_records, frame_type)

    def _read(self, ids: list[int], chunk: int, spans: SpanReader[T], frame_type: str | None = None
              ) -> Iterator[tuple[ArticleRecord, list[T], list[FrameRecord]]]:
        for first in range(0, len(ids), chunk):
            yield from self._annotated_chunk(ids[first:first + chunk], spans, frame_type)

    def _annotated_chunk(self, ids: list[int], read_spans_of: SpanReader[T], frame_type: str | None = None
                         ) -> list[tuple[ArticleRecord, list[T], list[FrameRecord]]]:
        """The articles of `ids` with their spans (as `read_spans_of` reads them) and frames; with
        `frame_type`, its frames and their fillers."""
        slots: dict[int, list] = defaultdict(list)
        frames: dict[int, list[FrameRecord]] = defaultdict(list)
        in_frames = Frame.article_id.in_(ids) if frame_type is None else (Frame.article_id.in_(ids)
                                                                           & (Frame.type == frame_type))
        in_spans = Span.article_id.in_(ids) if frame_type is None else Span.id.in_(
            select(FrameSlot.span_id).join(Frame, Frame.id == FrameSlot.frame_id).where(in_frames))
        with self.work.engine.connect() as conn:  # rows, not ORM objects: under half the time for 30,000 spans
            names = names_by_id(conn)
            articles = [ArticleRecord(**row._asdict()) for row in conn.execute(
                select(Article.id, Article.external_id, Article.title, Article.source, Article.url, Article.published,
                       Article.text, Article.content_hash, Article.meta, Article.imported_from)
                .where(Article.id.in_(ids)).order_by(Article.id))]
            spans = read_spans_of(conn, in_spans, names)
            for row in conn.execute(
                    select(FrameSlot.frame_id, FrameSlot.role, FrameSlot.span_id, FrameSlot.position)
                    .join(Frame, Frame.id == FrameSlot.frame_id).where(in_frames)
                    .order_by(FrameSlot.frame_id, FrameSlot.role, FrameSlot.position, FrameSlot.id)):
                slots[row.frame_id].append(row)
            for row in conn.execute(select(*table_of(Frame).columns).where(in_frames)
                                    .order_by(Frame.article_id, Frame.id)):
                frames[row.article_id].append(frame_record(row, names, slots[row.id]))
        return [(a, spans.get(a.id, []), frames[a.id]) for a in articles]

    def article_texts(self, article_ids: Sequence[int]) -> dict[int, str]:
        with self.work.read() as session:
            found = dict(session.execute(select(Article.id, Article.text).where(Article.id.in_(article_ids))).tuples().all())
        missing = sorted(set(article_ids) - set(found))
        if missing:
            raise NotFoundError(f"article {', '.join(map(str, missing))} does not exist")
        return found

    def set_progress(self, article_id: int, status: str | Progress) -> None:
        status = choice(Progress, status, "article status")
        with self.work.unit() as session:
            get(session, Article, article_id)
            self.work.set_progress(session, article_id, status)

    def progress(self, article_id: int) -> Progress:
        with self.work.read() as session:
            status = session.scalar(
                select(ArticleProgress.status).join(Annotator, Annotator.id == ArticleProgress.annotator_id)
                .where(ArticleProgress.article_id == article_id, Annotator.name == self.work.annotator)
            )
        return status or Progress.TODO

    def _decided_by_me(self, on):
        """SQL: the acting person has decided on the suggestion `on` names (Decision.span_id == Span.id)."""
        return exists(select(Decision.id).join(Annotator, Annotator.id == Decision.annotator_id)
                      .where(on, Annotator.name == self.work.annotator))


def _span_records(conn: Connection, where: ColumnElement[bool], names: Names) -> dict[int, list[SpanRecord]]:
    """The spans `where` picks by article, each in text order as a SpanRecord."""
    spans: dict[int, list[SpanRecord]] = defaultdict(list)
    for row in read_spans(conn, where, Span.article_id, Span.start, Span.end, Span.id):
        spans[row[1]].append(span_record(row, names))
    return spans


def _newest_schema(conn, source: str) -> Schema:
    """The label schema in force in a dump just loaded from `source` (its newest copy)."""
    row = conn.execute(select(SchemaCopy.id, SchemaCopy.source_text).order_by(SchemaCopy.id.desc()).limit(1)).first()
    if row is None:
        raise ValidationError(f"{source}: it carries no label schema")
    return parse_schema(row.source_text, f"{source} (label_schema {row.id})")

