"""One QUndoCommand per annotator action. redo() and undo() call the services through
ArticleState, so every step, forwards or back, is committed before it is shown.

A command the services refuse reports why (ArticleState.failed) and marks itself
obsolete, so QUndoStack drops it instead of keeping an action that never happened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QUndoCommand

from app.core.errors import NewsGlossError
from app.core.span_details import SpanDetails
from app.core.vocabulary import Progress, Status
from app.gui.article_state import ArticleState


class _Command(QUndoCommand):
    def __init__(self, state: ArticleState, text: str):
        super().__init__(text)
        self.state = state
        self.ok = False

    def _attempt(self, action: Callable[[], None]) -> None:
        try:
            action()
            self.ok = True
        except NewsGlossError as err:
            self.ok = False
            self.setObsolete(True)
            self.state.failed.emit(str(err))


class AddSpan(_Command):
    def __init__(self, state: ArticleState, start: int, end: int, label: str):
        super().__init__(state, f"Tag {label} “{state.article.text[start:end][:30]}”")
        self.args = (start, end, label)
        self.span = None
        self._deleted = None

    def redo(self):
        def do():
            if self._deleted is None:
                self.span = self.state.add_span(*self.args)
            else:
                self.span = self.state.restore_span(self._deleted)
        self._attempt(do)

    def undo(self):
        def do():
            self._deleted = self.state.delete_span(self.span.id)
        self._attempt(do)


class DeleteSpan(_Command):
    def __init__(self, state: ArticleState, span_id: int):
        super().__init__(state, f"Delete {state.spans[span_id].label} “{state.span_text(span_id)[:30]}”")
        self.span_id = span_id
        self._deleted = None

    def redo(self):
        def do():
            self._deleted = self.state.delete_span(self.span_id)
        self._attempt(do)

    def undo(self):
        self._attempt(lambda: self.state.restore_span(self._deleted))


class ChangeSpan(_Command):
    """Relabel or move a span (its frames keep it)."""

    def __init__(self, state: ArticleState, span_id: int, text: str, **changes):
        super().__init__(state, text)
        span = state.spans[span_id]
        self.span_id = span_id
        self.after = changes
        self.before = {key: getattr(span, key) for key in changes}

    def redo(self):
        self._attempt(lambda: self.state.update_span(self.span_id, **self.after))

    def undo(self):
        self._attempt(lambda: self.state.update_span(self.span_id, **self.before))


class SetSpanDetails(_Command):
    """Replace a span's attributes, normalizations and notes (its fragments stay as they are)."""

    def __init__(self, state: ArticleState, span_id: int, details: SpanDetails):
        super().__init__(state, f"Edit the details of “{state.span_text(span_id)[:30]}”")
        self.span_id = span_id
        self.before = state.spans[span_id].details
        self.after = details

    def redo(self):
        self._attempt(lambda: self.state.set_span_details(self.span_id, self.after))

    def undo(self):
        self._attempt(lambda: self.state.set_span_details(self.span_id, self.before))


class AddFrame(_Command):
    def __init__(self, state: ArticleState, frame_type: str, roles: dict[str, Sequence[int]] | None = None):
        super().__init__(state, f"New {frame_type.replace('_', ' ')}")
        self.args = (frame_type, roles)
        self.frame = None
        self._deleted = None

    def redo(self):
        def do():
            if self._deleted is None:
                self.frame = self.state.add_frame(*self.args)
            else:
                self.frame = self.state.restore_frame(self._deleted)
        self._attempt(do)

    def undo(self):
        def do():
            self._deleted = self.state.delete_frame(self.frame.id)
        self._attempt(do)


class DeleteFrame(_Command):
    def __init__(self, state: ArticleState, frame_id: int):
        super().__init__(state, f"Delete {state.frames[frame_id].type.replace('_', ' ')}")
        self.frame_id = frame_id
        self._deleted = None

    def redo(self):
        def do():
            self._deleted = self.state.delete_frame(self.frame_id)
        self._attempt(do)

    def undo(self):
        self._attempt(lambda: self.state.restore_frame(self._deleted))


