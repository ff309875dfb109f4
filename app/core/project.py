"""A NewsGloss project and the services that read and change it.

Every public method that changes something is one unit of work: it validates its
input, writes, appends to the change log and commits before it returns. What it
returns is plain data (records from core.annotations / core.articles), never a
live ORM object, so callers on any thread can keep it.
"""

from __future__ import annotations

import functools
import gc
import getpass
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, exists, func, insert, inspect, select, text, type_coerce
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError, StatementError
from sqlalchemy.orm import Session, object_session, selectinload
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.types import NullType

from app.core.annotations import (
    Adopted,
    DecisionRecord,
    DeletedSpan,
    ExportSpan,
    FrameRecord,
    Review,
    ReviewState,
    SlotRecord,
    SpanRecord,
    TakenOut,
)
from app.core import article_listing, model_archive
from app.core.articles import ArticleDraft, ArticleQuery, ArticleRecord, ArticleSummary, ImportReport
from app.core.documents import TOOL_ATTRIBUTE_PREFIX, AnnotatedDocument
from app.core.normalise import check_normalised, is_normalised
from app.core.errors import InputError, NotFoundError, NotAllowedError, ProjectError, StaleEditError, ValidationError
from app.core.schema import Schema, default_schema_path, load_schema, parse_schema
from app.core.span_details import SpanDetails
from app.core.suggestion_store import Existing, anchor_role, plan_article
from app.core.text import content_hash
from app.core.vocabulary import Origin, Progress, Role, Status
from app.store import migrate
from app.store.dump import NotEmptyError, dump_tables, load_tables, table_rows
from app.store.engine import failure_reason, make_engine, project_url, shown_location, sqlite_path, writer
from app.store.models import (
    Annotator,
    Article,
    ArticleProgress,
    ChangeLog,
    Decision,
    Frame,
    FrameSlot,
    ModelArchive,
    SchemaCopy,
    Span,
    TrainedModel,
    utcnow,
)

SQLITE_HEADER = b"SQLite format 3\x00"
MODEL_LAYER = "model"
GOLD_LAYER = "gold"  # the adjudicated layer, written by reviewers
NOT_PEOPLE = frozenset({MODEL_LAYER, GOLD_LAYER})  # every other layer is a person's
FRAME_LINK_PREFIX = TOOL_ATTRIBUTE_PREFIX + "arg:"  # frame attributes whose values are keys of other frames
NEWCOMER_LOCK = 0x4E47_0001  # the PostgreSQL advisory lock newcomers take in turn ("NG", 1)
IMPORT_BATCH = 1000  # documents an import reads and writes at a time


def default_annotator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "annotator"


