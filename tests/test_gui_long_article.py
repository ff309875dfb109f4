"""What keeps a long article quick to open: the annotation table in text order without sorting,
and panels behind another tab left unfilled until they are shown."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from app.core.articles import ArticleDraft
from app.core.project import Project
from app.gui.annotation_table import START_COLUMN, AnnotationPanel
from app.gui.main_window import MainWindow
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
