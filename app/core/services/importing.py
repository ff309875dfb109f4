"""Adding articles and annotated documents to a project, in bulk, all-or-nothing."""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.core.articles import ArticleDraft, ImportReport
from app.core.documents import TOOL_ATTRIBUTE_PREFIX, AnnotatedDocument
from app.core.errors import InputError
from app.core.schema import Schema
from app.core.services.rows import (
    choice,
    frame_signature,
    ids_by_name,
    insert_rows,
    inserted,
    table_of,
)
from app.core.services.work import Work
from app.core.text import content_hash
from app.core.vocabulary import Origin, Status
from app.store.models import (
    Annotator,
    Article,
    ChangeLog,
    Frame,
    FrameSlot,
    SchemaCopy,
    Span,
    utcnow,
)

IMPORT_BATCH = 1000  # documents an import reads and writes at a time
FRAME_LINK_PREFIX = TOOL_ATTRIBUTE_PREFIX + "arg:"  # frame attributes whose values are keys of other frames

class ImportService:
    """Imports: articles by content hash, annotated documents in batches of IMPORT_BATCH in one transaction."""

    def __init__(self, work: Work):
        self.work = work

    def add_articles(self, drafts: Sequence[ArticleDraft]) -> ImportReport:
        """Add articles not yet in the project (by content hash); all in one transaction."""
        report = ImportReport()
        with self.work.unit() as session:
            ids, there = _document_articles(session, drafts)
            for article_id, draft in zip(ids, drafts):
                if article_id in there:
                    report.duplicates.append((draft, article_id))
                else:
                    there.add(article_id)  # a text repeated in `drafts` is added once
                    report.added.append((article_id, draft))
            if report.added:
                self.work.log(session, "import", None, "article", None,
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
        spans = frames = added = there = 0
        with _without_cycle_collection(), self.work.unit() as session:
            if schema is not None:
                session.add(SchemaCopy(name=schema.name, source_text=schema.source_text))
            ids = ids_by_name(session)
            for chunk in _batches(docs, IMPORT_BATCH):
                n_spans, n_frames, n_added, n_there = self._add_batch(session, chunk, ids, now)
                spans, frames, added, there = spans + n_spans, frames + n_frames, added + n_added, there + n_there
        if schema is not None:
            self.work.schema = schema
        return spans, frames, added, there

    def _add_batch(self, session: Session, docs: Sequence[AnnotatedDocument], ids: dict[str | None, int | None],
                   now: datetime) -> tuple[int, int, int, int]:
        """add_documents for one batch, in its transaction; the batch's counts."""
        article_ids, there = _document_articles(session, [doc.article for doc in docs])
        places, signatures = _known_annotations(session, there)
        span_rows, refs, new_spans = self._span_rows(session, docs, article_ids, places, ids, now)
        span_ids = inserted(session, Span, span_rows)
        frame_rows, frame_roles, frame_keys = self._frame_rows(
            session, docs, article_ids, [{key: i if i >= 0 else span_ids[~i] for key, i in ref.items()}
                                         for ref in refs], signatures, ids, now)
        frame_ids = inserted(session, Frame, frame_rows)
        insert_rows(session, FrameSlot, [
            {"frame_id": frame_id, "role": role, "span_id": span_id, "position": position}
            for frame_id, roles in zip(frame_ids, frame_roles)
            for role, fillers in roles.items() for position, span_id in enumerate(fillers)])
        _relink_frame_references(session, frame_keys, frame_ids, frame_rows)
        insert_rows(session, ChangeLog, [
            {"at": now, "annotator": self.work.annotator, "action": "import.annotations", "article_id": article_id,
             "subject": "article", "subject_id": article_id, "data": {"from": doc.article.origin, "spans": added}}
            for doc, article_id, added in zip(docs, article_ids, new_spans)])
        added_articles = len(set(article_ids) - there)
        return len(span_rows), len(frame_rows), added_articles, len(docs) - added_articles

    def _span_rows(self, session: Session, docs: Sequence[AnnotatedDocument], article_ids: list[int],
                   places: dict[int, dict[tuple, int]], ids: dict[str | None, int | None], now: datetime
                   ) -> tuple[list[dict[str, Any]], list[dict[str, int]], list[int]]:
        """The rows of the spans the documents add (one for spans repeated at a place), and per document
        its span keys -> span id, or ~index of its row among the new ones, and how many it adds."""
        span_rows: list[dict[str, Any]] = []
        refs: list[dict[str, int]] = []
        new_spans: list[int] = []
        for doc, article_id in zip(docs, article_ids):
            text_length, ref, before = len(doc.article.text), {}, len(span_rows)
            for span in doc.spans:
                if not 0 <= span.start < span.end <= text_length:
                    raise InputError(doc.article.origin, f"span {span.key} at {span.start}-{span.end} lies outside "
                                                         f"the text (0-{text_length})", line=doc.article.line)
                problem = span.details.problem(span.start, span.end)
                if problem:
                    raise InputError(doc.article.origin, f"span {span.key}: {problem}", line=doc.article.line)
                layer = span.layer or span.annotator or self.work.annotator
                place = (span.start, span.end, span.label, layer)
                if place not in places[article_id]:  # new: later copies of it, here or in another document, share it
                    places[article_id][place] = ~len(span_rows)
                    span_rows.append({"article_id": article_id, "start": span.start, "end": span.end,
                                      "label": span.label, "layer": layer,
                                      "annotator_id": self._named(session, ids, span.annotator),
                                      "origin": choice(Origin, span.origin, "origin"),
                                      "status": choice(Status, span.status, "status"), "score": span.score,
                                      "created_at": now, "updated_at": now, "version": 1,
                                      **span.details.columns()})
                ref[span.key] = places[article_id][place]
            refs.append(ref)
            new_spans.append(len(span_rows) - before)
        return span_rows, refs, new_spans

    def _frame_rows(self, session: Session, docs: Sequence[AnnotatedDocument], article_ids: list[int],
                    span_ids: list[dict[str, int]], signatures: dict[int, set[tuple]],
                    ids: dict[str | None, int | None], now: datetime
                    ) -> tuple[list[dict[str, Any]], list[dict[str, list[int]]], list[tuple[int, str]]]:
        """The rows of the frames the documents add (not those their articles hold), with their fillers
        by role and the (document, key) of each; `span_ids` maps each document's span keys to ids."""
        frame_rows: list[dict[str, Any]] = []
        frame_roles: list[dict[str, list[int]]] = []
        frame_keys: list[tuple[int, str]] = []
        for n, (doc, article_id) in enumerate(zip(docs, article_ids)):
            span_of = span_ids[n]
            # a span fills a role once, however often the document names it there
            roles_of = {frame.key: {role: list(dict.fromkeys(span_of[key] for key in keys))
                                    for role, keys in frame.roles.items()} for frame in doc.frames}
            basic = {frame.key: frame_signature(frame.type, roles_of[frame.key]) for frame in doc.frames}
            for frame in doc.frames:
                signature = _linked_signature(basic[frame.key], frame.attributes, basic)
                if signature in signatures[article_id]:
                    continue
                signatures[article_id].add(signature)
                frame_rows.append({"article_id": article_id, "type": frame.type,
                                   "attributes": dict(frame.attributes),
                                   "layer": frame.layer or frame.annotator or self.work.annotator,
                                   "annotator_id": self._named(session, ids, frame.annotator),
                                   "origin": choice(Origin, frame.origin, "origin"),
                                   "status": choice(Status, frame.status, "status"), "score": frame.score,
                                   "created_at": now, "updated_at": now, "version": 1})
                frame_roles.append(roles_of[frame.key])
                frame_keys.append((n, frame.key))
        return frame_rows, frame_roles, frame_keys

    def _named(self, session: Session, ids: dict[str | None, int | None], name: str | None) -> int | None:
        """The id of annotator `name`, made on first mention."""
        if name is None:
            return None
        if name not in ids:
            annotator = Annotator(name=name)
            session.add(annotator)
            session.flush()
            ids[name] = annotator.id
        return ids[name]


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
        found.update(zip(new, inserted(session, Article, [_article_row(digest, d) for digest, d in new.items()])))
    return [found[digest] for digest in digests], there

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
        basic = {f"F{row.id}": frame_signature(row.type, roles[row.id]) for row in rows}
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
        table = table_of(Frame)
        session.execute(table.update().where(table.c.id == bindparam("frame"))
                        .values(attributes=bindparam("linked", type_=table.c.attributes.type)), changed)

def _batches(items: Iterable, size: int) -> Iterator[list]:
    """`items` in lists of `size` (the last may be shorter), taken from the iterable as they are needed."""
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch

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

