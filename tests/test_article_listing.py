"""The article list as the database answers it: a page at a time, searched, filtered and sorted."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from app.core.articles import ArticleDraft, ArticleQuery
from app.core.errors import ValidationError
from app.core.project import Project
from app.gui.article_list import ArticlePanel
from app.gui.main_window import MainWindow
from test_gui_window import show


def _fill(project: Project, n: int) -> list[int]:
    drafts = [ArticleDraft(text=f"Article number {i} about trade.", title=f"Report {i:04d}", origin=f"t{i}",
                           source="Wire" if i % 2 else None) for i in range(n)]
    return [i for i, _ in project.add_articles(drafts).added]


def test_pages_searches_filters_and_orders(any_project):
    p = any_project
    ids = _fill(p, 30)
    [(special, _)] = p.add_articles([ArticleDraft(text="Zölle auf Stahl.", title="ÜBER Zölle", origin="de")]).added
    p.add_span(ids[5], 0, 7, "ORG")
    p.add_span(ids[5], 8, 14, "ORG")
    p.add_span(ids[7], 0, 7, "ORG")
    p.set_progress(ids[3], "done")
    everything = ArticleQuery()
    assert p.count_articles(everything) == 31
    assert [a.id for a in p.article_page(everything, 10, 5)] == ids[10:15]
    assert [a.title for a in p.article_page(ArticleQuery(search="über"), 0, 10)] == ["ÜBER Zölle"]
    assert p.count_articles(ArticleQuery(search="wire")) == 15  # sources are searched too
    assert [a.id for a in p.article_page(ArticleQuery(progress="done"), 0, 10)] == [ids[3]]
    assert p.count_articles(ArticleQuery(progress="in_progress")) == 2  # a first span starts an article
    assert p.count_articles(ArticleQuery(progress="todo")) == 28
    by_spans = p.article_page(ArticleQuery(sort="spans", descending=True), 0, 3)
    assert [(a.id, a.spans) for a in by_spans] == [(ids[5], 2), (ids[7], 1), (ids[0], 0)]
    assert p.article_page(ArticleQuery(sort="title", descending=True), 0, 1)[0].id == special
    assert p.article_position(everything, ids[12]) == 12
    assert p.article_position(ArticleQuery(search="wire"), ids[12]) is None  # an even one: no source
    assert p.article_position(ArticleQuery(sort="spans", descending=True), ids[7]) == 1
    with pytest.raises(ValidationError, match="sort articles by 'colour'"):
        p.count_articles(ArticleQuery(sort="colour"))


def test_a_search_for_a_percent_sign_is_literal(project):
    _fill(project, 3)
    project.add_articles([ArticleDraft(text="Duties rose.", title="Duties up 25% on steel", origin="x")])
    assert [a.title for a in project.article_page(ArticleQuery(search="25%"), 0, 10)] == ["Duties up 25% on steel"]
    assert project.count_articles(ArticleQuery(search="_")) == 0


def test_the_list_loads_a_page_then_more_as_it_scrolls(qtbot, tmp_path):
    project = Project.open(tmp_path / "many.db", "alice", create=True)
    ids = _fill(project, 450)
    panel = ArticlePanel()
    qtbot.addWidget(panel)
    panel.resize(400, 600)
    panel.show()
    panel.model.set_source(project)
    assert panel.model.rowCount() == panel.model.PAGE < panel.model.total() == 450
    panel.view.scrollToBottom()
    qtbot.waitUntil(lambda: panel.model.rowCount() > panel.model.PAGE)
    assert panel.select_article(ids[-1])  # far beyond what is loaded: fetched up to it in one go
    assert panel.view.currentIndex().data(Qt.ItemDataRole.UserRole) == ids[-1]
    assert panel.model.rowCount() == 450
    project.close()


def test_clicking_a_header_sorts_in_the_database(qtbot, tmp_path):
    project = Project.open(tmp_path / "s.db", "alice", create=True)
    ids = _fill(project, 5)
    project.add_span(ids[3], 0, 7, "ORG")
    window = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, window)
    header = window.articles.view.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(header.sectionViewportPosition(2) + 5, 5))
    assert window.articles.model.query.sort == "spans"
    firsts = {window.articles.model.article(0).id, window.articles.model.article(4).id}
    assert ids[3] in firsts  # ascending or descending: the one article with a span is at an end
    window.close()
    project.close()
