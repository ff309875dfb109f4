"""Import and export in the window: the dialogs, dropped files, background runs and their reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.gui.transfer_dialogs import ExportDialog, ImportDialog

if TYPE_CHECKING:  # the modules behind the dialogs are imported when first used, not at startup
    from app.core.interchange import ExportSummary, ImportSummary
    from app.formats.decoding import EncodingUncertain
    from app.gui.main_window import MainWindow


class TransferController:
    def __init__(self, window: MainWindow):
        self.window = window

    def import_dialog(self) -> None:
        dialog = ImportDialog(self.window)
        if dialog.exec():
            fmt, paths, policy = dialog.choice()
            self.import_files(fmt, paths, policy)

    def import_files(self, fmt: str, paths: list[Path], policy: str = "fail",
                     encodings: dict[str, str] | None = None) -> None:
        """Import in the background; a file whose encoding is uncertain is asked about, then all is tried again."""
        if not paths:
            return
        from app.formats.decoding import EncodingUncertain
        from app.core.interchange import describe_import
        from app.core.transfer import import_paths

        window = self.window
        project = window.project
        chosen = dict(encodings or {})

        def job(progress):
            try:
                return import_paths(project, fmt, paths, unknown=policy, progress=progress,
                                    encodings=(lambda path: chosen.get(str(path))) if chosen else None)
            except EncodingUncertain as uncertain:
                return uncertain  # nothing was imported: ask on the GUI thread, then import again

        def done(summary: ImportSummary | EncodingUncertain) -> None:
            if isinstance(summary, EncodingUncertain):
                encoding = window.choose_encoding(summary, window)
                if encoding is None:
                    window.statusBar().showMessage(f"Nothing imported: no encoding chosen for {summary.path}", 8000)
                else:
                    self.import_files(fmt, paths, policy, {**chosen, summary.path: encoding})
                return
            lines = describe_import(summary)
            window.statusBar().showMessage(lines[0], 8000)
            if summary.skipped:
                self._transfer_report("Import", lines)

        window.tasks.run(f"Importing {len(paths)} file(s)…", job, done)

    def _transfer_report(self, title: str, lines: list[str]) -> None:
        """What an import skipped or an export left out, in a box: too much for the status bar."""
        box = QMessageBox(QMessageBox.Icon.Information, title, "\n".join(lines), parent=self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def export_dialog(self) -> None:
        window = self.window
        dialog = ExportDialog(window.project.annotators(), window)
        if dialog.exec():
            from app.core.transfer import export_path

            fmt, target, selection = dialog.choice(window.state.article_id)
            project = window.project
            window.tasks.run(f"Exporting {fmt}…",
                             lambda progress: export_path(project, fmt, target, selection, progress=progress),
                             self.exported)

    def exported(self, summary: ExportSummary) -> None:
        from app.core.interchange import describe_export

        lines = describe_export(summary)
        self.window.statusBar().showMessage("; ".join(lines), 8000)
        if summary.left_out:  # more than the filters asked for
            self._transfer_report("Export", lines)

    def drop(self, event) -> None:
        """Dropped articles (.txt, .html, .jsonl, folders of them) and folders of a folder format are imported."""
        from app.formats.registry import dropped

        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        fmt, chosen = dropped(paths)
        self.import_files(fmt.name, chosen)
