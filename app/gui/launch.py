"""Start the desktop app: Qt application, settings, then a project window, a welcome page, or a screenshot."""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from pathlib import Path

from app.core.errors import NewsGlossError


def run_app(project_option: str | None, annotator: str | None, *, screenshot: Path | None = None,
            article_id: int | None = None) -> int:
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.gui.platform_check import xcb_problem

    if problem := xcb_problem():
        print(f"newsgloss: error: {problem}", file=sys.stderr)
        return 1
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from app.core.locations import chosen_location
    from app.gui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("NewsGloss")
    app.setApplicationName("NewsGloss")
    app.setDesktopFileName("newsgloss")  # matches packaging/newsgloss.desktop
    app.setWindowIcon(QIcon(str(files("app.resources") / "icons" / "newsgloss.png")))
    app.setStyle("Fusion")
    settings = QSettings()
    apply_theme(settings.value("theme", "system"))
    location = chosen_location(project_option) or settings.value("last_project") or None
    try:
        annotator = who_is_annotating(annotator, settings)
    except NewsGlossError as err:
        print(f"newsgloss: error: {err}", file=sys.stderr)
        return 1
    if screenshot is not None:
        return _screenshot(settings, location, annotator, screenshot, article_id)
    role = None
    if annotator is None:
        annotator, role = _ask_identity()
    controller = AppController(settings, annotator, role)
    controller.start(location)
    if exit_when := os.environ.get("NEWSGLOSS_EXIT_WHEN_SHOWN"):  # startup timing, see app/gui/first_paint.py
        _quit_when_shown(controller.window, exit_when)
    code = app.exec()
    controller.close_all()
    return code


def _quit_when_shown(window, when: str) -> None:
    """Report and quit at the window's first paint, or with "article" once its first article is painted."""
    from app.gui.first_paint import quit_after_first_paint

    if when == "article":
        quit_after_first_paint(window.text_view.viewport(),
                               lambda: window.project is not None and window.state.article is not None)
    else:
        quit_after_first_paint(window)


def who_is_annotating(option: str | None, settings) -> str | None:
    """Who is annotating (app.core.identity), moving a name that an older version kept in the
    Qt settings to where the command line reads it too."""
    from app.core.identity import chosen_annotator, store_annotator

    chosen = chosen_annotator(option)
    if chosen is None and settings.value("annotator"):
        chosen = settings.value("annotator")
        store_annotator(chosen)
        settings.remove("annotator")
    return chosen


def _ask_identity() -> tuple[str, str]:
    """First start: the person's name (stored for the app and the command line) and role (given in
    the first project they open)."""
    from app.core.identity import store_annotator
    from app.gui.identity import IdentityDialog

    dialog = IdentityDialog()
    dialog.exec()
    name, role = dialog.choice()
    store_annotator(name)
    return name, role


def _screenshot(settings, location, annotator, path: Path, article_id: int | None) -> int:
    from PySide6.QtWidgets import QApplication

    from app.core.locations import open_project
    from app.gui.main_window import DEFAULT_SIZE, MainWindow

    try:
        project = open_project(location, annotator)
    except NewsGlossError as err:
        print(f"newsgloss: error: {err}", file=sys.stderr)
        return 1
    window = MainWindow(project, settings, keep_layout=False)
    if article_id is not None:
        window.open_article(article_id)
    window.resize(*DEFAULT_SIZE)
    window.show()
    for _ in range(5):
        QApplication.processEvents()
    saved = window.grab().save(str(path), "PNG")
    window.close()
    project.close()
    if not saved:
        print(f"newsgloss: error: could not write {path}", file=sys.stderr)
        return 1
    return 0


