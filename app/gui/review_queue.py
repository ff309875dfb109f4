"""The review queue: the current article's suggestions, one at a time, decided from the keyboard."""

from __future__ import annotations

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
        self._items: list[tuple[str, int, str, float | None, int]] = []  # kind, id, text, score, position
        self._keys: list[tuple[str, int]] = []  # (kind, id) of each row of the list

    def set_suggestions(self, text: str, spans: ArticleSpans, frames: dict[int, FrameRecord]) -> None:
        """Show the suggestions still awaiting a decision, keeping the current one if it still waits."""
        suggested = Status.SUGGESTED
        waiting = [mark for mark in spans.marks() if mark[5] == suggested]
        self._items = [(SPAN, span_id, f"{label} · {text[start:end]}", score, start)
                       for start, end, span_id, label, _layer, _status, score, _version in waiting]
        for frame in frames.values():
            if frame.status == Status.SUGGESTED:
                starts = [spans[slot.span_id].start for slot in frame.slots if slot.span_id in spans]
                summary = ", ".join(f"{v}" for v in frame.attributes.values())
                self._items.append((FRAME, frame.id, f"{frame.type.replace('_', ' ')} #{frame.id} · {summary}",
                                    frame.score, min(starts, default=0)))
        labels = sorted({mark[3] for mark in waiting})
        chosen = self.label_choice.currentText()
        self.label_choice.clear()
        self.label_choice.addItems(labels)
        if chosen in labels:
            self.label_choice.setCurrentText(chosen)
        self._rebuild()

    def _rebuild(self) -> None:
        current = self.current()
        row_of_current = self.list.currentRow()
        if self.uncertain_first.isChecked():
            ordered = sorted(self._items, key=lambda i: (_certainty(i[3]), i[4], i[0] == FRAME, i[1]))
        else:
            ordered = sorted(self._items, key=lambda i: (i[4], i[0] == FRAME, i[1]))  # spans before their frames
        self.list.blockSignals(True)
        self.list.clear()
        # One call for all rows: thousands of items made and filled one by one took tens of milliseconds.
        self.list.addItems([text + ("" if score is None else f"  ({score:.2f})")
                            for _kind, _id, text, score, _position in ordered])
        self._keys = [(kind, item_id) for kind, item_id, *_ in ordered]
        self.list.blockSignals(False)
        self.count.setText(f"{len(ordered)} suggestion{'s' if len(ordered) != 1 else ''} to review")
        if current in self._keys:
            row = self._keys.index(current)
        else:  # the current one was decided: go on with the one that took its place
            row = min(max(row_of_current, 0), len(self._keys) - 1)
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