class Project:
    """An open project: one database, its label schema, and the annotator acting on it."""

    def __init__(self, url: str, annotator: str | None = None):
        """Use Project.open or Project.create."""
        self.url = url
        self.annotator = annotator or default_annotator()
        self._engine = make_engine(url)
        self._writer = writer(self._engine)
        self.schema: Schema = self._load_schema()

    # ------------------------------------------------------------------ opening

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
        self._engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _load_schema(self) -> Schema:
        with Session(self._engine) as session:
            row = session.scalars(select(SchemaCopy).order_by(SchemaCopy.id.desc()).limit(1)).first()
            if row is None:
                raise ProjectError(f"{shown_location(self.url)}: the project carries no label schema")
            return parse_schema(row.source_text, f"{shown_location(self.url)} (label_schema {row.id})")

    # ------------------------------------------------------------- unit of work

    @contextmanager
    def _unit(self) -> Iterator[Session]:
        """One committed unit of work: everything inside commits together or not at all."""
        try:
            with Session(self._writer, expire_on_commit=False) as session, session.begin():
                yield session
        except StaleDataError:  # another person's edit to the same row committed between our read and write
            raise StaleEditError("someone else changed the same annotation at the same moment; nothing of "
                                 "yours was saved: reload and try again") from None

    def _log(self, session: Session, action: str, article_id: int | None, subject: str | None,
             subject_id: int | None, data: dict[str, Any]) -> None:
        session.add(ChangeLog(annotator=self.annotator, action=action, article_id=article_id,
                              subject=subject, subject_id=subject_id, data=data))

    def _annotator_id(self, session: Session) -> int:
        """The acting person's id, made on their first action: a reviewer if the project has none yet
        (whoever starts a project can adjudicate it), else an annotator."""
        cached = session.info.get("acting")
        if cached is not None and cached[0] == self.annotator:
            return cached[1]
        found = session.scalar(select(Annotator.id).where(Annotator.name == self.annotator))
        if found is None and _newcomers_queue(session):
            found = session.scalar(select(Annotator.id).where(Annotator.name == self.annotator))
        if found is None:
            annotator = Annotator(name=self.annotator, role=_role_of_newcomer(session))
            session.add(annotator)
            session.flush()
            found = annotator.id
        session.info["acting"] = (self.annotator, found)
        return found

    def _is_reviewer(self, session: Session) -> bool:
        return session.get(Annotator, self._annotator_id(session)).role == Role.REVIEWER

    def _check_may_write(self, session: Session, layer: str, what: str) -> None:
        """Annotators write their own layer and decide on the model's suggestions; reviewers write any layer."""
        if layer in (self.annotator, MODEL_LAYER) or self._is_reviewer(session):
            return
        owner = "the gold layer" if layer == GOLD_LAYER else f"{layer}'s layer"
        who = "a reviewer" if layer == GOLD_LAYER else f"{layer} or a reviewer"
        raise NotAllowedError(f"{what} is in {owner}; only {who} can change it "
                              f"({self.annotator} is an annotator)")

    # --------------------------------------------------------------------- team

    def team(self) -> dict[str, str]:
        """Every person who has worked on the project, with their role (annotator or reviewer), by name."""
        with Session(self._engine) as session:
            return {name: role.value for name, role in
                    session.execute(select(Annotator.name, Annotator.role).order_by(Annotator.name))}

    def role(self) -> str:
        """The acting person's role; for someone who has not acted yet, the role their first action gives."""
        with Session(self._engine) as session:
            role = session.scalar(select(Annotator.role).where(Annotator.name == self.annotator))
            return (role or _role_of_newcomer(session)).value

    def set_role(self, name: str, role: str | Role) -> None:
        """Give `name` a role. Only a reviewer may, except while the project has none."""
        role = _choice(Role, role, "role")
        with self._unit() as session:
            _newcomers_queue(session)
            if _role_of_newcomer(session) != Role.REVIEWER and not self._is_reviewer(session):
                raise NotAllowedError(f"only a reviewer can give roles ({self.annotator} is an annotator); "
                                      f"ask a reviewer to run: newsgloss team --role {name} {role.value}")
            row = session.scalar(select(Annotator).where(Annotator.name == name))
            if row is None:
                row = Annotator(name=name)
                session.add(row)
            before, row.role = row.role, role
            self._log(session, "team.role", None, "annotator", None,
                      {"name": name, "from": None if before is None else before.value, "to": role.value})

    def last_change(self) -> int:
        """The newest change-log entry's id: cheap to poll, it moves whenever anyone changes anything."""
        with Session(self._engine) as session:
            return session.scalar(select(func.max(ChangeLog.id))) or 0

    def changes_since(self, change_id: int, also: Iterable[int] = ()) -> list[tuple[int, str, str, int | None]]:
        """(id, annotator, action, article id) of every change after `change_id`, and of those with the
        ids in `also`, oldest first."""
        newer = ChangeLog.id > change_id
        also = list(also)
        with Session(self._engine) as session:
            return list(session.execute(
                select(ChangeLog.id, ChangeLog.annotator, ChangeLog.action, ChangeLog.article_id)
                .where(newer | ChangeLog.id.in_(also) if also else newer).order_by(ChangeLog.id)).tuples())

    # ----------------------------------------------------------------- articles

    def import_files(self, paths: Iterable[str | Path], title: str | None = None, encodings=None) -> ImportReport:
        """Read every file first (`encodings`: see formats.sources), then add all the articles in one transaction."""
        from app.formats.sources import read_sources

        result = read_sources([Path(p) for p in paths], title=title, encodings=encodings)
        report = self.add_articles(result.drafts)
        report.skipped.extend(result.skipped)
        return report

    def add_articles(self, drafts: Sequence[ArticleDraft]) -> ImportReport:
        """Add articles not yet in the project (by content hash); all in one transaction."""
        report = ImportReport()
        with self._unit() as session:
            ids, there = _document_articles(session, drafts)
            for article_id, draft in zip(ids, drafts):
                if article_id in there:
                    report.duplicates.append((draft, article_id))
                else:
                    there.add(article_id)  # a text repeated in `drafts` is added once
                    report.added.append((article_id, draft))
            if report.added:
                self._log(session, "import", None, "article", None,
                          {"added": [i for i, _ in report.added],
                           "files": sorted({d.origin for _, d in report.added})})
        return report

    def add_documents(self, docs: Iterable[AnnotatedDocument], schema: Schema | None = None) -> tuple[int, int, int, int]:
        """Add annotated documents in one transaction (see core.interchange, which checks them first).

        A new `schema` (the project's, grown) is stored with them. Returns spans
        added, frames added, articles added, articles that were already there.
        What an article holds already (a span at the same place with the same label
        and layer, a frame of the same type with the same fillers) is not added again.
        `docs` is taken IMPORT_BATCH documents at a time, each batch written with a few bulk
        statements, so memory holds one batch, not the import; the transaction holds them all.
        """
        now = utcnow()
        totals = (0, 0, 0, 0)
        with _without_cycle_collection(), self._unit() as session:
            if schema is not None:
                session.add(SchemaCopy(name=schema.name, source_text=schema.source_text))
            ids = _ids(session)
            for chunk in _batches(docs, IMPORT_BATCH):
                counts = self._add_batch(session, chunk, ids, now)
                totals = tuple(a + b for a, b in zip(totals, counts))
        if schema is not None:
            self.schema = schema
        return totals

    def _add_batch(self, session: Session, docs: Sequence[AnnotatedDocument], ids: dict[str, int],
                   now) -> tuple[int, int, int, int]:
        """add_documents for one batch, in its transaction; the batch's counts."""
        article_ids, there = _document_articles(session, [doc.article for doc in docs])
        places, signatures = _known_annotations(session, there)
        span_rows: list[dict[str, Any]] = []
        refs: list[dict[str, int]] = []  # per document: span key -> span id, or ~index of its row in span_rows
        new_spans: list[int] = []  # per document: spans it adds
        for doc, article_id in zip(docs, article_ids):
            text_length, ref, before = len(doc.article.text), {}, len(span_rows)
            for span in doc.spans:
                if not 0 <= span.start < span.end <= text_length:
                    raise InputError(doc.article.origin, f"span {span.key} at {span.start}-{span.end} lies outside "
                                                         f"the text (0-{text_length})", line=doc.article.line)
                problem = span.details.problem(span.start, span.end)
                if problem:
                    raise InputError(doc.article.origin, f"span {span.key}: {problem}", line=doc.article.line)
                layer = span.layer or span.annotator or self.annotator
                place = (span.start, span.end, span.label, layer)
                if place not in places[article_id]:  # new: later copies of it, here or in another document, share it
                    places[article_id][place] = ~len(span_rows)
                    span_rows.append({"article_id": article_id, "start": span.start, "end": span.end,
                                      "label": span.label, "layer": layer,
                                      "annotator_id": self._named(session, ids, span.annotator),
                                      "origin": _choice(Origin, span.origin, "origin"),
                                      "status": _choice(Status, span.status, "status"), "score": span.score,
                                      "created_at": now, "updated_at": now, "version": 1,
                                      **span.details.columns()})
                ref[span.key] = places[article_id][place]
            refs.append(ref)
            new_spans.append(len(span_rows) - before)
        span_ids = _inserted(session, Span, span_rows)
        frame_rows: list[dict[str, Any]] = []
        frame_roles: list[dict[str, list[int]]] = []
        frame_keys: list[tuple[int, str]] = []  # (document, key) of each new frame
        for n, (doc, article_id) in enumerate(zip(docs, article_ids)):
            span_of = {key: i if i >= 0 else span_ids[~i] for key, i in refs[n].items()}
            # a span fills a role once, however often the document names it there
            roles_of = {frame.key: {role: list(dict.fromkeys(span_of[key] for key in keys))
                                    for role, keys in frame.roles.items()} for frame in doc.frames}
            basic = {frame.key: _frame_signature(frame.type, roles_of[frame.key]) for frame in doc.frames}
            for frame in doc.frames:
                roles = roles_of[frame.key]
                signature = _linked_signature(basic[frame.key], frame.attributes, basic)
                if signature in signatures[article_id]:
                    continue
                signatures[article_id].add(signature)
                frame_rows.append({"article_id": article_id, "type": frame.type,
                                   "attributes": dict(frame.attributes),
                                   "layer": frame.layer or frame.annotator or self.annotator,
                                   "annotator_id": self._named(session, ids, frame.annotator),
                                   "origin": _choice(Origin, frame.origin, "origin"),
                                   "status": _choice(Status, frame.status, "status"), "score": frame.score,
                                   "created_at": now, "updated_at": now, "version": 1})
                frame_roles.append(roles)
                frame_keys.append((n, frame.key))
        frame_ids = _inserted(session, Frame, frame_rows)
        slot_rows = [{"frame_id": frame_id, "role": role, "span_id": span_id, "position": position}
                     for frame_id, roles in zip(frame_ids, frame_roles)
                     for role, fillers in roles.items() for position, span_id in enumerate(fillers)]
        if slot_rows:
            session.execute(insert(FrameSlot.__table__), slot_rows)
        _relink_frame_references(session, frame_keys, frame_ids, frame_rows)
        session.execute(insert(ChangeLog.__table__), [
            {"at": now, "annotator": self.annotator, "action": "import.annotations", "article_id": article_id,
             "subject": "article", "subject_id": article_id, "data": {"from": doc.article.origin, "spans": added}}
            for doc, article_id, added in zip(docs, article_ids, new_spans)])
        added_articles = len(set(article_ids) - there)
        return len(span_rows), len(frame_rows), added_articles, len(docs) - added_articles

    def _named(self, session: Session, ids: dict[str, int], name: str | None) -> int | None:
        """The id of annotator `name`, made on first mention."""
        if name is None:
            return None
        if name not in ids:
            annotator = Annotator(name=name)
            session.add(annotator)
            session.flush()
            ids[name] = annotator.id
        return ids[name]

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of the project (native export): schema copies, annotators, articles, spans,
        frames and their slots, progress, the change log."""
        with self._engine.connect() as conn:
            return dump_tables(conn)

    @contextmanager
    def dump_reader(self) -> Iterator[Callable[[str], Iterator[dict[str, Any]]]]:
        """A function giving a table's rows as `dump` has them, read as they are used (native export of a
        large project), all in one read transaction."""
        with self._engine.connect() as conn, conn.begin():
            yield functools.partial(table_rows, conn)

    def restore(self, dumped: dict[str, list[dict[str, Any]]], source: str = "the native file") -> None:
        """Fill an empty project with a dump, ids and all, in one transaction; errors name `source`.

        The dump's newest schema is parsed inside it, so a dump whose schema is
        missing or broken leaves the project as it was, not unopenable.
        """
        try:
            with self._writer.begin() as conn:
                load_tables(conn, dumped)
                schema = _newest_schema(conn, source)
        except NotEmptyError as err:
            raise ValidationError(f"{shown_location(self.url)}: {err}; a native import needs a new, empty project") from None
        except (KeyError, TypeError, ValueError, SQLAlchemyError) as err:
            reason = failure_reason(err) if isinstance(err, StatementError) else str(err).splitlines()[0]
            raise ValidationError(f"{source}: its rows do not fit this project: {reason}") from None
        self.schema = schema

    def articles(self, article_ids: Iterable[int] | None = None) -> list[ArticleSummary]:
        """Every article (or those of `article_ids`) with its counts and the acting person's progress."""
        def only(query, column):
            return query if article_ids is None else query.where(column.in_(list(article_ids)))

        with Session(self._engine) as session:
            span_counts = dict(session.execute(only(
                select(Span.article_id, func.count()).where(Span.status != Status.REJECTED,
                                                            ~self._decided_by_me(Decision.span_id == Span.id)),
                Span.article_id).group_by(Span.article_id)).all())
            frame_counts = dict(session.execute(only(
                select(Frame.article_id, func.count()).where(Frame.status != Status.REJECTED,
                                                             ~self._decided_by_me(Decision.frame_id == Frame.id)),
                Frame.article_id).group_by(Frame.article_id)).all())
            progress = dict(session.execute(only(
                select(ArticleProgress.article_id, ArticleProgress.status)
                .join(Annotator, Annotator.id == ArticleProgress.annotator_id)
                .where(Annotator.name == self.annotator), ArticleProgress.article_id
            )).all())
            rows = session.execute(only(
                select(Article.id, Article.external_id, Article.title, Article.source,
                       func.length(Article.text)), Article.id
            ).order_by(Article.id)).all()
        return [
            ArticleSummary(id=i, external_id=ext, title=title, source=source, chars=chars,
                           spans=span_counts.get(i, 0), frames=frame_counts.get(i, 0),
                           progress=progress.get(i, Progress.TODO).value)
            for i, ext, title, source, chars in rows
        ]

    def count_articles(self, query: ArticleQuery = ArticleQuery()) -> int:
        """How many articles `query` lists."""
        with Session(self._engine) as session:
            listed = article_listing.listed(query, self.annotator).subquery()
            return session.scalar(select(func.count()).select_from(listed))

    def article_page(self, query: ArticleQuery, offset: int, limit: int) -> list[ArticleSummary]:
        """Summaries of the articles `query` lists, rows offset to offset + limit, in its order."""
        with Session(self._engine) as session:
            ids = session.scalars(article_listing.listed(query, self.annotator).offset(offset).limit(limit)).all()
        by_id = {summary.id: summary for summary in self.articles(ids)} if ids else {}
        return [by_id[i] for i in ids]

    def article_position(self, query: ArticleQuery, article_id: int) -> int | None:
        """Where `article_id` stands among the articles `query` lists (0 first); None if not among them."""
        with Session(self._engine) as session:
            return session.scalar(article_listing.position(query, self.annotator, article_id))

    def article(self, article_id: int) -> ArticleRecord:
        with Session(self._engine) as session:
            a = _get(session, Article, article_id)
            return ArticleRecord(id=a.id, external_id=a.external_id, title=a.title, source=a.source, url=a.url,
                                 published=a.published, text=a.text, content_hash=a.content_hash,
                                 meta=dict(a.meta), imported_from=a.imported_from)

    def article_ids(self) -> list[int]:
        """Every article's id, in order: one query, for callers that need no counts."""
        with Session(self._engine) as session:
            return list(session.scalars(select(Article.id).order_by(Article.id)))

    def annotated(self, article_ids: Iterable[int] | None = None, chunk: int = 500
                  ) -> Iterator[tuple[ArticleRecord, list[SpanRecord], list[FrameRecord]]]:
        """Every article (or those of `article_ids`) in id order, with all its spans, rejected too (by start,
        end, id), and frames (by id), as `spans` and `frames` give them: for exports, which read a whole
        project. Four queries per `chunk` articles, and only one chunk in memory at a time."""
        ids = self._wanted(self.article_ids(), article_ids)
        for first in range(0, len(ids), chunk):
            yield from self._annotated_chunk(ids[first:first + chunk])

    def exported(self, article_ids: Iterable[int] | None = None, chunk: int = 500
                 ) -> Iterator[tuple[ArticleRecord, list[ExportSpan], list[FrameRecord]]]:
        """As `annotated`, each span an ExportSpan: what the exports read, in a third of the time."""
        ids = self._wanted(self.article_ids(), article_ids)
        for first in range(0, len(ids), chunk):
            yield from self._annotated_chunk(ids[first:first + chunk], lean=True)

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
        with self._engine.connect() as conn:
            ids = self._wanted(list(conn.scalars(select(Frame.article_id).where(Frame.type == frame_type).distinct()
                                                 .order_by(Frame.article_id))), article_ids)
        for first in range(0, len(ids), chunk):
            yield from self._annotated_chunk(ids[first:first + chunk], frame_type)

    def _annotated_chunk(self, ids: list[int], frame_type: str | None = None, lean: bool = False
                         ) -> list[tuple[ArticleRecord, list[SpanRecord] | list[ExportSpan], list[FrameRecord]]]:
        """The articles of `ids` with their spans (`lean`: as ExportSpans) and frames; with `frame_type`,
        its frames and their fillers."""
        spans: dict[int, list] = defaultdict(list)
        slots: dict[int, list] = defaultdict(list)
        frames: dict[int, list[FrameRecord]] = defaultdict(list)
        in_frames = Frame.article_id.in_(ids) if frame_type is None else (Frame.article_id.in_(ids)
                                                                           & (Frame.type == frame_type))
        in_spans = Span.article_id.in_(ids) if frame_type is None else Span.id.in_(
            select(FrameSlot.span_id).join(Frame, Frame.id == FrameSlot.frame_id).where(in_frames))
        with self._engine.connect() as conn:  # rows, not ORM objects: under half the time for 30,000 spans
            names = _names(conn)
            articles = [ArticleRecord(**row._asdict()) for row in conn.execute(
                select(Article.id, Article.external_id, Article.title, Article.source, Article.url, Article.published,
                       Article.text, Article.content_hash, Article.meta, Article.imported_from)
                .where(Article.id.in_(ids)).order_by(Article.id))]
            record = _export_span if lean else _span_row_record
            for row in conn.execute(select(*(EXPORT_SPAN_COLUMNS if lean else SPAN_COLUMNS)).where(in_spans)
                                    .order_by(Span.article_id, Span.start, Span.end, Span.id)):
                spans[row[1]].append(record(row, names))
            for row in conn.execute(
                    select(FrameSlot.frame_id, FrameSlot.role, FrameSlot.span_id, FrameSlot.position)
                    .join(Frame, Frame.id == FrameSlot.frame_id).where(in_frames)
                    .order_by(FrameSlot.frame_id, FrameSlot.role, FrameSlot.position, FrameSlot.id)):
                slots[row.frame_id].append(row)
            for row in conn.execute(select(*Frame.__table__.columns).where(in_frames)
                                    .order_by(Frame.article_id, Frame.id)):
                frames[row.article_id].append(_frame_record(row, names, slots[row.id]))
        return [(a, spans[a.id], frames[a.id]) for a in articles]

    def annotators(self) -> list[str]:
        return list(self.team())

    def article_texts(self, article_ids: Sequence[int]) -> dict[int, str]:
        with Session(self._engine) as session:
            found = dict(session.execute(select(Article.id, Article.text).where(Article.id.in_(article_ids))).tuples().all())
        missing = sorted(set(article_ids) - set(found))
        if missing:
            raise NotFoundError(f"article {', '.join(map(str, missing))} does not exist")
        return found

    def set_progress(self, article_id: int, status: str | Progress) -> None:
        status = _choice(Progress, status, "article status")
        with self._unit() as session:
            _get(session, Article, article_id)
            self._set_progress(session, article_id, status)

    def _set_progress(self, session: Session, article_id: int, status: Progress) -> None:
        annotator_id = self._annotator_id(session)
        row = session.get(ArticleProgress, (article_id, annotator_id))
        before = row.status.value if row else Progress.TODO.value
        if row is None:
            session.add(ArticleProgress(article_id=article_id, annotator_id=annotator_id, status=status))
        else:
            row.status, row.updated_at = status, utcnow()
        self._log(session, "progress.set", article_id, "article", article_id, {"from": before, "to": status.value})

    def _started(self, session: Session, article_id: int) -> None:
        """A person's first annotation in an article moves it from to-do to in progress, in the same unit."""
        row = session.get(ArticleProgress, (article_id, self._annotator_id(session)))
        if row is None or row.status == Progress.TODO:
            self._set_progress(session, article_id, Progress.IN_PROGRESS)

    def progress(self, article_id: int) -> str:
        with Session(self._engine) as session:
            status = session.scalar(
                select(ArticleProgress.status).join(Annotator, Annotator.id == ArticleProgress.annotator_id)
                .where(ArticleProgress.article_id == article_id, Annotator.name == self.annotator)
            )
        return (status or Progress.TODO).value

    # -------------------------------------------------------------------- spans

    def spans(self, article_id: int, *, include_rejected: bool = False) -> list[SpanRecord]:
        """The article's spans as the acting person sees them: a model suggestion they accepted is left
        out (their copy stands in for it), one they rejected is rejected (for them alone)."""
        with Session(self._engine) as session:
            names = _names(session)
            spans = [_span_raw_record(row, names) for row in session.connection().execute(
                select(*RAW_SPAN_COLUMNS).where(Span.article_id == article_id)
                .order_by(Span.start, Span.end, Span.id)).all()]
            return _as_decided(spans, self._my_decisions(session, "span", article_id), self.annotator,
                               include_rejected)

    def _my_decisions(self, session: Session, kind: str, article_id: int) -> dict[int, tuple[Status, Any]]:
        """The acting person's decisions on the article's model suggestions of one kind: id -> (status, when)."""
        model = Span if kind == "span" else Frame
        column = Decision.span_id if kind == "span" else Decision.frame_id
        return {i: (status, at) for i, status, at in session.execute(
            select(column, Decision.status, Decision.at).join(model, model.id == column)
            .join(Annotator, Annotator.id == Decision.annotator_id)
            .where(model.article_id == article_id, Annotator.name == self.annotator))}

    def _decided_by_me(self, on):
        """SQL: the acting person has decided on the suggestion `on` names (Decision.span_id == Span.id)."""
        return exists(select(Decision.id).join(Annotator, Annotator.id == Decision.annotator_id)
                      .where(on, Annotator.name == self.annotator))

    def decisions(self, article_ids: Iterable[int] | None = None) -> list[DecisionRecord]:
        """Everyone's decisions on the model's suggestions (of the given articles), oldest first."""
        with Session(self._engine) as session:
            names = _names(session)
            found = []
            for kind, model, column, copy in (("span", Span, Decision.span_id, Decision.copy_span_id),
                                              ("frame", Frame, Decision.frame_id, Decision.copy_frame_id)):
                query = select(column, Decision.annotator_id, Decision.status, copy, Decision.at, Decision.id).join(
                    model, model.id == column)
                if article_ids is not None:
                    query = query.where(model.article_id.in_(list(article_ids)))
                found += [(i, DecisionRecord(kind, row_id, names[who], status.value, copy_id, at))
                          for row_id, who, status, copy_id, at, i in session.execute(query)]
            return [record for _, record in sorted(found, key=lambda pair: pair[0])]

    def suggestion_decisions(self) -> dict[tuple[str, str], int]:
        """How the model's span suggestions fared, by (label, status), in two queries: each person's
        acceptances and rejections count once each; a suggestion no one has decided on counts as
        suggested; a model-origin span outside these (an import's) counts by its own status."""
        with Session(self._engine) as session:
            counts: Counter[tuple[str, str]] = Counter()
            for label, status, n in session.execute(
                    select(Span.label, Decision.status, func.count()).join(Span, Span.id == Decision.span_id)
                    .group_by(Span.label, Decision.status)):
                counts[label, status.value] += n
            part_of_a_decision = exists(select(Decision.id).where(
                (Decision.span_id == Span.id) | (Decision.copy_span_id == Span.id)))
            for label, status, n in session.execute(
                    select(Span.label, Span.status, func.count())
                    .where(Span.origin == Origin.MODEL, ~part_of_a_decision).group_by(Span.label, Span.status)):
                counts[label, status.value] += n
            return dict(counts)

    def add_span(self, article_id: int, start: int, end: int, label: str, *,
                 origin: str | Origin = Origin.HUMAN, status: str | Status = Status.ACCEPTED,
                 score: float | None = None, model: str | None = None, layer: str | None = None) -> SpanRecord:
        origin = _choice(Origin, origin, "origin")
        status = _choice(Status, status, "status")
        self.schema.label(label)
        with self._unit() as session:
            article = _get(session, Article, article_id)
            _check_offsets(article, start, end)
            self._check_may_write(session, layer or self.annotator, "the new span")
            span = Span(article_id=article_id, start=start, end=end, label=label,
                        layer=layer or self.annotator, annotator_id=self._annotator_id(session),
                        origin=origin, status=status, score=score, model=model)
            session.add(span)
            session.flush()
            self._log(session, "span.add", article_id, "span", span.id,
                      {"start": start, "end": end, "label": label, "origin": origin.value,
                       "status": status.value, "layer": span.layer})
            if origin == Origin.HUMAN:
                self._started(session, article_id)
            return _span_record(span, _names(session))

    def update_span(self, span_id: int, *, label: str | None = None, start: int | None = None,
                    end: int | None = None, status: str | Status | None = None,
                    expected_version: int | None = None) -> SpanRecord:
        """Relabel, move or review a span. Frames that use it keep it."""
        if label is not None:
            self.schema.label(label)
        with self._unit() as session:
            span = _get(session, Span, span_id)
            _check_version("span", span, expected_version)
            _check_not_shared(span, "span")
            self._check_may_write(session, span.layer, f"span {span_id}")
            before = {"start": span.start, "end": span.end, "label": span.label, "status": span.status.value}
            new_start = span.start if start is None else start
            new_end = span.end if end is None else end
            _check_offsets(span.article, new_start, new_end)
            if label is not None:
                _check_span_fits_roles(session, self.schema, span, label)
            if span.fragments and (new_start, new_end) != (span.start, span.end):
                before["fragments"] = span.fragments  # new boundaries make the span whole again
                span.fragments = None
            span.start, span.end = new_start, new_end
            span.label = label or span.label
            if status is not None:
                self._decide(session, span, _choice(Status, status, "status"))
            span.updated_at = utcnow()
            session.flush()
            after = {"start": span.start, "end": span.end, "label": span.label, "status": span.status.value,
                     "fragments": span.fragments}
            self._log(session, "span.update", span.article_id, "span", span.id,
                      {k: [before.get(k), after[k]] for k in after if before.get(k, after[k]) != after[k]})
            return _span_record(span, _names(session))

    def set_span_details(self, span_id: int, details: SpanDetails, *,
                         expected_version: int | None = None) -> SpanRecord:
        """Replace a span's attributes, normalizations, notes and fragments (see core.span_details)."""
        with self._unit() as session:
            span = _get(session, Span, span_id)
            _check_version("span", span, expected_version)
            self._check_may_write(session, span.layer, f"span {span_id}")
            problem = details.problem(span.start, span.end)
            if problem:
                raise ValidationError(f"span {span_id}: {problem}")
            before = _details(span).columns()
            for name, value in details.columns().items():
                setattr(span, name, value)
            span.updated_at = utcnow()
            session.flush()
            after = details.columns()
            self._log(session, "span.details", span.article_id, "span", span.id,
                      {k: [before[k], after[k]] for k in after if before[k] != after[k]})
            return _span_record(span, _names(session))

    def delete_span(self, span_id: int, *, expected_version: int | None = None) -> DeletedSpan:
        """Delete a span; the frame roles it filled lose it."""
        with self._unit() as session:
            span = _get(session, Span, span_id)
            _check_version("span", span, expected_version)
            _check_not_shared(span, "span")
            self._check_may_write(session, span.layer, f"span {span_id}")
            slots = tuple(
                (slot.frame_id, SlotRecord(slot.role, slot.span_id, slot.position))
                for slot in session.scalars(select(FrameSlot).where(FrameSlot.span_id == span_id))
            )
            deleted = DeletedSpan(_span_record(span, _names(session)), slots)
            session.delete(span)
            self._log(session, "span.delete", span.article_id, "span", span_id,
                      {"start": span.start, "end": span.end, "label": span.label})
            return deleted

    def restore_span(self, deleted: DeletedSpan) -> SpanRecord:
        """Bring a deleted span back under its own id, into the roles it filled whose frames still exist."""
        record = deleted.span
        self.schema.label(record.label)
        with self._unit() as session:
            if session.get(Span, record.id) is not None:
                raise ValidationError(f"span {record.id} exists already")
            article = _get(session, Article, record.article_id)
            _check_offsets(article, record.start, record.end)
            self._check_may_write(session, record.layer, f"span {record.id}")
            ids = _ids(session)
            span = Span(id=record.id, article_id=record.article_id, start=record.start, end=record.end,
                        label=record.label, layer=record.layer, annotator_id=ids.get(record.annotator),
                        origin=Origin(record.origin), status=Status(record.status), score=record.score,
                        model=record.model, reviewed_by=ids.get(record.reviewed_by),
                        reviewed_at=record.reviewed_at, created_at=record.created_at, updated_at=utcnow(),
                        **record.details.columns())
            session.add(span)
            session.flush()
            for frame_id, slot in deleted.slots:
                if session.get(Frame, frame_id) is not None:
                    session.add(FrameSlot(frame_id=frame_id, role=slot.role, span_id=span.id,
                                          position=slot.position))
            self._log(session, "span.restore", span.article_id, "span", span.id,
                      {"start": span.start, "end": span.end, "label": span.label})
            return _span_record(span, _names(session))

    # ------------------------------------------------------------------- frames

    def frames(self, article_id: int, *, include_rejected: bool = False) -> list[FrameRecord]:
        """The article's frames as the acting person sees them (see `spans`)."""
        with Session(self._engine) as session:
            names = _names(session)
            frames = [_frame_record(frame, names) for frame in session.scalars(
                select(Frame).where(Frame.article_id == article_id).order_by(Frame.id))]
            return _as_decided(frames, self._my_decisions(session, "frame", article_id), self.annotator,
                               include_rejected)

    def add_frame(self, article_id: int, frame_type: str, roles: dict[str, Sequence[int]] | None = None,
                  attributes: dict[str, str] | None = None, *, origin: str | Origin = Origin.HUMAN,
                  status: str | Status = Status.ACCEPTED, score: float | None = None,
                  model: str | None = None, layer: str | None = None) -> FrameRecord:
        """A claim, a tariff fact or a relation over existing spans of the article."""
        ftype = self.schema.frame(frame_type)
        values = {name: a.default for name, a in ftype.attributes.items()}
        values.update({k: v for k, v in _check_attributes(ftype, attributes or {}).items() if v not in (None, "")})
        origin = _choice(Origin, origin, "origin")
        status = _choice(Status, status, "status")
        with self._unit() as session:
            _get(session, Article, article_id)
            self._check_may_write(session, layer or self.annotator, "the new frame")
            frame = Frame(article_id=article_id, type=frame_type, attributes=values,
                          layer=layer or self.annotator, annotator_id=self._annotator_id(session),
                          origin=origin, status=status, score=score, model=model)
            frame.slots = _slots(session, self.schema, frame_type, article_id, roles or {})
            session.add(frame)
            session.flush()
            self._log(session, "frame.add", article_id, "frame", frame.id,
                      {"type": frame_type, "roles": _roles_of(frame), "attributes": values})
            if origin == Origin.HUMAN:
                self._started(session, article_id)
            return _frame_record(frame, _names(session))

    def update_frame(self, frame_id: int, *, roles: dict[str, Sequence[int]] | None = None,
                     attributes: dict[str, str] | None = None, status: str | Status | None = None,
                     expected_version: int | None = None) -> FrameRecord:
        """Replace the fillers of the roles named in `roles` (others stay) and set attributes."""
        with self._unit() as session:
            frame = _get(session, Frame, frame_id)
            _check_version("frame", frame, expected_version)
            _check_not_shared(frame, "frame")
            self._check_may_write(session, frame.layer, f"frame {frame_id}")
            ftype = self.schema.frame(frame.type)
            before = {"roles": _roles_of(frame), "attributes": dict(frame.attributes), "status": frame.status.value}
            if attributes:
                merged = {**frame.attributes, **_check_attributes(ftype, attributes)}
                frame.attributes = {k: v for k, v in merged.items() if v not in (None, "") or not is_normalised(k)}
            if roles:
                kept = {r: ids for r, ids in _roles_of(frame).items() if r not in roles}
                slots = _slots(session, self.schema, frame.type, frame.article_id, {**kept, **roles})
                frame.slots.clear()
                session.flush()  # old slots go before new ones that may repeat them
                frame.slots.extend(slots)
            if status is not None:
                self._decide(session, frame, _choice(Status, status, "status"))
            frame.updated_at = utcnow()
            session.flush()
            after = {"roles": _roles_of(frame), "attributes": dict(frame.attributes), "status": frame.status.value}
            self._log(session, "frame.update", frame.article_id, "frame", frame.id,
                      {k: [before[k], after[k]] for k in after if before[k] != after[k]})
            return _frame_record(frame, _names(session))

    def delete_frame(self, frame_id: int, *, expected_version: int | None = None) -> FrameRecord:
        """Delete a frame; its spans stay."""
        with self._unit() as session:
            frame = _get(session, Frame, frame_id)
            _check_version("frame", frame, expected_version)
            _check_not_shared(frame, "frame")
            self._check_may_write(session, frame.layer, f"frame {frame_id}")
            record = _frame_record(frame, _names(session))
            session.delete(frame)
            self._log(session, "frame.delete", frame.article_id, "frame", frame_id,
                      {"type": frame.type, "roles": _roles_of(frame)})
            return record

    def restore_frame(self, record: FrameRecord) -> FrameRecord:
        """Bring a deleted frame back under its own id, with the fillers that still exist."""
        self.schema.frame(record.type)
        with self._unit() as session:
            if session.get(Frame, record.id) is not None:
                raise ValidationError(f"frame {record.id} exists already")
            _get(session, Article, record.article_id)
            self._check_may_write(session, record.layer, f"frame {record.id}")
            ids = _ids(session)
            frame = Frame(id=record.id, article_id=record.article_id, type=record.type,
                          attributes=dict(record.attributes), layer=record.layer,
                          annotator_id=ids.get(record.annotator), origin=Origin(record.origin),
                          status=Status(record.status), score=record.score, model=record.model,
                          reviewed_by=ids.get(record.reviewed_by), reviewed_at=record.reviewed_at,
                          created_at=record.created_at, updated_at=utcnow())
            frame.slots = [FrameSlot(role=s.role, span_id=s.span_id, position=s.position)
                           for s in record.slots if session.get(Span, s.span_id) is not None]
            session.add(frame)
            session.flush()
            self._log(session, "frame.restore", frame.article_id, "frame", frame.id,
                      {"type": frame.type, "roles": _roles_of(frame)})
            return _frame_record(frame, _names(session))

    # -------------------------------------------------------------- suggestions

    def add_suggestions(self, batch: Sequence[tuple[int, Any]], model: str) -> tuple[int, int]:
        """Store machine suggestions for several articles in one transaction (see core.suggestion_store).

        `batch` holds (article id, nlp Suggestions). Returns the spans and frames added.
        """
        added_spans = added_frames = 0
        now = utcnow()
        with self._unit() as session:
            for article_id, suggestions in batch:
                article = _get(session, Article, article_id)
                plan = plan_article(_existing(session, article_id), suggestions, self.schema)
                keys = list(plan.spans)
                for start, end, _label in keys:
                    _check_offsets(article, start, end)
                ids = dict(zip(keys, _inserted(session, Span, [
                    {"article_id": article_id, "start": k[0], "end": k[1], "label": k[2], "layer": MODEL_LAYER,
                     "origin": Origin.MODEL, "status": Status.SUGGESTED, "score": plan.spans[k].score,
                     "model": model, "created_at": now, "updated_at": now, "version": 1} for k in keys])))
                frame_ids = _inserted(session, Frame, [
                    {"article_id": article_id, "type": f.type, "attributes": dict(f.attributes),
                     "layer": MODEL_LAYER, "origin": Origin.MODEL, "status": Status.SUGGESTED,
                     "score": f.score, "model": model, "created_at": now, "updated_at": now, "version": 1}
                    for f, _ in plan.frames])
                slots = [{"frame_id": frame_id, "role": role, "span_id": t if isinstance(t, int) else ids[t],
                          "position": position}
                         for frame_id, (_, roles) in zip(frame_ids, plan.frames)
                         for role, targets in roles.items() for position, t in enumerate(targets)]
                if slots:
                    session.execute(insert(FrameSlot), slots)
                added_spans += len(keys)
                added_frames += len(frame_ids)
                self._log(session, "suggest", article_id, None, None, {
                    "model": model,
                    "spans": [[x.start, x.end, x.label] for x in suggestions.spans],
                    "frames": [{"type": f.type, "attributes": dict(f.attributes),
                                "roles": {r: [[x.start, x.end, x.label] for x in fs] for r, fs in f.roles.items()}}
                               for f in suggestions.frames],
                    "added": {"spans": len(keys), "frames": len(frame_ids)},
                })
        return added_spans, added_frames

    def review(self, status: str | Status, span_ids: Sequence[int] = (), frame_ids: Sequence[int] = (), *,
               fix: dict[str, Any] | None = None) -> Review:
        """The acting person accepts or rejects spans and frames, in one unit; accepting a frame accepts
        its suggested fillers.

        A decision on a model suggestion is the person's alone: the suggestion stays open for everyone
        else; accepting it puts a copy in the person's layer (origin model, linked to it by the decision),
        rejecting it records their rejection. A rejection they made before becomes an acceptance; an
        acceptance is taken back by deleting the copy. A suggestion in a person's own layer (from an
        import) is decided on the row itself. `fix` ({"label", "start", "end"}, any of them) corrects the
        one span accepted. Returns what undo_review needs.
        """
        status = _choice(Status, status, "status")
        if status == Status.SUGGESTED:
            raise ValidationError("a review accepts or rejects; to take a decision back, undo it")
        if fix and (status != Status.ACCEPTED or frame_ids or len(span_ids) != 1):
            raise ValidationError("a fix corrects one span as it is accepted")
        if fix and fix.get("label") is not None:
            self.schema.label(fix["label"])
        with self._unit() as session:
            me, now, names = self._annotator_id(session), utcnow(), _names(session)
            frames = [_get(session, Frame, i) for i in frame_ids]
            spans = {i: _get(session, Span, i) for i in span_ids}
            fillers = {slot.span_id for frame in frames for slot in frame.slots} if status == Status.ACCEPTED else set()
            mine = {(kind, getattr(d, f"{kind}_id")): d for kind, ids in (("span", [*spans, *fillers]),
                                                                           ("frame", list(frame_ids)))
                    for d in session.scalars(select(Decision).where(
                        Decision.annotator_id == me, getattr(Decision, f"{kind}_id").in_(ids)))}
            for filler in (session.get(Span, i) for i in sorted(fillers)):
                # a frame accepted brings its suggested fillers, except those the person rejected
                prior = mine.get(("span", filler.id))
                if filler.status == Status.SUGGESTED and (prior is None or prior.status != Status.REJECTED):
                    spans.setdefault(filler.id, filler)
            for kind, rows in (("span", spans.values()), ("frame", frames)):
                for row in rows:
                    if not _shared(row):
                        self._check_may_write(session, row.layer, f"{kind} {row.id}")
            in_place: dict[str, list[ReviewState]] = {"span": [], "frame": []}
            made: list[DecisionRecord] = []
            replaced: list[DecisionRecord] = []
            copies: dict[int, int] = {}  # a suggested filler -> the person's copy of it

            def decide(kind: str, row: Span | Frame, changes: dict[str, Any]) -> None:
                if not _shared(row):
                    in_place[kind].append(ReviewState(row.id, row.status.value, names[row.reviewed_by],
                                                      row.reviewed_at, *((row.start, row.end, row.label)
                                                                         if kind == "span" else ())))
                    if changes:
                        _check_offsets(row.article, changes.get("start", row.start), changes.get("end", row.end))
                        if "label" in changes:
                            _check_span_fits_roles(session, self.schema, row, changes["label"])
                        for key, value in changes.items():
                            setattr(row, key, value)
                    self._decide(session, row, status)
                    row.updated_at = now
                    self._log(session, f"{kind}.review", row.article_id, kind, row.id,
                              {"status": status.value, **changes})
                    return
                prior = mine.get((kind, row.id))
                if prior is not None and prior.status == status:
                    if kind == "span" and prior.copy_span_id is not None:
                        copies[row.id] = prior.copy_span_id
                    return
                if prior is not None:
                    if prior.status == Status.ACCEPTED:
                        copy = prior.copy_span_id or prior.copy_frame_id
                        raise ValidationError(f"{self.annotator} accepted {kind} {row.id} already ({kind} {copy} "
                                              f"of their layer); delete that {kind} to take the acceptance back")
                    replaced.append(DecisionRecord(kind, row.id, self.annotator, prior.status.value, None, prior.at))
                    session.delete(prior)
                    session.flush()
                copy = self._copy(session, kind, row, changes, copies, me, now) if status == Status.ACCEPTED else None
                decision = Decision(annotator_id=me, status=status, at=now, **{f"{kind}_id": row.id},
                                    **({} if copy is None else {f"copy_{kind}_id": copy}))
                session.add(decision)
                made.append(DecisionRecord(kind, row.id, self.annotator, status.value, copy, now))
                self._log(session, f"{kind}.review", row.article_id, kind, row.id,
                          {"status": status.value, "copy": copy, **changes})

            for span in spans.values():
                decide("span", span, {k: v for k, v in (fix or {}).items() if v is not None})
            for frame in frames:
                decide("frame", frame, {})
            return Review(spans=tuple(in_place["span"]), frames=tuple(in_place["frame"]), decided=tuple(made),
                          replaced=tuple(replaced))

    def _copy(self, session: Session, kind: str, row: Span | Frame, changes: dict[str, Any], copies: dict[int, int],
              me: int, now) -> int:
        """The acting person's copy of a suggestion they accept, in their layer; a frame's fillers are
        their copies of the suggested ones (accepted in the same review, so in `copies`)."""
        common = dict(article_id=row.article_id, layer=self.annotator, annotator_id=me, origin=row.origin,
                      status=Status.ACCEPTED, score=row.score, model=row.model, reviewed_by=me, reviewed_at=now,
                      created_at=now, updated_at=now)
        if kind == "span":
            values = {"start": row.start, "end": row.end, "label": row.label, **changes}
            _check_offsets(row.article, values["start"], values["end"])
            copy = Span(**values, **common)
        else:
            copy = Frame(type=row.type, attributes=dict(row.attributes), **common)
            copy.slots = [FrameSlot(role=slot.role, span_id=copies.get(slot.span_id, slot.span_id),
                                    position=slot.position) for slot in row.slots]
        session.add(copy)
        session.flush()
        if kind == "span":
            copies[row.id] = copy.id
        return copy.id

    def undo_review(self, review: Review) -> None:
        """Take a review back: remove the decisions it recorded with the copies they made, put back the
        rejections it replaced, and the rows it decided in place as they were."""
        with self._unit() as session:
            ids = _ids(session)
            me = self._annotator_id(session)
            for record in sorted(review.decided, key=lambda r: r.kind == "span"):  # frames before their fillers
                model = Span if record.kind == "span" else Frame
                subject = _get(session, model, record.suggestion_id)
                decision = session.scalar(select(Decision).where(
                    Decision.annotator_id == me, getattr(Decision, f"{record.kind}_id") == record.suggestion_id))
                if decision is None:  # taken back since, with its copy
                    continue
                copy = session.get(model, record.copy_id) if record.copy_id is not None else None
                session.delete(copy if copy is not None else decision)
                session.flush()
                if copy is not None:  # the database deleted the decision with its copy
                    session.expunge(decision)
                self._log(session, f"{record.kind}.review", subject.article_id, record.kind, subject.id,
                          {"status": record.status, "copy": record.copy_id, "undone": True})
            for record in review.replaced:
                session.add(Decision(annotator_id=ids[record.annotator], status=Status(record.status), at=record.at,
                                     **{f"{record.kind}_id": record.suggestion_id}))
            for model, states in ((Span, review.spans), (Frame, review.frames)):
                for state in states:
                    row = _get(session, model, state.id)
                    row.status = Status(state.status)
                    row.reviewed_by, row.reviewed_at = ids.get(state.reviewed_by), state.reviewed_at
                    if model is Span:
                        row.start, row.end, row.label = state.start, state.end, state.label
                    row.updated_at = utcnow()
                    self._log(session, f"{model.__tablename__}.review", row.article_id, model.__tablename__,
                              row.id, {"status": state.status, "undone": True})

    # ------------------------------------------------------------ adjudication

    def adopt(self, span_ids: Sequence[int] = (), frame_ids: Sequence[int] = (), *, merge: bool = False,
              layer: str = GOLD_LAYER) -> Adopted:
        """Copy people's spans and frames into the gold layer, in one unit; reviewers only.

        What gold already holds is reused, not doubled: a span with the same boundaries and
        label, a frame of the same type with the same fillers. A frame brings its fillers.
        With `merge`, frames of one type become one gold frame holding every role any of
        them fills (a single-filler role takes the first frame's filler) and the first
        frame's attributes. Returns what was created, for `discard`.
        """
        with self._unit() as session:
            if not self._is_reviewer(session):
                raise NotAllowedError(f"only a reviewer can adjudicate into the {layer} layer "
                                      f"({self.annotator} is an annotator)")
            me, now = self._annotator_id(session), utcnow()
            sources = [_get(session, Span, i) for i in span_ids]
            frames = [_get(session, Frame, i) for i in frame_ids]
            articles = {row.article_id for row in [*sources, *frames]}
            if len(articles) > 1:
                raise ValidationError("adjudication works on one article at a time")
            if not articles:
                return Adopted()
            article_id = articles.pop()
            gold_spans = {(s.start, s.end, s.label): s.id for s in session.scalars(
                select(Span).where(Span.article_id == article_id, Span.layer == layer, Span.status != Status.REJECTED))}
            made_spans: list[int] = []

            def gold_span(source: Span) -> int:
                key = (source.start, source.end, source.label)
                if key not in gold_spans:
                    row = Span(article_id=article_id, start=source.start, end=source.end, label=source.label,
                               layer=layer, annotator_id=me, origin=Origin.HUMAN, status=Status.ACCEPTED,
                               reviewed_by=me, reviewed_at=now, **_details(source).columns())
                    session.add(row)
                    session.flush()
                    gold_spans[key] = row.id
                    made_spans.append(row.id)
                return gold_spans[key]

            for source in sources:
                gold_span(source)
            known = {_gold_signature(f.type, _roles_of(f), f.attributes) for f in session.scalars(
                select(Frame).where(Frame.article_id == article_id, Frame.layer == layer,
                                    Frame.status != Status.REJECTED).options(selectinload(Frame.slots)))}
            made_frames: list[int] = []
            for group in _frame_groups(frames, merge):
                roles: dict[str, list[int]] = {}
                for frame in group:
                    multiple = {name: r.multiple for name, r in self.schema.frame(frame.type).roles.items()}
                    for slot in frame.slots:
                        fillers = roles.setdefault(slot.role, [])
                        target = gold_span(session.get(Span, slot.span_id))
                        if target not in fillers and (multiple.get(slot.role, True) or not fillers):
                            fillers.append(target)
                signature = _gold_signature(group[0].type, roles, group[0].attributes)
                if signature in known:
                    continue
                known.add(signature)
                row = Frame(article_id=article_id, type=group[0].type, attributes=dict(group[0].attributes),
                            layer=layer, annotator_id=me, origin=Origin.HUMAN, status=Status.ACCEPTED,
                            reviewed_by=me, reviewed_at=now)
                row.slots = [FrameSlot(role=role, span_id=span_id, position=position)
                             for role, fillers in roles.items() for position, span_id in enumerate(fillers)]
                session.add(row)
                session.flush()
                made_frames.append(row.id)
            self._log(session, "gold.adopt", article_id, None, None,
                      {"layer": layer, "from_spans": list(span_ids), "from_frames": list(frame_ids),
                       "merge": merge, "spans": made_spans, "frames": made_frames})
            return Adopted(tuple(made_spans), tuple(made_frames))

    def discard(self, adopted: Adopted) -> None:
        """Take back what an adoption created (its undo), in one unit."""
        with self._unit() as session:
            frames = [_get(session, Frame, i) for i in adopted.frames]
            spans = [_get(session, Span, i) for i in adopted.spans]
            for row in [*frames, *spans]:
                self._check_may_write(session, row.layer, f"{row.__tablename__} {row.id}")
            for row in frames:
                session.delete(row)
            session.flush()
            for row in spans:
                session.delete(row)
            if frames or spans:
                self._log(session, "gold.discard", (frames or spans)[0].article_id, None, None,
                          {"spans": list(adopted.spans), "frames": list(adopted.frames)})

    def take_out(self, span_ids: Sequence[int] = (), frame_ids: Sequence[int] = (), *,
                 layer: str = GOLD_LAYER) -> TakenOut:
        """Take spans and frames out of the gold layer, in one unit; reviewers only. The frames that a
        span filled lose it. Returns what was there, for `put_back`."""
        with self._unit() as session:
            if not self._is_reviewer(session):
                raise NotAllowedError(f"only a reviewer can take things out of the {layer} layer "
                                      f"({self.annotator} is an annotator)")
            rows = [_get(session, Frame, i) for i in frame_ids] + [_get(session, Span, i) for i in span_ids]
            for row in rows:
                if row.layer != layer:
                    raise ValidationError(f"{row.__tablename__} {row.id} is in the {row.layer} layer, not {layer}")
            if not rows:
                return TakenOut()
            slots = session.scalars(select(FrameSlot).where(
                FrameSlot.frame_id.in_(list(frame_ids)) | FrameSlot.span_id.in_(list(span_ids)))).all()
            taken = TakenOut(spans=tuple(_columns(row) for row in rows if isinstance(row, Span)),
                             frames=tuple(_columns(row) for row in rows if isinstance(row, Frame)),
                             slots=tuple(_columns(slot) for slot in slots))
            for row in rows:  # frames first, with their fillers, then the spans
                session.delete(row)
                session.flush()
            self._log(session, "gold.take_out", rows[0].article_id, None, None,
                      {"layer": layer, "spans": list(span_ids), "frames": list(frame_ids)})
            return taken

    def put_back(self, taken: TakenOut) -> None:
        """Put what `take_out` took back, under the same ids, in one unit (its undo)."""
        with self._unit() as session:
            for kind, rows in (("span", taken.spans), ("frame", taken.frames)):
                for row in rows:
                    self._check_may_write(session, row["layer"], f"{kind} {row['id']}")
            for model, rows in ((Span, taken.spans), (Frame, taken.frames)):
                if rows:
                    session.execute(insert(model.__table__), [dict(row) for row in rows])
            frames = set(session.scalars(select(Frame.id).where(Frame.id.in_({s["frame_id"] for s in taken.slots}))))
            slots = [dict(slot) for slot in taken.slots if slot["frame_id"] in frames]  # not frames deleted since
            if slots:
                session.execute(insert(FrameSlot.__table__), slots)
            if taken.spans or taken.frames:
                self._log(session, "gold.put_back", (taken.spans or taken.frames)[0]["article_id"], None, None,
                          {"spans": [r["id"] for r in taken.spans], "frames": [r["id"] for r in taken.frames]})

    def _decide(self, session: Session, row: Span | Frame, status: Status) -> None:
        """A person's decision on a span or frame of a layer they may write, recorded with who and when."""
        if row.status == status:
            return
        row.status = status
        row.reviewed_by = self._annotator_id(session)
        row.reviewed_at = utcnow()

    # ----------------------------------------------------------- trained models

    def register_model(self, name: str, path: str, base: str, labels: dict[str, Any],
                       metrics: dict[str, Any]) -> None:
        """Register a trained model and store its folder, packed, in the project for every member to use."""
        with Session(self._engine) as session:
            if session.scalar(select(TrainedModel.id).where(TrainedModel.name == name)) is not None:
                raise ValidationError(f"a model named {name!r} is registered already")
        data, checksum = model_archive.pack(Path(path), name)  # before the write lock: it may take a while
        with self._unit() as session:
            if session.scalar(select(TrainedModel.id).where(TrainedModel.name == name)) is not None:
                raise ValidationError(f"a model named {name!r} is registered already")
            model = TrainedModel(name=name, path=path, base=base, labels=labels, metrics=metrics,
                                 trained_by=self.annotator)
            session.add(model)
            session.flush()
            session.execute(insert(ModelArchive.__table__).values(
                model_id=model.id, checksum=checksum, size=len(data), data=data))
            self._log(session, "model.register", None, "model", model.id,
                      {"name": name, "path": path, "base": base, "size": len(data)})

    def resolve_model(self, model: str) -> str:
        """A registered model's folder, for its name; anything else (a package name, a path) as given.

        A model stored in the project is unpacked into this machine's cache on first use; one
        registered before models were stored there is found at the path it was trained to.
        """
        with Session(self._engine) as session:
            row = session.execute(
                select(TrainedModel.id, TrainedModel.path, ModelArchive.checksum)
                .outerjoin(ModelArchive, ModelArchive.model_id == TrainedModel.id)
                .where(TrainedModel.name == model)).first()
            if row is None:
                return model
            if row.checksum is None:
                return row.path
            folder = model_archive.cache_folder(row.id, row.checksum)
            if not folder.is_dir():
                data = session.scalar(select(ModelArchive.data).where(ModelArchive.model_id == row.id))
                model_archive.unpack(data, row.checksum, folder)
            return str(folder)

    def models(self) -> list[dict[str, Any]]:
        """Registered models, newest first: name, path, base, labels, metrics, trained_by, created_at, and
        stored_size (bytes of the archive in the project; None for a model kept only at its path)."""
        with Session(self._engine) as session:
            sizes = dict(session.execute(select(ModelArchive.model_id, ModelArchive.size)).tuples().all())
            return [{"name": m.name, "path": m.path, "base": m.base, "labels": m.labels, "metrics": m.metrics,
                     "trained_by": m.trained_by, "created_at": m.created_at.isoformat(),
                     "stored_size": sizes.get(m.id)}
                    for m in session.scalars(select(TrainedModel).order_by(TrainedModel.id.desc()))]

    # --------------------------------------------------------------- reporting

    def change_log(self, article_id: int | None = None, action: str | None = None) -> list[dict[str, Any]]:
        with Session(self._engine) as session:
            query = select(ChangeLog).order_by(ChangeLog.id)
            if article_id is not None:
                query = query.where(ChangeLog.article_id == article_id)
            if action is not None:
                query = query.where(ChangeLog.action == action)
            return [
                {"id": c.id, "at": c.at.isoformat(), "annotator": c.annotator, "action": c.action,
                 "article": c.article_id, "subject": c.subject, "subject_id": c.subject_id, "data": c.data}
                for c in session.scalars(query)
            ]

    def stats(self) -> dict[str, Any]:
        """Counts of articles, spans by label and status, frames by type and attribute, progress."""
        with Session(self._engine) as session:
            spans: dict[str, dict[str, int]] = defaultdict(dict)
            for label, status, n in session.execute(
                select(Span.label, Span.status, func.count()).group_by(Span.label, Span.status)
            ):
                spans[label][status.value] = n
            frames: dict[str, dict[str, Any]] = {}
            for ftype, attributes in session.execute(select(Frame.type, Frame.attributes)):
                entry = frames.setdefault(ftype, {"count": 0, "attributes": defaultdict(Counter)})
                entry["count"] += 1
                for name, value in attributes.items():
                    entry["attributes"][name][str(value)] += 1
            progress: dict[str, dict[str, int]] = defaultdict(dict)
            for name, status, n in session.execute(
                select(Annotator.name, ArticleProgress.status, func.count())
                .join(Annotator, Annotator.id == ArticleProgress.annotator_id)
                .group_by(Annotator.name, ArticleProgress.status)
            ):
                progress[name][status.value] = n
            return {
                "articles": session.scalar(select(func.count()).select_from(Article)),
                "spans": {
                    "total": sum(sum(by.values()) for by in spans.values()),
                    "by_label": {label: dict(sorted(by.items())) for label, by in sorted(spans.items())},
                },
                "frames": {
                    "total": sum(f["count"] for f in frames.values()),
                    "by_type": {
                        t: {"count": f["count"],
                            "attributes": {a: dict(sorted(c.items())) for a, c in sorted(f["attributes"].items())}}
                        for t, f in sorted(frames.items())
                    },
                },
                "progress": {name: dict(sorted(by.items())) for name, by in sorted(progress.items())},
            }

    def span_counts(self) -> dict[tuple[str, str, str], int]:
        """Spans by (label, origin, status), in one query."""
        with Session(self._engine) as session:
            return {(label, origin.value, status.value): n for label, origin, status, n in session.execute(
                select(Span.label, Span.origin, Span.status, func.count())
                .group_by(Span.label, Span.origin, Span.status))}

    def filler_texts(self, frame_type: str, status: str | Status = Status.ACCEPTED) -> list[tuple[int, str, str]]:
        """(frame id, role, filler text) of every `frame_type` frame with `status`, in article, frame,
        role and position order, in one query."""
        status = _choice(Status, status, "status")
        with Session(self._engine) as session:
            return list(session.execute(
                select(Frame.id, FrameSlot.role, func.substr(Article.text, Span.start + 1, Span.end - Span.start))
                .join(FrameSlot, FrameSlot.frame_id == Frame.id)
                .join(Span, Span.id == FrameSlot.span_id)
                .join(Article, Article.id == Frame.article_id)
                .where(Frame.type == frame_type, Frame.status == status)
                .order_by(Frame.article_id, Frame.id, FrameSlot.role, FrameSlot.position)).tuples())

    def frame_attributes(self, frame_type: str, status: str | Status = Status.ACCEPTED) -> dict[int, dict[str, Any]]:
        """Frame id -> attributes of every `frame_type` frame with `status`, in one query."""
        status = _choice(Status, status, "status")
        with Session(self._engine) as session:
            query = select(Frame.id, Frame.attributes).where(Frame.type == frame_type, Frame.status == status)
            return dict(session.execute(query).tuples().all())

    def everyone_progress(self) -> dict[int, dict[str, str]]:
        """Every annotator's recorded status per article: article id -> annotator -> status."""
        found: dict[int, dict[str, str]] = defaultdict(dict)
        with Session(self._engine) as session:
            for article_id, name, status in session.execute(
                select(ArticleProgress.article_id, Annotator.name, ArticleProgress.status)
                .join(Annotator, Annotator.id == ArticleProgress.annotator_id)
            ):
                found[article_id][name] = status.value
        return dict(found)

    def accepted_by_layer(self, article_ids: Sequence[int] = ()) -> tuple[list[tuple], list[tuple]]:
        """Accepted work of every layer, in two queries (for agreement over a whole project):
        spans as (article id, layer, start, end, label), fillers of accepted frames as
        (article id, layer, frame type, role, start, end). Only `article_ids` if given."""
        with Session(self._engine) as session:
            spans = select(Span.article_id, Span.layer, Span.start, Span.end, Span.label).where(
                Span.status == Status.ACCEPTED)
            fillers = (select(Frame.article_id, Frame.layer, Frame.type, FrameSlot.role, Span.start, Span.end)
                       .join(FrameSlot, FrameSlot.frame_id == Frame.id).join(Span, Span.id == FrameSlot.span_id)
                       .where(Frame.status == Status.ACCEPTED))
            if article_ids:
                spans = spans.where(Span.article_id.in_(article_ids))
                fillers = fillers.where(Frame.article_id.in_(article_ids))
            return list(session.execute(spans).tuples()), list(session.execute(fillers).tuples())


