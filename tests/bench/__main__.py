"""NewsGloss benchmarks: each figure beside a baseline measured in the same run.

    .venv/bin/python -m tests.bench [--size quick|full|large] [--only SECTION]... [--json FILE] [sizes]

Makes its own data (generated articles, annotations and projects in a temporary
folder; nothing is downloaded) and prints one table: section, what, NewsGloss,
baseline, ratio (NewsGloss / baseline), the floor where one is set (marked MISSED
when a figure misses it) and the peak memory of rows measured as whole processes.
Exit status 1 when a floor is missed. `--size large` is a newsroom's archive: the
import, every export, the long article in the window, startup, agreement and
suggest with two processes, at the sizes of the scale issue.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from functools import cached_property
from pathlib import Path

from tests.bench.measure import Row

SECTIONS = ("text-view", "window", "import", "export", "archive", "suggest", "agreement", "startup", "memory")
# Sizes: the full run, --quick (a smoke test that CI runs, well under a minute), and large (a newsroom's
# archive: 10,000 articles of 600 words with 60 spans each; one article of 100,000 words with 10,000 spans).
FULL = {"words": 100_000, "spans": 10_000, "articles": 2_000, "article_words": 400, "article_spans": 60,
        "suggest_articles": 300, "batch_size": 32, "repeat": 3, "edits": 50, "annotators": 3,
        "agree_articles": 2_000}
QUICK = {"words": 20_000, "spans": 2_000, "articles": 100, "article_words": 150, "article_spans": 20,
         "suggest_articles": 16, "batch_size": 8, "repeat": 1, "edits": 5, "annotators": 2, "agree_articles": 100}
LARGE = {**FULL, "articles": 10_000, "article_words": 600, "repeat": 1, "edits": 20}
SIZES = {"quick": QUICK, "full": FULL, "large": LARGE}
# What each size runs when no --only is given: the archive's whole processes only at the large size, and
# last, as the gigabytes its exports write are still being flushed to disk for a while after it (the
# window's single open, run right after it, took 102 ms instead of 80).
DEFAULT_SECTIONS = {"quick": [s for s in SECTIONS if s != "archive"], "full": [s for s in SECTIONS if s != "archive"],
                    "large": ["window", "startup", "agreement", "suggest", "archive"]}
UNITS = {"ms": "{:,.1f} ms", "s": "{:,.3f} s", "MB": "{:,.0f} MB"}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default="full",
                        help="quick: small, one run each (the CI smoke test); large: a newsroom's archive")
    parser.add_argument("--quick", action="store_const", dest="size", const="quick", help="the same as --size quick")
    parser.add_argument("--only", action="append", choices=SECTIONS, metavar="SECTION",
                        help=f"run only this section (repeatable): {', '.join(SECTIONS)}")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the figures as JSON")
    sizes = parser.add_argument_group("sizes (defaults: full run / --quick)")
    helps = {"words": "words of the long article (text view, memory)",
             "spans": "spans on the long article",
             "articles": "articles to import and export, in the project that startup opens",
             "article_words": "words an article (import, export, suggest)",
             "article_spans": "spans an article (archive)",
             "suggest_articles": "articles to suggest for",
             "batch_size": "nlp.pipe batch size",
             "repeat": "timed runs of each figure (the median is shown)",
             "edits": "span additions and removals timed in the text view",
             "annotators": "people whose layers the agreement section compares",
             "agree_articles": "articles each annotator annotated (agreement)"}
    for name, text in helps.items():
        sizes.add_argument(f"--{name.replace('_', '-')}", type=int, metavar="N",
                           help=f"{text} ({FULL[name]:,} / quick {QUICK[name]:,} / large {LARGE[name]:,})")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.quick = args.size == "quick"
    for name, value in SIZES[args.size].items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


class Data:
    """What the sections share, made when first needed: the articles, a .jsonl file of them,
    the annotated documents, and a project holding those documents."""

    def __init__(self, args: argparse.Namespace, folder: Path):
        self.args = args
        self.folder = folder

    @cached_property
    def workspace(self):
        from tests.bench.workspace import Workspace

        (self.folder / "projects").mkdir()
        return Workspace(self.folder / "projects")

    @cached_property
    def texts(self) -> list[str]:
        from tests.bench.corpus import make_articles

        return make_articles(self.args.articles, self.args.article_words, random.Random(self.args.seed))

    @cached_property
    def jsonl(self) -> Path:
        from tests.bench.corpus import write_jsonl

        return write_jsonl(self.texts, self.folder / "articles.jsonl")

    @cached_property
    def docs(self):
        from tests.bench.corpus import annotate

        return annotate(self.texts, self.workspace.schema, random.Random(self.args.seed))

    @cached_property
    def annotated(self):
        """An open project holding the annotated documents."""
        from app.core.interchange import import_documents
        from app.core.project import Project
        from tests.bench.raw import ANNOTATOR

        project = Project.open(self.workspace.fresh("annotated"), ANNOTATOR)
        import_documents(project, self.docs)
        return project

    @property
    def annotated_path(self) -> Path:
        from app.store.engine import sqlite_path

        return sqlite_path(self.annotated.url)

    @property
    def home(self) -> Path:
        return self.folder / "home"

    def close(self) -> None:
        if "annotated" in self.__dict__:
            self.annotated.close()


def run_section(name: str, data: Data) -> tuple[str, list[Row]]:
    """The section's rows, and a line saying what it measured."""
    a = data.args
    if name == "text-view":
        from tests.bench import text_view

        return text_view.run(a.words, a.spans, a.repeat, a.edits, a.seed)
    if name == "window":
        from tests.bench import window

        return window.run(data.workspace, a.words, a.spans, a.repeat, a.seed)
    if name == "archive":
        from tests.bench import archive

        return archive.run(data.workspace, data.folder, data.home, a.articles, a.article_words, a.article_spans,
                           a.seed)
    if name == "import":
        from tests.bench import importing

        rows = importing.run(data.workspace, data.jsonl, data.docs, a.repeat)
        return f"import: {a.articles:,} generated articles of about {a.article_words} words", rows
    if name == "export":
        from tests.bench import exporting

        return "export: the default selection (accepted spans and frames)", exporting.run(
            data.annotated, data.annotated_path, data.folder, a.repeat)
    if name == "suggest":
        from tests.bench import suggest
        from tests.bench.corpus import make_articles

        texts = make_articles(a.suggest_articles, a.article_words, random.Random(a.seed + 1))
        return suggest.run(data.workspace, texts, a.batch_size, a.repeat)
    if name == "agreement":
        from tests.bench import agreement

        return agreement.run(data.workspace, a.agree_articles, a.annotators, a.article_words, a.repeat, a.seed)
    if name == "startup":
        from tests.bench import startup

        return (f"startup: offscreen, median of {a.repeat} after one untimed run",
                startup.run(data.annotated_path, a.articles, data.home, a.repeat))
    from tests.bench import memory

    return "memory: peak resident memory (VmHWM) of one child process each", memory.run(
        data.workspace, data.jsonl, a.articles, a.words, a.spans, a.seed, data.home)


