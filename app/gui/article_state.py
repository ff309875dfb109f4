"""The open article as the window sees it. Every change goes through the project services,
is committed there, and only then is announced to the views by signal.

Edits carry the version of the span or frame the view shows, so an edit to something
another person changed meanwhile is refused (StaleEditError) and the view reloads.
Which layers it holds depends on the person (`layers`, app.core.visibility).
Of the model's suggestions it holds those the person has not decided on (the services
leave out the ones they accepted, whose copies are in their layer, and mark the ones
they rejected), so each person reviews them independently.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtCore import QObject, Signal

from app.core.annotations import Adopted, DeletedSpan, FrameRecord, Review, SpanRecord, TakenOut
from app.core.articles import ArticleRecord
from app.core.errors import NotFoundError, StaleEditError
from app.core.span_details import SpanDetails
from app.core.project import Project
from app.core.services.records import ArticleSpans
from app.core.visibility import LayerView
from app.core.vocabulary import Progress, Role, Status


class ArticleState(QObject):
    articleOpened = Signal()
    spanAdded = Signal(object)  # SpanRecord
    spanChanged = Signal(object)  # SpanRecord
    spanRemoved = Signal(int)
    framesChanged = Signal()
    progressChanged = Signal(int, str)  # article id, status
    failed = Signal(str)  # a refused action, in words for the annotator

    def __init__(self, project: Project, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.article: ArticleRecord | None = None
        self.spans = ArticleSpans()  # records made when first asked for
        self.frames: dict[int, FrameRecord] = {}
        self.show_rejected = False
        self.layers = LayerView(project.annotator, project.role() == Role.REVIEWER)

    def identity_changed(self) -> None:
        """The project's person or their role changed: what they see follows (on the next open)."""
        self.layers.person = self.project.annotator
        self.layers.reviewer = self.project.role() == Role.REVIEWER
        if not self.layers.reviewer:
            self.layers.adjudicating = False

    # ----------------------------------------------------------------- reading

    def open(self, article_id: int) -> None:
        self.article = self.project.article(article_id)
        self.spans = self._load_spans()
        self.frames = self._load_frames()
        self.articleOpened.emit()

    def refresh(self, span_ids: Collection[int] | None = None) -> None:
        """Reload the article's spans (only `span_ids`, those a change touched, if given) and frames,
        and announce only what changed. Spans are compared by their marks, which hold their version:
        no record is made but for the spans that changed."""
        if self.article is None:
            return
        fresh = self._load_spans(span_ids)
        held = self.spans.keys() if span_ids is None else self.spans.keys() & set(span_ids)
        for span_id in held - fresh.keys():
            del self.spans[span_id]
            self.spanRemoved.emit(span_id)
        for span_id in fresh:
            known = span_id in self.spans
            if not known or self.spans.mark(span_id) != fresh.mark(span_id):
                span = self.spans[span_id] = fresh[span_id]
                (self.spanChanged if known else self.spanAdded).emit(span)
        frames = self._load_frames()
        if frames != self.frames:
            self.frames = frames
            self.framesChanged.emit()

    def _load_spans(self, span_ids: Collection[int] | None = None) -> ArticleSpans:
        return self.project.article_spans(self.article.id, include_rejected=self.show_rejected,
                                          layers=self.layers.visible, span_ids=span_ids)

    def _load_frames(self) -> dict[int, FrameRecord]:
        return {f.id: f for f in self.project.frames(self.article.id, include_rejected=self.show_rejected)
                if self.layers.visible(f.layer)}

    def _version(self, items: dict, item_id: int) -> int | None:
        item = items.get(item_id)
        return None if item is None else item.version

    def _fresh(self, action):
        """Run a change; if it was based on something someone else changed or deleted, reload and re-raise."""
        try:
            return action()
        except (StaleEditError, NotFoundError):
            self.refresh()
            raise

    def held_span(self, span_id: int) -> SpanRecord | None:
        """The span's record; None, with the view reloaded and the reason said, when someone else
        deleted it since this article was read (its mark is still drawn until then)."""
        try:
            return self.spans[span_id]
        except KeyError:
            self.refresh()
            self.failed.emit("Someone else deleted that span meanwhile; the article is reloaded.")
            return None

    @property
    def article_id(self) -> int | None:
        return None if self.article is None else self.article.id

    def span_text(self, span_id: int) -> str:
        span = self.spans[span_id]
        return self.article.text[span.start:span.end]

    def progress(self) -> str:
        return self.project.progress(self.article.id)

    # ---------------------------------------------------------------- changing

    def add_span(self, start: int, end: int, label: str) -> SpanRecord:
        span = self.project.add_span(self.article.id, start, end, label)
        self._started()
        self.spans[span.id] = span
        self.spanAdded.emit(span)
        return span

    def restore_span(self, deleted: DeletedSpan) -> SpanRecord:
        span = self.project.restore_span(deleted)
        self.spans[span.id] = span
        self.spanAdded.emit(span)
        if deleted.slots:
            self._reload_frames()
        return span

    def update_span(self, span_id: int, **changes) -> SpanRecord:
        version = self._version(self.spans, span_id)
        span = self._fresh(lambda: self.project.update_span(span_id, expected_version=version, **changes))
        self.spans[span.id] = span
        self.spanChanged.emit(span)
        return span

    def set_span_details(self, span_id: int, details: SpanDetails) -> SpanRecord:
        version = self._version(self.spans, span_id)
        span = self._fresh(lambda: self.project.set_span_details(span_id, details, expected_version=version))
        self.spans[span.id] = span
        self.spanChanged.emit(span)
        return span

    def delete_span(self, span_id: int) -> DeletedSpan:
        version = self._version(self.spans, span_id)
        deleted = self._fresh(lambda: self.project.delete_span(span_id, expected_version=version))
        del self.spans[span_id]
        self.spanRemoved.emit(span_id)
        if deleted.slots:
            self._reload_frames()
        return deleted

    def add_frame(self, frame_type: str, roles: dict[str, Sequence[int]] | None = None) -> FrameRecord:
        frame = self.project.add_frame(self.article.id, frame_type, roles)
        self._started()
        self.frames[frame.id] = frame
        self.framesChanged.emit()
        return frame

    def restore_frame(self, record: FrameRecord) -> FrameRecord:
        frame = self.project.restore_frame(record)
        self.frames[frame.id] = frame
        self.framesChanged.emit()
        return frame

    def update_frame(self, frame_id: int, **changes) -> FrameRecord:
        version = self._version(self.frames, frame_id)
        frame = self._fresh(lambda: self.project.update_frame(frame_id, expected_version=version, **changes))
        self.frames[frame.id] = frame
        self.framesChanged.emit()
        return frame

    def delete_frame(self, frame_id: int) -> FrameRecord:
        version = self._version(self.frames, frame_id)
        frame = self._fresh(lambda: self.project.delete_frame(frame_id, expected_version=version))
        del self.frames[frame_id]
        self.framesChanged.emit()
        return frame

    def review(self, status: Status, span_ids=(), frame_ids=(), fix: dict | None = None) -> Review:
        review = self.project.review(status, span_ids, frame_ids, fix=fix)
        self.refresh(_spans_of(review))
        return review

    def undo_review(self, review: Review) -> None:
        self.project.undo_review(review)
        self.refresh(_spans_of(review))

    def adopt(self, span_ids=(), frame_ids=(), merge: bool = False) -> Adopted:
        adopted = self.project.adopt(span_ids, frame_ids, merge=merge)
        self.refresh()
        return adopted

    def discard(self, adopted: Adopted) -> None:
        self.project.discard(adopted)
        self.refresh()

    def take_out(self, span_ids=(), frame_ids=()) -> TakenOut:
        taken = self.project.take_out(span_ids, frame_ids)
        self.refresh()
        return taken

    def put_back(self, taken: TakenOut) -> None:
        self.project.put_back(taken)
        self.refresh()

    def set_progress(self, article_id: int, status: Progress | str) -> None:
        self.project.set_progress(article_id, status)
        self.progressChanged.emit(article_id, status)

    def _started(self) -> None:
        """The services moved the article to in progress with its first annotation: tell the list."""
        self.progressChanged.emit(self.article.id, self.progress())

    def _reload_frames(self) -> None:
        self.frames = self._load_frames()
        self.framesChanged.emit()


def _spans_of(review: Review) -> set[int]:
    """The spans a review (or its undoing) touched: those decided, in place or apart, and the copies
    accepting made."""
    touched = {state.id for state in review.spans}
    for record in (*review.decided, *review.replaced):
        if record.kind == "span":
            touched.add(record.suggestion_id)
            if record.copy_id is not None:
                touched.add(record.copy_id)
    return touched
