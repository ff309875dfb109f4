"""The Adjudicate panel: one article's spans and frames, person by person, and the gold layer.

One row per distinct item (core.adjudication), a column per person with a tick where
they have it, and a gold column. Rows not everybody agrees on are tinted. From the
keyboard: Enter adopts the selected rows into gold, M merges the selected frames into
one gold frame, Shift+Enter adopts every agreed row, Delete takes rows out of gold.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.adjudication import Candidate

DISAGREEMENT = QColor(230, 120, 60, 70)
TICK = "✓"
ROW_ROLE = Qt.ItemDataRole.UserRole


class AdjudicationPanel(QWidget):
    """Shows candidates; asks the window (by signal) to adopt or remove them, as undoable commands."""

    adoptRequested = Signal(list, list, bool)  # span ids, frame ids, merge frames
    removeRequested = Signal(list, list)  # gold span ids, gold frame ids
    rangeChosen = Signal(int, int)  # code points of the chosen row's text

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("adjudicationPanel")
        self._rows: list[Candidate] = []
        self._people: list[str] = []
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.only_disagreements = QCheckBox("Only disagreements")
        self.only_disagreements.toggled.connect(lambda _: self._fill())
        self.table = QTableWidget()
        self.table.setObjectName("adjudicationTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.installEventFilter(self)

        buttons = QHBoxLayout()
        for text, slot in (("Into gold (Enter)", self.adopt_selected),
                           ("Merge frames (M)", lambda: self.adopt_selected(merge=True)),
                           ("All agreed (Shift+Enter)", self.adopt_agreed),
                           ("Out of gold (Del)", self.remove_selected)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.only_disagreements)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    # ---------------------------------------------------------------- contents

    def set_candidates(self, candidates: list[Candidate], people: list[str]) -> None:
        chosen = {self._key(c) for c in self.selected()}
        self._rows, self._people = candidates, people
        agreed = sum(c.agreed for c in candidates)
        in_gold = sum(c.gold is not None for c in candidates)
        self.summary.setText(
            f"{len(people)} annotator(s): {', '.join(people) or 'none yet'} · {len(candidates)} item(s), "
            f"{len(candidates) - agreed} disputed · {in_gold} in gold")
        self._fill(chosen)

    def visible_rows(self) -> list[Candidate]:
        return [c for c in self._rows if not (self.only_disagreements.isChecked() and c.agreed)]

    def _fill(self, chosen: set | None = None) -> None:
        rows = self.visible_rows()
        headers = ["Item", "Text", *self._people, "Gold"]
        self.table.blockSignals(True)
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(rows))
        for r, c in enumerate(rows):
            values = [c.label, c.summary, *(TICK if p in c.layers else "" for p in self._people),
                      TICK if c.gold is not None else ""]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(ROW_ROLE, r)
                if column >= 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if not c.agreed:
                    item.setBackground(DISAGREEMENT)
                    item.setToolTip("Not everybody has this: " + (", ".join(c.layers) or "gold only"))
                self.table.setItem(r, column, item)
            if chosen and self._key(c) in chosen:
                self.table.selectRow(r)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.blockSignals(False)

    @staticmethod
    def _key(c: Candidate) -> tuple:
        return c.kind, c.label, c.start, c.end, c.summary

    def selected(self) -> list[Candidate]:
        rows = self.visible_rows()
        return [rows[i.row()] for i in self.table.selectionModel().selectedRows()] if self.table.model() else []

    # ----------------------------------------------------------------- actions

    def adopt_selected(self, merge: bool = False) -> None:
        self._adopt([c for c in self.selected() if c.sources], merge)

    def adopt_agreed(self) -> None:
        self._adopt([c for c in self._rows if c.agreed and c.sources and c.gold is None], False)

    def _adopt(self, rows: list[Candidate], merge: bool) -> None:
        if rows:
            self.adoptRequested.emit([c.first_id for c in rows if c.kind == "span"],
                                     [c.first_id for c in rows if c.kind == "frame"], merge)

    def remove_selected(self) -> None:
        rows = [c for c in self.selected() if c.gold is not None]
        if rows:
            self.removeRequested.emit([c.gold for c in rows if c.kind == "span"],
                                      [c.gold for c in rows if c.kind == "frame"])

    def _selection_changed(self) -> None:
        rows = self.selected()
        if len(rows) == 1:
            self.rangeChosen.emit(rows[0].start, rows[0].end)

    def eventFilter(self, watched, event) -> bool:
        """The panel's keys win over the window's shortcuts (Delete, letters) while the table has focus."""
        if watched is self.table and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            handler = self._handler(event)
            if handler is not None:
                event.accept()
                if event.type() == QEvent.Type.KeyPress:
                    handler()
                return True
        return super().eventFilter(watched, event)

    def _handler(self, event: QKeyEvent):
        key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return self.adopt_agreed if shift else self.adopt_selected
        if key == Qt.Key.Key_M and not shift:
            return lambda: self.adopt_selected(merge=True)
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            return self.remove_selected
        return None
