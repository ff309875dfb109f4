"""The first-run page: what NewsGloss is for, three ways to start, and the recent projects."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.gui.recent import display_name, is_url

INTRO = ("NewsGloss is where you label news articles: the people, places and goods they name, "
         "who claims what, and which tariffs are imposed on whom. Start with the sample "
         "article to look around, bring in your own articles, or set up a new project.")


class _RecentList(QListWidget):
    """Opens an item on a click, or on Enter from the keyboard (once either way)."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.itemClicked.connect(self._choose)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self._choose(self.currentItem())
            return
        super().keyPressEvent(event)

    def _choose(self, item: QListWidgetItem) -> None:
        self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))


class WelcomePage(QWidget):
    openSampleRequested = Signal()
    importRequested = Signal()
    createRequested = Signal()
    openProjectRequested = Signal(str)  # a recent project's location: file path or URL
    clearRecentRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("welcomePage")
        title = QLabel("Welcome to NewsGloss")
        title.setObjectName("welcomeTitle")
        title.setTextFormat(Qt.TextFormat.PlainText)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(INTRO)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.recent_list = _RecentList()
        self.recent_list.setObjectName("recentList")
        self.recent_list.setFrameShape(QFrame.Shape.StyledPanel)
        self.recent_list.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)
        self.recent_list.chosen.connect(self.openProjectRequested)

        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(title)
        column.addSpacing(8)
        column.addWidget(intro)
        column.addSpacing(20)
        column.addLayout(self._start_buttons())
        column.addSpacing(24)
        column.addLayout(self._recent_head())
        column.addWidget(self.recent_list)
        column.addStretch(2)
        centred = QWidget()
        centred.setLayout(column)
        centred.setMaximumWidth(760)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(centred, 4)
        outer.addStretch(1)
        self.set_recent([])

    def _start_buttons(self) -> QHBoxLayout:
        """The three ways to start: the sample project, an import, a new project."""
        self.sample_button = self._big_button("Open the sample project", "openSampleButton",
                                              "A project with a sample article about tariffs, to try things out")
        self.import_button = self._big_button("Import files…", "importButton",
                                              "Add articles (.txt, .html, .jsonl) or annotations from other tools")
        self.create_button = self._big_button("Create a project…", "createButton",
                                              "Start an empty project in a file of your choice")
        self.sample_button.clicked.connect(lambda: self.openSampleRequested.emit())
        self.import_button.clicked.connect(lambda: self.importRequested.emit())
        self.create_button.clicked.connect(lambda: self.createRequested.emit())
        buttons = QHBoxLayout()
        for button in (self.sample_button, self.import_button, self.create_button):
            buttons.addWidget(button)
        return buttons

    def _recent_head(self) -> QHBoxLayout:
        """The recent projects' title and Clear list, above the list."""
        self.recent_title = QLabel("Recent projects")
        self.recent_title.setTextFormat(Qt.TextFormat.PlainText)
        self.clear_button = QPushButton("Clear list")
        self.clear_button.setObjectName("clearRecentButton")
        self.clear_button.setFlat(True)
        self.clear_button.clicked.connect(lambda: self.clearRecentRequested.emit())
        head = QHBoxLayout()
        head.addWidget(self.recent_title)
        head.addStretch(1)
        head.addWidget(self.clear_button)
        return head

    def _big_button(self, text: str, name: str, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.setMinimumSize(QSize(180, 64))
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        font = button.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        button.setFont(font)
        return button

    def set_recent(self, locations: list[str]) -> None:
        """Show these projects (RecentProjects.items()); the section hides when there are none."""
        self.recent_list.clear()
        for location in locations:
            shown = display_name(location)
            path = Path(location)
            item = QListWidgetItem(shown if is_url(location) else f"{path.name}  —  {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, location)
            item.setToolTip(shown)
            self.recent_list.addItem(item)
        for widget in (self.recent_title, self.recent_list, self.clear_button):
            widget.setVisible(bool(locations))