# ---------------------------------------------------------------------- helpers


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


def _existing(session: Session, article_id: int) -> Existing:
    spans = [(i, start, end, label, origin.value, status.value) for i, start, end, label, origin, status in
             session.execute(select(Span.id, Span.start, Span.end, Span.label, Span.origin, Span.status)
                             .where(Span.article_id == article_id))]
    by_id = {row[0]: (row[1], row[2]) for row in spans}
    anchors = []
    for frame in session.scalars(
            select(Frame).where(Frame.article_id == article_id).options(selectinload(Frame.slots))):
        role = anchor_role(frame.type, _roles_of(frame))
        if role is not None:
            start, end = by_id[_roles_of(frame)[role][0]]
            anchors.append((frame.type, start, end))
    return Existing(spans, anchors)


def _document_articles(session: Session, drafts: Sequence[ArticleDraft]) -> tuple[list[int], set[int]]:
    """The article id of each draft, adding those not yet in the project (a text repeated in `drafts`
    once); and the ids of the articles that were there before."""
    digests = [content_hash(d.text) for d in drafts]
    found = _existing_hashes(session, digests)
    there = set(found.values())
    new: dict[str, ArticleDraft] = {}
    for digest, draft in zip(digests, drafts):
        if digest not in found:
            new.setdefault(digest, draft)
    if new:
        found.update(zip(new, _inserted(session, Article, [_article_row(digest, d) for digest, d in new.items()])))
    return [found[digest] for digest in digests], there


