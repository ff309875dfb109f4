"""The annotation window: article list, highlighted text, frames, annotation table, undo.

The window builds the widgets and actions and wires them; the flows live in controllers beside
it (app/gui/*_controller.py: spans, frames, review, suggest, transfer, team), which reach the
widgets through the window, change the project through its undo steps (undo_steps.py) and
run long work through its task runner (task_runner.py).

A window is built in two steps: first its frame (text view, docks, menus and actions), which
imports neither SQLAlchemy nor the services, so that it can be painted while its project opens;
then `set_project`, which builds what needs the project and its schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
)

from app import __version__
from app.core.collector import old_objects_frozen
from app.core.vocabulary import Progress, Status
from app.gui.models import ModelPicker
from app.gui.recent import RecentProjects, display_name
from app.gui.task_runner import TaskRunner
from app.gui.text_find import TextFindBar
from app.gui.text_view import AnnotatedTextView
from app.gui.theme import apply_theme
from app.gui.undo_steps import UndoSteps
from app.gui.window_actions import (
    add_frame_actions,
    add_label_actions,
    build_actions,
    build_label_bar,
    build_menus,
    enable_project_actions,
    shortcut_rows,
)
from app.gui.window_docks import build_docks, put_project_panels, put_schema_panels

if TYPE_CHECKING:  # imported when a project is set, or when first used: the frame paints without them
    from app.core.project import Project
    from app.gui.agreement_panel import AgreementPanel

DEFAULT_SIZE = (1400, 900)


class MainWindow(QMainWindow):
    projectRequested = Signal(str)  # open this project (a path or URL) instead
    newProjectRequested = Signal(str)  # create a project at this path and open it

    def __init__(self, project: Project | None, settings: QSettings, *, keep_layout: bool = True,
                 recent: RecentProjects | None = None):
        """With no project, the window's frame, to show while one opens (`opening`, then `set_project`):
        the actions that need a project are disabled until then. With keep_layout off (screenshots),
        the saved window layout is neither used nor changed."""
        super().__init__()
        self._keep_layout = keep_layout
        self.recent = recent or RecentProjects(settings)
        self.project: Project | None = None
        self.settings = settings
        self.undo = UndoSteps(self)
        self.undo_group = self.undo.group

        self.setWindowTitle("NewsGloss")
        self.text_view = AnnotatedTextView()
        self.text_view.snap_to_tokens = settings.value("snap_to_tokens", True, type=bool)
        self._apply_font()
        self.setCentralWidget(self.text_view)

        build_docks(self)

        self.text_find = TextFindBar(self.text_view, lambda: self.state.article and self.state.article.text, self)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.text_find)
        self.tasks = TaskRunner(self)
        self.model_picker = ModelPicker()
        self.model_picker.setToolTip("The model that suggests (Review > Suggest…)")
        build_actions(self)
        build_menus(self)
        build_label_bar(self)
        self._dashboard = None  # the Statistics window, made when first asked for
        self._agreement: AgreementPanel | None = None
        for widget in (self.tasks.progress_bar, self.tasks.cancel_button, QLabel("Suggest with:"), self.model_picker):
            self.statusBar().addPermanentWidget(widget)

        self.resize(*DEFAULT_SIZE)
        if keep_layout and settings.value("geometry") is not None:
            self.restoreGeometry(settings.value("geometry"))
            self.restoreState(settings.value("window_state"))
        enable_project_actions(self, False)
        self.text_view.setFocus()  # where the label keys act, once the article is there
        if project is not None:
            self.set_project(project)

    @staticmethod
    def choose_encoding(uncertain, parent) -> str | None:
        """Asks which encoding a file is in (a modal dialog); tests answer in its place."""
        from app.gui.transfer_dialogs import ask_encoding

        return ask_encoding(uncertain, parent)

    def opening(self, name: str) -> None:
        """Say which project is opening, until `set_project`."""
        self.setWindowTitle(f"NewsGloss — {name}")
        self.statusBar().showMessage(f"Opening {name}…")

    def set_project(self, project: Project) -> None:
        """Open `project` in this window (once): the panels, actions and controllers that need it, then
        its articles, the last one shown or else the first."""
        from app.gui.article_state import ArticleState
        from app.gui.frame_controller import FrameController
        from app.gui.review_controller import ReviewController
        from app.gui.span_controller import SpanController
        from app.gui.suggest_controller import SuggestController
        from app.gui.team_controller import TeamController
        from app.gui.transfer_controller import TransferController
        from app.store.engine import shown_location, sqlite_path

        self.project = project
        self.schema = project.schema
        self.state = ArticleState(project, self)
        path = sqlite_path(project.url)
        self.setWindowTitle(f"NewsGloss — {path.name if path else shown_location(project.url)}")
        put_project_panels(self)
        self.suggest = SuggestController(self)  # the controllers, after the widgets they use
        self.transfer = TransferController(self)
        self.review = ReviewController(self)
        self.frames = FrameController(self)
        self.team = TeamController(self)
        self.spans = SpanController(self)
        add_frame_actions(self)
        add_label_actions(self)
        self.statusBar().addPermanentWidget(self.team.who)
        self._connect()
        self.setAcceptDrops(True)
        self.statusBar().clearMessage()
        self.reload_articles()
        enable_project_actions(self, True)

    def _connect(self) -> None:
        self.articles.articleChosen.connect(self.open_article)
        self.spans.connect()
        self.state.progressChanged.connect(
            lambda article_id, status: self.articles.model.update_article(article_id, progress=status))
        self.state.failed.connect(self.refuse)
        self.text_view.spanClicked.connect(self.spans.span_clicked)
        self.text_view.describe_span = self.spans.tooltip
        self.text_view.selectionRangeChanged.connect(self.frames.text_choice_changed)
        self.text_view.cursorPositionChanged.connect(self.frames.text_choice_changed)
        self.annotations.spanActivated.connect(lambda span_id: self.frames.show(self.text_view.select_span, span_id))
        self.annotations.detailsRequested.connect(self.spans.edit_span_details)
        self.frames.connect_editor()
        self.review.connect()

    # ---------------------------------------------------------- articles

    def reload_articles(self) -> None:
        self.articles.model.set_source(self.project)
        wanted = self.settings.value("last_article", type=int)
        if not (wanted and self.articles.select_article(wanted)) and self.articles.model.rowCount():
            self.articles.select_article(self.articles.model.article(0).id)

    def reload_articles_keeping_current(self) -> None:
        current = self.state.article_id
        self.articles.model.reload()
        if current is not None:
            self.articles.select_article(current)
        elif self.articles.model.rowCount():
            self.articles.select_article(self.articles.model.article(0).id)

    def open_article(self, article_id: int) -> None:
        if article_id == self.state.article_id:
            return
        with old_objects_frozen():  # a long article makes tens of thousands of objects at once
            self.state.open(article_id)
        self.undo.activate(article_id)
        self.articles.select_article(article_id)
        self.settings.setValue("last_article", article_id)

    def step_article(self, delta: int) -> None:
        target = self.articles.step(delta)
        if target is not None:
            self.articles.select_article(target)

    def mark_done(self) -> None:
        from app.gui import commands

        if self.state.article is None:
            return
        before = self.state.progress()
        if before != Progress.DONE:
            self.undo.push(commands.SetProgress(self.state, self.state.article.id, Progress.DONE, before))
            self.statusBar().showMessage("Marked done", 3000)

    def task_finished(self) -> None:
        """A task may have changed anything: the schema, the open article, the list."""
        if self.project.schema is not self.schema:
            self._schema_changed()
        self.state.refresh()
        self.reload_articles_keeping_current()

    def _schema_changed(self) -> None:
        """An import grew the schema: new labels get actions, new frame types get buttons."""
        self.schema = self.project.schema
        for action in self.label_actions.values():
            self.label_bar.removeAction(action)
            self.annotate_menu.removeAction(action)
            self.removeAction(action)
        add_label_actions(self)
        put_schema_panels(self)
        self.frames.connect_editor()
        if self.state.article_id is not None:
            self.spans.show_article()

    # ------------------------------------------- delegations to the controllers

    def decide_all(self, status: Status, label: str) -> None:
        self.review.decide_all(status, label)

    def fix_boundaries(self, span_id: int) -> None:
        self.review.fix_boundaries(span_id)

    def create_frame(self, frame_type: str) -> None:
        self.frames.create(frame_type)

    def suggest_current(self) -> None:
        self.suggest.current()

    def train_dialog(self) -> None:
        self.suggest.train_dialog()

    def import_dialog(self) -> None:
        self.transfer.import_dialog()

    def import_files(self, fmt: str, paths: list[Path], policy: str = "fail") -> None:
        self.transfer.import_files(fmt, paths, policy)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        self.transfer.drop(event)

    # -------------------------------------------------------------- view

    def refuse(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)
        QMessageBox.warning(self, "Not done", message)

    def focus_search(self) -> None:
        self.articles.search.setFocus()
        self.articles.search.selectAll()

    def toggle_snap(self) -> None:
        self.text_view.snap_to_tokens = self.snap_action.isChecked()
        self.settings.setValue("snap_to_tokens", self.text_view.snap_to_tokens)
        self.statusBar().showMessage(
            "Selections snap to whole tokens" if self.text_view.snap_to_tokens else "Selections by character", 3000)

    def toggle_labels(self) -> None:
        self.text_view.labels_shown = self.labels_action.isChecked()

    def font_step(self, delta: int) -> None:
        size = max(8, min(32, self.settings.value("font_size", 13, type=int) + delta))
        self.settings.setValue("font_size", size)
        self.text_view.set_font_size(size)

    def set_theme(self, name: str) -> None:
        for action in self.theme_menu.actions():
            action.setChecked(action.text().lower() == name)
        self.settings.setValue("theme", name)
        apply_theme(name)

    def _apply_font(self) -> None:
        family = self.settings.value("font_family")
        if family:
            font = self.text_view.font()
            font.setFamily(family)
            self.text_view.setFont(font)
        self.text_view.set_font_size(self.settings.value("font_size", 13, type=int))

    def show_preferences(self) -> None:
        from app.gui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self, role=self.team.role().value)
        dialog.applied.connect(self.apply_preferences)
        dialog.exec()

    def apply_preferences(self, changed: dict) -> None:
        """Put changed preferences into effect at once."""
        if "annotator" in changed or "role" in changed:
            self.team.switch(changed.get("annotator"), changed.get("role"))
        if "font_family" in changed or "font_size" in changed:
            self._apply_font()
        if "theme" in changed:
            self.set_theme(changed["theme"])
        if "snap_to_tokens" in changed:
            self.text_view.snap_to_tokens = bool(changed["snap_to_tokens"])
            self.snap_action.setChecked(self.text_view.snap_to_tokens)
        if "model" in changed:
            self.suggest.model_setting_changed()

    def show_guidelines(self) -> None:
        self.guidelines_dock.show()
        self.guidelines_dock.raise_()
        self.guidelines.find_box.setFocus()

    def show_dashboard(self) -> None:
        """The statistics window; one per main window, brought up to date each time it is shown."""
        if self._dashboard is None:
            from app.gui.dashboard import Dashboard  # pyqtgraph and numpy: 0.3 s, not paid at startup

            self._dashboard = Dashboard({name: label.colour for name, label in self.schema.labels.items()})
            self._dashboard.setWindowTitle("NewsGloss — Statistics")
            self._dashboard.setWindowFlag(Qt.WindowType.Window)
            self._dashboard.setParent(self, Qt.WindowType.Window)
            self._dashboard.resize(1100, 760)
            self._dashboard.refreshRequested.connect(self._refresh_dashboard)
        self._refresh_dashboard()
        self._dashboard.show()
        self._dashboard.raise_()

    def _refresh_dashboard(self) -> None:
        from app.core.statistics import dashboard_figures

        self._dashboard.set_figures(dashboard_figures(self.project))

    def show_agreement(self) -> None:
        """The agreement window; one per main window, computed afresh each time it is shown."""
        if self._agreement is None:
            from app.gui.agreement_panel import AgreementPanel

            self._agreement = AgreementPanel(self.project)
            self._agreement.setParent(self, Qt.WindowType.Window)
            self._agreement.resize(1000, 700)
        self._agreement.refresh()
        self._agreement.show()
        self._agreement.raise_()

    def show_shortcuts(self) -> None:
        from app.gui.shortcuts import ShortcutsDialog

        ShortcutsDialog(shortcut_rows(self), self).exec()

    def key_actions(self) -> list[QAction]:
        """The window's actions that have keys: Undo and Redo, then the rest in the order made."""
        return [self.undo_action, self.redo_action, *(a for a in self.actions() if a.shortcuts())]

    # ---------------------------------------------------------- projects

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open project", "", "NewsGloss project (*.db);;All files (*)")
        if path:
            self.projectRequested.emit(path)

    def open_url_dialog(self) -> None:
        url, ok = QInputDialog.getText(self, "Open shared project",
                                       "Database URL, e.g. postgresql+psycopg://NAME:PASSWORD@HOST/DATABASE:")
        if ok and url.strip():
            self.projectRequested.emit(url.strip())

    def new_project_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New project", "project.db", "NewsGloss project (*.db)")
        if path:
            self.newProjectRequested.emit(path)

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for location in self.recent.items():
            action = self.recent_menu.addAction(display_name(location))
            action.setToolTip(location)
            action.triggered.connect(lambda _=False, loc=location: self.projectRequested.emit(loc))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def about(self) -> None:
        from app.store.engine import shown_location

        box = QMessageBox(self)
        box.setWindowTitle("About NewsGloss")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"NewsGloss {__version__}\nProject: {shown_location(self.project.url)}\nAnnotator: {self.project.annotator}")
        box.exec()

    def closeEvent(self, event) -> None:
        if self.project is not None:
            self.team.stop()
        self.tasks.stop()
        if self._agreement is not None:  # it belongs to this window's project
            self._agreement.stop()
            self._agreement.close()
        if self._keep_layout:
            self.settings.setValue("geometry", self.saveGeometry())
            self.settings.setValue("window_state", self.saveState())
        self.settings.sync()
        super().closeEvent(event)
