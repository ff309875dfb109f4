"""Side windows and dialogs behave as a person expects: Statistics closes from the keyboard, and
the Export dialog cannot be confirmed without a destination (and keeps what was chosen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.core.project import Project
from app.core.samples import add_samples
from app.gui.main_window import MainWindow
from app.gui.transfer_dialogs import ExportDialog, ImportDialog
from test_gui_window import show


@pytest.fixture
def window(qtbot, tmp_path):
    project = Project.open(tmp_path / "d.db", "alice", create=True)
    add_samples(project)
    win = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, win)
    yield win
    win.close()
    project.close()


@pytest.mark.parametrize("keys", [(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                                  (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)])
def test_statistics_closes_with_escape_and_ctrl_w(qtbot, window, keys):
    qtbot.keyClick(window.text_view, Qt.Key.Key_F9)
    dashboard = window._dashboard
    qtbot.waitExposed(dashboard)
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    qtbot.keyClick(dashboard, *keys)
    assert not dashboard.isVisible()
    assert window.isVisible()


def test_export_ok_waits_for_a_destination_and_keeps_the_choices(qtbot, window, tmp_path):
    dialog = ExportDialog(["alice", "bob"], window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("conll"))
    dialog.statuses["suggested"].setChecked(True)
    dialog.annotator.setCurrentIndex(dialog.annotator.findData("bob"))
    assert not dialog.ok_button.isEnabled()
    assert dialog.ok_button.toolTip() == "Fill in “To” first"
    dialog.path.setFocus()
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    qtbot.keyClicks(dialog.path, "   ")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.path, str(tmp_path / "out.conll"))
    assert dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    fmt, target, selection = dialog.choice(None)
    assert fmt == "conll" and target == tmp_path / "out.conll"
    assert selection.statuses == {"accepted", "suggested"} and selection.annotators == {"bob"}


def test_import_ok_waits_for_files_too(qtbot, window):
    dialog = ImportDialog(window)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.path.setText("articles.jsonl")
    assert dialog.ok_button.isEnabled()
