"""Start the desktop app: Qt application, settings, project, main window (or a screenshot)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.core.errors import NewsGlossError


def run_app(project_option: str | None, annotator: str | None, *, screenshot: Path | None = None,
            article_id: int | None = None) -> int:
    if screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.core.locations import chosen_location, open_project
    from app.gui.main_window import DEFAULT_SIZE, MainWindow
    from app.gui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("NewsGloss")
    app.setApplicationName("NewsGloss")
    app.setStyle("Fusion")
    settings = QSettings()
    apply_theme(settings.value("theme", "system"))
    location = chosen_location(project_option) or settings.value("last_project") or None
    annotator = annotator or os.environ.get("NEWSGLOSS_ANNOTATOR") or settings.value("annotator") or None
    try:
        project = open_project(location, annotator)
    except NewsGlossError as err:
        if screenshot is not None:
            print(f"newsgloss: error: {err}", file=sys.stderr)
        else:
            QMessageBox.critical(None, "NewsGloss", str(err))
        return 1
    if location is not None:
        settings.setValue("last_project", location)
    settings.setValue("annotator", project.annotator)

    window = MainWindow(project, settings, keep_layout=screenshot is None)
    if article_id is not None:
        window.open_article(article_id)
    if screenshot is not None:
        window.resize(*DEFAULT_SIZE)
        window.show()
        for _ in range(5):
            app.processEvents()
        saved = window.grab().save(str(screenshot), "PNG")
        window.close()
        project.close()
        if not saved:
            print(f"newsgloss: error: could not write {screenshot}", file=sys.stderr)
            return 1
        return 0
    window.show()
    code = app.exec()
    project.close()
    return code
