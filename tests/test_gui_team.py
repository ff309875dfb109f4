"""Several people on one project, in the window: layers, adjudication by keyboard, stale edits, live refresh."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from app.core.articles import ArticleDraft
from app.core.project import Project
from app.core.vocabulary import GOLD_LAYER
from app.gui.identity import IdentityDialog
from app.gui.main_window import MainWindow
from tests.test_gui_window import show

TEXT = "Ottawa imposed tariffs on Chinese steel, Beijing said."


@pytest.fixture
def people(backend_url):
    """rita reviews; alice and bob annotate; each has tagged the article their way.
    On SQLite, then on PostgreSQL."""
    path = backend_url
    rita = Project.open(path, "rita", create=True)
    rita.set_role("rita", "reviewer")
    article_id = rita.add_articles([ArticleDraft(text=TEXT, title="Steel", origin="t")]).added[0][0]
    alice, bob = Project.open(path, "alice"), Project.open(path, "bob")
    for person in (alice, bob):
        person.add_span(article_id, 0, 6, "GPE")  # both: Ottawa
    alice.add_span(article_id, 26, 33, "NORP")  # alice only: Chinese
    bob.add_span(article_id, 41, 48, "GPE")  # bob only: Beijing
    yield path, article_id, rita, alice, bob
    for p in (rita, alice, bob):
        p.close()


def open_window(qtbot, path, name, tmp_path) -> MainWindow:
    settings = QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Project.open(path, name), settings)
    show(qtbot, win)
    return win


def click_row(qtbot, table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def drawn(win) -> dict[tuple[int, int, str], list[bool]]:
    """What the text view draws: (start, end, label) -> faint flags, one per layer's copy."""
    out: dict = {}
    for h in win.text_view.highlights():
        out.setdefault((h.start, h.end, h.label), []).append(h.faint)
    return out


def test_an_annotator_sees_their_own_layer_and_others_faintly_on_request(qtbot, people, tmp_path):
    path, _, _, _, _ = people
    win = open_window(qtbot, path, "alice", tmp_path)
    assert win.team.who.text() == "alice (annotator)"
    assert drawn(win) == {(0, 6, "GPE"): [False], (26, 33, "NORP"): [False]}
    win.show_others_action.trigger()
    assert drawn(win) == {(0, 6, "GPE"): [False, True], (26, 33, "NORP"): [False], (41, 48, "GPE"): [True]}
    win.close()


def test_a_reviewer_adjudicates_into_gold_from_the_keyboard(qtbot, people, tmp_path):
    path, article_id, rita, _, _ = people
    win = open_window(qtbot, path, "rita", tmp_path)
    assert win.team.who.text() == "rita (reviewer)"
    win.adjudicate_action.trigger()
    panel = win.adjudication
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3)
    header = [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]
    assert header == ["Item", "Text", "alice", "bob", "Gold"]
    rows = [[panel.table.item(r, c).text() for c in range(5)] for r in range(3)]
    assert rows == [["GPE", "Ottawa", "✓", "✓", ""], ["NORP", "Chinese", "✓", "", ""], ["GPE", "Beijing", "", "✓", ""]]
    assert panel.table.item(0, 1).background().style() == Qt.BrushStyle.NoBrush  # agreed: not marked
    assert panel.table.item(1, 1).background().style() == Qt.BrushStyle.SolidPattern  # disputed: marked
    assert all(faint for flags in drawn(win).values() for faint in flags)  # people's layers faint

    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # every agreed row
    gold = lambda: sorted(TEXT[s.start:s.end] for s in rita.spans(article_id) if s.layer == GOLD_LAYER)
    assert gold() == ["Ottawa"]
    click_row(qtbot, panel.table, 2)
    qtbot.waitUntil(lambda: panel.table.item(0, 4).text() == "✓")  # the table shows Ottawa in gold
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # the chosen row: Beijing
    assert gold() == ["Beijing", "Ottawa"]
    assert win.text_view.selection_range() == (41, 48)  # choosing a row shows its text
    qtbot.waitUntil(lambda: [panel.table.item(r, 4).text() for r in range(3)] == ["✓", "", "✓"])
    assert drawn(win)[(41, 48, "GPE")].count(False) == 1  # gold drawn in full

    click_row(qtbot, panel.table, 0)
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)  # out of gold again
    assert gold() == ["Beijing"]
    win.undo_action.trigger()
    assert gold() == ["Beijing", "Ottawa"]
    win.undo_action.trigger()
    win.undo_action.trigger()
    assert gold() == []
    assert len(rita.spans(article_id)) == 4  # people's layers untouched throughout
    win.close()