class SetRoles(_Command):
    """Replace the fillers of some roles of a frame."""

    def __init__(self, state: ArticleState, frame_id: int, roles: dict[str, list[int]], text: str):
        super().__init__(state, text)
        frame = state.frames[frame_id]
        self.frame_id = frame_id
        self.after = roles
        self.before = {role: frame.role(role) for role in roles}

    def redo(self):
        self._attempt(lambda: self.state.update_frame(self.frame_id, roles=self.after))

    def undo(self):
        self._attempt(lambda: self.state.update_frame(self.frame_id, roles=self.before))


class SetAttribute(_Command):
    def __init__(self, state: ArticleState, frame_id: int, name: str, value: str):
        super().__init__(state, f"Set {name} to {value}")
        self.frame_id = frame_id
        self.name = name
        self.after = value
        self.before = state.frames[frame_id].attributes.get(name)

    def redo(self):
        self._attempt(lambda: self.state.update_frame(self.frame_id, attributes={self.name: self.after}))

    def undo(self):
        self._attempt(lambda: self.state.update_frame(self.frame_id, attributes={self.name: self.before}))


class SetProgress(_Command):
    def __init__(self, state: ArticleState, article_id: int, status: Progress, before: str):
        super().__init__(state, f"Mark article {status.replace('_', ' ')}")
        self.article_id = article_id
        self.after = status
        self.before = before

    def redo(self):
        self._attempt(lambda: self.state.set_progress(self.article_id, self.after))

    def undo(self):
        self._attempt(lambda: self.state.set_progress(self.article_id, self.before))


class ReviewSuggestions(_Command):
    """Accept (with a fix: label or boundaries) or reject suggestions, as the person's own decisions;
    undo takes back their decisions and the copies accepting made, and puts back exactly what was there."""

    def __init__(self, state: ArticleState, status: Status, span_ids=(), frame_ids=(), text: str = "",
                 fix: dict | None = None):
        count = len(span_ids) + len(frame_ids)
        verb = "Accept" if status == Status.ACCEPTED else "Reject"
        super().__init__(state, text or f"{verb} {count} suggestion{'s' if count != 1 else ''}")
        self.args = (status, tuple(span_ids), tuple(frame_ids), fix)
        self._before = None

    def redo(self):
        def do():
            self._before = self.state.review(*self.args)
        self._attempt(do)

    def undo(self):
        self._attempt(lambda: self.state.undo_review(self._before))


class AdoptIntoGold(_Command):
    """Copy people's spans and frames into the gold layer; undo takes back what it created."""

    def __init__(self, state: ArticleState, span_ids: Sequence[int], frame_ids: Sequence[int], merge: bool):
        count = len(span_ids) + len(frame_ids)
        super().__init__(state, f"{'Merge' if merge else 'Adopt'} {count} item{'s' if count != 1 else ''} into gold")
        self.args = (tuple(span_ids), tuple(frame_ids), merge)
        self._adopted = None

    def redo(self):
        def do():
            self._adopted = self.state.adopt(*self.args)
        self._attempt(do)

    def undo(self):
        self._attempt(lambda: self.state.discard(self._adopted))


class TakeOutOfGold(_Command):
    """Take rows out of the gold layer (frames with their fillers' places); undo puts them back as they were."""

    def __init__(self, state: ArticleState, span_ids: Sequence[int], frame_ids: Sequence[int]):
        count = len(span_ids) + len(frame_ids)
        super().__init__(state, f"Take {count} item{'s' if count != 1 else ''} out of gold")
        self.args = (tuple(span_ids), tuple(frame_ids))
        self._taken = None

    def redo(self):
        def do():
            self._taken = self.state.take_out(*self.args)
        self._attempt(do)

    def undo(self):
        self._attempt(lambda: self.state.put_back(self._taken))
