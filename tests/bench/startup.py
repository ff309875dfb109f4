"""Time from starting `newsgloss gui` to its first painted window, against starting Python,
importing PySide6 and showing an empty QMainWindow (tests/bench/empty_window.py); and to the
first article shown, so that painting the window before opening the project is no trick.

Both run offscreen as child processes that print "shown" and quit once their
window has painted (app/gui/first_paint.py), with their own home and settings
folders; each is run once untimed first, so both start with warm file caches.
"First article shown" waits until the project is open, the article list filled and the
first article painted in the text view ($NEWSGLOSS_EXIT_WHEN_SHOWN=article).
Floor: the first window within 0.3 s of the empty one; the first article has none.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from tests.bench.measure import Row, child_env, run_child
from tests.bench.raw import ANNOTATOR

FLOOR_OVER_EMPTY_WINDOW_S = 0.3
BASELINE_IS = "python + PySide6 + empty QMainWindow"


def run(project: Path, articles: int, home: Path, repeat: int) -> list[Row]:
    app = ("app", ["--project", str(project), "--annotator", ANNOTATOR, "gui"])
    children = {"window": (app, "1"), "article": (app, "article"),
                "baseline": (("tests.bench.empty_window", []), "1")}
    runs = {}
    for name, ((module, args), when) in children.items():
        env = dict(child_env(home), NEWSGLOSS_EXIT_WHEN_SHOWN=when)
        run_child(module, args, env, "shown")
        runs[name] = [run_child(module, args, env, "shown") for _ in range(repeat)]
    seconds = {name: statistics.median(c.seconds_to_line for c in found) for name, found in runs.items()}
    peak = {name: statistics.median(c.peak_mb for c in found) for name, found in runs.items()}
    return [
        Row("startup", f"start to first painted window ({articles:,}-article project)", seconds["window"],
            seconds["baseline"], "s", BASELINE_IS, max_over=FLOOR_OVER_EMPTY_WINDOW_S),
        Row("startup", "start to first article shown (project open, list filled)", seconds["article"],
            seconds["baseline"], "s", BASELINE_IS),
        Row("startup", "peak memory at first painted window", peak["window"], peak["baseline"], "MB", BASELINE_IS),
        Row("startup", "peak memory at first article shown", peak["article"], peak["baseline"], "MB", BASELINE_IS),
    ]
