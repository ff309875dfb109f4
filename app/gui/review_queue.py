"""The review queue: the current article's suggestions, one at a time, decided from the keyboard."""

from __future__ import annotations

import bisect

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.annotations import FrameRecord
from app.core.services.records import ArticleSpans
from app.core.vocabulary import Status

SPAN, FRAME = "span", "frame"


def _shown(item: tuple) -> str:
    text, score = item[2], item[3]
    return text + ("" if score is None else f"  ({score:.2f})")


def _sort_key(item: tuple, uncertain_first: bool) -> tuple:
    kind, item_id, _text, score, position, _label = item
    if uncertain_first:
        return _certainty(score), position, kind == FRAME, item_id
    return position, kind == FRAME, item_id  # spans before their frames


def _certainty(score: float | None) -> float:
    return 2.0 if score is None else score  # unscored suggestions come after scored ones


class ReviewQueue(QWidget):
    """Lists suggestions awaiting a decision; the window turns its requests into commands."""

    currentChanged = Signal(str, int)  # kind ("span" / "frame"), id; ("", -1) when empty
    decided = Signal(str, str, int)  # Status.ACCEPTED or REJECTED, kind, id
    fixBoundariesRequested = Signal(int)  # span id
    decideAllRequested = Signal(str, str)  # status, label

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("reviewQueue")
        self.list = QListWidget()
        self.list.setObjectName("reviewList")
        self.list.setUniformItemSizes(True)  # one line each: no measuring thousands of items to show one
        self.list.currentRowChanged.connect(self._current_changed)
        self.count = QLabel()
        self.uncertain_first = QCheckBox("Least certain first")
        self.uncertain_first.toggled.connect(lambda _: self._rebuild())

        buttons = QGridLayout()
        for column, (text, slot) in enumerate((
            ("Accept (A)", lambda: self.decide(Status.ACCEPTED)),
            ("Reject (X)", lambda: self.decide(Status.REJECTED)),
            ("Skip (S)", self.skip),
            ("Fix span (B)", self.fix_boundaries),
        )):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button, 0, column)

        self.label_choice = QComboBox()
        self.label_choice.setObjectName("reviewLabel")
        accept_all = QPushButton("Accept all")
        reject_all = QPushButton("Reject all")
        accept_all.clicked.connect(lambda: self._decide_all(Status.ACCEPTED))
        reject_all.clicked.connect(lambda: self._decide_all(Status.REJECTED))
        bulk = QHBoxLayout()
        bulk.addWidget(self.label_choice, 1)
        bulk.addWidget(accept_all)
        bulk.addWidget(reject_all)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.uncertain_first)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addLayout(bulk)
        # kind, id, text, score, position, label (None for a frame) by (kind, id)
        self._items: dict[tuple[str, int], tuple[str, int, str, float | None, int, str | None]] = {}
        self._keys: list[tuple[str, int]] = []  # (kind, id) of each row of the list
        self._order: list[tuple] = []  # the sort key of each row
        self._text = ""
        self._spans = ArticleSpans()
        self._frames: dict[int, FrameRecord] = {}
        self._fillers: set[int] = set()  # the spans of the waiting frames, which place them

    def set_suggestions(self, text: str, spans: ArticleSpans, frames: dict[int, FrameRecord]) -> None:
        """Show the suggestions still awaiting a decision, keeping the current one if it still waits."""
        self._text, self._spans, self._frames = text, spans, frames
        suggested = Status.SUGGESTED
        waiting = [mark for mark in spans.marks() if mark[5] == suggested]
        self._items = {(SPAN, span_id): (SPAN, span_id, f"{label} · {text[start:end]}", score, start, label)
                       for start, end, span_id, label, _layer, _status, score, _version in waiting}
        self._fillers = set()
        for frame in frames.values():
            if frame.status == Status.SUGGESTED:
                fillers = [slot.span_id for slot in frame.slots if slot.span_id in spans]
                self._fillers.update(fillers)
                summary = ", ".join(f"{v}" for v in frame.attributes.values())
                shown = f"{frame.type.replace('_', ' ')} #{frame.id} · {summary}"
                self._items[FRAME, frame.id] = (FRAME, frame.id, shown, frame.score,
                                                min((spans.mark(i)[0] for i in fillers), default=0), None)
        self._rebuild()

    def span_changed(self, span_id: int) -> None:
        """One span was added, changed or removed (of the spans last given): its row alone goes and
        comes back where it belongs if it still waits; a frame's filler places the frame, so the
        queue is made anew for it."""
        if span_id in self._fillers:
            self.set_suggestions(self._text, self._spans, self._frames)
            return
        current, row_of_current = self.current(), self.list.currentRow()
        self.list.blockSignals(True)
        if self._items.pop((SPAN, span_id), None) is not None:
            row = self._keys.index((SPAN, span_id))
            del self._keys[row], self._order[row]
            self.list.takeItem(row)
        mark = self._spans.mark(span_id) if span_id in self._spans else None
        if mark is not None and mark[5] == Status.SUGGESTED:
            start, end, _id, label, _layer, _status, score, _version = mark
            item = self._items[SPAN, span_id] = (SPAN, span_id, f"{label} · {self._text[start:end]}", score, start,
                                                 label)
            order = _sort_key(item, self.uncertain_first.isChecked())
            row = bisect.bisect(self._order, order)
            self._keys.insert(row, (SPAN, span_id))
            self._order.insert(row, order)
            self.list.insertItem(row, _shown(item))
        self.list.blockSignals(False)
        self._settle(current, row_of_current)

    def _rebuild(self) -> None:
        current = self.current()
        row_of_current = self.list.currentRow()
        uncertain = self.uncertain_first.isChecked()
        items = list(self._items.values())
        ordered = sorted(zip([_sort_key(item, uncertain) for item in items], items))  # each key is one item's
        self.list.blockSignals(True)
        self.list.clear()
        # One call for all rows: thousands of items made and filled one by one took tens of milliseconds.
        self.list.addItems([_shown(item) for _order, item in ordered])
        self._keys = [item[:2] for _order, item in ordered]
        self._order = [order for order, _item in ordered]
        self.list.blockSignals(False)
        self._settle(current, row_of_current)

    def _settle(self, current: tuple[str, int] | None, row_of_current: int) -> None:
        """After the rows changed: the count, the labels to decide at once, and the current row (the
        same item if it still waits, else the one that took its place)."""
        count = len(self._keys)
        self.count.setText(f"{count} suggestion{'s' if count != 1 else ''} to review")
        labels = sorted({item[5] for item in self._items.values() if item[5] is not None})
        if labels != [self.label_choice.itemText(i) for i in range(self.label_choice.count())]:
            chosen = self.label_choice.currentText()
            self.label_choice.clear()
            self.label_choice.addItems(labels)
            if chosen in labels:
                self.label_choice.setCurrentText(chosen)
        row = self._keys.index(current) if current in self._keys else min(max(row_of_current, 0), count - 1)
        self.list.setCurrentRow(row)
        self._current_changed(row)

    def current(self) -> tuple[str, int] | None:
        row = self.list.currentRow()
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def decide(self, status: Status) -> None:
        current = self.current()
        if current is not None:
            self.decided.emit(status, *current)

    def skip(self) -> None:
        if self.list.count():
            self.list.setCurrentRow((self.list.currentRow() + 1) % self.list.count())

    def fix_boundaries(self) -> None:
        current = self.current()
        if current is not None and current[0] == SPAN:
            self.fixBoundariesRequested.emit(current[1])

    def _decide_all(self, status: Status) -> None:
        if self.label_choice.currentText():
            self.decideAllRequested.emit(status, self.label_choice.currentText())

    def _current_changed(self, _row: int) -> None:
        self.currentChanged.emit(*(self.current() or ("", -1)))