def table(rows: list[Row]) -> str:
    cells = [("section", "what", "NewsGloss", "baseline", "ratio", "floor", "peak", "baseline is")]
    for r in rows:
        shown = UNITS[r.unit]
        cells.append((r.section, r.what, shown.format(r.newsgloss), shown.format(r.baseline), f"{r.ratio:.2f}x",
                      f"{r.floor} MISSED" if r.missed else r.floor,
                      "" if r.peak_mb is None else UNITS["MB"].format(r.peak_mb), r.baseline_what))
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    right = {2, 3, 4, 6}
    return "\n".join("  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths)))
                     .rstrip() for row in cells)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sections = [s for s in SECTIONS if s in args.only] if args.only else DEFAULT_SECTIONS[args.size]
    started = time.perf_counter()
    rows: list[Row] = []
    about: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newsgloss-bench-") as folder:
        data = Data(args, Path(folder))
        for name in sections:
            print(f"[{time.perf_counter() - started:6.1f} s] {name}...", file=sys.stderr, flush=True)
            line, section_rows = run_section(name, data)
            about.append(line)
            rows.extend(section_rows)
        data.close()
    elapsed = time.perf_counter() - started
    print("\n".join(about))
    print(table(rows))
    missed = [r for r in rows if r.missed]
    print(f"{len(rows)} figures in {elapsed:.0f} s; "
          + (f"{len(missed)} missed a floor" if missed else "every floor met"))
    if args.json:
        sizes = {name: getattr(args, name) for name in FULL}
        args.json.write_text(json.dumps({
            "quick": args.quick, "size": args.size, "sections": sections, "sizes": sizes, "about": about,
            "seconds": round(elapsed, 1),
            "python": platform.python_version(), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "rows": [r.as_dict() for r in rows]}, indent=2) + "\n", encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
