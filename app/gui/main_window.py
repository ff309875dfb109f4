"""The annotation window: article list, highlighted text, frames, annotation table, undo.

The window builds the widgets and actions and wires them; the flows live in controllers beside
it (app/gui/*_controller.py: spans, frames, review, suggest, transfer, team), which reach the
widgets through the window, change the project through its undo steps (undo_steps.py) and
run long work through its task runner (task_runner.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
)

from app import __version__
from app.core.collector import old_objects_frozen
from app.core.guidelines import load_guidelines
from app.core.project import Project
from app.core.vocabulary import Progress, Status
from app.gui import commands
from app.gui.adjudication_panel import AdjudicationPanel
from app.gui.annotation_table import AnnotationPanel
from app.gui.article_list import ArticlePanel
from app.gui.article_state import ArticleState
from app.gui.frame_controller import FrameController
from app.gui.frame_editor import FrameEditor
from app.gui.guidelines_panel import GuidelinesView, open_web_link
from app.gui.models import ModelPicker
from app.gui.recent import RecentProjects, display_name
from app.gui.review_controller import ReviewController
from app.gui.review_queue import ReviewQueue
from app.gui.span_controller import SpanController
from app.gui.suggest_controller import SuggestController
from app.gui.task_runner import TaskRunner
from app.gui.team_controller import TeamController
from app.gui.text_find import TextFindBar
from app.gui.text_view import AnnotatedTextView
from app.gui.theme import apply_theme
from app.gui.transfer_controller import TransferController
from app.gui.transfer_dialogs import ask_encoding
from app.gui.undo_steps import UndoSteps
from app.gui.window_actions import build_actions, build_label_bar, build_menus, make_label_actions, shortcut_rows
from app.store.engine import shown_location, sqlite_path

if TYPE_CHECKING:  # the modules behind menus and dialogs are imported when first used, not at startup
    from app.gui.agreement_panel import AgreementPanel

DEFAULT_SIZE = (1400, 900)


class MainWindow(QMainWindow):
    projectRequested = Signal(str)  # open this project (a path or URL) instead
    newProjectRequested = Signal(str)  # create a project at this path and open it
    # Asks which encoding a file is in (a modal dialog); tests answer in its place.
    choose_encoding = staticmethod(ask_encoding)

    def __init__(self, project: Project, settings: QSettings, *, keep_layout: bool = True,
                 recent: RecentProjects | None = None):
        """With keep_layout off (screenshots), the saved window layout is neither used nor changed."""
        super().__init__()
        self._keep_layout = keep_layout
        self.recent = recent or RecentProjects(settings)
        self.project = project
        self.schema = project.schema
        self.settings = settings
        self.state = ArticleState(project, self)
        self.undo = UndoSteps(self)
        self.undo_group = self.undo.group

        path = sqlite_path(project.url)
        self.setWindowTitle(f"NewsGloss — {path.name if path else shown_location(project.url)}")
        self.text_view = AnnotatedTextView()
        self.text_view.snap_to_tokens = settings.value("snap_to_tokens", True, type=bool)
        self._apply_font()
        self.setCentralWidget(self.text_view)

        self._build_docks()

        self.text_find = TextFindBar(self.text_view, lambda: self.state.article and self.state.article.text, self)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.text_find)
        self.tasks = TaskRunner(self)  # the controllers, after the widgets they use and before the actions
        self.model_picker = ModelPicker()
        self.model_picker.setToolTip("The model that suggests (Review > Suggest…)")
        self.suggest = SuggestController(self)
        self.transfer = TransferController(self)
        self.review = ReviewController(self)
        self.frames = FrameController(self)
        self.team = TeamController(self)
        self.spans = SpanController(self)
        build_actions(self)
        build_menus(self)
        build_label_bar(self)
        self._dashboard = None  # the Statistics window, made when first asked for
        self._agreement: AgreementPanel | None = None
        for widget in (self.tasks.progress_bar, self.tasks.cancel_button, QLabel("Suggest with:"),
                       self.model_picker, self.team.who):
            self.statusBar().addPermanentWidget(widget)
        self._connect()

        self.setAcceptDrops(True)
        self.resize(*DEFAULT_SIZE)
        if keep_layout and settings.value("geometry") is not None:
            self.restoreGeometry(settings.value("geometry"))
            self.restoreState(settings.value("window_state"))
        self.reload_articles()

    # ------------------------------------------------------------ layout

    def _build_docks(self) -> None:
        """The panels around the text: articles left; frames, annotations and their tabs right."""
        self.articles = ArticlePanel()
        self.frame_editor = FrameEditor(self.schema)
        self.annotations = AnnotationPanel()
        self.review_queue = ReviewQueue()
        docks = [
            self._dock("Articles", "articlesDock", self.articles, Qt.DockWidgetArea.LeftDockWidgetArea),
            self._dock("Frames", "framesDock", self.frame_editor, Qt.DockWidgetArea.RightDockWidgetArea),
            self._dock("Annotations", "annotationsDock", self.annotations, Qt.DockWidgetArea.RightDockWidgetArea),
        ]
        review_dock = self._dock("Review", "reviewDock", self.review_queue, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(docks[2], review_dock)
        self.guidelines = GuidelinesView()
        self.guidelines.set_markdown(load_guidelines(self.schema))
        self.guidelines.linkActivated.connect(open_web_link)  # only on a click
        self.guidelines_dock = self._dock("Guidelines", "guidelinesDock", self.guidelines,
                                          Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(review_dock, self.guidelines_dock)
        self.adjudication = AdjudicationPanel()
        self.adjudication_dock = self._dock("Adjudicate", "adjudicationDock", self.adjudication,
                                            Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.guidelines_dock, self.adjudication_dock)
        docks[2].raise_()
        self.frames_dock = docks[1]
        self.resizeDocks(docks[:2], [340, 360], Qt.Orientation.Horizontal)
        self.resizeDocks(docks[1:], [540, 300], Qt.Orientation.Vertical)

    def _dock(self, title: str, name: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

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
        make_label_actions(self)
        self.annotate_menu.insertActions(self.frames_separator, list(self.label_actions.values()))
        self.label_bar.addActions(list(self.label_actions.values()))
        editor = FrameEditor(self.schema)
        self.frames_dock.setWidget(editor)
        self.frame_editor.deleteLater()
        self.frame_editor = editor
        self.frames.connect_editor()
        self.guidelines.set_markdown(load_guidelines(self.schema))
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
        box = QMessageBox(self)
        box.setWindowTitle("About NewsGloss")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"NewsGloss {__version__}\nProject: {shown_location(self.project.url)}\nAnnotator: {self.project.annotator}")
        box.exec()

    def closeEvent(self, event) -> None:
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
