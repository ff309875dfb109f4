"""Reports over the whole project: the change log and feed, statistics, counts for the dashboard and agreement."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select

from app.core.services.rows import (
    choice,
)
from app.core.services.work import Work
from app.core.vocabulary import Status
from app.store.models import (
    Annotator,
    Article,
    ArticleProgress,
    ChangeLog,
    Frame,
    FrameSlot,
    Span,
)


class ReportService:
    """Read-only figures over the project."""

    def __init__(self, work: Work):
        self.work = work

    def last_change(self) -> int:
        """The newest change-log entry's id: cheap to poll, it moves whenever anyone changes anything."""
        with self.work.read() as session:
            return session.scalar(select(func.max(ChangeLog.id))) or 0

    def changes_since(self, change_id: int, also: Iterable[int] = ()) -> list[tuple[int, str, str, int | None]]:
        """(id, annotator, action, article id) of every change after `change_id`, and of those with the
        ids in `also`, oldest first."""
        newer = ChangeLog.id > change_id
        also = list(also)
        with self.work.read() as session:
            return list(session.execute(
                select(ChangeLog.id, ChangeLog.annotator, ChangeLog.action, ChangeLog.article_id)
                .where(newer | ChangeLog.id.in_(also) if also else newer).order_by(ChangeLog.id)).tuples())

    def change_log(self, article_id: int | None = None, action: str | None = None) -> list[dict[str, Any]]:
        with self.work.read() as session:
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
        with self.work.read() as session:
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
        with self.work.read() as session:
            return {(label, origin.value, status.value): n for label, origin, status, n in session.execute(
                select(Span.label, Span.origin, Span.status, func.count())
                .group_by(Span.label, Span.origin, Span.status))}

    def filler_texts(self, frame_type: str, status: str | Status = Status.ACCEPTED) -> list[tuple[int, str, str]]:
        """(frame id, role, filler text) of every `frame_type` frame with `status`, in article, frame,
        role and position order, in one query."""
        status = choice(Status, status, "status")
        with self.work.read() as session:
            return list(session.execute(
                select(Frame.id, FrameSlot.role, func.substr(Article.text, Span.start + 1, Span.end - Span.start))
                .join(FrameSlot, FrameSlot.frame_id == Frame.id)
                .join(Span, Span.id == FrameSlot.span_id)
                .join(Article, Article.id == Frame.article_id)
                .where(Frame.type == frame_type, Frame.status == status)
                .order_by(Frame.article_id, Frame.id, FrameSlot.role, FrameSlot.position)).tuples())

    def frame_attributes(self, frame_type: str, status: str | Status = Status.ACCEPTED) -> dict[int, dict[str, Any]]:
        """Frame id -> attributes of every `frame_type` frame with `status`, in one query."""
        status = choice(Status, status, "status")
        with self.work.read() as session:
            query = select(Frame.id, Frame.attributes).where(Frame.type == frame_type, Frame.status == status)
            return dict(session.execute(query).tuples().all())

    def everyone_progress(self) -> dict[int, dict[str, str]]:
        """Every annotator's recorded status per article: article id -> annotator -> status."""
        found: dict[int, dict[str, str]] = defaultdict(dict)
        with self.work.read() as session:
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
        with self.work.read() as session:
            spans = select(Span.article_id, Span.layer, Span.start, Span.end, Span.label).where(
                Span.status == Status.ACCEPTED)
            fillers = (select(Frame.article_id, Frame.layer, Frame.type, FrameSlot.role, Span.start, Span.end)
                       .join(FrameSlot, FrameSlot.frame_id == Frame.id).join(Span, Span.id == FrameSlot.span_id)
                       .where(Frame.status == Status.ACCEPTED))
            if article_ids:
                spans = spans.where(Span.article_id.in_(article_ids))
                fillers = fillers.where(Frame.article_id.in_(article_ids))
            return list(session.execute(spans).tuples()), list(session.execute(fillers).tuples())

