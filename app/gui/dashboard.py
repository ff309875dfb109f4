"""The statistics dashboard: four bar charts drawn from core.statistics.DashboardFigures.

Bars are horizontal, one row per category, so long names (annotators, places, products)
stay readable on the left axis. Charts follow the widget palette (text colour for axes and
titles, base colour behind), so they read on light and dark themes.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import NamedTuple

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import pyqtgraph as pg  # noqa: E402  (after choosing the Qt binding)
from pyqtgraph.exporters import ImageExporter  # noqa: E402
from PySide6.QtCore import QEvent, Signal  # noqa: E402
from PySide6.QtGui import QFontMetrics, QKeySequence, QPalette, QShortcut  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.statistics import DECISIONS, PROGRESS_STATES, TARIFF_ROLES, DashboardFigures  # noqa: E402

TOP = 15  # rows shown in the tariff-fact chart
NAME_CHARS = 32  # longer category names are elided on the axis
FALLBACK_COLOUR = "#888888"
TARIFF_COLOUR = "#d55e00"  # the schema's tariff_fact colour
# Medium-saturation colours (Tableau), readable on light and dark backgrounds.
STATUS_COLOURS = {"todo": "#bab0ac", "in_progress": "#f28e2b", "done": "#59a14f"}
DECISION_COLOURS = {"accepted": "#59a14f", "rejected": "#e15759", "suggested": "#bab0ac"}


class Series(NamedTuple):
    """One layer of stacked bars: a value and a colour per category."""

    values: list[int]
    colours: list[str]


def _elided(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[:NAME_CHARS - 1] + "…"


class BarChart(QWidget):
    """A titled plot of horizontal bars, one row per category, stacked when there are several
    series, above a row of controls ending in an Export button."""

    exportRequested = Signal(str)  # chart name

    def __init__(self, name: str, title: str, unit: str, key: dict[str, str] | None = None, parent=None):
        """`key`: series name -> colour, shown under the plot (and in its PNG) for stacked charts."""
        super().__init__(parent)
        self.name, self.title, self.key = name, title, dict(key or {})
        self.setObjectName(f"chart_{name}")
        self.view = pg.PlotWidget()
        self.plot = self.view.getPlotItem()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.invertY(True)  # first category on top
        self.plot.setLabel("bottom", unit)
        self.key_label = pg.LabelItem("", size="9pt") if self.key else None
        if self.key_label is not None:
            self.plot.layout.addItem(self.key_label, 4, 1)  # below the bottom axis (row 3)
        export = QPushButton("Export PNG…")
        export.setObjectName(f"export_{name}")
        export.clicked.connect(lambda: self.exportRequested.emit(self.name))
        self.controls = QHBoxLayout()
        self.controls.addStretch(1)
        self.controls.addWidget(export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.controls)
        layout.addWidget(self.view, 1)
        self._categories: list[str] = []
        self._series: list[Series] = []
        self._draw()

    def set_bars(self, categories: list[str], series: list[Series]) -> None:
        self._categories, self._series = categories, series
        self._draw()

    def export_png(self, path: str | Path) -> bool:
        """Write the plot (title, axes, bars and key) to `path` as PNG; False if that failed or if the
        chart is not on screen (a chart never shown has no layout to draw)."""
        if not self.isVisible() or self.plot.sceneBoundingRect().isEmpty():
            return False
        image = ImageExporter(self.plot).export(toBytes=True)
        return image.save(str(path), "PNG")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._draw()

    def _draw(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        base = palette.color(QPalette.ColorRole.Base)
        self.view.setBackground(base)
        self.plot.setTitle(f"<b>{html.escape(self.title)}</b>", color=text.name())
        if self.key_label is not None:
            self.key_label.setText("&nbsp;&nbsp;&nbsp;".join(
                f"<span style='color:{colour}'>■</span>&nbsp;{html.escape(name.replace('_', ' '))}"
                for name, colour in self.key.items()), color=text.name())
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setPen(text)
            self.plot.getAxis(axis).setTextPen(text)
        self.plot.clear()
        rows = list(range(len(self._categories)))
        left = [0] * len(rows)
        for series in self._series:
            self.plot.addItem(pg.BarGraphItem(x0=left, y=rows, width=series.values, height=0.6,
                                              brushes=series.colours, pen=pg.mkPen(base)))
            left = [a + b for a, b in zip(left, series.values)]
        names = [_elided(c) for c in self._categories]
        left_axis = self.plot.getAxis("left")
        left_axis.setTicks([list(enumerate(names))])
        # Wide enough for the longest name from the first paint (pyqtgraph would widen it only on the next).
        metrics = QFontMetrics(self.view.font())
        left_axis.setWidth(max((metrics.horizontalAdvance(n) for n in names), default=0) + 16)
        longest = max(left, default=0)
        if longest <= 10:
            self.plot.getAxis("bottom").setTickSpacing(1, 1)  # counts: no 0.5 ticks
        else:
            self.plot.getAxis("bottom").setTickSpacing()
        self.plot.setXRange(0, max(longest, 1), padding=0.02)
        self.plot.setYRange(-0.5, max(len(rows), 1) - 0.5, padding=0)


def progress_bars(figures: DashboardFigures) -> tuple[list[str], list[Series]]:
    """Annotators, stacked by article status."""
    names = list(figures.progress)
    return names, [Series([figures.progress[n][s] for n in names], [STATUS_COLOURS[s]] * len(names))
                   for s in PROGRESS_STATES]


def label_bars(figures: DashboardFigures, colours: dict[str, str]) -> tuple[list[str], list[Series]]:
    """Accepted spans per label, in the label's colour."""
    labels = list(figures.labels)
    return labels, [Series(list(figures.labels.values()),
                           [colours.get(label, FALLBACK_COLOUR) for label in labels])]


