"""Time from starting `newsgloss gui` to its first painted window, against starting Python,
importing PySide6 and showing an empty QMainWindow (tests/bench/empty_window.py).

Both run offscreen as child processes that print "shown" and quit once their
window has painted (app/gui/first_paint.py), with their own home and settings
folders; each is run once untimed first, so both start with warm file caches.
Floor: the first window within 0.3 s of the empty one.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from tests.bench.measure import Row, child_env, run_child
from tests.bench.raw import ANNOTATOR

FLOOR_OVER_EMPTY_WINDOW_S = 0.3


def run(project: Path, articles: int, home: Path, repeat: int) -> list[Row]:
    env = dict(child_env(home), NEWSGLOSS_EXIT_WHEN_SHOWN="1")
    app = ("app", ["--project", str(project), "--annotator", ANNOTATOR, "gui"])
    baseline = ("tests.bench.empty_window", [])
    runs = {}
    for name, args in (("app", app), ("baseline", baseline)):
        run_child(*args, env, "shown")
        runs[name] = [run_child(*args, env, "shown") for _ in range(repeat)]
    seconds = {name: statistics.median(c.seconds_to_line for c in children) for name, children in runs.items()}
    peak = {name: statistics.median(c.peak_mb for c in children) for name, children in runs.items()}
    return [
        Row("startup", f"start to first window ({articles:,}-article project)", seconds["app"],
            seconds["baseline"], "s", "python + PySide6 + empty QMainWindow", max_over=FLOOR_OVER_EMPTY_WINDOW_S),
        Row("startup", "peak memory at first window", peak["app"], peak["baseline"], "MB",
            "python + PySide6 + empty QMainWindow"),
    ]
