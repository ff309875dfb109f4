"""File > Import… and Export…: choose a format, the files, and what to include; and which encoding a file is in."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.interchange import POLICIES, Selection
from app.core.vocabulary import GOLD_LAYER, MODEL_LAYER
from app.formats.decoding import EncodingUncertain
from app.formats.registry import Format, export_formats, get_format, import_formats

POLICY_TEXT = {"fail": "Stop with an error", "skip": "Leave them out", "add": "Add them to the schema"}


class _TransferDialog(QDialog):
    """A format, a path with a Browse… button, then the subclass's own rows, then OK/Cancel."""

    def __init__(self, title: str, formats: list[Format], path_label: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self._path_label = path_label
        self.format = QComboBox()
        self.format.setObjectName(f"{title.lower()}Format")
        for fmt in formats:
            self.format.addItem(fmt.file_filter, fmt.name)
        self.path = QLineEdit()
        self.path.setObjectName(f"{title.lower()}Path")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.form = QFormLayout(self)
        self.form.addRow("Format", self.format)
        self.form.addRow(path_label, row)
        self.resize(560, 0)

    def _finish(self) -> None:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.path.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        """OK only with a path: an empty one would close the dialog and lose every choice made."""
        self.ok_button.setEnabled(bool(self.path.text().strip()))
        self.ok_button.setToolTip("" if self.ok_button.isEnabled() else f"Fill in “{self._path_label}” first")

    def accept(self) -> None:
        if self.ok_button.isEnabled():
            super().accept()

    def chosen_format(self) -> Format:
        return get_format(self.format.currentData())

    def _browse(self) -> None:
        raise NotImplementedError


class ImportDialog(_TransferDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__("Import", import_formats(), "From", parent)
        self.path.setPlaceholderText("Files or a folder; several separated by ;")
        self.policy = QComboBox()
        for policy in POLICIES:
            self.policy.addItem(POLICY_TEXT[policy], policy)
        self.form.addRow("Labels the schema lacks", self.policy)
        self._finish()

    def _browse(self) -> None:
        fmt = self.chosen_format()
        if fmt.folder:
            folder = QFileDialog.getExistingDirectory(self, "Import from folder")
            chosen = [folder] if folder else []
        else:
            chosen, _ = QFileDialog.getOpenFileNames(self, "Import files", "", f"{fmt.file_filter};;All files (*)")
        if chosen:
            self.path.setText(";".join(chosen))

    def choice(self) -> tuple[str, list[Path], str]:
        paths = [Path(p.strip()) for p in self.path.text().split(";") if p.strip()]
        return self.format.currentData(), paths, self.policy.currentData()


class ExportDialog(_TransferDialog):
    def __init__(self, annotators: list[str], parent: QWidget | None = None):
        super().__init__("Export", export_formats(), "To", parent)
        self.statuses = {status: QCheckBox(status) for status in ("accepted", "suggested", "rejected")}
        self.statuses["accepted"].setChecked(True)
        status_row = QHBoxLayout()
        for box in self.statuses.values():
            status_row.addWidget(box)
        self.annotator = QComboBox()
        self.annotator.addItem("Everyone", None)
        for name in annotators:
            self.annotator.addItem(name, name)
        self.layer = QComboBox()
        self.layer.setToolTip("Whose annotations: the adjudicated gold layer, one person's layer, or the model's")
        self.layer.addItem("All layers", None)
        self.layer.addItem(f"{GOLD_LAYER} (adjudicated)", GOLD_LAYER)
        for name in annotators:
            self.layer.addItem(f"{name}'s layer", name)
        self.layer.addItem(f"{MODEL_LAYER} (suggestions)", MODEL_LAYER)
        self.current_only = QCheckBox("Only the current article")
        self.form.addRow("Status", status_row)
        self.form.addRow("Annotator", self.annotator)
        self.form.addRow("Layer", self.layer)
        self.form.addRow("", self.current_only)
        self._finish()

    def _browse(self) -> None:
        fmt = self.chosen_format()
        if fmt.folder:
            chosen = QFileDialog.getExistingDirectory(self, "Export to folder")
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", "", fmt.file_filter)
        if chosen:
            self.path.setText(chosen)

    def choice(self, current_article: int | None) -> tuple[str, Path, Selection]:
        statuses = frozenset(s for s, box in self.statuses.items() if box.isChecked()) or frozenset({"accepted"})
        annotator, layer = self.annotator.currentData(), self.layer.currentData()
        selection = Selection(
            statuses=statuses,
            annotators=None if annotator is None else frozenset({annotator}),
            layers=None if layer is None else frozenset({layer}),
            article_ids=frozenset({current_article}) if self.current_only.isChecked() and current_article else None)
        return self.format.currentData(), Path(self.path.text().strip()), selection


class EncodingDialog(QDialog):
    """Which encoding a short file is in: its likely encodings, each with the text as it would read."""

    def __init__(self, uncertain: EncodingUncertain, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Which encoding?")
        self.readings = uncertain.readings
        self.encodings = QListWidget()
        self.encodings.setObjectName("encodings")
        self.encodings.addItems([encoding for encoding, _ in self.readings])
        self.preview = QPlainTextEdit()  # plain text: the file is never read as HTML
        self.preview.setReadOnly(True)
        self.encodings.currentRowChanged.connect(lambda row: self.preview.setPlainText(self.readings[row][1]))
        self.encodings.setCurrentRow(0)
        note = QLabel(f"{uncertain.path} is too short to tell its encoding for sure, and its likely encodings "
                      "read it differently. Choose the one whose text reads right.")
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        row = QHBoxLayout()
        row.addWidget(self.encodings, 1)
        row.addWidget(self.preview, 3)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(640, 320)

    def chosen(self) -> str:
        return self.readings[self.encodings.currentRow()][0]


def ask_encoding(uncertain: EncodingUncertain, parent: QWidget | None) -> str | None:
    """The encoding a person chooses for the file, or None if they cancel."""
    dialog = EncodingDialog(uncertain, parent)
    return dialog.chosen() if dialog.exec() else None
