"""Spans in the window: the open article's spans drawn in the text and the table, and the
person's tagging, relabelling, deleting and stepping through them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.annotations import SpanRecord
from app.core.vocabulary import MODEL_LAYER
from app.core.vocabulary import Status
from app.gui import commands
from app.gui.highlights import Highlight, highlights_of

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow


class SpanController:
    def __init__(self, window: MainWindow):
        self.window = window
        self.state = window.state
        self._roles_of_span: dict[int, list[str]] = {}  # each span's roles in frames, in words

    def connect(self) -> None:
        """Wire the state's announcements to the text and the table (before the panels that follow them)."""
        state = self.state
        state.articleOpened.connect(self.show_article)
        state.spanAdded.connect(self.span_added)
        state.spanChanged.connect(self.span_changed)
        state.spanRemoved.connect(self.span_removed)
        state.framesChanged.connect(self.frames_changed)

    def show_article(self) -> None:
        """Draw the article's spans from their marks: no record is made until one is shown or changed."""
        state, window = self.state, self.window
        self._roles_of_span = self._span_roles()
        marks = list(state.spans.marks())
        looks = {label: self._looks().get(label, ("#888888", "entity")) for label in {mark[3] for mark in marks}}
        faint = {layer: state.layers.faint(layer) for layer in {mark[4] for mark in marks}}
        highlights = highlights_of([(span_id, start, end, label, *looks[label], status, "", faint[layer])
                                    for start, end, span_id, label, layer, status, _score, _version in marks])
        window.text_view.set_article(state.article.text, highlights)
        window.annotations.model.set_spans(state.article.text, state.spans, self._colours())
        window.frames.refresh()

    def tag(self, label: str) -> None:
        """Tag the selection with `label`; with a span chosen and no other selection, relabel it."""
        if self.state.article is None:
            return
        selection = self.window.text_view.selection_range()
        current = self.window.text_view.current_span_id()
        span = self.state.spans.get(current) if current is not None else None
        if span is not None and (selection is None or selection == (span.start, span.end)):
            if span.status == Status.SUGGESTED or span.layer == MODEL_LAYER:  # also one you rejected before
                self.window.review.fix_and_accept(span.id, f"Accept as {label}", label=label)
            elif span.label != label:
                self.window.undo.push(
                    commands.ChangeSpan(self.state, span.id, f"Relabel {span.label} as {label}", label=label))
            return
        if selection is None:
            self.window.statusBar().showMessage("Select some text first (mouse, Shift+arrows or double-click)", 4000)
            return
        command = commands.AddSpan(self.state, *selection, label)
        if self.window.undo.push(command):
            self.window.text_view.select_span(command.span.id)

    def delete_current_span(self) -> None:
        """Delete the chosen span; a suggestion is rejected instead, and kept for evaluation."""
        current = self.window.text_view.current_span_id()
        if current is None or current not in self.state.spans:
            return
        span = self.state.held_span(current)
        if span is None:
            return
        if span.status == Status.SUGGESTED:
            self.window.review.decide(Status.REJECTED, "span", current)
        else:
            self.window.undo.push(commands.DeleteSpan(self.state, current))

    def step_span(self, delta: int) -> None:
        ids = self.state.spans.in_text_order()
        if not ids:
            return
        current = self.window.text_view.current_span_id()
        index = ids.index(current) + delta if current in ids else (0 if delta > 0 else len(ids) - 1)
        self.window.text_view.select_span(ids[index % len(ids)])

    def span_clicked(self, span_id: int) -> None:
        self.window.frames.span_clicked(span_id)
        self.window.annotations.show_span(span_id)
        span = self.state.spans.get(span_id)
        if span is not None:
            roles = self._roles_of_span.get(span_id, [])
            self.window.statusBar().showMessage(
                f"{span.label} “{self.state.span_text(span_id)[:60]}” · {span.status} · {span.origin}"
                + (f" · {', '.join(roles)}" if roles else ""), 5000)

    def span_added(self, span: SpanRecord) -> None:
        self.window.text_view.add_highlight(self._highlight(span))
        self.window.annotations.model.add_span(span)
        self._update_counts()

    def span_changed(self, span: SpanRecord) -> None:
        self.window.text_view.update_highlight(self._highlight(span))
        self.window.annotations.model.change_span(span)
        self.window.frames.refresh()

    def span_removed(self, span_id: int) -> None:
        self.window.text_view.remove_highlight(span_id)
        self.window.annotations.model.remove_span(span_id)
        self._update_counts()

    def _highlight(self, span: SpanRecord) -> Highlight:
        colour, kind = self._looks().get(span.label, ("#888888", "entity"))
        return Highlight(span.id, span.start, span.end, span.label, colour, kind, span.status, "",
                         self.state.layers.faint(span.layer))

    def tooltip(self, span_id: int) -> str:
        """What the text view shows of a span when hovered, besides its label and status."""
        span = self.state.spans.get(span_id)
        if span is None:
            return ""
        roles = self._roles_of_span.get(span_id)
        return " · ".join(filter(None, [
            span.origin, span.annotator, None if span.layer in (span.annotator, None) else f"layer {span.layer}",
            None if span.score is None else f"score {span.score:.2f}",
        ])) + ("".join(f"\n{role}" for role in roles) if roles else "")

    def _looks(self) -> dict[str, tuple[str, str]]:
        """Each label's colour and kind, as the text view draws it."""
        return {name: (label.colour, label.kind) for name, label in self.window.schema.labels.items()}

    def _colours(self) -> dict[str, str]:
        return {name: label.colour for name, label in self.window.schema.labels.items()}

    def _update_counts(self) -> None:
        if self.state.article is not None:
            self.window.articles.model.update_article(self.state.article.id, spans=len(self.state.spans),
                                               frames=len(self.state.frames))

    def frames_changed(self) -> None:
        self._roles_of_span = self._span_roles()
        self.window.frames.refresh()
        self._update_counts()

    def _span_roles(self) -> dict[int, list[str]]:
        roles: dict[int, list[str]] = {}
        for frame in sorted(self.state.frames.values(), key=lambda f: f.id):
            for slot in frame.slots:
                roles.setdefault(slot.span_id, []).append(
                    f"{slot.role} of {frame.type.replace('_', ' ')} #{frame.id}")
        return roles

    def edit_span_details(self, span_id: int) -> None:
        """Edit a span's attributes, normalizations and notes in a small dialog; one undoable step."""
        from app.gui.span_details_dialog import SpanDetailsDialog

        span = self.state.held_span(span_id)
        if span is None:
            return
        dialog = SpanDetailsDialog(self.state.span_text(span_id), span.details, self.window)
        if dialog.exec() == SpanDetailsDialog.DialogCode.Accepted:
            self.window.undo.push(commands.SetSpanDetails(self.state, span_id, dialog.details()))