def test_an_annotator_cannot_adjudicate(qtbot, people, tmp_path, monkeypatch):
    path = people[0]
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    win = open_window(qtbot, path, "alice", tmp_path)
    win.adjudicate_action.trigger()
    assert not win.adjudicate_action.isChecked() and "Only a reviewer can adjudicate" in said[0]
    win.close()


def test_others_changes_appear_within_seconds(qtbot, people, tmp_path):
    path, article_id, _, alice, bob = people
    win = open_window(qtbot, path, "rita", tmp_path)
    before = len(win.text_view.highlights())
    bob.add_span(article_id, 34, 39, "PRODUCT")  # steel
    qtbot.waitUntil(lambda: len(win.text_view.highlights()) == before + 1, timeout=5000)
    assert "bob" in win.statusBar().currentMessage()
    row = next(r for r in range(win.articles.model.rowCount()) if win.articles.model.article(r).id == article_id)
    assert win.articles.model.article(row).spans == before + 1
    win.close()


def test_a_stale_edit_is_refused_and_the_view_shows_the_newer_version(qtbot, people, tmp_path, monkeypatch):
    path, article_id, _, alice, _ = people
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    win = open_window(qtbot, path, "rita", tmp_path)
    win.team.poll_timer.stop()  # the edit must meet the old version, as it would between two polls
    chinese = next(s for s in win.state.spans.values() if s.start == 26)
    alice.update_span(chinese.id, label="GPE")
    win.text_view.select_span(chinese.id)
    win.label_actions["ORG"].trigger()
    assert "changed by alice since you loaded it" in said[0]
    assert win.state.spans[chinese.id].label == "GPE"  # reloaded: the view shows alice's version
    assert {s.label for s in alice.spans(article_id) if s.id == chinese.id} == {"GPE"}
    assert win.undo_group.activeStack().count() == 0  # the refused edit is not on the undo stack
    win.close()


def test_editing_a_span_someone_deleted_says_who_and_the_view_drops_it(qtbot, people, tmp_path, monkeypatch):
    path, _, rita, alice, _ = people
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: said.append(text))
    win = open_window(qtbot, path, "alice", tmp_path)
    win.team.poll_timer.stop()  # the edit must meet the span still on screen, as it would between two polls
    chinese = next(s for s in win.state.spans.values() if s.start == 26)
    rita.delete_span(chinese.id)
    win.text_view.select_span(chinese.id)
    win.label_actions["ORG"].trigger()
    assert f"span {chinese.id} was deleted by rita" in said[0]
    assert chinese.id not in win.state.spans and chinese.id not in {h.id for h in win.text_view.highlights()}
    win.close()


def test_the_first_start_asks_who_is_annotating(qtbot):
    dialog = IdentityDialog()
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("  maria ")
    dialog.role_box.setCurrentIndex(dialog.role_box.findData("reviewer"))
    assert dialog.choice() == ("maria", "reviewer")
    dialog.name_edit.clear()
    assert not dialog.buttons.buttons()[0].isEnabled()


def test_file_open_shared_project_asks_for_a_url(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "one.db"
    Project.open(path, "rita", create=True).close()
    win = open_window(qtbot, path, "rita", tmp_path)
    url = "postgresql+psycopg://rita:secret@db.example/news"
    monkeypatch.setattr("app.gui.main_window.QInputDialog.getText", lambda *args: (f"  {url} ", True))
    with qtbot.waitSignal(win.projectRequested) as asked:
        win.open_url_action.trigger()
    assert asked.args == [url]
    win.close()