def _inserted(session: Session, model, rows: list[dict[str, Any]]) -> Sequence[int]:
    """Insert rows (each with the same keys) into `model`'s table with one executemany; their new ids, in order.

    PostgreSQL returns the ids from its batched INSERT ... RETURNING (a Core insert, not the ORM's
    bulk insert, which splits rows with and without None values into separate statements).
    On SQLite, asked to return ids in order, SQLAlchemy runs one statement per row; so there each
    row is given its id, counted on from the table's largest, which no one else can take, as every
    writer begins with BEGIN IMMEDIATE and holds the database's write lock.
    """
    if not rows:
        return []
    table = model.__table__
    if session.get_bind().dialect.name != "sqlite":
        return session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).all()
    first = _last_sqlite_id(session, table) + 1
    ids = range(first, first + len(rows))
    connection = session.connection()
    dialect = connection.dialect
    statement = insert(table).compile(dialect=dialect, column_keys=["id", *rows[0]])
    columns = []  # the statement's parameters (the rows' keys, and any column with a default), column by column
    for key in statement.positiontup:
        values = ids if key == "id" else [row[key] for row in rows]  # a KeyError: rows must give every default
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        columns.append(values if process is None else _processed(values, process))
    connection.exec_driver_sql(statement.string, list(zip(*columns)))
    return ids


