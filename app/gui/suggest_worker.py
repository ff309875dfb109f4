"""Suggestions off the GUI thread: a worker that runs the core generator and reports by signal."""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal

from app.core.errors import NewsGlossError
from app.core.project import Project
from app.core.suggesting import suggest_articles


class SuggestWorker(QThread):
    """Suggests for a fixed list of article ids; stops between batches when cancelled.

    It gets ids and the engine, never a widget; each batch is committed by the core
    before progress is reported.
    """

    progressed = Signal(int, int)  # done, total
    completed = Signal(int, int, int, bool)  # articles done, spans added, frames added, cancelled
    failed = Signal(str)

    def __init__(self, project: Project, engine, article_ids: list[int], batch_size: int = 8, parent=None):
        super().__init__(parent)
        self.project = project
        self.engine = engine
        self.article_ids = list(article_ids)
        self.batch_size = batch_size
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    def run(self) -> None:
        done = spans = frames = 0
        try:
            for progress in suggest_articles(self.project, self.engine, self.article_ids, self.batch_size):
                done, spans, frames = progress.done, progress.spans_added, progress.frames_added
                self.progressed.emit(progress.done, progress.total)
                if self._cancelled:
                    break
        except NewsGlossError as err:
            self.failed.emit(str(err))
            return
        self.completed.emit(done, spans, frames, self._cancelled and done < len(self.article_ids))
