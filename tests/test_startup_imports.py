"""What starting NewsGloss imports: the modules behind commands, menus and dialogs wait until used,
so `newsgloss gui` reaches its first window sooner (the startup floor of tests/bench)."""

from __future__ import annotations

import subprocess
import sys


def _imported_by(statement: str, modules: list[str]) -> list[str]:
    """Which of `modules` a fresh interpreter has loaded after running `statement`."""
    probe = f"import sys; {statement}; print(' '.join(m for m in {modules!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    return result.stdout.split()


def test_the_command_line_imports_no_sqlalchemy_until_a_command_needs_it():
    """numpy (~80 ms) too: the formats the command line lists load it only when they tokenise."""
    assert _imported_by("import app.cli", ["sqlalchemy", "app.core.project", "PySide6", "numpy"]) == []


def test_the_window_module_leaves_dialogs_and_background_work_until_used():
    late = ["app.core.suggesting", "app.core.transfer", "app.gui.agreement_panel", "app.core.statistics",
            "app.gui.preferences", "app.gui.shortcuts"]
    assert _imported_by("import app.gui.main_window", late) == []


def test_the_first_window_paints_before_sqlalchemy_and_the_project_panels_load():
    """What `newsgloss gui` builds before its first paint (AppController.start) needs none of these:
    they load as the project opens, right after."""
    opening = ["sqlalchemy", "numpy", "app.core.project", "app.store.engine", "app.gui.article_state",
               "app.gui.frame_editor", "app.gui.annotation_table", "app.gui.adjudication_panel"]
    statement = ("from PySide6.QtWidgets import QApplication; app = QApplication([]); "
                 "from PySide6.QtCore import QSettings; from app.gui.main_window import MainWindow; "
                 "import app.gui.first_paint, app.gui.launch; "
                 "from app.gui.recent import short_name, normalized; short_name('/tmp/a.db'); normalized('a.db'); "
                 "MainWindow(None, QSettings('/nonexistent/s.ini', QSettings.Format.IniFormat)).opening('a.db')")
    assert _imported_by(statement, opening) == []
