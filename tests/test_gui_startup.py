"""Startup: the window paints first, saying which project opens, then the project opens in it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from app.core.articles import ArticleDraft
from app.core.project import Project
from app.core.vocabulary import Progress
from app.gui.launch import AppController


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def test_the_window_says_it_is_opening_and_waits_with_the_project_actions(qtbot, tmp_path, settings):
    path = tmp_path / "desk.db"
    with Project.open(path, "alice", create=True) as project:
        project.add_articles([ArticleDraft(text="Ottawa taxed steel.", title="Steel", origin="t"),
                              ArticleDraft(text="Beijing answered.", title="Reply", origin="t")])
    controller = AppController(settings, "alice")
    controller.start(str(path))
    window = controller.window
    qtbot.addWidget(window)
    # before its first paint: a frame that names the project, with nothing that needs it enabled
    assert window.project is None and window.isVisible()
    assert window.statusBar().currentMessage() == "Opening desk.db…"
    assert "desk.db" in window.windowTitle()
    assert not window.done_action.isEnabled() and not window.import_action.isEnabled()
    assert not window.preferences_action.isEnabled() and not window.search_action.isEnabled()
    assert window.open_action.isEnabled() and window.quit_action.isEnabled()
    assert window.text_view.toPlainText() == ""

    qtbot.waitUntil(lambda: window.project is not None)
    assert controller.window is window and controller.welcome_window is None
    assert all(action.isEnabled() for action in window.actions())
    assert set(window.label_actions) == set(window.project.schema.labels) and window.frame_actions
    assert window.articles.model.rowCount() == 2
    assert window.state.article.title == "Steel" and window.text_view.toPlainText() == "Ottawa taxed steel."
    assert window.statusBar().currentMessage() == ""
    window.done_action.trigger()
    assert window.project.progress(window.state.article_id) == Progress.DONE
    controller.close_all()
    window.close()


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

