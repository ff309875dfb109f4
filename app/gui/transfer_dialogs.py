"""File > Import… and Export…: choose a format, the files, and what to include."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.core.interchange import POLICIES, Selection
from app.formats.registry import EXPORT_FORMATS, FILE_FILTERS, IMPORT_FORMATS

FOLDER_FORMATS = {"brat"}
POLICY_TEXT = {"fail": "Stop with an error", "skip": "Leave them out", "add": "Add them to the schema"}


def _format_combo(formats) -> QComboBox:
    combo = QComboBox()
    for fmt in formats:
        combo.addItem(FILE_FILTERS[fmt], fmt)
    return combo


class ImportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.format = _format_combo(IMPORT_FORMATS)
        self.format.setObjectName("importFormat")
        self.paths = QLineEdit()
        self.paths.setObjectName("importPaths")
        self.paths.setPlaceholderText("Files or a folder; several separated by ;")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.policy = QComboBox()
        for policy in POLICIES:
            self.policy.addItem(POLICY_TEXT[policy], policy)
        row = QHBoxLayout()
        row.addWidget(self.paths, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("From", row)
        form.addRow("Labels the schema lacks", self.policy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, 0)

    def _browse(self) -> None:
        fmt = self.format.currentData()
        if fmt in FOLDER_FORMATS:
            folder = QFileDialog.getExistingDirectory(self, "Import from folder")
            chosen = [folder] if folder else []
        else:
            chosen, _ = QFileDialog.getOpenFileNames(self, "Import files", "", f"{FILE_FILTERS[fmt]};;All files (*)")
        if chosen:
            self.paths.setText(";".join(chosen))

    def choice(self) -> tuple[str, list[Path], str]:
        paths = [Path(p.strip()) for p in self.paths.text().split(";") if p.strip()]
        return self.format.currentData(), paths, self.policy.currentData()


class ExportDialog(QDialog):
    def __init__(self, annotators: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.format = _format_combo(EXPORT_FORMATS)
        self.format.setObjectName("exportFormat")
        self.target = QLineEdit()
        self.target.setObjectName("exportTarget")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.statuses = {status: QCheckBox(status) for status in ("accepted", "suggested", "rejected")}
        self.statuses["accepted"].setChecked(True)
        self.annotator = QComboBox()
        self.annotator.addItem("Everyone", None)
        for name in annotators:
            self.annotator.addItem(name, name)
        self.current_only = QCheckBox("Only the current article")
        row = QHBoxLayout()
        row.addWidget(self.target, 1)
        row.addWidget(browse)
        status_row = QHBoxLayout()
        for box in self.statuses.values():
            status_row.addWidget(box)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("To", row)
        form.addRow("Status", status_row)
        form.addRow("Annotator", self.annotator)
        form.addRow("", self.current_only)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, 0)

    def _browse(self) -> None:
        fmt = self.format.currentData()
        if fmt in FOLDER_FORMATS:
            chosen = QFileDialog.getExistingDirectory(self, "Export to folder")
        else:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export to", "", FILE_FILTERS[fmt])
        if chosen:
            self.target.setText(chosen)

    def choice(self, current_article: int | None) -> tuple[str, Path, Selection]:
        statuses = frozenset(s for s, box in self.statuses.items() if box.isChecked()) or frozenset({"accepted"})
        annotator = self.annotator.currentData()
        selection = Selection(
            statuses=statuses,
            annotators=None if annotator is None else frozenset({annotator}),
            article_ids=frozenset({current_article}) if self.current_only.isChecked() and current_article else None)
        return self.format.currentData(), Path(self.target.text().strip()), selection
