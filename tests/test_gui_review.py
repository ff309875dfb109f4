"""Suggest off the GUI thread, then review from the keyboard; every decision lands in the store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from app.core.articles import ArticleDraft
from app.core.project import Project
from app.core.transfer import import_articles
from app.gui.main_window import MainWindow
from app.nlp.types import FrameSuggestion, SpanSuggestion, Suggestions
from test_gui_window import show

TEXT = "Ottawa imposed 25 percent tariffs on Chinese steel. Beijing said it would respond."


def sug(word: str, label: str, score: float | None = None) -> SpanSuggestion:
    start = TEXT.index(word)
    return SpanSuggestion(start, start + len(word), label, score)


@pytest.fixture
def window(qtbot, tmp_path):
    project = Project.open(tmp_path / "r.db", "alice", create=True)
    aid = project.add_articles([ArticleDraft(text=TEXT, title="T", origin="t")]).added[0][0]
    fact = FrameSuggestion("tariff_fact", {"imposer": (sug("Ottawa", "GPE"),), "rate": (sug("25 percent", "RATE"),)},
                           {"action": "imposed"})
    project.add_suggestions([(aid, Suggestions((sug("Beijing", "GPE", 0.4), sug("Ottawa", "GPE", 0.9),
                                                sug("Chinese", "NORP", 0.6))).merge(
        Suggestions.of_frames([fact])))], "test 1.0")
    win = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, win)
    yield win
    win.close()
    project.close()


def statuses(window) -> dict[str, str]:
    spans = window.project.spans(window.state.article_id, include_rejected=True)
    return {f"{TEXT[s.start:s.end]}/{s.label}": s.status for s in spans}


def test_queue_walks_suggestions_and_keys_decide(qtbot, window):
    queue = window.review_queue
    assert queue.objectName() == "reviewQueue"
    assert queue.list.count() == 5  # four spans and one frame, in text order
    kind, span_id = queue.current()
    assert kind == "span" and window.state.span_text(span_id) == "Ottawa"
    assert window.text_view.current_span_id() == span_id  # the queue shows it in the text
    view = window.text_view
    qtbot.keyClick(view, Qt.Key.Key_A)  # accept Ottawa
    assert statuses(window)["Ottawa/GPE"] == "accepted"
    first = window.project.spans(window.state.article_id)[0]
    assert first.reviewed_by == "alice" and first.reviewed_at is not None
    qtbot.keyClick(view, Qt.Key.Key_S)  # skip 25 percent
    qtbot.keyClick(view, Qt.Key.Key_X)  # reject the next one (the frame or Chinese)
    assert queue.list.count() == 3
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert queue.list.count() == 4


def test_reject_hides_the_span_but_keeps_it_in_the_store(qtbot, window):
    view = window.text_view
    beijing = next(s for s in window.state.spans.values() if TEXT[s.start:s.end] == "Beijing")
    view.select_span(beijing.id)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert statuses(window)["Beijing/GPE"] == "rejected"
    assert beijing.id not in {h.id for h in view.highlights()}
    window.show_rejected_action.trigger()
    assert beijing.id in {h.id for h in view.highlights()}


def test_label_hotkey_on_a_suggestion_fixes_and_accepts_it(qtbot, window):
    view = window.text_view
    beijing = next(s for s in window.state.spans.values() if TEXT[s.start:s.end] == "Beijing")
    view.select_span(beijing.id)
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert statuses(window)["Beijing/ORG"] == "accepted"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one undo takes back both
    assert statuses(window)["Beijing/GPE"] == "suggested"


def test_a_label_hotkey_on_a_suggestion_one_rejected_accepts_it_after_all(qtbot, window):
    view = window.text_view
    beijing = next(s for s in window.state.spans.values() if TEXT[s.start:s.end] == "Beijing")
    view.select_span(beijing.id)
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # rejected
    window.show_rejected_action.trigger()
    view.select_span(beijing.id)
    qtbot.keyClick(view, Qt.Key.Key_G)
    assert statuses(window)["Beijing/GPE"] == "accepted"
    assert [s.layer for s in window.state.spans.values() if TEXT[s.start:s.end] == "Beijing"] == ["alice"]


def test_fix_boundaries_to_the_selection(qtbot, window):
    view = window.text_view
    chinese = next(s for s in window.state.spans.values() if TEXT[s.start:s.end] == "Chinese")
    view.select_span(chinese.id)
    view.select_range(TEXT.index("Chinese steel"), TEXT.index("Chinese steel") + len("Chinese steel"))
    window.fix_boundaries(chinese.id)
    assert statuses(window)["Chinese steel/NORP"] == "accepted"


def test_accept_all_of_a_label(qtbot, window):
    queue = window.review_queue
    queue.label_choice.setCurrentText("GPE")
    window.decide_all("accepted", "GPE")
    assert statuses(window)["Ottawa/GPE"] == statuses(window)["Beijing/GPE"] == "accepted"
    assert statuses(window)["Chinese/NORP"] == "suggested"


def test_a_decision_in_the_window_is_the_person_s_alone(qtbot, window, tmp_path):
    qtbot.keyClick(window.text_view, Qt.Key.Key_A)  # alice accepts Ottawa
    qtbot.keyClick(window.text_view, Qt.Key.Key_X)  # and rejects 25 percent
    assert window.review_queue.list.count() == 3
    with Project.open(window.project.url, "bob") as project:
        bob = MainWindow(project, QSettings(str(tmp_path / "bob.ini"), QSettings.Format.IniFormat))
        show(qtbot, bob)
        assert bob.review_queue.list.count() == 5  # every suggestion still waits for bob
        assert {(TEXT[s.start:s.end], s.layer, s.status) for s in bob.state.spans.values()} >= {
            ("Ottawa", "model", "suggested"), ("25 percent", "model", "suggested")}
        assert all(s.layer != "alice" for s in bob.state.spans.values())  # alice's copy is hers
        qtbot.keyClick(bob.text_view, Qt.Key.Key_X)  # bob rejects Ottawa
        assert window.project.spans(window.state.article_id)[0].layer == "alice"  # alice keeps hers
        bob.close()


def test_least_certain_first(qtbot, window):
    queue = window.review_queue
    queue.uncertain_first.setChecked(True)
    texts = [queue.list.item(i).text() for i in range(queue.list.count())]
    assert texts[0].startswith("GPE · Beijing") and texts[1].startswith("NORP · Chinese")


@pytest.mark.slow
def test_suggest_runs_off_the_gui_thread_and_fills_the_queue(qtbot, tmp_path):
    sample = (tmp_path / "a.txt")
    sample.write_text("Ottawa imposed 25 percent tariffs on Chinese steel and aluminium, officials said.\n")
    project = Project.open(tmp_path / "s.db", "alice", create=True)
    import_articles(project, [sample])
    win = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, win)
    with qtbot.waitSignal(win.state.framesChanged, timeout=60_000):
        win.suggest_current()
        assert win.tasks.progress_bar.isVisible() and win.tasks.cancel_button.isVisible()
    qtbot.waitUntil(lambda: win.tasks.worker is None, timeout=10_000)
    assert win.review_queue.list.count() > 0
    assert any(s.origin == "model" for s in win.state.spans.values())
    assert not win.tasks.progress_bar.isVisible()
    win.close()
    project.close()


def test_a_refused_relabel_leaves_nothing_to_undo(qtbot, window, monkeypatch):
    """Once alice accepts the tariff fact, her 25 percent is its rate: it cannot become a TARIFF."""
    from app.gui import commands

    refused: list[str] = []
    monkeypatch.setattr("app.gui.main_window.QMessageBox.warning", lambda _parent, _title, text: refused.append(text))
    (fact,) = window.state.frames
    window.undo.push(commands.ReviewSuggestions(window.state, "accepted", frame_ids=[fact]))
    stack = window.undo_group.activeStack()
    assert stack.count() == 1 and statuses(window)["25 percent/RATE"] == "accepted"
    view = window.text_view
    rate = next(s for s in window.state.spans.values() if TEXT[s.start:s.end] == "25 percent")
    view.select_span(rate.id)
    qtbot.keyClick(view, Qt.Key.Key_F)  # TARIFF
    assert refused and "RATE" in refused[0]
    assert statuses(window)["25 percent/RATE"] == "accepted"
    assert stack.count() == 1 and window.undo_action.text() == "Undo Accept 1 suggestion"
    # an accepted relabel after the refusal is the next step, and undo takes it back whole
    beijing = next(s for s in window.state.spans.values() if TEXT[s.start:s.end] == "Beijing")
    view.select_span(beijing.id)
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert stack.count() == 2 and window.undo_action.text() == "Undo Accept as ORG"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert statuses(window)["Beijing/GPE"] == "suggested" and statuses(window)["25 percent/RATE"] == "accepted"


def test_a_step_refused_halfway_is_taken_back_whole(qtbot, window, monkeypatch):
    """Relabel then accept is one step: if the accept is refused, the relabel is undone too."""
    from app.core.errors import NewsGlossError

    refused: list[str] = []
    monkeypatch.setattr("app.gui.main_window.QMessageBox.warning", lambda _parent, _title, text: refused.append(text))

    def review(*_args, **_kwargs):
        raise NewsGlossError("span 3 was changed by bob since you loaded it")

    monkeypatch.setattr(window.state, "review", review)
    view = window.text_view
    beijing = next(s for s in window.state.spans.values() if TEXT[s.start:s.end] == "Beijing")
    view.select_span(beijing.id)
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert refused == ["span 3 was changed by bob since you loaded it"]
    assert statuses(window)["Beijing/GPE"] == "suggested"
    assert window.state.spans[beijing.id].label == "GPE"
    assert window.undo_group.activeStack().count() == 0
