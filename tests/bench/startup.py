"""Time from starting `newsgloss gui` to its first painted window, and on to its first article shown,
against starting Python, importing PySide6 and showing an empty QMainWindow (tests/bench/empty_window.py).

All run offscreen as child processes that print "shown" and quit once their window has painted
(app/gui/first_paint.py), or for the second figure once the project is open and its first article
painted in the text view; each with its own home and settings folders, and each run once untimed
first, so all start with warm file caches. Floor: the first window within 0.3 s of the empty one.
The window paints before its project opens (AppController.start), so the second figure, with no
floor, shows what the first leaves out.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from tests.bench.measure import Row, child_env, run_child
from tests.bench.raw import ANNOTATOR

FLOOR_OVER_EMPTY_WINDOW_S = 0.3


def run(project: Path, articles: int, home: Path, repeat: int) -> list[Row]:
    env = child_env(home)
    app = ["--project", str(project), "--annotator", ANNOTATOR, "gui"]
    children = {  # what the child runs, and when it reports ($NEWSGLOSS_EXIT_WHEN_SHOWN)
        "window": ("app", app, "1"),
        "article": ("app", app, "article"),
        "baseline": ("tests.bench.empty_window", [], "1"),
    }
    runs = {}
    for name, (module, args, when) in children.items():
        child = dict(env, NEWSGLOSS_EXIT_WHEN_SHOWN=when)
        run_child(module, args, child, "shown")
        runs[name] = [run_child(module, args, child, "shown") for _ in range(repeat)]
    seconds = {name: statistics.median(c.seconds_to_line for c in done) for name, done in runs.items()}
    peak = {name: statistics.median(c.peak_mb for c in done) for name, done in runs.items()}
    empty = "python + PySide6 + empty QMainWindow"
    return [
        Row("startup", f"start to first painted window ({articles:,}-article project)", seconds["window"],
            seconds["baseline"], "s", empty, max_over=FLOOR_OVER_EMPTY_WINDOW_S),
        Row("startup", "start to first article shown (project open, list filled)", seconds["article"],
            seconds["baseline"], "s", empty),
        Row("startup", "peak memory with the first article shown", peak["article"], peak["baseline"], "MB", empty),
    ]
