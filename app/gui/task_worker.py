"""Long work off the GUI thread: a worker that runs one job and reports by signal.

The job is a function of a `progress(done, total) -> bool` callback; the
callback returns False once the person has pressed Cancel, and the job stops at
its next safe point. Workers get plain data and core services, never a widget.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

from app.core.errors import NewsGlossError


class TaskWorker(QThread):
    progressed = Signal(int, int)  # done, total
    succeeded = Signal(object)  # what the job returned
    failed = Signal(str)

    def __init__(self, job: Callable[[Callable[[int, int], bool]], Any], parent=None):
        super().__init__(parent)
        self.job = job
        self._cancelled = False

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def cancel(self) -> None:
        self._cancelled = True

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self._cancelled

    def run(self) -> None:
        try:
            result = self.job(self._progress)
        except NewsGlossError as err:
            self.failed.emit(str(err))
            return
        except Exception as err:  # a bug must not leave the window waiting for ever
            traceback.print_exc()
            self.failed.emit(f"Something went wrong: {err!r}")
            return
        self.succeeded.emit(result)
