"""The window's text view says what each highlight is: labels over spans (a key hides them) and
the frame chosen in the Frames list joined to its fillers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from app.core.articles import ArticleDraft
from app.core.project import Project
from app.gui.main_window import MainWindow
from test_gui_window import show

TEXT = "Trade news.\nOttawa imposed 25 percent tariffs on Chinese steel on Friday."


@pytest.fixture
def window(qtbot, tmp_path):
    project = Project.open(tmp_path / "labels.db", "alice", create=True)
    project.add_articles([ArticleDraft(text=TEXT, title="Tariffs", origin="a")])
    (article,) = project.articles()
    ids = {}
    for phrase, label in [("Ottawa", "GPE"), ("25 percent", "RATE"), ("tariffs", "TARIFF"),
                          ("steel", "PRODUCT"), ("Friday", "DATE")]:
        start = TEXT.index(phrase)
        ids[phrase] = project.add_span(article.id, start, start + len(phrase), label).id
    project.add_frame(article.id, "tariff_fact", {"imposer": [ids["Ottawa"]], "rate": [ids["25 percent"]],
                                                  "product": [ids["steel"]], "trigger": [ids["tariffs"]]})
    win = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, win)
    win.open_article(article.id)
    win.ids = ids
    yield win
    win.close()
    project.close()


def test_labels_show_by_default_and_the_key_toggles_them(qtbot, window):
    view = window.text_view
    assert window.labels_action.isChecked() and window.labels_action.shortcut().toString() == "Ctrl+Shift+L"
    assert {box.text for box in view.label_boxes()} == {"GPE", "RATE", "TARIFF", "PRODUCT", "DATE"}
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not view.labels_shown and view.label_boxes() == []
    qtbot.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert view.labels_shown and len(view.label_boxes()) == 5


def test_choosing_a_frame_joins_its_fillers_to_its_trigger(window):
    view, ids = window.text_view, window.ids
    assert view.frame_link_geometry() == []
    window.frame_editor.list.setCurrentRow(0)
    links = view.frame_link_geometry()
    assert sorted((link.role, link.span_id) for link in links) == sorted(
        [("imposer", ids["Ottawa"]), ("rate", ids["25 percent"]), ("product", ids["steel"])])
    (trigger,) = view.span_rects(ids["tariffs"])
    assert all(link.start.x() == pytest.approx(trigger.center().x()) for link in links)
    roles = {box.span.id: box.role for box in view.label_boxes() if box.role}
    assert roles == {ids["Ottawa"]: "imposer", ids["25 percent"]: "rate", ids["steel"]: "product"}

    window.frame_editor.list.setCurrentRow(-1)
    assert view.frame_link_geometry() == []