def _processed(values: Iterable, process: Callable[[Any], Any]) -> list:
    """The values as the column's type hands them to the driver, each distinct hashable value turned once
    (a batch's rows share their statuses, origins and times: SQLAlchemy would turn each row's).
    Equal values are turned alike (1 and True too: the JSON columns written in bulk hold objects)."""
    turned: dict[Any, Any] = {}
    out = []
    for value in values:
        try:
            out.append(turned[value])
        except KeyError:
            out.append(turned.setdefault(value, process(value)))
        except TypeError:  # unhashable: a JSON object or array
            out.append(process(value))
    return out


def _last_sqlite_id(session: Session, table) -> int:
    """The largest id `table` has given: its largest row's, or for an AUTOINCREMENT table the
    largest it ever gave (ids of deleted rows are not given again: an undone delete brings them back)."""
    last = session.scalar(select(func.max(table.c.id))) or 0
    if table.dialect_options["sqlite"]["autoincrement"]:
        last = max(last, session.scalar(text("SELECT seq FROM sqlite_sequence WHERE name = :name"),
                                        {"name": table.name}) or 0)
    return last


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: an import makes millions of short-lived objects, which
    reference counting frees (they hold no cycles), but whose number sets the collector off
    again and again to walk every live object: a third of the time of a large import."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _batches(items: Iterable, size: int) -> Iterator[list]:
    """`items` in lists of `size` (the last may be shorter), taken from the iterable as they are needed."""
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


