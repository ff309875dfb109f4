"""Act once a window has first been painted: open the project in it (app/gui/launch.py), or report
and quit, which is how tests/bench times the app's startup.

`newsgloss gui` reports when $NEWSGLOSS_EXIT_WHEN_SHOWN is set: at the first painted window, or
with "article", once the project is open and its first article painted; the benchmark's baseline
(an empty QMainWindow) reports the same way, so both stop the clock at the same moment.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class _FirstPaint(QObject):
    def __init__(self, watched: QWidget, then: Callable[[], object], ready: Callable[[], bool]):
        super().__init__(watched)
        self._then = then
        self._ready = ready

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint and self._ready():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # after the children have painted in the same pass
        return False


def after_first_paint(widget: QWidget, then: Callable[[], object], ready: Callable[[], bool] = lambda: True) -> None:
    """Call `then()` once `widget` and its children have painted while `ready()` holds."""
    widget.installEventFilter(_FirstPaint(widget, then, ready))


def _report_and_quit() -> None:
    print("shown", flush=True)
    QApplication.closeAllWindows()  # a project still to open in one is not opened
    QApplication.quit()


def quit_after_first_paint(widget: QWidget, ready: Callable[[], bool] = lambda: True) -> None:
    """Print "shown" on standard output once `widget` and its children have painted while `ready()`
    holds, then quit."""
    after_first_paint(widget, _report_and_quit, ready)
