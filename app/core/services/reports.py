"""Reports over the whole project: the change log and feed, statistics, counts for the dashboard and agreement."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select

from app.core.services.records import driver_rows
from app.core.services.rows import (
    choice,
)
from app.core.services.work import Work
from app.core.vocabulary import NOT_PEOPLE, Progress, Status
from app.store.models import (
    Annotator,
    Article,
    ArticleProgress,
    ChangeLog,
    Frame,
    FrameSlot,
    Span,
)

K = TypeVar("K", bound=str)
V = TypeVar("V")


@dataclass(frozen=True)
class FrameTypeStats:
    count: int
    attributes: dict[str, dict[str, int]]  # attribute -> value -> frames


@dataclass(frozen=True)
class ProjectStats:
    """What Project.stats counts; every mapping in the order of its keys."""

    articles: int
    spans_by_label: dict[str, dict[Status, int]]  # label -> status -> spans
    frames_by_type: dict[str, FrameTypeStats]
    progress: dict[str, dict[Progress, int]]  # annotator -> progress -> articles they recorded it for

    @property
    def spans(self) -> int:
        return sum(sum(by.values()) for by in self.spans_by_label.values())

    @property
    def frames(self) -> int:
        return sum(entry.count for entry in self.frames_by_type.values())

    def as_json(self) -> dict[str, Any]:
        """The figures as `newsgloss stats --json` prints them."""
        return {
            "articles": self.articles,
            "spans": {"total": self.spans,
                      "by_label": {label: {str(s): n for s, n in by.items()}
                                   for label, by in self.spans_by_label.items()}},
            "frames": {"total": self.frames,
                       "by_type": {t: {"count": e.count, "attributes": e.attributes}
                                   for t, e in self.frames_by_type.items()}},
            "progress": {name: {str(p): n for p, n in by.items()} for name, by in self.progress.items()},
        }


def _sorted(mapping: dict[K, V]) -> dict[K, V]:
    return dict(sorted(mapping.items()))

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

    def stats(self) -> ProjectStats:
        """Counts of articles, spans by label and status, frames by type and attribute, progress."""
        with self.work.read() as session:
            spans: dict[str, dict[Status, int]] = defaultdict(dict)
            for label, status, n in session.execute(
                select(Span.label, Span.status, func.count()).group_by(Span.label, Span.status)
            ):
                spans[label][status] = n
            frames: dict[str, int] = Counter()
            attributes: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
            for frame_type, values in session.execute(select(Frame.type, Frame.attributes)):
                frames[frame_type] += 1
                for name, value in values.items():
                    attributes[frame_type][name][str(value)] += 1
            progress: dict[str, dict[Progress, int]] = defaultdict(dict)
            for name, status, n in session.execute(
                select(Annotator.name, ArticleProgress.status, func.count())
                .join(Annotator, Annotator.id == ArticleProgress.annotator_id)
                .group_by(Annotator.name, ArticleProgress.status)
            ):
                progress[name][status] = n
            return ProjectStats(
                articles=session.scalar(select(func.count()).select_from(Article)) or 0,
                spans_by_label=_sorted({label: _sorted(by) for label, by in spans.items()}),
                frames_by_type=_sorted({t: FrameTypeStats(n, _sorted({a: _sorted(c) for a, c in attributes[t].items()}))
                                        for t, n in frames.items()}),
                progress=_sorted({name: _sorted(by) for name, by in progress.items()}),
            )

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
        """Accepted work of the people's layers (not model or gold), in two queries of plain rows (for
        agreement over a whole project): spans as (article id, layer, start, end, label), fillers of
        accepted frames as (article id, layer, frame type, role, start, end). Only `article_ids` if given.
        The rows come straight from the DBAPI cursor: no column needs converting, and making a Row of
        each of some 300,000 spans took as long as the query itself."""
        spans = select(Span.article_id, Span.layer, Span.start, Span.end, Span.label).where(
            Span.status == Status.ACCEPTED, Span.layer.not_in(sorted(NOT_PEOPLE)))
        fillers = (select(Frame.article_id, Frame.layer, Frame.type, FrameSlot.role, Span.start, Span.end)
                   .join(FrameSlot, FrameSlot.frame_id == Frame.id).join(Span, Span.id == FrameSlot.span_id)
                   .where(Frame.status == Status.ACCEPTED, Frame.layer.not_in(sorted(NOT_PEOPLE))))
        if article_ids:
            spans = spans.where(Span.article_id.in_(article_ids))
            fillers = fillers.where(Frame.article_id.in_(article_ids))
        with self.work.engine.connect() as conn:
            return list(driver_rows(conn, spans)), list(driver_rows(conn, fillers))
