"""The app around the window: preferences take effect, recent projects, the first-run page, guidelines."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QPushButton

from sqlalchemy import make_url

from app.core.articles import ArticleDraft
from app.core.errors import ProjectError
from app.core.project import Project
from app.gui.launch import AppController
from app.gui.main_window import MainWindow
from test_gui_window import show


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, tmp_path, settings):
    project = Project.open(tmp_path / "a.db", "alice", create=True)
    project.add_articles([ArticleDraft(text="Ottawa taxed steel.", title="T", origin="t")])
    win = MainWindow(project, settings)
    show(qtbot, win)
    yield win
    win.close()
    project.close()


def test_preferences_take_effect_at_once(qtbot, window, settings):
    settings.setValue("font_size", 17)
    window.apply_preferences({"annotator": "bob", "snap_to_tokens": False, "font_size": 17, "model": "x"})
    # nobody has annotated here yet, so bob, the first to work on the project, would review it
    assert window.project.annotator == "bob" and window.team.who.text() == "bob (reviewer)"
    assert not window.text_view.snap_to_tokens and not window.snap_action.isChecked()
    assert round(window.text_view.font().pointSizeF()) >= 17
    window.project.add_span(window.state.article_id, 0, 6, "GPE")
    assert window.project.spans(window.state.article_id)[0].annotator == "bob"


def test_recent_projects_in_the_file_menu(qtbot, window, tmp_path):
    other = tmp_path / "b.db"
    Project.open(other, "alice", create=True).close()
    window.recent.add(str(other))
    window.recent_menu.aboutToShow.emit()
    actions = [a for a in window.recent_menu.actions() if a.toolTip() == str(other)]
    assert len(actions) == 1
    with qtbot.waitSignal(window.projectRequested) as signal:
        actions[0].trigger()
    assert signal.args == [str(other)]


def test_guidelines_are_in_a_side_panel(qtbot, window):
    window.guidelines_action.trigger()
    assert window.guidelines_dock.isVisible()
    text = window.guidelines.panel.toPlainText()
    assert "tariff" in text.lower() and "imposer" in text


def test_controller_opens_one_project_window_at_a_time(qtbot, tmp_path, settings):
    first, second = tmp_path / "1.db", tmp_path / "2.db"
    for path in (first, second):
        Project.open(path, "alice", create=True).close()
    controller = AppController(settings, "alice")
    assert controller.open(str(first))
    window_one = controller.window
    qtbot.addWidget(window_one)
    window_one.projectRequested.emit(str(second))
    assert controller.window is not window_one and not window_one.isVisible()
    qtbot.addWidget(controller.window)
    assert controller.window.project.url.endswith("2.db")
    assert controller.recent.items()[:2] == [str(second), str(first)]
    assert settings.value("last_project") == str(second)
    controller.close_all()
    controller.window.close()


def test_settings_keep_no_postgresql_password_and_the_password_file_opens_it_again(
        qtbot, settings, postgres_url, tmp_path, monkeypatch):
    url = make_url(postgres_url)
    Project.open(postgres_url, "alice", create=True).close()
    controller = AppController(settings, "alice")
    assert controller.open(postgres_url)
    qtbot.addWidget(controller.window)
    settings.sync()
    kept = settings.value("last_project")
    assert make_url(kept).password is None and controller.recent.items() == [kept]
    assert url.password not in (tmp_path / "s.ini").read_text()
    controller.window.close()
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    with pytest.raises(ProjectError, match=r"no password.*~/.pgpass or the file \$PGPASSFILE names"):
        Project.open(kept, "alice")
    password_file = tmp_path / "pgpass"
    password_file.write_text(f"{url.host}:{url.port}:{url.database}:{url.username}:{url.password}\n")
    password_file.chmod(0o600)  # libpq reads no password file others may read
    monkeypatch.setenv("PGPASSFILE", str(password_file))
    with Project.open(kept, "alice") as project:
        assert project.role() == "reviewer"


def test_first_run_page_opens_the_sample_project(qtbot, settings):
    controller = AppController(settings, "alice")
    controller.welcome()
    page = controller.welcome_window.centralWidget()
    qtbot.addWidget(controller.welcome_window)
    assert page.objectName() == "welcomePage"
    button = next(b for b in page.findChildren(QPushButton)
                  if "sample" in b.text().lower())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert controller.window is not None and controller.welcome_window is None
    qtbot.addWidget(controller.window)
    assert controller.window.state.article.title.startswith("China courts Canada")
    controller.close_all()
    controller.window.close()


def test_first_start_opens_the_sample_project(qtbot, settings):
    """`make run` on a fresh machine: the default project, made with the sample article, not a blank page."""
    controller = AppController(settings, "alice")
    controller.start(None)
    assert controller.welcome_window is None
    qtbot.addWidget(controller.window)
    qtbot.waitUntil(lambda: controller.window.project is not None)  # opened once the window has painted
    assert controller.window.state.article.title.startswith("China courts Canada")
    controller.close_all()
    controller.window.close()


def test_a_project_that_cannot_be_opened_leads_to_the_welcome_page(qtbot, settings, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    said = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: said.append(text))
    controller = AppController(settings, "alice")
    controller.start(str(tmp_path / "moved-away.db"))
    qtbot.addWidget(controller.window)
    qtbot.waitUntil(lambda: controller.welcome_window is not None)  # tried once the window has painted
    qtbot.addWidget(controller.welcome_window)
    assert controller.window is None and controller.welcome_window.isVisible()
    assert len(said) == 1 and "moved-away.db" in said[0]
