"""What keeps a long article quick to open and to review: the annotation table in text order without
sorting, panels behind another tab left unfilled until they are shown, and a decision that changes
one span changing one row."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from app.core.articles import ArticleDraft
from app.core.project import Project
from app.core.services import records
from app.core.services.records import span_record
from app.core.vocabulary import Status
from app.gui.annotation_table import START_COLUMN, AnnotationPanel
from app.gui.main_window import MainWindow
from app.nlp.types import SpanSuggestion, Suggestions
from test_gui_window import show

TEXT = "Ottawa taxed steel. Beijing answered with duties on canola. Washington watched."


def _starts(panel: AnnotationPanel) -> list[int]:
    proxy = panel.proxy
    return [proxy.index(row, START_COLUMN).data() for row in range(proxy.rowCount())]


def test_the_table_keeps_text_order_as_spans_come_and_sorts_on_request(qtbot, tmp_path):
    with Project.open(tmp_path / "p.db", "alice", create=True) as project:
        [(article, _)] = project.add_articles([ArticleDraft(text=TEXT, title="t", origin="t")]).added
        for word in ("Washington", "Ottawa"):
            project.add_span(article, TEXT.index(word), TEXT.index(word) + len(word), "GPE")
        spans = project.article_spans(article)
        later = project.add_span(article, TEXT.index("Beijing"), TEXT.index("Beijing") + 7, "GPE")
    panel = AnnotationPanel()
    qtbot.addWidget(panel)
    panel.model.set_spans(TEXT, spans, {"GPE": "#00ff00"})
    spans[later.id] = later  # the window changes its spans, then tells the table
    panel.model.add_span(later)  # made after the others, but between them in the text
    in_text = sorted(TEXT.index(w) for w in ("Ottawa", "Beijing", "Washington"))
    assert _starts(panel) == in_text
    panel.view.sortByColumn(START_COLUMN, Qt.SortOrder.DescendingOrder)
    assert _starts(panel) == in_text[::-1]
    panel.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by label: all GPE, any order
    panel.view.sortByColumn(START_COLUMN, Qt.SortOrder.AscendingOrder)
    assert _starts(panel) == in_text


def test_the_adjudication_panel_fills_only_when_its_tab_is_shown(qtbot, tmp_path):
    project = Project.open(tmp_path / "a.db", "rita", create=True)  # the first person: a reviewer
    [(article, _)] = project.add_articles([ArticleDraft(text=TEXT, title="t", origin="t")]).added
    project.add_span(article, 0, 6, "GPE")
    window = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, window)
    window.open_article(article)
    qtbot.wait(50)
    assert window.adjudication_dock.visibleRegion().isEmpty()  # behind another tab
    assert window.adjudication.table.rowCount() == 0
    window.adjudication_dock.raise_()
    qtbot.waitUntil(lambda: window.adjudication.table.rowCount() == 1, timeout=3000)
    window.close()
    project.close()


def test_accepting_a_suggestion_on_a_long_article_touches_only_its_row(qtbot, tmp_path, monkeypatch):
    """One decision changes one span for the person (the suggestion goes, their copy comes): the
    window reads and shows that, making no record of the thousands of other spans."""
    words = ["Ottawa", "taxed", "steel", "and", "Beijing", "answered."] * 500
    text = " ".join(words)
    starts = [sum(len(w) + 1 for w in words[:i]) for i in range(len(words))]
    project = Project.open(tmp_path / "long.db", "alice", create=True)
    [(article, _)] = project.add_articles([ArticleDraft(text=text, title="long", origin="t")]).added
    project.add_suggestions([(article, Suggestions(tuple(
        SpanSuggestion(start, start + len(word), "GPE", 0.5)
        for word, start in zip(words, starts) if word in ("Ottawa", "Beijing"))))], "test 1.0")
    window = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, window)
    window.open_article(article)
    queue, model = window.review_queue, window.annotations.model
    assert queue.list.count() == model.rowCount() == 1000
    kind, first = queue.current()
    made, rows = [], []
    monkeypatch.setattr(records, "span_record", lambda *args: made.append(args) or span_record(*args))
    model.modelReset.connect(lambda: rows.append("reset"))
    model.rowsRemoved.connect(lambda _parent, row, last: rows.append(("removed", row, last)))
    model.rowsInserted.connect(lambda _parent, row, last: rows.append(("inserted", row, last)))
    qtbot.keyClick(window.text_view, Qt.Key.Key_A)
    (copy,) = [span_id for span_id in window.state.spans if span_id not in model._rows[1:]]
    assert rows == [("removed", 0, 0), ("inserted", 0, 0)]  # the suggestion's row, then the copy's, at the top
    assert len(made) == 1  # the copy's record, and no other
    assert first not in window.state.spans and window.state.spans[copy].layer == "alice"
    shown = {h.id: h.status for h in window.text_view.highlights()}
    assert first not in shown and shown[copy] == Status.ACCEPTED
    assert model.index(0, 5).data() == Status.ACCEPTED and model.index(0, 6).data() == "alice"
    assert queue.list.count() == 999 and queue.current() != (kind, first)
    window.close()
    project.close()


def test_deleting_a_span_someone_else_deleted_meanwhile_says_so_and_reloads(qtbot, tmp_path, monkeypatch):
    """The long article's spans are read when first needed: a span another session deleted after
    the open is refused in words, and its highlight goes, rather than the key doing nothing."""
    words = ["Ottawa", "taxed", "steel."] * 400
    text = " ".join(words)
    project = Project.open(tmp_path / "long.db", "alice", create=True)
    [(article, _)] = project.add_articles([ArticleDraft(text=text, title="long", origin="t")]).added
    ids = [project.add_span(article, i * 20, i * 20 + 6, "GPE").id for i in range(len(words) // 3)]
    window = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, window)
    window.open_article(article)
    refused = []
    monkeypatch.setattr("app.gui.main_window.QMessageBox.warning", lambda _parent, _title, said: refused.append(said))
    with Project.open(tmp_path / "long.db", "alice") as elsewhere:
        elsewhere.delete_span(ids[-1])
    window.text_view.select_span(ids[-1])
    qtbot.keyClick(window.text_view, Qt.Key.Key_Delete)
    assert refused == ["Someone else deleted that span meanwhile; the article is reloaded."]
    assert ids[-1] not in window.state.spans
    assert ids[-1] not in {h.id for h in window.text_view.highlights()}
    assert ids[-2] in window.state.spans and window.annotations.model.rowCount() == len(ids) - 1
    window.close()
    project.close()
