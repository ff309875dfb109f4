"""View > Agreement…: the figures of two annotators' work, in the window a person opens with Shift+F9."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from app.core.project import Project
from app.gui.main_window import MainWindow
from test_agreement import ALICE, BOB, TEXT, add_article, mark


@pytest.fixture
def window(qtbot, project, tmp_path):
    article = add_article(project, TEXT)
    mark(project, article, TEXT, ALICE)
    with Project.open(project.url, "bob") as bob:
        mark(bob, article, TEXT, BOB)
    win = MainWindow(project, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    win.article_id = article
    yield win
    win.close()


def cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_the_agreement_window_shows_the_pair_figures_and_refreshes(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F9, Qt.KeyboardModifier.ShiftModifier)
    panel = window._agreement
    qtbot.waitUntil(lambda: panel.report is not None)
    assert panel.isVisible()
    # Worked out in tests/test_agreement.py: exact F1 4/9, overlap 6/9, kappa 82/124.
    assert cells(panel.exact_grid, 0) == ["—", "0.444"] and cells(panel.exact_grid, 1) == ["0.444", "—"]
    assert cells(panel.kappa_grid, 1) == ["0.661", "—"]
    assert cells(panel.pairs_table, 0) == ["alice / bob", "1", "14", "0.444", "0.667", "0.661", "—"]
    # Alpha, two coders: 3 of 14 tokens differ, 2 ordered pairs each; n = 28 values with GPE 3,
    # RATE 4, PRODUCT 3, ORG 1, DATE 1, O 16: 1 - 27 * 6 / (28^2 - 292) = 1 - 162/492 = 0.671.
    assert "Krippendorff's alpha (token labels): 0.671 over 14 tokens" in panel.summary.text()

    panel.tabs.setCurrentIndex(1)
    panel.pair_choice.setCurrentIndex(panel.pair_choice.findText("alice / bob"))
    labels = {cells(panel.labels_table, r)[0]: cells(panel.labels_table, r)[1:]
              for r in range(panel.labels_table.rowCount())}
    assert [panel.labels_table.horizontalHeaderItem(c).text() for c in range(6)] == [
        "Label", "F1 exact", "F1 overlap", "alice", "bob", "Same"]
    assert labels["PRODUCT"] == ["0.000", "1.000", "1", "1", "0"]
    assert labels["overall"] == ["0.444", "0.667", "4", "5", "2"]

    # bob fixes Ottawa to GPE; Refresh shows the new figures: exact tp 3, fp 1, fn 2 -> F1 6/9.
    with Project.open(window.project.url, "bob") as bob:
        ottawa = next(s for s in bob.spans(window.article_id) if s.layer == "bob" and s.label == "ORG")
        bob.update_span(ottawa.id, label="GPE")
    qtbot.mouseClick(panel.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.exact_grid.item(0, 1).text() == "0.667")
    assert panel.pair_choice.currentText() == "alice / bob"  # the choice survives a refresh
    window.close()
    assert not panel.isVisible()  # it closes with the project's window
