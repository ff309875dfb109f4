"""Long work in the background, one task at a time, with progress and Cancel in the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QProgressBar, QToolButton

from app.gui.task_worker import TaskWorker

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow


class TaskRunner:
    def __init__(self, window: MainWindow):
        self.window = window
        self.worker: TaskWorker | None = None
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(220)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress_bar.hide()
        self.cancel_button.hide()

    def run(self, message: str, job, on_success) -> None:
        """Run `job` in a worker thread, then `on_success` with its result on the GUI thread (after the
        window has caught up with whatever the task changed); a failure is told by window.refuse."""
        if self.worker is not None:
            self.window.statusBar().showMessage("Wait for the running task, or cancel it", 4000)
            return
        self.worker = TaskWorker(job, self.window)
        self.worker.progressed.connect(self._progress)
        self.worker.succeeded.connect(lambda result: (self._done(), on_success(result)))
        self.worker.failed.connect(lambda error: (self._done(), self.window.refuse(error)))
        self.progress_bar.setRange(0, 0)  # busy until the first report (a model may be loading)
        self.progress_bar.show()
        self.cancel_button.show()
        self.window.statusBar().showMessage(message)
        self.worker.start()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.window.statusBar().showMessage("Stopping at the next safe point…")

    def stop(self) -> None:
        """Cancel the running task and wait for it (the window is closing)."""
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()

    def _progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    def _done(self) -> None:
        self.worker.wait()
        self.worker = None
        self.progress_bar.hide()
        self.cancel_button.hide()
        self.window.task_finished()
