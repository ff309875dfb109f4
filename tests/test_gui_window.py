"""The annotation window, driven with real key and mouse events; every action is checked in the store."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QComboBox

from app.core.articles import ArticleDraft
from app.core.offsets import Utf16Index
from app.core.project import Project
from app.gui.main_window import MainWindow
from app.gui.window_actions import shortcut_rows

ARTICLE = ("China retaliated with tariffs on Canadian goods, including canola, seafood and pork.\n"
           "Ottawa answered with 25 percent tariffs on Chinese steel.")
EMOJI_ARTICLE = "👍🏽 Reaction 🇨🇦 from 𝒳 fans: Ottawa imposed tariffs."
OTTAWA = ARTICLE.index("Ottawa")
HTML_ARTICLE = "Headline <b>bold</b> &amp; <script>alert(1)</script> Beijing"


@pytest.fixture
def project_path(tmp_path):
    path = tmp_path / "gui.db"
    with Project.open(path, "alice", create=True) as project:
        project.add_articles([
            ArticleDraft(text=ARTICLE, title="Tariffs", origin="a"),
            ArticleDraft(text=EMOJI_ARTICLE, title="Emoji", origin="b"),
            ArticleDraft(text=HTML_ARTICLE, title="Markup", origin="c"),
        ])
    return path


@pytest.fixture
def window(qtbot, project_path, tmp_path):
    project = Project.open(project_path, "alice")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(project, settings)
    show(qtbot, win)
    yield win
    win.close()
    project.close()


def show(qtbot, win) -> None:
    """Show and activate: label hotkeys are window shortcuts, live only in the active window."""
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)


def point_of(view, codepoint: int) -> QPoint:
    """The viewport point in the middle of the character at `codepoint`."""
    index = Utf16Index(view.toPlainText())
    cursor = QTextCursor(view.document())
    cursor.setPosition(index.to_utf16(codepoint))
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + 3, rect.center().y())


def double_click_word(qtbot, view, text: str, word: str) -> None:
    start = text.index(word)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, start + len(word) // 2))


def stored_spans(project_path, article_title: str):
    with Project.open(project_path, "alice") as project:
        article = next(a for a in project.articles() if a.title == article_title)
        text = project.article(article.id).text
        return [(text[s.start:s.end], s.label, s.start, s.end) for s in project.spans(article.id)]


def open_titled(window, title: str) -> None:
    article = next(a for a in window.project.articles() if a.title == title)
    window.open_article(article.id)


def test_tag_with_hotkey_undo_and_redo(qtbot, window, project_path):
    view = window.text_view
    open_titled(window, "Tariffs")
    double_click_word(qtbot, view, ARTICLE, "Ottawa")
    assert view.selection_range() == (ARTICLE.index("Ottawa"), ARTICLE.index("Ottawa") + 6)
    qtbot.keyClick(view, Qt.Key.Key_G)
    assert stored_spans(project_path, "Tariffs") == [("Ottawa", "GPE", OTTAWA, OTTAWA + 6)]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_spans(project_path, "Tariffs") == []
    assert view.highlights() == []
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored_spans(project_path, "Tariffs") == [("Ottawa", "GPE", OTTAWA, OTTAWA + 6)]
    assert [h.label for h in view.highlights()] == ["GPE"]


def test_hotkey_on_a_chosen_span_relabels_it(qtbot, window, project_path):
    view = window.text_view
    open_titled(window, "Tariffs")
    double_click_word(qtbot, view, ARTICLE, "China")
    qtbot.keyClick(view, Qt.Key.Key_O)
    qtbot.keyClick(view, Qt.Key.Key_G)
    assert stored_spans(project_path, "Tariffs") == [("China", "GPE", 0, 5)]


def test_click_a_span_and_delete_it(qtbot, window, project_path):
    view = window.text_view
    open_titled(window, "Tariffs")
    double_click_word(qtbot, view, ARTICLE, "seafood")
    qtbot.keyClick(view, Qt.Key.Key_R)
    view.clear_selection()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=point_of(view, ARTICLE.index("seafood") + 2))
    assert view.current_span_id() is not None
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert stored_spans(project_path, "Tariffs") == []
    assert window.annotations.model.rowCount() == 0


def test_tariff_fact_with_three_roles_from_the_keyboard(qtbot, window, project_path):
    view = window.text_view
    open_titled(window, "Tariffs")
    double_click_word(qtbot, view, ARTICLE, "Canadian")
    qtbot.keyClick(view, Qt.Key.Key_N)  # NORP first, then used as the target
    qtbot.keyClick(view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.frame_editor.current_frame_id() is not None
    for word, role_key in (("China", Qt.Key.Key_1), ("Canadian", Qt.Key.Key_2), ("canola", Qt.Key.Key_3)):
        double_click_word(qtbot, view, ARTICLE, word)
        qtbot.keyClick(view, role_key)
    with Project.open(project_path, "alice") as project:
        article = next(a for a in project.articles() if a.title == "Tariffs")
        (frame,) = project.frames(article.id)
        spans = {s.id: s for s in project.spans(article.id)}
        def fillers(role):
            return [(ARTICLE[spans[i].start:spans[i].end], spans[i].label) for i in frame.role(role)]
        assert frame.type == "tariff_fact"
        assert fillers("imposer") == [("China", "GPE")]
        assert fillers("target") == [("Canadian", "NORP")]
        assert fillers("product") == [("canola", "PRODUCT")]
        assert frame.attributes["action"] == "imposed"
    assert window.frame_editor.list.count() == 1
    assert "canola" in window.frame_editor.list.item(0).text()
    # one undo takes back the last role fill (span and role together)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ("canola", "PRODUCT", ARTICLE.index("canola"), ARTICLE.index("canola") + 6) not in stored_spans(project_path, "Tariffs")
    assert window.state.frames[frame.id].role("product") == []


def test_attribute_chosen_in_the_editor_is_stored(qtbot, window, project_path):
    open_titled(window, "Tariffs")
    window.create_frame("tariff_fact")
    combo = window.frame_editor.findChild(QComboBox, "attribute_action")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # imposed -> threatened
    with Project.open(project_path, "alice") as project:
        article = next(a for a in project.articles() if a.title == "Tariffs")
        assert project.frames(article.id)[0].attributes["action"] == "threatened"


def test_normalised_codes_are_shown_typed_and_stored(qtbot, window, project_path, monkeypatch):
    from PySide6.QtWidgets import QLineEdit, QMessageBox

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: warnings.append(text))

    view = window.text_view
    open_titled(window, "Tariffs")
    window.create_frame("tariff_fact")
    for word, role_key in (("Ottawa", Qt.Key.Key_1), ("steel", Qt.Key.Key_3)):
        double_click_word(qtbot, view, ARTICLE, word)
        qtbot.keyClick(view, role_key)
    imposer = window.frame_editor.findChild(QLineEdit, "code_norm_imposer")
    products = window.frame_editor.findChild(QLineEdit, "code_norm_product")
    assert (imposer.placeholderText(), products.placeholderText()) == ("CAN", "72")  # read off the text
    assert imposer.text() == ""
    products.setFocus()
    qtbot.keyClicks(products, "7208")
    qtbot.keyClick(products, Qt.Key.Key_Return)
    date = window.frame_editor.findChild(QLineEdit, "code_norm_date")
    date.setFocus()
    qtbot.keyClicks(date, "soon")  # not a date: refused, nothing stored
    qtbot.keyClick(date, Qt.Key.Key_Return)
    assert warnings and "ISO 8601" in warnings[-1]
    with Project.open(project_path, "alice") as project:
        article = next(a for a in project.articles() if a.title == "Tariffs")
        attributes = project.frames(article.id)[0].attributes
        assert attributes["norm_product"] == "7208" and "norm_date" not in attributes
    assert window.frame_editor.findChild(QLineEdit, "code_norm_product").text() == "7208"


def test_switch_articles_and_come_back(qtbot, window, project_path, tmp_path):
    view = window.text_view
    open_titled(window, "Tariffs")
    double_click_word(qtbot, view, ARTICLE, "Ottawa")
    qtbot.keyClick(view, Qt.Key.Key_G)
    qtbot.keyClick(window.articles.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.state.article.title == "Emoji"
    assert view.toPlainText() == EMOJI_ARTICLE
    qtbot.keyClick(view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.state.article.title == "Tariffs"
    assert [(h.start, h.end, h.label) for h in view.highlights()] == [(OTTAWA, OTTAWA + 6, "GPE")]
    # the undo history of each article is kept: undo here takes back the tag
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_spans(project_path, "Tariffs") == []
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    # counts and progress in the article list follow the edits
    row = window.articles.model.row_of(window.state.article_id)
    summary = window.articles.model.article(row)
    assert summary.spans == 1 and summary.progress == "in_progress"
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    with Project.open(project_path, "alice") as project:
        listed = {a.title: a for a in project.articles()}
        assert listed["Tariffs"].progress == "done" and listed["Tariffs"].spans == 1


def test_reopened_window_shows_what_was_done(qtbot, project_path, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    with Project.open(project_path, "alice") as project:
        first = MainWindow(project, settings)
        show(qtbot, first)
        open_titled(first, "Emoji")
        open_titled(first, "Tariffs")
        double_click_word(qtbot, first.text_view, ARTICLE, "Ottawa")
        qtbot.keyClick(first.text_view, Qt.Key.Key_G)
        assert len(first.text_view.highlights()) == 1
        first.close()
    with Project.open(project_path, "alice") as project:
        second = MainWindow(project, settings)
        show(qtbot, second)
        assert second.state.article.title == "Tariffs"  # the last article comes back
        assert [(h.start, h.end, h.label) for h in second.text_view.highlights()] == [(OTTAWA, OTTAWA + 6, "GPE")]
        second.close()


def test_emoji_before_an_entity_highlights_exactly_the_entity(qtbot, window, project_path):
    view = window.text_view
    open_titled(window, "Emoji")
    double_click_word(qtbot, view, EMOJI_ARTICLE, "Ottawa")
    qtbot.keyClick(view, Qt.Key.Key_G)
    start = EMOJI_ARTICLE.index("Ottawa")
    assert stored_spans(project_path, "Emoji") == [("Ottawa", "GPE", start, start + 6)]
    (highlight,) = view.highlights()
    index = Utf16Index(EMOJI_ARTICLE)
    cursor = QTextCursor(view.document())
    cursor.setPosition(index.to_utf16(highlight.start))
    cursor.setPosition(index.to_utf16(highlight.end), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "Ottawa"


def test_article_text_that_looks_like_html_stays_plain(qtbot, window):
    open_titled(window, "Markup")
    assert window.text_view.toPlainText() == HTML_ARTICLE


def test_shortcuts_dialog_lists_the_keyboard_flow(qtbot, window):
    rows = dict(shortcut_rows(window))
    assert rows["Tag GPE"] == "G"
    assert rows["Undo"] and rows["Redo"] and rows["Mark done"] == "Ctrl+D"
    assert "New tariff fact" in rows and "Delete span" in rows


def test_item_models_pass_the_model_tester(qtmodeltester, window):
    open_titled(window, "Tariffs")
    qtmodeltester.check(window.articles.model)
    qtmodeltester.check(window.annotations.model)


def test_article_search_and_status_filter(qtbot, window):
    panel = window.articles
    qtbot.keyClicks(panel.search, "emo")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)  # once typing pauses
    assert panel.model.article(0).title == "Emoji"
    panel.search.clear()
    panel.status.setCurrentIndex(panel.status.findData("done"))
    assert panel.model.rowCount() == 0


def test_screenshot_command_writes_a_png(tmp_path, project_path):
    out = tmp_path / "shot.png"
    result = subprocess.run([sys.executable, "-m", "app", "--project", str(project_path), "gui",
                             "--screenshot", str(out), "--article", "1"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)


def test_dark_and_light_themes_switch_the_palette(qtbot, window):
    from PySide6.QtGui import QPalette

    from app.gui.theme import apply_theme

    apply_theme("dark")
    base = QApplication.palette().color(QPalette.ColorRole.Base)
    text = QApplication.palette().color(QPalette.ColorRole.Text)
    assert base.lightness() < 60 and text.lightness() > 200
    apply_theme("light")
    assert QApplication.palette().color(QPalette.ColorRole.Base).lightness() > 200


def test_a_shared_project_window_names_its_database_but_never_its_password(qtbot, postgres_url, tmp_path):
    from sqlalchemy import make_url

    url = make_url(postgres_url)
    with Project.open(postgres_url, "alice", create=True) as project:
        win = MainWindow(project, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(win)
        assert win.windowTitle() == f"NewsGloss — {url.render_as_string(hide_password=True)}"
        assert url.password not in win.windowTitle()
        win.close()
