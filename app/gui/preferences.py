"""Edit > Preferences: annotator name, text font, theme, token snapping, spaCy model.

The dialog reads and writes the same QSettings keys as the window ("font_family",
"font_size", "theme", "snap_to_tokens", "model"), and the annotator's name where the
command line reads it too (app.core.identity). On OK it writes the settings that changed
and emits `applied` with them; the window applies them.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFontComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.identity import ANNOTATOR_MAX, annotator_problem, store_annotator, stored_annotator
from app.core.locations import DEFAULT_MODEL, ENV_MODEL
from app.core.project import default_annotator
from app.core.vocabulary import Role
from app.gui.theme import THEMES
from app.nlp.model_checks import installed_models, model_problem

DEFAULT_FONT_SIZE = 13
FONT_SIZES = (8, 32)  # what View > Bigger / Smaller text allows
THEME_NAMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
CHOOSE_FOLDER = "Choose folder…"


def role_box(role: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName("roleBox")
    box.addItem("Annotator: I annotate in my own layer", Role.ANNOTATOR)
    box.addItem("Reviewer: I see every layer and adjudicate into gold", Role.REVIEWER)
    box.setCurrentIndex(max(0, box.findData(role)))
    return box


def name_edit(name: str, object_name: str) -> QLineEdit:
    """The annotator's name, as long as the store keeps."""
    edit = QLineEdit(name)
    edit.setObjectName(object_name)
    edit.setMaxLength(ANNOTATOR_MAX)
    edit.setToolTip("Every change you make is recorded under this name")
    return edit


