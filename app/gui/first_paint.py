"""Report when a window has first been painted, then quit: how tests/bench times the app's startup.

`newsgloss gui` does this when $NEWSGLOSS_EXIT_WHEN_SHOWN is set, and the
benchmark's baseline (an empty QMainWindow) does the same, so both stop the clock
at the same moment.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class _FirstPaint(QObject):
    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, _report_and_quit)  # after the children have painted in the same pass
        return False


def _report_and_quit() -> None:
    print("shown", flush=True)
    QApplication.quit()


def quit_after_first_paint(window: QWidget) -> None:
    """Print "shown" on standard output once `window` and its children have painted, then quit."""
    window.installEventFilter(_FirstPaint(window))
