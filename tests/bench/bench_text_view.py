"""Benchmark AnnotatedTextView against a plain QPlainTextEdit showing the same long article.

    .venv/bin/python -m tests.bench.bench_text_view [--words 100000] [--spans 10000] [--repeat 3]

Floors: opening with all spans within 3x the plain text time; one edit within 20 ms.
Exits 1 when a floor is missed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a plain script too

from PySide6.QtWidgets import QApplication, QPlainTextEdit  # noqa: E402

from app.gui.text_view import AnnotatedTextView, Highlight  # noqa: E402

VOCABULARY = (
    "the of and to in said tariff tariffs steel aluminium Ottawa Beijing Washington Canada China "
    "minister prime trade duties imposed retaliation électrique véhicules 25% per cent on Friday "
    "exports imports 🇨🇦 👍🏽 𝒳 — “quoted” government announced talks would could sector"
).split()
LABELS = [("PERSON", "#4e79a7"), ("ORG", "#f28e2b"), ("GPE", "#59a14f"), ("NORP", "#b07aa1"), ("MONEY", "#e15759")]
EVIDENCE = [("CLAIM_CONTENT", "#76b7b2"), ("TARIFF_MENTION", "#edc948")]
FLOOR_OPEN_RATIO = 3.0
FLOOR_EDIT_MS = 20.0


def make_article(words: int, rnd: random.Random) -> tuple[str, list[tuple[int, int]]]:
    """Paragraphs of 40-160 words; returns the text and each word's (start, end) in code points."""
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0
    left_in_paragraph = rnd.randint(40, 160)
    for i in range(words):
        if i:
            sep = " " if left_in_paragraph else "\n"
            left_in_paragraph = left_in_paragraph - 1 if left_in_paragraph else rnd.randint(40, 160)
            parts.append(sep)
            pos += 1
        word = rnd.choice(VOCABULARY)
        parts.append(word)
        offsets.append((pos, pos + len(word)))
        pos += len(word)
    return "".join(parts), offsets


def make_spans(words: list[tuple[int, int]], count: int, rnd: random.Random) -> list[Highlight]:
    """Entities of 1-3 words, a tenth nested in an earlier span, a tenth long evidence spans."""
    word_end = dict(words)
    spans: list[Highlight] = []
    for i in range(count):
        w = rnd.randrange(len(words) - 31)
        roll = rnd.random()
        if roll < 0.1 and spans:  # the first word of an earlier span
            start = rnd.choice(spans).start
            end, kind, (label, colour) = word_end[start], "entity", rnd.choice(LABELS)
        elif roll < 0.2:
            start, end = words[w][0], words[w + rnd.randint(4, 30)][1]
            kind, (label, colour) = "evidence", rnd.choice(EVIDENCE)
        else:
            start, end = words[w][0], words[w + rnd.randint(0, 2)][1]
            kind, (label, colour) = "entity", rnd.choice(LABELS)
        status = rnd.choices(["accepted", "suggested", "rejected"], [0.7, 0.25, 0.05])[0]
        spans.append(Highlight(i, start, end, label, colour, kind, status, "model en_core_web_sm"))
    return spans


class _Counting:
    """Mixin counting finished paints, so a timing can wait for the frame it caused."""

    painted = 0

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        self.painted += 1


class PlainEdit(_Counting, QPlainTextEdit):
    pass


class View(_Counting, AnnotatedTextView):
    pass


def timed(app: QApplication, widget: _Counting, action) -> float:
    """Milliseconds for `action()` plus event processing until the widget has painted."""
    before = widget.painted
    t0 = time.perf_counter()
    action()
    deadline = t0 + 10
    while widget.painted == before and time.perf_counter() < deadline:
        app.processEvents()
    return (time.perf_counter() - t0) * 1000


def scroll_to_end(widget: QPlainTextEdit) -> None:
    bar = widget.verticalScrollBar()
    bar.setValue(bar.maximum())


def run_once(app: QApplication, text: str, spans: list[Highlight]) -> dict[str, float]:
    plain, view = PlainEdit(), View()
    plain.setFont(view.font())
    for w in (plain, view):
        w.resize(1000, 800)
    result = {
        "plain open": timed(app, plain, lambda: (plain.setPlainText(text), plain.show())),
        "plain scroll": timed(app, plain, lambda: scroll_to_end(plain)),
        "view open": timed(app, view, lambda: (view.set_article(text, spans), view.show())),
        "view scroll": timed(app, view, lambda: scroll_to_end(view)),
    }
    for w in (plain, view):
        w.close()
        w.deleteLater()
    app.processEvents()
    return result


def edit_times(app: QApplication, text: str, spans: list[Highlight], edits: int) -> tuple[list[float], list[float]]:
    """add_highlight + paint and remove_highlight + paint, for new spans in the visible text."""
    view = View()
    view.resize(1000, 800)
    view.set_article(text, spans)
    view.show()
    middle = sorted(spans, key=lambda h: h.start)[len(spans) // 2].start
    timed(app, view, lambda: view.select_range(middle, middle))
    visible = [h for h in spans if middle <= h.start < middle + 300]
    adds, removes = [], []
    for i in range(edits):
        base = visible[i % len(visible)]
        new = Highlight(10**9 + i, base.start, base.end, "ORG", "#f28e2b", "entity", "accepted", "alice")
        adds.append(timed(app, view, lambda: view.add_highlight(new)))
        removes.append(timed(app, view, lambda: view.remove_highlight(new.id)))
    view.close()
    view.deleteLater()
    return adds, removes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--spans", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the open/scroll timings (median)")
    parser.add_argument("--edits", type=int, default=50, help="add/remove pairs timed (median)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication([])
    rnd = random.Random(args.seed)
    text, words = make_article(args.words, rnd)
    spans = make_spans(words, args.spans, rnd)
    runs = [run_once(app, text, spans) for _ in range(args.repeat)]
    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    adds, removes = edit_times(app, text, spans, args.edits)
    add, remove = statistics.median(adds), statistics.median(removes)

    print(f"{args.words:,} words, {len(text):,} characters, {text.count(chr(10)) + 1:,} paragraphs, "
          f"{len(spans):,} spans; median of {args.repeat} runs, edits median of {args.edits}")
    print(f"{'measure':<34}{'plain':>10}{'annotated':>12}{'ratio':>8}")
    rows = [
        ("open: set text + show + paint", med["plain open"], med["view open"]),
        ("scroll to end + paint", med["plain scroll"], med["view scroll"]),
        ("add_highlight + paint", None, add),
        ("remove_highlight + paint", None, remove),
    ]
    for name, plain, annotated in rows:
        ratio = f"{annotated / plain:>7.2f}x" if plain else f"{'':>8}"
        plain_text = f"{plain:>8.1f}ms" if plain is not None else f"{'-':>10}"
        print(f"{name:<34}{plain_text}{annotated:>10.1f}ms{ratio}")
    open_ok = med["view open"] <= FLOOR_OPEN_RATIO * med["plain open"]
    edit_ok = max(add, remove) <= FLOOR_EDIT_MS
    print(f"floor open <= {FLOOR_OPEN_RATIO:g}x plain: {'ok' if open_ok else 'MISSED'}; "
          f"one edit <= {FLOOR_EDIT_MS:g} ms: {'ok' if edit_ok else 'MISSED'}")
    return 0 if open_ok and edit_ok else 1


if __name__ == "__main__":
    sys.exit(main())