def error_label(object_name: str) -> QLabel:
    """Where a dialog says why it cannot be accepted (hidden until then)."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setStyleSheet("color: #c0392b")
    label.hide()
    return label


class PreferencesDialog(QDialog):
    applied = Signal(dict)  # the settings OK changed: key -> new value

    def __init__(self, settings: QSettings, parent: QWidget | None = None, role: str = Role.ANNOTATOR):
        """`role` is the person's role in the open project: kept there, not in the settings."""
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.annotator_edit = name_edit(stored_annotator() or default_annotator(), "annotatorEdit")
        self.role_box = role_box(role)
        font_row = self._font_row()
        self.theme_box = QComboBox()
        self.theme_box.setObjectName("themeBox")
        for name in THEMES:
            self.theme_box.addItem(THEME_NAMES.get(name, name.capitalize()), name)
        self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(settings.value("theme", "system"))))
        self.snap_box = QCheckBox("Snap selections to whole tokens")
        self.snap_box.setObjectName("snapBox")
        self.snap_box.setChecked(settings.value("snap_to_tokens", True, type=bool))
        self._build_model_box()
        model_note = QLabel(f"{ENV_MODEL} is set ({os.environ.get(ENV_MODEL)}): it overrides this choice.")
        model_note.setTextFormat(Qt.TextFormat.PlainText)
        model_note.setWordWrap(True)
        model_note.setVisible(bool(os.environ.get(ENV_MODEL)))
        self.error_label = error_label("preferencesError")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.annotator_edit.textChanged.connect(self._check)

        form = QFormLayout()
        for text, field in (("Your name:", self.annotator_edit), ("Your role here:", self.role_box),
                            ("Text font:", font_row), ("Theme:", self.theme_box), ("", self.snap_box),
                            ("Suggestion model:", self.model_box), ("", model_note)):
            form.addRow(text, field)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._initial = self.values()
        self._check()
        self.resize(520, self.sizeHint().height())

    def _font_row(self) -> QHBoxLayout:
        """The font family and size, from the settings (else the system's font at the default size)."""
        self.font_box = QFontComboBox()
        self.font_box.setObjectName("fontFamilyBox")
        family = (self.settings.value("font_family")
                  or QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family())
        self.font_box.setCurrentFont(QFont(family))
        self.size_box = QSpinBox()
        self.size_box.setObjectName("fontSizeBox")
        self.size_box.setRange(*FONT_SIZES)
        self.size_box.setSuffix(" pt")
        self.size_box.setValue(self.settings.value("font_size", DEFAULT_FONT_SIZE, type=int))
        row = QHBoxLayout()
        row.addWidget(self.font_box, 1)
        row.addWidget(self.size_box)
        return row

    def _build_model_box(self) -> None:
        """The installed models, any package or folder chosen before, and a last item to choose a folder."""
        self.model_box = QComboBox()
        self.model_box.setObjectName("modelBox")
        self.model_box.setEditable(True)
        self.model_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_box.setToolTip("A spaCy pipeline package, or a folder holding a trained model (with config.cfg)")
        for name in installed_models():
            self.model_box.addItem(name)
        self.model_box.insertSeparator(self.model_box.count())
        self.model_box.addItem(CHOOSE_FOLDER)
        self._set_model_text(self.settings.value("model") or DEFAULT_MODEL)
        self.model_box.activated.connect(self._model_activated)
        self.model_box.editTextChanged.connect(self._model_edited)

    # ----------------------------------------------------------------- values

    def values(self) -> dict:
        """Every setting as the dialog shows it now."""
        return {
            "annotator": self.annotator_edit.text().strip(),
            "role": self.role_box.currentData(),
            "font_family": self.font_box.currentFont().family(),
            "font_size": self.size_box.value(),
            "theme": self.theme_box.currentData(),
            "snap_to_tokens": self.snap_box.isChecked(),
            "model": self.model_box.currentText().strip(),
        }

    def changed(self) -> dict:
        """The settings that differ from what the dialog showed when it opened."""
        return {key: value for key, value in self.values().items() if value != self._initial[key]}

    def accept(self) -> None:
        """Refuse a name the rules forbid or an unusable model; else write what changed and emit it."""
        problem = self._problem()
        if problem is not None:
            self._show_error(problem)
            return
        changed = self.changed()
        for key, value in changed.items():
            if key == "annotator":
                store_annotator(value)
            elif key != "role":
                self.settings.setValue(key, value)
        self.settings.sync()
        self.applied.emit(changed)
        super().accept()

    def _problem(self) -> str | None:
        model = self.model_box.currentText()
        return annotator_problem(self.annotator_edit.text()) or model_problem("" if model == CHOOSE_FOLDER else model)

    def _check(self) -> None:
        """OK only for a name the rules allow (app.core.identity), else the reason is shown."""
        problem = annotator_problem(self.annotator_edit.text())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)
        if problem is None:
            self.error_label.hide()
        else:
            self._show_error(problem)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    # ------------------------------------------------------------------ model

    def _set_model_text(self, text: str) -> None:
        index = self.model_box.findText(text, Qt.MatchFlag.MatchExactly)
        if index < 0:  # a folder or package chosen before: listed above the separator
            index = self.model_box.count() - 2
            self.model_box.insertItem(index, text)
        self.model_box.setCurrentIndex(index)
        self._model = text

    def _model_edited(self, text: str) -> None:
        if text != CHOOSE_FOLDER:
            self._model = text  # what to go back to if choosing a folder is cancelled
            self.error_label.hide()

    def _model_activated(self, index: int) -> None:
        if self.model_box.itemText(index) == CHOOSE_FOLDER:
            previous = self.model_box.findText(self._model, Qt.MatchFlag.MatchExactly)
            if previous >= 0:
                self.model_box.setCurrentIndex(previous)
            else:
                self.model_box.setEditText(self._model)
            self.choose_model_folder()

    def choose_model_folder(self) -> None:
        folder = self._ask_folder()
        if folder:
            self.set_model_folder(folder)

    def _ask_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Choose a spaCy model folder")

    def set_model_folder(self, folder: str | Path) -> bool:
        """Choose a model folder; refused (False, with a message) without a config.cfg."""
        path = Path(folder).expanduser().resolve()
        problem = model_problem(str(path))
        if problem is not None:
            self._show_error(problem)
            return False
        self._set_model_text(str(path))
        self.error_label.hide()
        return True