def _known_annotations(session: Session, article_ids: Iterable[int]
                       ) -> tuple[dict[int, dict[tuple, int]], dict[int, set[tuple]]]:
    """What the articles hold, to leave out of an import: span ids by (start, end, label, layer) and
    frame signatures, per article; three queries a chunk of 500 articles."""
    places: dict[int, dict[tuple, int]] = defaultdict(dict)
    signatures: dict[int, set[tuple]] = defaultdict(set)
    ids = sorted(article_ids)
    for first in range(0, len(ids), 500):
        chunk = ids[first:first + 500]
        for article_id, span_id, start, end, label, layer in session.execute(
                select(Span.article_id, Span.id, Span.start, Span.end, Span.label, Span.layer)
                .where(Span.article_id.in_(chunk)).order_by(Span.id)):
            places[article_id][(start, end, label, layer)] = span_id
        roles: dict[int, dict[str, list[int]]] = defaultdict(dict)
        for frame_id, role, span_id in session.execute(
                select(FrameSlot.frame_id, FrameSlot.role, FrameSlot.span_id)
                .join(Frame, Frame.id == FrameSlot.frame_id).where(Frame.article_id.in_(chunk))
                .order_by(FrameSlot.frame_id, FrameSlot.role, FrameSlot.position)):
            roles[frame_id].setdefault(role, []).append(span_id)
        rows = session.execute(select(Frame.id, Frame.article_id, Frame.type, Frame.attributes)
                               .where(Frame.article_id.in_(chunk))).all()
        basic = {f"F{row.id}": _frame_signature(row.type, roles[row.id]) for row in rows}
        for row in rows:
            signatures[row.article_id].add(_linked_signature(basic[f"F{row.id}"], row.attributes, basic))
    return places, signatures


