"""Opening the long article in the main window against opening it in the text view alone.

Both show the same text and spans and are timed until the text has painted; the window also
loads the spans from the project and fills its panels (those behind another tab wait until shown).
Floor: the window within 2x the text view alone.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.articles import ArticleDraft  # noqa: E402
from app.core.documents import AnnotatedDocument, SpanData  # noqa: E402
from app.core.interchange import import_documents  # noqa: E402
from tests.bench.measure import Row  # noqa: E402
from tests.bench.text_view import SIZE, long_article, open_widget, painted_ms  # noqa: E402
from tests.bench.workspace import Workspace  # noqa: E402

FLOOR_RATIO = 2.0
SCHEMA_LABELS = {"CLAIM_CONTENT": "CLAIM", "TARIFF_MENTION": "TARIFF"}


class _Paints(QObject):
    """Counts the paint events of one widget."""

    def __init__(self, widget):
        super().__init__(widget)
        self.painted = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted += 1
        return False


def run(workspace: Workspace, words: int, spans: int, repeat: int, seed: int) -> tuple[str, list[Row]]:
    from app.gui.main_window import MainWindow

    QApplication.instance() or QApplication([])
    text, highlights = long_article(words, spans, seed)
    data = {}
    for h in highlights:  # one span per place and label, as a project holds them
        label = SCHEMA_LABELS.get(h.label, h.label)
        data.setdefault((h.start, h.end, label), SpanData(f"T{h.id}", h.start, h.end, label, annotator="alice",
                                                          status="accepted" if h.status == "rejected" else h.status,
                                                          origin="model" if h.status == "suggested" else "human",
                                                          layer="model" if h.status == "suggested" else None))
    project = workspace.project("window")
    short = AnnotatedDocument(ArticleDraft(text="Ottawa taxed steel.", title="short", origin="bench"))
    long = AnnotatedDocument(ArticleDraft(text=text, title="long", origin="bench"), list(data.values()))
    import_documents(project, [short, long], "add")
    first, last = project.article_ids()
    window = MainWindow(project, QSettings(str(workspace.folder / "window.ini"), QSettings.Format.IniFormat))
    window.resize(*SIZE)
    window.show()
    paints = _Paints(window.text_view.viewport())
    in_window, alone = [], []
    for _ in range(repeat):
        painted_ms(paints, lambda: window.open_article(first), limit_s=30)
        in_window.append(painted_ms(paints, lambda: window.open_article(last), limit_s=30))
        start = time.perf_counter()
        widget = open_widget("view", text, highlights)
        alone.append((time.perf_counter() - start) * 1000)
        widget.close()
        widget.deleteLater()
    window.close()
    workspace.close()
    about = f"window: the long article ({words:,} words, {len(data):,} spans) opened from the article list"
    return about, [Row("window", "open the long article in the main window", statistics.median(in_window),
                       statistics.median(alone), "ms", "the text view alone", max_ratio=FLOOR_RATIO)]