def suggestion_bars(figures: DashboardFigures) -> tuple[list[str], list[Series]]:
    """Model suggestions per label, stacked by decision."""
    labels = list(figures.suggestions)
    return labels, [Series([figures.suggestions[label][d] for label in labels], [DECISION_COLOURS[d]] * len(labels))
                    for d in DECISIONS]


def tariff_bars(figures: DashboardFigures, role: str) -> tuple[list[str], list[Series]]:
    """The TOP most frequent fillers of one tariff-fact role."""
    top = list(figures.tariff_facts.get(role, {}).items())[:TOP]
    return [text for text, _ in top], [Series([n for _, n in top], [TARIFF_COLOUR] * len(top))]


class Dashboard(QWidget):
    """Progress, labels, suggestion decisions and tariff facts of a project, as bar charts.

    The window computes the figures (core.statistics.dashboard_figures) and passes them to
    set_figures, again whenever refreshRequested fires.
    """

    refreshRequested = Signal()

    def __init__(self, colours: dict[str, str] | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.colours = dict(colours or {})
        self.figures: DashboardFigures | None = None
        self.charts = {
            "progress": BarChart("progress", "Progress per annotator", "articles", STATUS_COLOURS),
            "labels": BarChart("labels", "Accepted spans per label", "spans"),
            "suggestions": BarChart("suggestions", "Model suggestions per label", "spans", DECISION_COLOURS),
            "tariff_facts": BarChart("tariff_facts", "Accepted tariff facts", "facts"),
        }
        self.tariff_role = QComboBox()
        self.tariff_role.setObjectName("tariffRole")
        for role in TARIFF_ROLES:
            self.tariff_role.addItem(f"by {role}", role)
        self.tariff_role.currentIndexChanged.connect(lambda _: self._draw_tariff_facts())
        self.charts["tariff_facts"].controls.insertWidget(0, self.tariff_role)
        for chart in self.charts.values():
            chart.exportRequested.connect(self._ask_export)

        self.summary = QLabel()
        refresh = QPushButton("Refresh")
        refresh.setObjectName("dashboardRefresh")
        refresh.clicked.connect(self.refreshRequested)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(refresh)
        grid = QGridLayout()
        for i, chart in enumerate(self.charts.values()):
            grid.addWidget(chart, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        for keys in ("Escape", "Ctrl+W"):  # shown as a window of its own, it closes as one
            QShortcut(QKeySequence(keys), self, self.close)

    def set_figures(self, figures: DashboardFigures) -> None:
        self.figures = figures
        self.summary.setText(f"{figures.articles} articles")
        self.charts["progress"].set_bars(*progress_bars(figures))
        self.charts["labels"].set_bars(*label_bars(figures, self.colours))
        self.charts["suggestions"].set_bars(*suggestion_bars(figures))
        self._draw_tariff_facts()

    def export_png(self, chart_name: str, path: str | Path) -> bool:
        """Write chart `chart_name` (a key of self.charts) to `path` as PNG; False if that failed
        or the chart is not on screen."""
        return self.charts[chart_name].export_png(path)

    def _draw_tariff_facts(self) -> None:
        if self.figures is not None:
            self.charts["tariff_facts"].set_bars(*tariff_bars(self.figures, self.tariff_role.currentData()))

    def _ask_export(self, chart_name: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export chart", f"{chart_name}.png", "PNG images (*.png)")
        if path and not self.export_png(chart_name, path):
            QMessageBox.warning(self, "Export chart", f"Could not write {path}.")
