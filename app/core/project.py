"""A NewsGloss project: the facade over its services (app/core/services).

Every public method that changes something is one unit of work: it validates its
input, writes, appends to the change log and commits before it returns. What it
returns is plain data (records from core.annotations / core.articles), never a
live ORM object, so callers on any thread can keep it. The services share one
unit of work (services/work.py): the engine, the transaction, the change log and
who is acting; each method here hands its call to the service that does the job.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session

from app.core.annotations import (
    Adopted,
    DecisionRecord,
    DeletedSpan,
    FrameRecord,
    Review,
    SpanRecord,
    TakenOut,
)
from app.core.articles import ArticleDraft, ArticleQuery, ArticleRecord, ArticleSummary, ImportReport
from app.core.documents import AnnotatedDocument, SpanData
from app.core.errors import ProjectError
from app.core.schema import Schema, default_schema_path, load_schema
from app.core.services.annotations import AnnotationService
from app.core.services.articles import ArticleService
from app.core.services.importing import ImportService
from app.core.services.records import ArticleSpans
from app.core.services.reports import ProjectStats, ReportService
from app.core.services.review import ReviewService
from app.core.services.team import TeamService
from app.core.services.trained_models import ModelService
from app.core.services.work import Work
from app.core.span_details import SpanDetails
from app.core.vocabulary import GOLD_LAYER, Origin, Progress, Role, Status
from app.store import migrate
from app.store.engine import failure_reason, make_engine, project_url, shown_location, sqlite_path, writer
from app.store.models import SchemaCopy

__all__ = ["Project", "default_annotator"]

SQLITE_HEADER = b"SQLite format 3\x00"


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "annotator"


class Project:
    """An open project: one database, its label schema, and the annotator acting on it."""

    def __init__(self, url: str, annotator: str | None = None):
        """Use Project.open or Project.create."""
        self._work = work = Work(url, annotator or default_annotator())
        self._team = TeamService(work)
        self._imports = ImportService(work)
        self._articles = ArticleService(work)
        self._annotations = AnnotationService(work)
        self._review = ReviewService(work)
        self._models = ModelService(work)
        self._reports = ReportService(work)

    @property
    def url(self) -> str:
        return self._work.url

    @property
    def annotator(self) -> str:
        """The person acting; the window changes it when someone else takes over."""
        return self._work.annotator

    @annotator.setter
    def annotator(self, name: str) -> None:
        self._work.annotator = name

    @property
    def schema(self) -> Schema:
        return self._work.schema

    @property
    def _engine(self) -> Engine:
        """The project's engine (tests read its rows through it)."""
        return self._work.engine

    @property
    def _writer(self) -> Engine:
        """The engine whose transactions announce that they will write (store.engine.writer)."""
        return self._work.writer

    @classmethod
    def open(
        cls,
        location: str | Path,
        annotator: str | None = None,
        *,
        create: bool = False,
        schema_path: str | Path | None = None,
    ) -> Project:
        """Open the project at a file path or database URL, migrating it to the newest revision.

        With `create`, a missing SQLite file or an empty database becomes a new project
        (made by the migrations) carrying the schema at `schema_path` or the default one.
        """
        url = project_url(location)
        path = sqlite_path(url)
        if path is not None:
            _check_sqlite_file(path, create)
        engine = _engine_for(url)
        try:
            is_new = _is_empty(engine)
            if is_new and not create:
                raise ProjectError(f"{shown_location(location)}: no NewsGloss project there "
                                   "(create one with `newsgloss init`)")
            revision = None if is_new else migrate.current_revision(engine)
            if not is_new and revision is None:
                raise ProjectError(f"{shown_location(location)}: this database is not a NewsGloss project")
            schema = load_schema(schema_path or default_schema_path()) if is_new else None
            if revision != migrate.head_revision():
                if revision is not None and path is not None:
                    migrate.backup_sqlite(engine, path)
                migrate.upgrade(writer(engine))
            if schema is not None:
                with Session(writer(engine)) as session, session.begin():
                    session.add(SchemaCopy(name=schema.name, source_text=schema.source_text))
        finally:
            engine.dispose()
        return cls(url, annotator)

    @classmethod
    def create(cls, location: str | Path, annotator: str | None = None, schema_path: str | Path | None = None) -> Project:
        url = project_url(location)
        engine = _engine_for(url)
        try:
            path = sqlite_path(url)
            if (path is not None and path.exists() and path.stat().st_size > 0) or (
                path is None and not _is_empty(engine)
            ):
                raise ProjectError(f"{shown_location(location)}: a project or other file is already there")
        finally:
            engine.dispose()
        return cls.open(location, annotator, create=True, schema_path=schema_path)

    def close(self) -> None:
        self._work.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def team(self) -> dict[str, Role]:
        return self._team.team()

    def role(self) -> Role:
        return self._team.role()

    def set_role(self, name: str, role: str | Role) -> None:
        return self._team.set_role(name, role)

    def last_change(self) -> int:
        return self._reports.last_change()

    def changes_since(self, change_id: int, also: Iterable[int] = ()) -> list[tuple[int, str, str, int | None]]:
        return self._reports.changes_since(change_id, also)

    def add_articles(self, drafts: Sequence[ArticleDraft]) -> ImportReport:
        return self._imports.add_articles(drafts)

    def add_documents(self, docs: Iterable[AnnotatedDocument], schema: Schema | None = None) -> tuple[int, int, int, int]:
        return self._imports.add_documents(docs, schema)

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        return self._articles.dump()

    def dump_reader(self) -> AbstractContextManager[Callable[[str], Iterator[dict[str, Any]]]]:
        return self._articles.dump_reader()

    def restore(self, dumped: dict[str, list[dict[str, Any]]], source: str = "the native file") -> None:
        return self._articles.restore(dumped, source)

    def articles(self, article_ids: Iterable[int] | None = None) -> list[ArticleSummary]:
        return self._articles.articles(article_ids)

    def count_articles(self, query: ArticleQuery = ArticleQuery()) -> int:
        return self._articles.count_articles(query)

    def article_page(self, query: ArticleQuery, offset: int, limit: int) -> list[ArticleSummary]:
        return self._articles.article_page(query, offset, limit)

    def article_position(self, query: ArticleQuery, article_id: int) -> int | None:
        return self._articles.article_position(query, article_id)

    def article(self, article_id: int) -> ArticleRecord:
        return self._articles.article(article_id)

    def article_ids(self) -> list[int]:
        return self._articles.article_ids()

    def annotated(self, article_ids: Iterable[int] | None = None, chunk: int = 500
                  ) -> Iterator[tuple[ArticleRecord, list[SpanRecord], list[FrameRecord]]]:
        return self._articles.annotated(article_ids, chunk)

    def exported(self, article_ids: Iterable[int] | None = None, chunk: int = 500
                 ) -> Iterator[tuple[ArticleRecord, list[SpanData], list[FrameRecord]]]:
        return self._articles.exported(article_ids, chunk)

    def framed(self, frame_type: str, article_ids: Iterable[int] | None = None, chunk: int = 500
               ) -> Iterator[tuple[ArticleRecord, list[SpanRecord], list[FrameRecord]]]:
        return self._articles.framed(frame_type, article_ids, chunk)

    def annotators(self) -> list[str]:
        return self._team.annotators()

    def article_texts(self, article_ids: Sequence[int]) -> dict[int, str]:
        return self._articles.article_texts(article_ids)

    def set_progress(self, article_id: int, status: str | Progress) -> None:
        return self._articles.set_progress(article_id, status)

    def progress(self, article_id: int) -> Progress:
        return self._articles.progress(article_id)

    def spans(self, article_id: int, *, include_rejected: bool = False) -> list[SpanRecord]:
        return self._annotations.spans(article_id, include_rejected=include_rejected)

    def article_spans(self, article_id: int, *, include_rejected: bool = False,
                      layers: Callable[[str], bool] | None = None, span_ids: Sequence[int] | None = None
                      ) -> ArticleSpans:
        return self._annotations.article_spans(article_id, include_rejected=include_rejected, layers=layers,
                                               span_ids=span_ids)

    def decisions(self, article_ids: Iterable[int] | None = None) -> list[DecisionRecord]:
        return self._review.decisions(article_ids)

    def suggestion_decisions(self) -> dict[tuple[str, str], int]:
        return self._review.suggestion_decisions()

    def add_span(self, article_id: int, start: int, end: int, label: str, *,
                 origin: str | Origin = Origin.HUMAN, status: str | Status = Status.ACCEPTED,
                 score: float | None = None, model: str | None = None, layer: str | None = None) -> SpanRecord:
        return self._annotations.add_span(article_id, start, end, label, origin=origin, status=status, score=score,
                                          model=model, layer=layer)

    def update_span(self, span_id: int, *, label: str | None = None, start: int | None = None,
                    end: int | None = None, status: str | Status | None = None,
                    expected_version: int | None = None) -> SpanRecord:
        return self._annotations.update_span(span_id, label=label, start=start, end=end, status=status,
                                             expected_version=expected_version)

    def set_span_details(self, span_id: int, details: SpanDetails, *,
                         expected_version: int | None = None) -> SpanRecord:
        return self._annotations.set_span_details(span_id, details, expected_version=expected_version)

    def delete_span(self, span_id: int, *, expected_version: int | None = None) -> DeletedSpan:
        return self._annotations.delete_span(span_id, expected_version=expected_version)

    def restore_span(self, deleted: DeletedSpan) -> SpanRecord:
        return self._annotations.restore_span(deleted)

    def frames(self, article_id: int, *, include_rejected: bool = False) -> list[FrameRecord]:
        return self._annotations.frames(article_id, include_rejected=include_rejected)

    def add_frame(self, article_id: int, frame_type: str, roles: dict[str, Sequence[int]] | None = None,
                  attributes: dict[str, str] | None = None, *, origin: str | Origin = Origin.HUMAN,
                  status: str | Status = Status.ACCEPTED, score: float | None = None,
                  model: str | None = None, layer: str | None = None) -> FrameRecord:
        return self._annotations.add_frame(article_id, frame_type, roles, attributes, origin=origin, status=status,
                                           score=score, model=model, layer=layer)

    def update_frame(self, frame_id: int, *, roles: dict[str, Sequence[int]] | None = None,
                     attributes: dict[str, str] | None = None, status: str | Status | None = None,
                     expected_version: int | None = None) -> FrameRecord:
        return self._annotations.update_frame(frame_id, roles=roles, attributes=attributes, status=status,
                                              expected_version=expected_version)

    def delete_frame(self, frame_id: int, *, expected_version: int | None = None) -> FrameRecord:
        return self._annotations.delete_frame(frame_id, expected_version=expected_version)

    def restore_frame(self, record: FrameRecord) -> FrameRecord:
        return self._annotations.restore_frame(record)

    def add_suggestions(self, batch: Sequence[tuple[int, Any]], model: str) -> tuple[int, int]:
        return self._review.add_suggestions(batch, model)

    def review(self, status: str | Status, span_ids: Sequence[int] = (), frame_ids: Sequence[int] = (), *,
               fix: dict[str, Any] | None = None) -> Review:
        return self._review.review(status, span_ids, frame_ids, fix=fix)

    def undo_review(self, review: Review) -> None:
        return self._review.undo_review(review)

    def adopt(self, span_ids: Sequence[int] = (), frame_ids: Sequence[int] = (), *, merge: bool = False,
              layer: str = GOLD_LAYER) -> Adopted:
        return self._team.adopt(span_ids, frame_ids, merge=merge, layer=layer)

    def discard(self, adopted: Adopted) -> None:
        return self._team.discard(adopted)

    def take_out(self, span_ids: Sequence[int] = (), frame_ids: Sequence[int] = (), *,
                 layer: str = GOLD_LAYER) -> TakenOut:
        return self._team.take_out(span_ids, frame_ids, layer=layer)

    def put_back(self, taken: TakenOut) -> None:
        return self._team.put_back(taken)

    def register_model(self, name: str, path: str, base: str, labels: dict[str, Any],
                       metrics: dict[str, Any]) -> None:
        return self._models.register_model(name, path, base, labels, metrics)

    def resolve_model(self, model: str) -> str:
        return self._models.resolve_model(model)

    def models(self) -> list[dict[str, Any]]:
        return self._models.models()

    def change_log(self, article_id: int | None = None, action: str | None = None) -> list[dict[str, Any]]:
        return self._reports.change_log(article_id, action)

    def stats(self) -> ProjectStats:
        return self._reports.stats()

    def span_counts(self) -> dict[tuple[str, str, str], int]:
        return self._reports.span_counts()

    def filler_texts(self, frame_type: str, status: str | Status = Status.ACCEPTED) -> list[tuple[int, str, str]]:
        return self._reports.filler_texts(frame_type, status)

    def frame_attributes(self, frame_type: str, status: str | Status = Status.ACCEPTED) -> dict[int, dict[str, Any]]:
        return self._reports.frame_attributes(frame_type, status)

    def everyone_progress(self) -> dict[int, dict[str, str]]:
        return self._reports.everyone_progress()

    def accepted_by_layer(self, article_ids: Sequence[int] = ()) -> tuple[list[tuple], list[tuple]]:
        return self._reports.accepted_by_layer(article_ids)


