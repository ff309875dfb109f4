"""Every key binding of the window is unique and fires its action when pressed, as a person presses it."""

from __future__ import annotations

from collections import defaultdict

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget

from app.core.project import Project
from app.core.samples import add_samples
from app.gui.main_window import MainWindow
from app.gui.shortcuts import ShortcutsDialog
from test_gui_window import show


@pytest.fixture
def window(qtbot, tmp_path):
    project = Project.open(tmp_path / "keys.db", "alice", create=True)
    add_samples(project)
    win = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, win)
    yield win
    win.close()
    project.close()


def window_shortcuts(window) -> list[QShortcut]:
    """The window's own shortcuts (Statistics, a window of its own, has its own Escape)."""
    return [s for s in window.findChildren(QShortcut) if s.parent().window() is window]


def bindings(window) -> dict[str, list[str]]:
    """Every key of every action and shortcut in the window, its docks and panels: key -> owners."""
    keys: dict[str, list[str]] = defaultdict(list)
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            keys[sequence.toString()].append(action.text())
    for shortcut in window_shortcuts(window):
        keys[shortcut.key().toString()].append(f"shortcut in {shortcut.parent().objectName()}")
    return keys


def test_no_key_is_bound_twice_or_bound_to_nothing(window):
    keys = bindings(window)
    assert "" not in keys, f"an empty key binding: {keys.get('')}"
    twice = {key: owners for key, owners in keys.items() if len(owners) > 1}
    assert twice == {}
    assert window.redo_action.shortcuts() == [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]


def press(qtbot, widget, sequence: QKeySequence) -> None:
    combination = sequence[0]
    qtbot.keyClick(widget, combination.key(), combination.keyboardModifiers())


def test_every_key_fires_its_own_action(qtbot, window):
    """A real key press per binding; an ambiguous or shadowed key fires nothing and fails here."""
    fired: list[object] = []
    actions = [a for a in window.findChildren(QAction) if a.shortcuts()]
    for action in actions:
        action.triggered.disconnect()  # record instead of opening dialogs, quitting, suggesting…
        action.triggered.connect(lambda _=False, a=action: fired.append(a))
        action.setEnabled(True)  # Undo and Redo are disabled with an empty history
    window.text_view.setFocus()
    checked = 0
    for action in actions:
        for sequence in action.shortcuts():
            fired.clear()
            press(qtbot, window.text_view, sequence)
            assert fired == [action], f"{sequence.toString()} should fire {action.text()!r}"
            checked += 1
    for shortcut in window_shortcuts(window):
        target = shortcut.parent()
        dock = target
        while not isinstance(dock, QDockWidget):  # the panel it is in comes to the front
            dock = dock.parent()
        dock.show()
        dock.raise_()
        target.setFocus()
        qtbot.waitUntil(target.hasFocus)
        with qtbot.waitSignal(shortcut.activated, timeout=1000):
            press(qtbot, target, shortcut.key())
        checked += 1
    assert checked >= 60  # labels, frames, roles, review, navigation, menus: all of them were pressed


def test_redo_works_from_both_keys(qtbot, window, monkeypatch):
    view = window.text_view
    text = window.state.article.text
    word = "Carney"
    start = text.index(word)
    for redo_key in ((Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
                     (Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)):
        view.select_range(start, start + len(word))
        qtbot.keyClick(view, Qt.Key.Key_P)
        assert [(s.start, s.label) for s in window.project.spans(window.state.article_id)
                if s.status == "accepted"] == [(start, "PERSON")]
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert not [s for s in window.project.spans(window.state.article_id) if s.status == "accepted"]
        qtbot.keyClick(view, *redo_key)
        assert [(s.start, s.label) for s in window.project.spans(window.state.article_id)
                if s.status == "accepted"] == [(start, "PERSON")]
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_help_lists_each_key_once(qtbot, window, monkeypatch):
    shown: list[ShortcutsDialog] = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: shown.append(self))
    text = window.state.article.text
    window.text_view.select_range(text.index("Carney"), text.index("Carney") + 6)
    QTest.keyClick(window.text_view, Qt.Key.Key_P)  # Edit now offers "Undo Tag PERSON “Carney”"
    QTest.keyClick(window.text_view, Qt.Key.Key_F1)
    (dialog,) = shown
    table = dialog.table
    listed = [key for row in range(table.rowCount()) for key in table.item(row, 1).text().split(", ")]
    listed = [str(n) for n in range(1, 10) if "1 … 9" in listed] + [k for k in listed if k != "1 … 9"]
    for action in window.key_actions():
        for sequence in action.shortcuts():
            key = sequence.toString(QKeySequence.SequenceFormat.NativeText)
            assert listed.count(key) == 1, f"{key} ({action.text()}) is listed {listed.count(key)} times"
    rows = {table.item(row, 0).text(): table.item(row, 1).text() for row in range(table.rowCount())}
    assert rows["Undo"] == "Ctrl+Z" and rows["Redo"] == "Ctrl+Shift+Z, Ctrl+Y"
    assert rows["Open shared project…"] == "Ctrl+Shift+O"


def test_statistics_shortcuts_are_its_own(qtbot, window):
    qtbot.keyClick(window.text_view, Qt.Key.Key_F9)
    assert window._dashboard.isVisible()
    test_no_key_is_bound_twice_or_bound_to_nothing(window)