def _linked_signature(basic: tuple, attributes: dict[str, Any], basic_of: dict[str, tuple]) -> tuple:
    """A frame's signature with what the frames it links to (brat events as arguments) are: two events
    with one trigger and the same span arguments but other event arguments are two frames."""
    links = tuple(sorted((name, tuple(basic_of.get(key, key) for key in value.split()))
                         for name, value in attributes.items() if name.startswith(FRAME_LINK_PREFIX)))
    return (basic, links) if links else basic


def _relink_frame_references(session: Session, keys: list[tuple[int, str]], frame_ids: Sequence[int],
                             rows: list[dict[str, Any]]) -> None:
    """Attributes that name other frames of the document by key (brat events whose arguments are
    events, "brat:arg:ROLE" = "E4 E7") name them by their new key, F<id>, once they have ids.

    `keys` holds the (document, key) of each new frame, `frame_ids` their ids, `rows` what was inserted.
    """
    by_key: dict[int, dict[str, int]] = defaultdict(dict)
    for (doc, key), frame_id in zip(keys, frame_ids):
        by_key[doc][key] = frame_id
    changed = []
    for (doc, _key), frame_id, row in zip(keys, frame_ids, rows):
        links = {name: value for name, value in row["attributes"].items() if name.startswith(FRAME_LINK_PREFIX)}
        if links:
            ids = by_key[doc]
            changed.append({"frame": frame_id, "linked": {**row["attributes"], **{
                name: " ".join(f"F{ids[key]}" if key in ids else key for key in value.split())
                for name, value in links.items()}}})
    if changed:
        table = Frame.__table__
        session.execute(table.update().where(table.c.id == bindparam("frame"))
                        .values(attributes=bindparam("linked", type_=table.c.attributes.type)), changed)


def _newcomers_queue(session: Session) -> bool:
    """On PostgreSQL, make people acting for the first time wait for each other until the end of the
    transaction, so two of them on a new project cannot both find no reviewer and both become one.
    (SQLite writers queue anyway: they take the database's write lock as they begin.) Whether it waited."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    session.execute(select(func.pg_advisory_xact_lock(NEWCOMER_LOCK)))
    return True


def _role_of_newcomer(session: Session) -> Role:
    """Whoever starts a project can adjudicate it: the first person is its reviewer, later ones annotate."""
    has_reviewer = session.scalar(select(Annotator.id).where(Annotator.role == Role.REVIEWER).limit(1))
    return Role.ANNOTATOR if has_reviewer is not None else Role.REVIEWER


def _frame_groups(frames: list[Frame], merge: bool) -> list[list[Frame]]:
    """Frames to adopt, each alone or, merging, gathered by type (in the order first seen)."""
    if not merge:
        return [[f] for f in frames]
    groups: dict[str, list[Frame]] = {}
    for frame in frames:
        groups.setdefault(frame.type, []).append(frame)
    return list(groups.values())


def _gold_signature(frame_type: str, roles: dict[str, list[int]], attributes: dict[str, Any]) -> tuple:
    """Gold holds one frame per type, fillers and attributes: two people's frames over the same
    fillers that disagree on the action are two candidates, and either can be chosen."""
    return _frame_signature(frame_type, roles), tuple(sorted(attributes.items()))


def _frame_signature(frame_type: str, roles: dict[str, list[int]]) -> tuple:
    return frame_type, tuple(sorted((role, tuple(ids)) for role, ids in roles.items() if ids))


def _newest_schema(conn, source: str) -> Schema:
    """The label schema in force in a dump just loaded from `source` (its newest copy)."""
    row = conn.execute(select(SchemaCopy.id, SchemaCopy.source_text).order_by(SchemaCopy.id.desc()).limit(1)).first()
    if row is None:
        raise ValidationError(f"{source}: it carries no label schema")
    return parse_schema(row.source_text, f"{source} (label_schema {row.id})")


def _existing_hashes(session: Session, digests: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i in range(0, len(digests), 500):
        chunk = digests[i:i + 500]
        found.update(session.execute(
            select(Article.content_hash, Article.id).where(Article.content_hash.in_(chunk))).tuples().all())
    return found


def _article_row(digest: str, draft: ArticleDraft) -> dict[str, Any]:
    origin = draft.origin if draft.line is None else f"{draft.origin}:{draft.line}"
    return {"external_id": draft.external_id, "title": draft.title, "source": draft.source, "url": draft.url,
            "published": draft.published, "text": draft.text, "content_hash": digest, "meta": draft.meta,
            "imported_from": origin, "created_at": utcnow()}


def _get(session: Session, model, key: int):
    """The row, or a NotFoundError saying who deleted it (from the change log) if someone did."""
    row = session.get(model, key)
    if row is None:
        kind = model.__tablename__
        deleted = session.scalars(select(ChangeLog).where(
            ChangeLog.subject == kind, ChangeLog.subject_id == key, ChangeLog.action == f"{kind}.delete")
            .order_by(ChangeLog.id.desc()).limit(1)).first() if kind in ("span", "frame") else None
        if deleted is not None:
            raise NotFoundError(f"{kind} {key} was deleted by {deleted.annotator} at {deleted.at:%Y-%m-%d %H:%M} UTC; "
                                "reload to see the article as it is now")
        raise NotFoundError(f"{kind.replace('_', ' ')} {key} does not exist")
    return row


def _choice(enum_cls, value, what: str):
    try:
        return _member(enum_cls, value)
    except (ValueError, TypeError):  # TypeError: an unhashable value, which is no member either
        allowed = ", ".join(m.value for m in enum_cls)
        raise ValidationError(f"{value!r} is not a valid {what} (one of {allowed})") from None


@cache
def _member(enum_cls, value):
    """enum_cls(value), remembered: an import asks for each span's origin and status."""
    return enum_cls(value)


def _check_offsets(article: Article, start: int, end: int) -> None:
    n = len(article.text)
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= n:
        raise ValidationError(
            f"span {start}-{end} does not fit article {article.id}: offsets must satisfy 0 <= start < end <= {n}")