class AppController:
    """Keeps one project window open at a time; opens projects, recent ones, and the welcome page."""

    def __init__(self, settings, annotator: str | None, role: str | None = None):
        """`role`: chosen on the first start, and given in the first project opened (there, without
        it, the first person to act would become the reviewer)."""
        from app.gui.recent import RecentProjects

        self.settings = settings
        self.annotator = annotator
        self.role = role
        self.recent = RecentProjects(settings)
        self.window = None
        self.welcome_window = None

    def open(self, location: str | None, *, create: bool = False, window=None) -> bool:
        """Open a project (None: the default one, made with the samples) in `window`, a window
        without a project shown while it opens, else in a new window."""
        from PySide6.QtWidgets import QMessageBox

        from app.core.locations import default_project_path, open_project
        from app.core.project import Project
        from app.gui.team_controller import take_role
        from app.store.engine import without_password

        try:
            project = Project.create(location, self.annotator) if create else open_project(location, self.annotator)
        except NewsGlossError as err:
            QMessageBox.critical(self.window or self.welcome_window, "NewsGloss", str(err))
            if location is not None and not create:
                self.recent.remove(location)
            return False
        if self.role is not None and (why := take_role(project, self.role)):
            QMessageBox.information(None, "NewsGloss", f"You work in this project as {project.role()}, "
                                    f"not {self.role}: {why}")
        self.role = None
        shown = without_password(location or str(default_project_path()))
        self.settings.setValue("last_project", shown)
        self.recent.add(shown)
        previous = self.window
        self.window = window or self._new_window()
        self.window.set_project(project)
        self.window.show()
        for old in (previous, self.welcome_window):
            if old is not None and old is not self.window:
                old.close()
        self.welcome_window = None
        return True

    def _new_window(self):
        from app.gui.main_window import MainWindow

        window = MainWindow(None, self.settings, recent=self.recent)
        window.projectRequested.connect(self.open)
        window.newProjectRequested.connect(lambda path: self.open(path, create=True))
        return window

    def start(self, location: str | None) -> None:
        """The first window: the chosen or last project, else the default one with the sample article.

        The window is painted first, saying which project it opens, and the project opens in it
        right after: SQLAlchemy, the services and the articles wait until the window is there
        (tests/bench/startup.py times both). A project that cannot be opened (moved, deleted, a
        server down) leads to the welcome page, where a recent or new project can be chosen,
        rather than to no window at all.
        """
        from app.core.locations import default_project_path
        from app.gui.first_paint import after_first_paint
        from app.gui.recent import short_name

        self.window = self._new_window()
        self.window.opening(short_name(location or str(default_project_path())))
        self.window.show()
        after_first_paint(self.window, lambda window=self.window: self._open_in(window, location))

    def _open_in(self, window, location: str | None) -> None:
        """Open the first project in its window, unless that was closed meanwhile; else the welcome page."""
        if not window.isVisible() or self.open(location, window=window):
            return
        self.window = None
        window.close()
        self.welcome()

    def welcome(self) -> None:
        """First run: a page that offers the sample project, an import, a new project or a recent one."""
        from PySide6.QtWidgets import QFileDialog, QMainWindow

        from app.gui.main_window import DEFAULT_SIZE
        from app.gui.welcome import WelcomePage

        page = WelcomePage()
        page.set_recent(self.recent.items())
        window = QMainWindow()
        window.setWindowTitle("Welcome to NewsGloss")
        window.setCentralWidget(page)
        window.resize(*DEFAULT_SIZE)

        def create() -> None:
            path, _ = QFileDialog.getSaveFileName(window, "New project", "project.db", "NewsGloss project (*.db)")
            if path:
                self.open(path, create=True)

        def import_files() -> None:
            if self.open(None):
                self.window.import_dialog()

        def clear() -> None:
            self.recent.clear()
            page.set_recent([])

        page.openSampleRequested.connect(lambda: self.open(None))
        page.createRequested.connect(create)
        page.importRequested.connect(import_files)
        page.openProjectRequested.connect(self.open)
        page.clearRecentRequested.connect(clear)
        self.welcome_window = window
        window.show()

    def close_all(self) -> None:
        if self.window is not None and self.window.project is not None:
            self.window.project.close()
