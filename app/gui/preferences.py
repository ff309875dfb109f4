"""Edit > Preferences: annotator name, text font, theme, token snapping, spaCy model.

The dialog reads and writes the same QSettings keys as the window ("font_family",
"font_size", "theme", "snap_to_tokens", "model"), and the annotator's name where the
command line reads it too (app.core.identity). On OK it writes the settings that changed
and emits `applied` with them; the window applies them.
"""

from __future__ import annotations

import os
import re
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

from app.core.locations import DEFAULT_MODEL, ENV_MODEL
from app.core.identity import store_annotator, stored_annotator
from app.core.project import default_annotator
from app.gui.theme import THEMES

DEFAULT_FONT_SIZE = 13
FONT_SIZES = (8, 32)  # what View > Bigger / Smaller text allows
ANNOTATOR_MAX = 100  # the store's limit on annotator names
THEME_NAMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
CHOOSE_FOLDER = "Choose folder…"
_PACKAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

_installed: list[str] | None = None


def installed_models() -> list[str]:
    """The installed default model, then any other spaCy pipeline packages installed.

    spaCy is imported here, not at start-up (it takes a second); the answer is kept."""
    global _installed
    if _installed is None:
        try:
            import spacy.util

            found = sorted(spacy.util.get_installed_models())
        except Exception:  # a broken spaCy install must not keep Preferences from opening
            found = []
        _installed = [DEFAULT_MODEL, *(name for name in found if name != DEFAULT_MODEL)]
    return list(_installed)


def role_box(role: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName("roleBox")
    box.addItem("Annotator: I annotate in my own layer", "annotator")
    box.addItem("Reviewer: I see every layer and adjudicate into gold", "reviewer")
    box.setCurrentIndex(max(0, box.findData(role)))
    return box


def model_problem(text: str) -> str | None:
    """Why `text` cannot name a spaCy model (a package name or a model folder), or None."""
    text = text.strip()
    if not text or text == CHOOSE_FOLDER:
        return "Name a spaCy model: an installed pipeline package or a model folder."
    folder = Path(text).expanduser()
    if any(sep in text for sep in ("/", "\\")) or text.startswith(("~", ".")) or folder.is_dir():
        if not folder.is_dir():
            return f"There is no folder {text}."
        if not (folder / "config.cfg").is_file():
            return f"{text} is not a spaCy model folder: it has no config.cfg."
        return None
    if not _PACKAGE_NAME.fullmatch(text):
        return f"{text!r} is not a spaCy package name."
    return None


class PreferencesDialog(QDialog):
    applied = Signal(dict)  # the settings OK changed: key -> new value

    def __init__(self, settings: QSettings, parent: QWidget | None = None, role: str = "annotator"):
        """`role` is the person's role in the open project: kept there, not in the settings."""
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")

        self.annotator_edit = QLineEdit(stored_annotator() or default_annotator())
        self.annotator_edit.setObjectName("annotatorEdit")
        self.annotator_edit.setMaxLength(ANNOTATOR_MAX)
        self.annotator_edit.setToolTip("Every change you make is recorded under this name")

        self.role_box = role_box(role)

        self.font_box = QFontComboBox()
        self.font_box.setObjectName("fontFamilyBox")
        family = settings.value("font_family") or QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()
        self.font_box.setCurrentFont(QFont(family))
        self.size_box = QSpinBox()
        self.size_box.setObjectName("fontSizeBox")
        self.size_box.setRange(*FONT_SIZES)
        self.size_box.setSuffix(" pt")
        self.size_box.setValue(settings.value("font_size", DEFAULT_FONT_SIZE, type=int))
        font_row = QHBoxLayout()
        font_row.addWidget(self.font_box, 1)
        font_row.addWidget(self.size_box)

        self.theme_box = QComboBox()
        self.theme_box.setObjectName("themeBox")
        for name in THEMES:
            self.theme_box.addItem(THEME_NAMES.get(name, name.capitalize()), name)
        self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(settings.value("theme", "system"))))

        self.snap_box = QCheckBox("Snap selections to whole tokens")
        self.snap_box.setObjectName("snapBox")
        self.snap_box.setChecked(settings.value("snap_to_tokens", True, type=bool))

        self.model_box = QComboBox()
        self.model_box.setObjectName("modelBox")
        self.model_box.setEditable(True)
        self.model_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_box.setToolTip("A spaCy pipeline package, or a folder holding a trained model (with config.cfg)")
        for name in installed_models():
            self.model_box.addItem(name)
        self.model_box.insertSeparator(self.model_box.count())
        self.model_box.addItem(CHOOSE_FOLDER)
        self._set_model_text(settings.value("model") or DEFAULT_MODEL)
        self.model_box.activated.connect(self._model_activated)
        model_note = QLabel(f"{ENV_MODEL} is set ({os.environ.get(ENV_MODEL)}): it overrides this choice.")
        model_note.setTextFormat(Qt.TextFormat.PlainText)
        model_note.setWordWrap(True)
        model_note.setVisible(bool(os.environ.get(ENV_MODEL)))

        self.error_label = QLabel()
        self.error_label.setObjectName("preferencesError")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.annotator_edit.textChanged.connect(self._check)
        self.model_box.editTextChanged.connect(self._model_edited)

        form = QFormLayout()
        form.addRow("Your name:", self.annotator_edit)
        form.addRow("Your role here:", self.role_box)
        form.addRow("Text font:", font_row)
        form.addRow("Theme:", self.theme_box)
        form.addRow("", self.snap_box)
        form.addRow("Suggestion model:", self.model_box)
        form.addRow("", model_note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._initial = self.values()
        self._check()
        self.resize(520, self.sizeHint().height())

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
        """Refuse an empty name or an unusable model; else write what changed and emit it."""
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
        if not self.annotator_edit.text().strip():
            return "Enter your name: every change you make is recorded under it."
        return model_problem(self.model_box.currentText())

    def _check(self) -> None:
        ok = bool(self.annotator_edit.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        if ok:
            self.error_label.hide()
        else:
            self._show_error("Enter your name: every change you make is recorded under it.")

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