def _columns(row) -> dict[str, Any]:
    """Every column of an ORM row, by column name: enough to insert it again as it was."""
    return {column.name: getattr(row, attribute.key)
            for attribute, column in ((a, a.columns[0]) for a in inspect(row).mapper.column_attrs)}


def _shared(row: Span | Frame) -> bool:
    """A model suggestion open to everyone: each person decides on it for themselves."""
    return row.layer == MODEL_LAYER and row.status == Status.SUGGESTED


def _check_not_shared(row: Span | Frame, kind: str) -> None:
    if _shared(row):
        raise NotAllowedError(f"{kind} {row.id} is a model suggestion, open to everyone: accept, fix or reject "
                              "it (a decision is yours alone)")


def _as_decided(records: list, decided: dict[int, tuple[Status, Any]], who: str, include_rejected: bool) -> list:
    """Span or frame records as person `who` sees them, given their decisions on model suggestions by id."""
    rejected = Status.REJECTED.value
    if not decided:  # most articles, and every one the person has not reviewed in
        return records if include_rejected else [r for r in records if r.status != rejected]
    seen = []
    for record in records:
        status, at = decided.get(record.id, (None, None))
        if status == Status.ACCEPTED:
            continue  # their copy stands in for it
        if status == Status.REJECTED:
            record = replace(record, status=rejected, reviewed_by=who, reviewed_at=at)
        if include_rejected or record.status != rejected:
            seen.append(record)
    return seen


def _check_version(kind: str, row, expected: int | None) -> None:
    """Refuse an edit made on an old version of `row`, saying who changed it and how.

    The row is read again under a row lock (PostgreSQL), so no one can change it
    between this check and the edit's commit.
    """
    if expected is None:
        return
    session = object_session(row)
    session.refresh(row, with_for_update=True)
    if row.version == expected:
        return
    last = session.scalars(select(ChangeLog).where(ChangeLog.subject == kind, ChangeLog.subject_id == row.id)
                           .order_by(ChangeLog.id.desc()).limit(1)).first()
    what = f" ({last.action}: {_described(last.data)})" if last is not None else ""
    raise StaleEditError(
        f"{kind} {row.id} was changed by {last.annotator if last else 'someone else'} since you loaded it{what}; "
        f"yours is version {expected}, the project's {row.version}: reload it and try again")


def _described(data: dict[str, Any]) -> str:
    """A change-log entry's data in a few words: "label GPE → ORG, status accepted"."""
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and len(value) == 2 and not any(isinstance(v, (list, dict)) for v in value):
            parts.append(f"{key} {value[0]} → {value[1]}")
        elif isinstance(value, (list, dict)):
            parts.append(f"{key} changed")
        else:
            parts.append(f"{key} {value}")
    return ", ".join(parts) or "no details"


def _check_attributes(ftype, attributes: dict[str, str]) -> dict[str, str]:
    for name, value in attributes.items():
        if is_normalised(name):
            check_normalised(name, value)
            continue
        if name not in ftype.attributes:
            allowed = ", ".join(ftype.attributes) or "none"
            raise ValidationError(f"frame type {ftype.name} has no attribute {name!r} (it has: {allowed})")
        if value not in ftype.attributes[name].values:
            allowed = ", ".join(ftype.attributes[name].values)
            raise ValidationError(f"{value!r} is not a value of {ftype.name}.{name} (one of {allowed})")
    return dict(attributes)


def _slots(session: Session, schema: Schema, frame_type: str, article_id: int,
           roles: dict[str, Sequence[int]]) -> list[FrameSlot]:
    ftype = schema.frame(frame_type)
    slots = []
    for role_name, span_ids in roles.items():
        role = ftype.roles.get(role_name)
        if role is None:
            raise ValidationError(
                f"frame type {frame_type} has no role {role_name!r} (it has: {', '.join(ftype.roles)})")
        span_ids = list(span_ids)
        if len(span_ids) > 1 and not role.multiple:
            raise ValidationError(f"role {frame_type}.{role_name} takes one span, not {len(span_ids)}")
        if len(set(span_ids)) != len(span_ids):
            raise ValidationError(f"role {frame_type}.{role_name} names the same span twice")
        for position, span_id in enumerate(span_ids):
            span = _get(session, Span, span_id)
            if span.article_id != article_id:
                raise ValidationError(f"span {span_id} belongs to article {span.article_id}, not {article_id}")
            if span.label not in role.labels:
                raise ValidationError(
                    f"role {frame_type}.{role_name} takes spans labelled {', '.join(role.labels)}; "
                    f"span {span_id} is {span.label}")
            slots.append(FrameSlot(role=role_name, span_id=span_id, position=position))
    return slots


def _check_span_fits_roles(session: Session, schema: Schema, span: Span, label: str) -> None:
    for frame_type, role_name in session.execute(
        select(Frame.type, FrameSlot.role).join(FrameSlot.frame).where(FrameSlot.span_id == span.id)
    ):
        allowed = schema.frame(frame_type).roles[role_name].labels
        if label not in allowed:
            raise ValidationError(
                f"span {span.id} fills role {frame_type}.{role_name}, which takes {', '.join(allowed)}, not {label}")


def _roles_of(frame: Frame) -> dict[str, list[int]]:
    roles: dict[str, list[int]] = {}
    for slot in sorted(frame.slots, key=lambda s: (s.role, s.position)):
        roles.setdefault(slot.role, []).append(slot.span_id)
    return roles


def _names(session: Session) -> dict[int | None, str | None]:
    """Annotator names by id (a project has few annotators), with None for none."""
    names: dict[int | None, str | None] = dict(session.execute(select(Annotator.id, Annotator.name)).tuples().all())
    names[None] = None
    return names


def _ids(session: Session) -> dict[str | None, int | None]:
    """Annotator ids by name: _names turned round."""
    return {name: i for i, name in _names(session).items()}


def _span_record(span: Span, names: dict[int | None, str | None]) -> SpanRecord:
    return SpanRecord(id=span.id, article_id=span.article_id, start=span.start, end=span.end, label=span.label,
                      layer=span.layer, annotator=names[span.annotator_id], origin=span.origin.value,
                      status=span.status.value, score=span.score, model=span.model,
                      reviewed_by=names[span.reviewed_by], reviewed_at=span.reviewed_at,
                      created_at=span.created_at, updated_at=span.updated_at, version=span.version,
                      details=_details(span))


def _details(span: Span) -> SpanDetails:
    return SpanDetails.from_columns(span.attributes, span.normalizations, span.notes, span.fragments)


# A span's columns in the order of SpanRecord's fields, for _span_row_record
SPAN_COLUMNS = (Span.id, Span.article_id, Span.start, Span.end, Span.label, Span.layer, Span.annotator_id, Span.origin,
                Span.status, Span.score, Span.model, Span.reviewed_by, Span.reviewed_at, Span.created_at,
                Span.updated_at, Span.version, Span.attributes, Span.normalizations, Span.notes, Span.fragments)


def _span_row_record(row, names: dict[int | None, str | None]) -> SpanRecord:
    """_span_record of a row of SPAN_COLUMNS, unpacked by position: faster than by name over many rows."""
    (span_id, article_id, start, end, label, layer, annotator_id, origin, status, score, model, reviewed_by,
     reviewed_at, created_at, updated_at, version, *details) = row
    return SpanRecord(id=span_id, article_id=article_id, start=start, end=end, label=label, layer=layer,
                      annotator=names[annotator_id], origin=origin.value, status=status.value, score=score,
                      model=model, reviewed_by=names[reviewed_by], reviewed_at=reviewed_at, created_at=created_at,
                      updated_at=updated_at, version=version, details=SpanDetails.from_columns(*details))


# SPAN_COLUMNS as the database driver hands them out, past SQLAlchemy's conversions: opening a long
# article reads ten thousand spans, and converting each one's datetimes and JSON through the column
# types took most of the time; _span_raw_record converts only what is there.
RAW_SPAN_COLUMNS = tuple(type_coerce(column, NullType()) for column in SPAN_COLUMNS)
NO_DETAILS = SpanDetails()  # shared by the spans without details (most), as SpanDetails is immutable


def _span_raw_record(row, names: dict[int | None, str | None]) -> SpanRecord:
    """_span_row_record of a row of RAW_SPAN_COLUMNS: text or driver values, as SQLite or PostgreSQL give them."""
    (span_id, article_id, start, end, label, layer, annotator_id, origin, status, score, model, reviewed_by,
     reviewed_at, created_at, updated_at, version, *details) = row
    return SpanRecord(id=span_id, article_id=article_id, start=start, end=end, label=label, layer=layer,
                      annotator=names[annotator_id], origin=origin, status=status, score=score, model=model,
                      reviewed_by=names[reviewed_by], reviewed_at=_raw_moment(reviewed_at),
                      created_at=_raw_moment(created_at), updated_at=_raw_moment(updated_at), version=version,
                      details=SpanDetails.from_columns(*map(_raw_json, details)) if any(details) else NO_DETAILS)


def _raw_moment(value: str | datetime | None) -> datetime | None:
    """A moment as UtcDateTime hands it out (aware, UTC), from SQLite's text or PostgreSQL's datetime."""
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's naive UTC text, "2026-12-05 08:52:51.253380"
        return datetime.fromisoformat(value + "+00:00")
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _raw_json(value: Any) -> Any:
    """A JSON column's value: SQLite gives its text, PostgreSQL's driver the parsed value."""
    return json.loads(value) if isinstance(value, str) else value


EXPORT_SPAN_COLUMNS = (Span.id, Span.article_id, Span.start, Span.end, Span.label, Span.layer, Span.annotator_id,
                       Span.reviewed_by, Span.origin, Span.status, Span.score, Span.attributes, Span.normalizations,
                       Span.notes, Span.fragments)


def _export_span(row, names: dict[int | None, str | None]) -> ExportSpan:
    """An ExportSpan of a row of EXPORT_SPAN_COLUMNS."""
    span_id, _, start, end, label, layer, annotator_id, reviewed_by, origin, status, score, *details = row
    return ExportSpan(span_id, start, end, label, layer, names[annotator_id], names[reviewed_by], origin.value,
                      status.value, score, SpanDetails.from_columns(*details))


def _frame_record(frame: Frame, names: dict[int | None, str | None], slots: Iterable | None = None) -> FrameRecord:
    """`frame` may be a row of the frame table, with its `slots` (rows of frame_slot) given apart."""
    slots = frame.slots if slots is None else slots
    return FrameRecord(id=frame.id, article_id=frame.article_id, type=frame.type,
                       attributes=dict(frame.attributes), layer=frame.layer, annotator=names[frame.annotator_id],
                       origin=frame.origin.value, status=frame.status.value, score=frame.score,
                       model=frame.model, reviewed_by=names[frame.reviewed_by], reviewed_at=frame.reviewed_at,
                       created_at=frame.created_at, updated_at=frame.updated_at, version=frame.version,
                       slots=tuple(SlotRecord(s.role, s.span_id, s.position) for s in slots))
