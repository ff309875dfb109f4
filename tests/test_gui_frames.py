"""Making tariff facts from the keyboard: the text stays put, and the number keys fill roles only from
what the person chose in the text, saying beforehand what they will fill."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from app.core.articles import ArticleDraft
from app.core.project import Project
from app.gui.main_window import MainWindow
from app.nlp.types import SpanSuggestion, Suggestions
from test_gui_window import double_click_word, point_of, show

OPENING = "Washington said on Monday that the United States would raise tariffs on Canadian lumber.\n"
FILLER = "Officials in both capitals met again this week to talk about trade, jobs and the border.\n"
CLOSING = "Ottawa answered that Canada imposes a 25 percent levy on American steel from March.\n"
TEXT = OPENING + FILLER * 60 + CLOSING
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot, tmp_path):
    project = Project.open(tmp_path / "frames.db", "alice", create=True)
    aid = project.add_articles([ArticleDraft(text=TEXT, title="Long", origin="t")]).added[0][0]
    start = TEXT.index("Washington")
    project.add_suggestions([(aid, Suggestions((SpanSuggestion(start, start + 10, "GPE", 0.9),)))], "test 1.0")
    win = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, win)
    yield win
    win.close()
    project.close()


def fillers(window, role: str) -> list[tuple[str, str]]:
    frame_id = window.frame_editor.current_frame_id()
    spans = {s.id: s for s in window.project.spans(window.state.article_id)}
    (frame,) = [f for f in window.project.frames(window.state.article_id) if f.id == frame_id]
    return [(TEXT[spans[i].start:spans[i].end], spans[i].label) for i in frame.role(role)]


def test_the_review_item_is_shown_but_making_a_frame_leaves_the_text_where_it_is(qtbot, window):
    view = window.text_view
    assert window.review_queue.current() is not None  # Washington, at the top, is the Review panel's item
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())  # down to the last paragraph
    double_click_word(qtbot, view, TEXT, "Ottawa")
    scrolled, cursor = view.verticalScrollBar().value(), view.textCursor().position()
    assert scrolled > 0
    qtbot.keyClick(view, Qt.Key.Key_T, CTRL_SHIFT)
    assert window.frame_editor.current_frame_id() is not None
    assert view.verticalScrollBar().value() == scrolled
    assert view.textCursor().position() == cursor
    qtbot.keyClick(view, Qt.Key.Key_1)  # the double-clicked word, not the review item, is the imposer
    assert fillers(window, "imposer") == [("Ottawa", "GPE")]
    assert view.verticalScrollBar().value() == scrolled


def test_number_keys_refuse_when_nothing_is_chosen_in_the_text(qtbot, window):
    view = window.text_view
    hint = window.frame_editor.hint
    qtbot.keyClick(view, Qt.Key.Key_T, CTRL_SHIFT)
    # the Review panel selected its item (Washington) in the text: that is no choice of the person's
    assert view.selection_range() == (0, 10)
    assert "first select the text" in hint.text()
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert fillers(window, "imposer") == []
    assert window.statusBar().currentMessage() == "Not filled: select the imposer in the text, or click its span"
    assert window.undo_group.activeStack().count() == 1  # only the new frame


def test_the_hint_follows_the_selection_and_a_new_span_is_made_with_the_roles_label(qtbot, window):
    view = window.text_view
    hint = window.frame_editor.hint
    qtbot.keyClick(view, Qt.Key.Key_T, CTRL_SHIFT)
    start = TEXT.index("United States")
    view.select_range(start, start + len("United States"))
    assert hint.text() == ("1 imposer (GPE), 2 target (GPE), 3 product (PRODUCT), 4 rate (RATE), 5 date (DATE), "
                           "6 trigger (TARIFF) ← “United States”, a new span")
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert fillers(window, "imposer") == [("United States", "GPE")]
    assert view.selection_range() is None  # the next role is chosen afresh
    assert "first select the text" in hint.text()
    qtbot.keyClick(view, Qt.Key.Key_2)  # nothing chosen since: refused, not the imposer again
    assert fillers(window, "target") == []
    double_click_word(qtbot, view, TEXT, "Canadian")
    assert "2 target (GPE)" in hint.text() and "“Canadian”" in hint.text()
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert fillers(window, "target") == [("Canadian", "GPE")]


def test_a_clicked_span_fills_roles_that_take_its_label_and_a_stray_click_does_not(qtbot, window):
    view = window.text_view
    double_click_word(qtbot, view, TEXT, "lumber")
    qtbot.keyClick(view, Qt.Key.Key_R)  # PRODUCT
    qtbot.keyClick(view, Qt.Key.Key_T, CTRL_SHIFT)
    view.clear_selection()
    lumber = TEXT.index("lumber")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, lumber + 2))
    lines = window.frame_editor.hint.text().splitlines()
    assert lines[0] == "3 product ← “lumber”" and lines[1] == "1 imposer, 2 target, 4 rate, 5 date, 6 trigger: do not take PRODUCT"
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert fillers(window, "imposer") == []
    assert window.statusBar().currentMessage().startswith("Not filled: imposer takes GPE or ORG or PERSON or NORP, not PRODUCT")
    # a click elsewhere in the text moves the cursor: the span clicked before is no longer the choice
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, TEXT.index("Monday") + 1))
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert fillers(window, "product") == []
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, lumber + 2))
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert fillers(window, "product") == [("lumber", "PRODUCT")]
    assert len(window.project.spans(window.state.article_id)) == 2  # lumber was used, not copied


def test_keys_past_the_frames_roles_say_so(qtbot, window):
    view = window.text_view
    qtbot.keyClick(view, Qt.Key.Key_C, CTRL_SHIFT)  # a claim has three roles
    double_click_word(qtbot, view, TEXT, "Washington")
    qtbot.keyClick(view, Qt.Key.Key_9)
    assert window.statusBar().currentMessage() == "A claim has 3 roles: keys 1–3"


def test_the_frame_list_keeps_room_for_four_frames_with_a_frame_open(qtbot, window):
    view = window.text_view
    for _ in range(6):
        qtbot.keyClick(view, Qt.Key.Key_T, CTRL_SHIFT)
    double_click_word(qtbot, view, TEXT, "Washington")  # a selection: the hint below the form grows
    frames = window.frame_editor.list
    assert frames.count() == 6 and window.frame_editor.current_frame_id() is not None
    qtbot.wait(100)  # the open frame's form is laid out
    whole = [row for row in range(frames.count())
             if frames.viewport().rect().contains(frames.visualItemRect(frames.item(row)))]
    assert len(whole) >= 4
    assert frames.currentRow() == 5 and 5 in whole  # the frame just made is in view
