"""The main window's docks around the text: built empty with the window, so that it paints at once,
then given the panels that show a project when one is set (MainWindow.set_project)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QWidget

from app.gui.article_list import ArticlePanel
from app.gui.guidelines_panel import GuidelinesView, open_web_link

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

LEFT, RIGHT = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea


def build_docks(window: MainWindow) -> None:
    """Articles left; frames, annotations and their tabs (review, guidelines, adjudication) right."""
    window.articles = ArticlePanel()
    window.guidelines = GuidelinesView()
    window.guidelines.linkActivated.connect(open_web_link)  # only on a click
    docks = [
        _dock(window, "Articles", "articlesDock", LEFT, window.articles),
        _dock(window, "Frames", "framesDock", RIGHT),
        _dock(window, "Annotations", "annotationsDock", RIGHT),
    ]
    window.frames_dock, window.annotations_dock = docks[1:]
    window.review_dock = _dock(window, "Review", "reviewDock", RIGHT)
    window.guidelines_dock = _dock(window, "Guidelines", "guidelinesDock", RIGHT, window.guidelines)
    window.adjudication_dock = _dock(window, "Adjudicate", "adjudicationDock", RIGHT)
    window.tabifyDockWidget(docks[2], window.review_dock)
    window.tabifyDockWidget(window.review_dock, window.guidelines_dock)
    window.tabifyDockWidget(window.guidelines_dock, window.adjudication_dock)
    docks[2].raise_()
    window.resizeDocks(docks[:2], [340, 360], Qt.Orientation.Horizontal)
    window.resizeDocks(docks[1:], [540, 300], Qt.Orientation.Vertical)


def put_project_panels(window: MainWindow) -> None:
    """The panels that show the window's project, in their docks."""
    from app.gui.adjudication_panel import AdjudicationPanel
    from app.gui.annotation_table import AnnotationPanel
    from app.gui.review_queue import ReviewQueue

    window.annotations = AnnotationPanel()
    window.annotations_dock.setWidget(window.annotations)
    window.review_queue = ReviewQueue()
    window.review_dock.setWidget(window.review_queue)
    window.adjudication = AdjudicationPanel()
    window.adjudication_dock.setWidget(window.adjudication)
    put_schema_panels(window)


def put_schema_panels(window: MainWindow) -> None:
    """What follows the schema: a frame editor of its frame types (replacing the one before, if any)
    and its guidelines."""
    from app.core.guidelines import load_guidelines
    from app.gui.frame_editor import FrameEditor

    old = window.frames_dock.widget()
    window.frame_editor = FrameEditor(window.schema)
    window.frames_dock.setWidget(window.frame_editor)
    if old is not None:
        old.deleteLater()
    window.guidelines.set_markdown(load_guidelines(window.schema))


def _dock(window: MainWindow, title: str, name: str, area: Qt.DockWidgetArea,
          widget: QWidget | None = None) -> QDockWidget:
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    if widget is not None:
        dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
    window.addDockWidget(area, dock)
    return dock
