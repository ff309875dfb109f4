"""The frame editor: create claims and tariff facts, fill their roles, set their attributes.

It shows and asks; the window turns its requests into undoable commands.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.annotations import FrameRecord
from app.core.normalise import DATE, IMPOSER, PRODUCT, RATE, TARGET, attributes_of, fact_values
from app.core.schema import Schema

# The normalised values a tariff fact's editor shows, with their labels and what they take.
CODE_FIELDS = {
    IMPOSER: ("imposer code", "ISO 3166-1 alpha-3 code of the imposing country, or EU"),
    TARGET: ("target codes", "ISO 3166-1 alpha-3 codes of the targets (or EU), separated by commas"),
    PRODUCT: ("HS codes", "HS chapter or heading of each product, in order, separated by commas"),
    RATE: ("rate", "25% (ad valorem) or 0.5USD/kg (an amount per unit)"),
    DATE: ("date", "ISO 8601: 2025, 2025-04 or 2025-04-02"),
}


def frame_title(schema: Schema, frame: FrameRecord) -> str:
    name = frame.type.replace("_", " ").capitalize()
    extra = ", ".join(f"{v}" for v in frame.attributes.values())
    return f"{name} #{frame.id}" + (f" · {extra}" if extra else "")


class FrameEditor(QWidget):
    createRequested = Signal(str)  # frame type
    fillRequested = Signal(int, str)  # frame id, role
    clearRequested = Signal(int, str)
    attributeChosen = Signal(int, str, str)  # frame id, attribute, value
    deleteRequested = Signal(int)
    jumpRequested = Signal(int)
    currentFrameChanged = Signal(int)  # -1 for none

    def __init__(self, schema: Schema, parent=None):
        super().__init__(parent)
        self.setObjectName("frameEditor")
        self.schema = schema
        self._frames: dict[int, FrameRecord] = {}
        self._span_text: dict[int, str] = {}
        self._shown: int | None = None
        self._role_widgets: dict[str, tuple[QLabel, QPushButton]] = {}
        self._combos: dict[str, QComboBox] = {}
        self._codes: dict[str, QLineEdit] = {}

        buttons = QHBoxLayout()
        for name, ftype in schema.frames.items():
            button = QPushButton(f"New {name.replace('_', ' ')}")
            button.setObjectName(f"new_{name}")
            button.setToolTip(ftype.description)
            button.clicked.connect(lambda _=False, n=name: self.createRequested.emit(n))
            buttons.addWidget(button)

        self.list = QListWidget()
        self.list.setObjectName("frameList")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAlternatingRowColors(True)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.itemActivated.connect(lambda item: self.jumpRequested.emit(item.data(Qt.ItemDataRole.UserRole)))
        # Room for four frames (two lines each) however tall the open frame's form is.
        self.list.setMinimumHeight(8 * self.list.fontMetrics().lineSpacing() + 2 * self.list.frameWidth() + 8)
        # The list's height changes with the open frame's form and the hint below it.
        self.list.verticalScrollBar().rangeChanged.connect(self._keep_current_in_view)

        self.detail = QGroupBox("No frame chosen")
        self.form = QFormLayout(self.detail)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.hint = QLabel()  # what the number keys would fill now, kept up to date by the window
        self.hint.setObjectName("roleHint")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)  # it quotes article text
        self.hint.setWordWrap(True)

        actions = QHBoxLayout()
        self.jump_button = QPushButton("Show in text")
        self.delete_button = QPushButton("Delete frame")
        self.jump_button.clicked.connect(lambda: self._emit_for_current(self.jumpRequested))
        self.delete_button.clicked.connect(lambda: self._emit_for_current(self.deleteRequested))
        actions.addWidget(self.jump_button)
        actions.addWidget(self.delete_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.hint)
        layout.addLayout(actions)
        self._show_detail(None)

    # ----------------------------------------------------------------- showing

    def set_frames(self, frames: dict[int, FrameRecord], span_text: dict[int, str]) -> None:
        """Show the article's frames; `span_text` gives the text of every span id they use."""
        current = self.current_frame_id()
        self._frames = dict(frames)
        self._span_text = span_text
        self.list.blockSignals(True)
        self.list.clear()
        for frame in sorted(frames.values(), key=lambda f: f.id):
            item = QListWidgetItem(f"{frame_title(self.schema, frame)}\n{self._summary(frame)}")
            item.setData(Qt.ItemDataRole.UserRole, frame.id)
            item.setToolTip(f"{frame.origin} · {frame.status} · {frame.annotator or ''}")
            self.list.addItem(item)
        self.list.blockSignals(False)
        if current in self._frames:
            self.set_current(current)
        else:
            self._show_detail(None)
            self.currentFrameChanged.emit(-1)

    def set_current(self, frame_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == frame_id:
                self.list.blockSignals(True)
                self.list.setCurrentRow(row)
                self.list.blockSignals(False)
                self._show_detail(self._frames[frame_id])
                self._keep_current_in_view()
                self.currentFrameChanged.emit(frame_id)
                return

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _keep_current_in_view(self, *_range) -> None:
        if self.list.currentItem() is not None:
            self.list.scrollToItem(self.list.currentItem())

    def focus_attributes(self) -> bool:
        """Put the keys on the chosen frame's first attribute (Up/Down then change it); False without one."""
        combos = list(self._combos.values())
        if self._shown is None or not combos:
            return False
        combos[0].setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def current_frame_id(self) -> int | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _summary(self, frame: FrameRecord) -> str:
        parts = []
        for role in self.schema.frame(frame.type).roles:
            texts = [self._span_text.get(i, "?") for i in frame.role(role)]
            if texts:
                parts.append(f"{role}: {' + '.join(texts)}")
        return "; ".join(parts) or "(no roles filled yet)"

    def _current_changed(self, item: QListWidgetItem | None, _previous) -> None:
        frame = None if item is None else self._frames.get(item.data(Qt.ItemDataRole.UserRole))
        self._show_detail(frame)
        self.currentFrameChanged.emit(-1 if frame is None else frame.id)

    def _show_detail(self, frame: FrameRecord | None) -> None:
        self.jump_button.setEnabled(frame is not None)
        self.delete_button.setEnabled(frame is not None)
        if frame is not None and frame.id == self._shown:
            self._fill_detail(frame)  # same frame: update in place, never delete a widget mid-signal
            return
        self._shown = None if frame is None else frame.id
        self._clear_form()
        if frame is None:
            self.detail.setTitle("No frame chosen")
            hint = QLabel("Create a claim or tariff fact, or choose one above.")
            hint.setWordWrap(True)
            self.form.addRow(hint)
            return
        ftype = self.schema.frame(frame.type)
        for number, (name, role) in enumerate(ftype.roles.items(), start=1):
            value = QLabel()
            value.setTextFormat(Qt.TextFormat.PlainText)  # article text is never HTML
            value.setWordWrap(True)
            value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            fill = QPushButton(f"Fill ({number})")
            fill.setObjectName(f"fill_{name}")
            fill.setToolTip(f"Fill {name} with the selected text or span (key {number}); "
                            f"takes {', '.join(role.labels)}" + ("; several allowed" if role.multiple else ""))
            fill.clicked.connect(lambda _=False, r=name: self._emit_role(self.fillRequested, r))
            clear = QPushButton("Clear")
            clear.clicked.connect(lambda _=False, r=name: self._emit_role(self.clearRequested, r))
            row = QHBoxLayout()
            row.addWidget(value, 1)
            row.addWidget(fill)
            row.addWidget(clear)
            self.form.addRow(f"{name}{' *' if role.required else ''}", row)
            self._role_widgets[name] = (value, clear)
        for name, attribute in ftype.attributes.items():
            combo = QComboBox()
            combo.setObjectName(f"attribute_{name}")
            combo.addItems(list(attribute.values))
            combo.activated.connect(lambda _i, c=combo, n=name: self._emit_attribute(n, c.currentText()))
            self.form.addRow(name, combo)
            self._combos[name] = combo
        if frame.type == "tariff_fact":
            for name, (label, hint) in CODE_FIELDS.items():
                edit = QLineEdit()
                edit.setObjectName(f"code_{name}")
                edit.setToolTip(f"{hint}. Grey: what the fact's text gives; type to set it, clear to go back.")
                edit.editingFinished.connect(lambda n=name, e=edit: self._emit_code(n, e.text().strip()))
                self.form.addRow(label, edit)
                self._codes[name] = edit
        self._fill_detail(frame)

    def _fill_detail(self, frame: FrameRecord) -> None:
        self.detail.setTitle(frame_title(self.schema, frame))
        for name, (value, clear) in self._role_widgets.items():
            fillers = [self._span_text.get(i, "?") for i in frame.role(name)]
            value.setText(" + ".join(fillers) if fillers else "—")
            clear.setEnabled(bool(fillers))
        for name, combo in self._combos.items():
            combo.blockSignals(True)
            combo.setCurrentText(frame.attributes.get(name, self.schema.frame(frame.type).attributes[name].default))
            combo.blockSignals(False)
        if self._codes:
            texts = {role: [self._span_text.get(i, "") for i in frame.role(role)]
                     for role in self.schema.frame(frame.type).roles}
            read_off = attributes_of(fact_values(texts))
            for name, edit in self._codes.items():
                edit.setText(frame.attributes.get(name, ""))
                edit.setPlaceholderText(read_off.get(name, ""))

    def _clear_form(self) -> None:
        self._role_widgets: dict[str, tuple[QLabel, QPushButton]] = {}
        self._combos: dict[str, QComboBox] = {}
        self._codes: dict[str, QLineEdit] = {}
        while self.form.rowCount():
            row = self.form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                if item is None:
                    continue
                layout = item.layout()
                widgets = [layout.itemAt(i).widget() for i in range(layout.count())] if layout else [item.widget()]
                for widget in widgets:
                    if widget is not None:
                        widget.hide()
                        widget.deleteLater()  # a later deletion is safe inside the widget's own signal

    def _emit_role(self, signal, role: str) -> None:
        if self._shown is not None:
            signal.emit(self._shown, role)

    def _emit_attribute(self, name: str, value: str) -> None:
        if self._shown is not None:
            self.attributeChosen.emit(self._shown, name, value)

    def _emit_code(self, name: str, value: str) -> None:
        """A normalised value typed in: stored (through attributeChosen) if it changed."""
        frame = self._frames.get(self._shown) if self._shown is not None else None
        if frame is not None and frame.attributes.get(name, "") != value:
            self.attributeChosen.emit(frame.id, name, value)

    def _emit_for_current(self, signal) -> None:
        frame_id = self.current_frame_id()
        if frame_id is not None:
            signal.emit(frame_id)
