"""Who is annotating: asked once, on the first start, and stored where the command line reads it too."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.core.project import default_annotator
from app.gui.preferences import ANNOTATOR_MAX, role_box


class IdentityDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("identityDialog")
        self.setWindowTitle("Who is annotating?")
        intro = QLabel("Every span, frame and review decision you make is recorded under your name, "
                       "here and on the command line. In a shared project each annotator works in their own "
                       "layer; reviewers see every layer and adjudicate them into gold. Your role is given "
                       "in the first project you open; where a reviewer is already at work, only they can "
                       "make you one. Edit > Preferences… changes both later.")
        intro.setWordWrap(True)
        intro.setObjectName("identityIntro")
        self.name_edit = QLineEdit(default_annotator())
        self.name_edit.setObjectName("identityName")
        self.name_edit.setMaxLength(ANNOTATOR_MAX)
        self.role_box = role_box("annotator")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.name_edit.textChanged.connect(
            lambda text: self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(text.strip())))
        form = QFormLayout()
        form.addRow("Your name:", self.name_edit)
        form.addRow("Your role:", self.role_box)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(480, self.heightForWidth(480))  # tall enough for the wrapped text at that width

    def choice(self) -> tuple[str, str]:
        return self.name_edit.text().strip(), self.role_box.currentData()
