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
    assert _imported_by("import app.cli", ["sqlalchemy", "app.core.project", "PySide6"]) == []


def test_the_window_module_leaves_dialogs_and_background_work_until_used():
    late = ["app.core.suggesting", "app.core.transfer", "app.gui.agreement_panel", "app.core.statistics",
            "app.gui.preferences", "app.gui.shortcuts"]
    assert _imported_by("import app.gui.main_window", late) == []