def _check_sqlite_file(path: Path, create: bool) -> None:
    if path.is_dir():
        raise ProjectError(f"{path}: is a folder, not a project file")
    if not path.exists():
        if not create:
            raise ProjectError(f"{path}: no NewsGloss project there (create one with `newsgloss init`)")
        if not path.parent.is_dir():
            raise ProjectError(f"{path}: the folder {path.parent} does not exist")
        return
    with path.open("rb") as f:
        header = f.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise ProjectError(f"{path}: not a NewsGloss project (not an SQLite database)")


def _engine_for(url: str):
    """An engine for a project URL, or a ProjectError saying in one line why there cannot be one."""
    try:
        return make_engine(url)
    except (NoSuchModuleError, ImportError) as err:
        raise ProjectError(f"{shown_location(url)}: NewsGloss has no driver for this database ({err})") from None
    except ArgumentError:  # its message repeats the URL, password and all
        raise ProjectError(f"{shown_location(url)}: not a database URL") from None


def _check_encoding(conn) -> None:
    """Offsets count characters: a PostgreSQL database that stores bytes (SQL_ASCII) or a legacy
    encoding would count, or refuse, some of them."""
    if conn.dialect.name != "postgresql":
        return
    encoding = conn.exec_driver_sql("SHOW server_encoding").scalar()
    if encoding != "UTF8":
        raise ProjectError(f"{shown_location(conn.engine.url)}: the database's encoding is {encoding}; "
                           "NewsGloss needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8' TEMPLATE template0)")


def _is_empty(engine) -> bool:
    """Whether the database has no tables. The first connection to it, so it also says in one line
    why NewsGloss cannot connect to it or use it."""
    try:
        with engine.connect() as conn:
            _check_encoding(conn)
            return not inspect(conn).get_table_names()
    except OperationalError as err:
        hint = ""
        if engine.url.get_backend_name() == "postgresql" and engine.url.password is None:
            hint = " (NewsGloss keeps no passwords: put yours in ~/.pgpass or the file $PGPASSFILE names)"
        raise ProjectError(f"cannot connect to {shown_location(engine.url)}: {failure_reason(err)}{hint}") from None
