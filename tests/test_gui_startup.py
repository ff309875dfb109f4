"""Startup: the window paints first, saying which project it opens, and the project opens in it right
after (AppController.start); until then it offers only what works without a project."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from app.core.articles import ArticleDraft
from app.core.project import Project
from app.gui.launch import AppController

FIRST = "Ottawa taxed Chinese steel at 25 percent on Monday."


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "archive.db"
    with Project.open(path, "alice", create=True) as project:
        project.add_articles([ArticleDraft(text=FIRST, title="Steel", origin="t"),
                              ArticleDraft(text="Beijing answered with canola duties.", title="Canola", origin="t")])
    return path


def test_the_window_says_what_opens_and_waits_for_the_project_before_offering_its_actions(
        qtbot, settings, project_path):
    controller = AppController(settings, "alice")
    controller.start(str(project_path))
    window = controller.window
    qtbot.addWidget(window)

    assert window.isVisible() and window.project is None
    assert window.statusBar().currentMessage() == "Opening archive.db…"
    assert "archive.db" in window.windowTitle()
    waiting = [window.import_action, window.export_action, window.done_action, window.suggest_action,
               window.next_article_action, window.delete_action, window.dashboard_action]
    assert not any(action.isEnabled() for action in waiting)
    assert window.open_action.isEnabled() and window.new_action.isEnabled() and window.quit_action.isEnabled()
    assert window.focusWidget() is window.text_view

    qtbot.waitUntil(lambda: window.project is not None)
    assert all(action.isEnabled() for action in waiting)
    assert window.label_actions and all(action.isEnabled() for action in window.label_actions.values())
    assert window.frame_actions and all(action.isEnabled() for action in window.frame_actions.values())
    assert window.statusBar().currentMessage() == ""
    assert window.articles.model.rowCount() == 2
    assert window.text_view.toPlainText() == FIRST
    assert window.focusWidget() is window.text_view  # the label keys act on the article at once
    controller.close_all()
    window.close()


def test_a_window_closed_before_its_project_opened_opens_nothing(qtbot, settings, project_path):
    controller = AppController(settings, "alice")
    controller.start(str(project_path))
    window = controller.window
    qtbot.addWidget(window)
    window.close()
    qtbot.wait(50)
    assert window.project is None and controller.welcome_window is None
    controller.close_all()


def test_a_project_that_fails_to_open_lands_on_the_welcome_page_with_the_error(qtbot, tmp_path, settings,
                                                                               monkeypatch):
    said = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: said.append(text))
    broken = tmp_path / "broken.db"
    broken.write_text("not a database\n")
    settings.setValue("recent_projects", [str(broken)])
    controller = AppController(settings, "alice")
    controller.start(str(broken))
    shell = controller.window
    qtbot.addWidget(shell)
    qtbot.waitUntil(lambda: controller.welcome_window is not None)
    qtbot.addWidget(controller.welcome_window)
    assert controller.window is None and not shell.isVisible() and controller.welcome_window.isVisible()
    assert len(said) == 1 and "broken.db" in said[0]
    assert controller.recent.items() == []  # not offered again
    controller.close_all()
