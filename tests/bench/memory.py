"""Peak memory: each measurement is a child process of its own, which reports its peak
resident memory (tests/bench/measure.py run_child).

    python -m tests.bench.memory view|plain WORDS SPANS SEED    open the long article, then exit
    python -m tests.bench.memory import-app|import-raw DB JSONL  import the .jsonl file into DB, then exit

A child prints "done" when it is done. The two sides of a pair do the same work
but the one measured: both text-view children make the article and its spans;
the raw import child loads no NewsGloss module.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tests.bench.measure import Row, child_env, run_child

if TYPE_CHECKING:
    from tests.bench.workspace import Workspace


def run(workspace: Workspace, jsonl: Path, articles: int, words: int, spans: int, seed: int, home: Path) -> list[Row]:
    env = child_env(home)

    def peak(*args) -> float:
        return run_child("tests.bench.memory", [str(a) for a in args], env, "done").peak_mb

    article = (words, spans, seed)
    return [
        Row("memory", f"open the long article ({words:,} words, {spans:,} spans)", peak("view", *article),
            peak("plain", *article), "MB", "QPlainTextEdit"),
        Row("memory", f"import {articles:,} articles from .jsonl", peak("import-app", workspace.fresh("mem"), jsonl),
            peak("import-raw", workspace.fresh("mem"), jsonl), "MB", "json + sqlite3 executemany"),
    ]


def child(kind: str, *args: str) -> None:
    if kind in ("view", "plain"):
        from PySide6.QtWidgets import QApplication

        from tests.bench.text_view import long_article, open_widget

        _app = QApplication([])  # kept alive while the widget paints
        text, highlights = long_article(*map(int, args))
        open_widget(kind, text, highlights)
    elif kind == "import-app":
        from app.core.project import Project
        from app.core.transfer import import_articles
        from tests.bench.raw import ANNOTATOR

        with Project.open(args[0], ANNOTATOR) as project:
            import_articles(project, [Path(args[1])])
    elif kind == "import-raw":
        from tests.bench.raw import raw_import_jsonl

        raw_import_jsonl(Path(args[0]), Path(args[1]))
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    print("done", flush=True)


if __name__ == "__main__":
    child(*sys.argv[1:])
