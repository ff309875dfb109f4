"""Who is annotating: asked once, on the first start, and stored where the command line reads it too."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.core.identity import annotator_problem
from app.core.project import default_annotator
from app.core.vocabulary import Role
from app.gui.preferences import error_label, name_edit, role_box


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
        self.name_edit = name_edit(default_annotator(), "identityName")
        self.role_box = role_box(Role.ANNOTATOR)
        self.error_label = error_label("identityError")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.name_edit.textChanged.connect(self._check)
        form = QFormLayout()
        form.addRow("Your name:", self.name_edit)
        form.addRow("Your role:", self.role_box)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._check()
        self.resize(480, self.heightForWidth(480))  # tall enough for the wrapped text at that width

    def _check(self) -> None:
        """OK only for a name the rules allow (app.core.identity), else the reason is shown."""
        problem = annotator_problem(self.name_edit.text())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)
        self.error_label.setText(problem or "")
        self.error_label.setVisible(problem is not None)

    def choice(self) -> tuple[str, str]:
        return self.name_edit.text().strip(), self.role_box.currentData()
