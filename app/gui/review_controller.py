"""Reviewing in the window: deciding on suggestions, the Review queue, and adjudicating into gold."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from app.core.adjudication import candidates, people_layers
from app.core.vocabulary import Status
from app.gui import commands

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow


class ReviewController:
    def __init__(self, window: MainWindow):
        self.window = window
        self.state = window.state
        self._review_item: tuple[str, int] | None = None  # the Review panel's item last shown in the text
        # The Adjudicate table is rebuilt once per burst of changes (adopting 300 agreed spans
        # announces 300), when the event loop next runs, not once per span.
        self._adjudication_timer = QTimer(window)
        self._adjudication_timer.setSingleShot(True)
        self._adjudication_timer.setInterval(0)
        self._adjudication_timer.timeout.connect(self._refresh_adjudication)

    def connect(self) -> None:
        """Wire the Review and Adjudicate panels (after the text view hears of a change, so that a
        panel's refresh finds the text already drawn)."""
        window, state = self.window, self.state
        window.review_queue.currentChanged.connect(self._current_changed)
        window.review_queue.decided.connect(self.decide)
        window.review_queue.fixBoundariesRequested.connect(self.fix_boundaries)
        window.review_queue.decideAllRequested.connect(self.decide_all)
        for signal in (state.articleOpened, state.framesChanged):
            signal.connect(self._refresh_queue)
        state.spanAdded.connect(lambda span: window.review_queue.span_changed(span.id))
        state.spanChanged.connect(lambda span: window.review_queue.span_changed(span.id))
        state.spanRemoved.connect(window.review_queue.span_changed)
        for signal in (state.articleOpened, state.spanAdded, state.spanChanged, state.spanRemoved,
                       state.framesChanged):
            signal.connect(self._adjudication_timer.start)
        window.adjudication.adoptRequested.connect(
            lambda spans, frames, merge: window.undo.push(commands.AdoptIntoGold(state, spans, frames, merge)))
        window.adjudication.removeRequested.connect(self.remove_from_gold)
        window.adjudication.rangeChosen.connect(
            lambda start, end: window.frames.show(window.text_view.select_range, start, end))
        window.adjudication_dock.visibilityChanged.connect(self._adjudication_timer.start)

    def decide(self, status: Status, kind: str, item_id: int) -> None:
        ids = {"span_ids": [item_id]} if kind == "span" else {"frame_ids": [item_id]}
        self.window.undo.push(commands.ReviewSuggestions(self.state, status, **ids))

    def decide_all(self, status: Status, label: str) -> None:
        ids = [mark[2] for mark in self.state.spans.marks() if mark[5] == Status.SUGGESTED and mark[3] == label]
        if ids:
            verb = "Accept" if status == Status.ACCEPTED else "Reject"
            self.window.undo.push(
                commands.ReviewSuggestions(self.state, status, span_ids=ids, text=f"{verb} all {label}"))

    def fix_boundaries(self, span_id: int) -> None:
        selection = self.window.text_view.selection_range()
        span = self.state.spans.get(span_id)
        if selection is None or span is None:
            self.window.statusBar().showMessage("Select the right text first, then press B", 4000)
            return
        start, end = selection
        self.fix_and_accept(span_id, "Fix and accept suggestion", start=start, end=end)

    def fix_and_accept(self, span_id: int, text: str, **changes) -> None:
        """Correct a suggestion (label or boundaries) as it is accepted, in one undoable step."""
        self.window.undo.push(
            commands.ReviewSuggestions(self.state, Status.ACCEPTED, span_ids=[span_id], text=text, fix=changes))

    def _current_changed(self, kind: str, item_id: int) -> None:
        """Show the Review panel's current item in the text when the person moves to another one;
        the panel's refresh after an edit (a new frame, a tag) leaves the text where it is."""
        if (kind, item_id) == self._review_item:
            return
        self._review_item = (kind, item_id)
        window = self.window
        if kind == "span" and item_id in self.state.spans:
            window.frames.show(window.text_view.select_span, item_id)
        elif kind == "frame" and item_id in self.state.frames:
            window.frame_editor.set_current(item_id)
            window.frames.jump_to_frame(item_id)

    def _refresh_queue(self, *_args) -> None:
        if self.state.article is not None:
            self.window.review_queue.set_suggestions(self.state.article.text, self.state.spans, self.state.frames)

    def _refresh_adjudication(self) -> None:
        # A dock behind another's tab counts as visible; only its visible region says it is not on screen.
        if self.state.article is not None and not self.window.adjudication_dock.visibleRegion().isEmpty():
            spans, frames = list(self.state.spans.values()), list(self.state.frames.values())
            self.window.adjudication.set_candidates(candidates(self.state.article.text, spans, frames),
                                                    people_layers(spans, frames))

    def remove_from_gold(self, span_ids: list[int], frame_ids: list[int]) -> None:
        self.window.undo.push(commands.TakeOutOfGold(self.state, span_ids, frame_ids))

    def toggle_adjudication(self) -> None:
        """Adjudication mode: people's layers faint, gold in full, the Adjudicate panel up front."""
        window = self.window
        on = window.adjudicate_action.isChecked()
        if on and not self.state.layers.reviewer:
            window.adjudicate_action.setChecked(False)
            window.refuse(f"Only a reviewer can adjudicate; {window.project.annotator} is an annotator "
                          "(Edit > Preferences… sets your role)")
            return
        self.state.layers.adjudicating = on
        if on:
            window.adjudication_dock.show()
            window.adjudication_dock.raise_()
            window.adjudication.table.setFocus()
        if self.state.article is not None:
            window.spans.show_article()
            self._adjudication_timer.start()

    def toggle_others(self) -> None:
        self.state.layers.show_others = self.window.show_others_action.isChecked()
        if self.state.article is not None:
            self.state.open(self.state.article.id)

    def toggle_rejected(self) -> None:
        self.state.show_rejected = self.window.show_rejected_action.isChecked()
        self.state.refresh()
