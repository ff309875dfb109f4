"""Dashboard figures, hand-checked on a small project, and the charts drawn from them."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage, QPalette

from app.core.articles import ArticleDraft
from app.core.project import Project
from app.core.statistics import dashboard_figures
from app.gui.dashboard import DECISION_COLOURS, STATUS_COLOURS, TOP, Dashboard, tariff_bars
from app.gui.theme import dark_palette

import pyqtgraph as pg  # after app.gui.dashboard, which picks the PySide6 binding

FIRST = "Ottawa imposed tariffs on Chinese steel and aluminium. Beijing said it would respond."
SECOND = "OTTAWA also taxed Chinese steel. Washington watched."
THIRD = "Nothing happened."


def at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def span(project: Project, article_id: int, text: str, word: str, label: str, **kw) -> int:
    return project.add_span(article_id, *at(text, word), label, **kw).id


def model_span(project: Project, article_id: int, text: str, word: str, label: str) -> int:
    return span(project, article_id, text, word, label, origin="model", status="suggested", layer="model")


@pytest.fixture
def small(project):
    """Alice: first article done, second in progress. Bob: first in progress. Two accepted tariff
    facts share the imposer (Ottawa / OTTAWA); a third, only suggested, does not count."""
    first, second, _third = (a for a, _ in project.add_articles(
        [ArticleDraft(text=t, title=t[:10], origin="test") for t in (FIRST, SECOND, THIRD)]).added)
    ottawa = span(project, first, FIRST, "Ottawa", "GPE")
    chinese = span(project, first, FIRST, "Chinese", "NORP")
    steel = span(project, first, FIRST, "steel", "PRODUCT")
    aluminium = span(project, first, FIRST, "aluminium", "PRODUCT")
    project.add_frame(first, "tariff_fact", {"imposer": [ottawa], "target": [chinese], "product": [steel, aluminium]})
    beijing = model_span(project, first, FIRST, "Beijing", "GPE")
    tariffs = model_span(project, first, FIRST, "tariffs", "TARIFF")

    ottawa2 = span(project, second, SECOND, "OTTAWA", "GPE")
    chinese2 = span(project, second, SECOND, "Chinese", "NORP")
    steel2 = span(project, second, SECOND, "steel", "PRODUCT")
    project.add_frame(second, "tariff_fact", {"imposer": [ottawa2], "target": [chinese2], "product": [steel2]})
    washington = model_span(project, second, SECOND, "Washington", "GPE")
    taxed = model_span(project, second, SECOND, "taxed", "TARIFF")
    project.add_frame(second, "tariff_fact", {"imposer": [washington], "product": [steel2]},
                      origin="model", status="suggested", layer="model")

    project.review("accepted", span_ids=[beijing])
    project.review("rejected", span_ids=[tariffs, taxed])
    project.set_progress(first, "done")
    project.set_progress(second, "in_progress")
    with Project.open(project.url, "bob") as bob:
        bob.set_progress(first, "in_progress")
    return project


EXPECTED = {
    "articles": 3,
    "progress": {"alice": {"todo": 1, "in_progress": 1, "done": 1},
                 "bob": {"todo": 2, "in_progress": 1, "done": 0}},
    "labels": {"GPE": 3, "NORP": 2, "PRODUCT": 3},  # Ottawa, OTTAWA, Beijing (accepted suggestion)
    "suggestions": {"GPE": {"accepted": 1, "rejected": 0, "suggested": 1},
                    "TARIFF": {"accepted": 0, "rejected": 2, "suggested": 0}},
    # grouped by normalised codes (Ottawa -> CAN, Chinese -> CHN, steel -> HS 72, aluminium -> HS 76)
    "tariff_facts": {"imposer": {"CAN Canada": 2}, "target": {"CHN China": 2},
                     "product": {"72 Iron and steel": 2, "76 Aluminium and articles thereof": 1}},
}


def test_figures_by_hand(small):
    figures = dashboard_figures(small)
    assert figures.articles == EXPECTED["articles"]
    assert figures.progress == EXPECTED["progress"]
    assert figures.labels == EXPECTED["labels"]
    assert figures.suggestions == EXPECTED["suggestions"]
    assert figures.tariff_facts == EXPECTED["tariff_facts"]
    assert list(figures.labels) == ["GPE", "NORP", "PRODUCT"]  # schema order
    assert list(figures.tariff_facts["product"]) == ["72 Iron and steel", "76 Aluminium and articles thereof"]


def test_current_annotator_counts_even_without_rows(small):
    with Project.open(small.url, "carol") as carol:
        assert dashboard_figures(carol).progress["carol"] == {"todo": 3, "in_progress": 0, "done": 0}


def test_empty_project(project):
    figures = dashboard_figures(project)
    assert (figures.articles, figures.labels, figures.suggestions) == (0, {}, {})
    assert figures.progress == {"alice": {"todo": 0, "in_progress": 0, "done": 0}}
    assert figures.tariff_facts == {"imposer": {}, "target": {}, "product": {}}


# ------------------------------------------------------------------- widget


@pytest.fixture
def dashboard(qtbot, small):
    widget = Dashboard({name: label.colour for name, label in small.schema.labels.items()})
    qtbot.addWidget(widget)
    widget.set_figures(dashboard_figures(small))
    widget.resize(1100, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def bars(dashboard: Dashboard, chart: str) -> list[pg.BarGraphItem]:
    return [item for item in dashboard.charts[chart].plot.items if isinstance(item, pg.BarGraphItem)]


def widths(dashboard: Dashboard, chart: str) -> list[list[int]]:
    return [list(item.opts["width"]) for item in bars(dashboard, chart)]


def colours(item: pg.BarGraphItem) -> list[str]:
    return [pg.mkBrush(b).color().name() for b in item.opts["brushes"]]


def test_each_chart_shows_its_bars(dashboard):
    assert dashboard.objectName() == "dashboard"
    assert widths(dashboard, "progress") == [[1, 2], [1, 1], [1, 0]]  # todo, in progress, done × alice, bob
    assert [colours(b) for b in bars(dashboard, "progress")] == [[c, c] for c in STATUS_COLOURS.values()]
    assert widths(dashboard, "labels") == [[3, 2, 3]]
    assert colours(bars(dashboard, "labels")[0]) == ["#228833", "#aa4499", "#ee8866"]  # GPE, NORP, PRODUCT
    assert widths(dashboard, "suggestions") == [[1, 0], [0, 2], [1, 0]]  # accepted, rejected, suggested
    assert [colours(b)[0] for b in bars(dashboard, "suggestions")] == list(DECISION_COLOURS.values())
    assert widths(dashboard, "tariff_facts") == [[2]]  # by imposer: Ottawa
    dashboard.tariff_role.setCurrentIndex(dashboard.tariff_role.findData("product"))
    assert widths(dashboard, "tariff_facts") == [[2, 1]]  # steel, aluminium


def test_tariff_chart_keeps_the_top_fifteen(small):
    figures = dashboard_figures(small)
    many = {f"place {i}": 100 - i for i in range(40)}
    categories, series = tariff_bars(type(figures)(**{**vars(figures), "tariff_facts": {"imposer": many}}), "imposer")
    assert categories == [f"place {i}" for i in range(TOP)]
    assert series[0].values == [100 - i for i in range(TOP)]


def pixels(image: QImage) -> set[int]:
    return {image.pixel(x, y) for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}


def test_export_png_writes_the_chart(dashboard, tmp_path):
    path = tmp_path / "labels.png"
    assert dashboard.export_png("labels", path)
    image = QImage(str(path))
    assert not image.isNull() and image.width() > 0 and image.height() > 0
    seen = pixels(image)
    assert len(seen) > 1
    assert QColor("#ee8866").rgb() in seen  # the PRODUCT bar: this is the label chart
    assert dashboard.export_png("progress", tmp_path / "progress.png")
    assert QColor("#ee8866").rgb() not in pixels(QImage(str(tmp_path / "progress.png")))


def test_export_button_asks_for_a_file(dashboard, tmp_path, monkeypatch, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog, QPushButton

    path = tmp_path / "chosen.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "PNG images (*.png)"))
    qtbot.mouseClick(dashboard.findChild(QPushButton, "export_suggestions"), Qt.MouseButton.LeftButton)
    assert path.stat().st_size > 0


def test_refresh_button_asks_for_figures(dashboard, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QPushButton

    with qtbot.waitSignal(dashboard.refreshRequested, timeout=1000):
        qtbot.mouseClick(dashboard.findChild(QPushButton, "dashboardRefresh"), Qt.MouseButton.LeftButton)


def test_axes_follow_the_palette(dashboard):
    dashboard.setPalette(dark_palette())
    text = dark_palette().color(QPalette.ColorRole.Text)
    for chart in dashboard.charts.values():
        assert chart.plot.getAxis("left").textPen().color() == text
        assert chart.view.backgroundBrush().color() == dark_palette().color(QPalette.ColorRole.Base)
    assert widths(dashboard, "labels") == [[3, 2, 3]]  # redrawn, not lost


def test_a_chart_never_shown_is_not_exported(qtbot, small, tmp_path):
    widget = Dashboard()
    qtbot.addWidget(widget)
    widget.set_figures(dashboard_figures(small))
    assert not widget.export_png("labels", tmp_path / "hidden.png")
    assert not (tmp_path / "hidden.png").exists()
