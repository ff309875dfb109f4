"""The annotation view (app/gui/text_view.py) against a plain QPlainTextEdit showing the same long article.

Floors (from the annotation-window issue): opening with all spans within 3x the
plain widget's time; adding or removing one span within 20 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor  # noqa: E402
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit  # noqa: E402

from app.core.offsets import Utf16Index  # noqa: E402
from app.gui.text_view import AnnotatedTextView, Highlight  # noqa: E402
from tests.bench.measure import Row  # noqa: E402

VOCABULARY = (
    "the of and to in said tariff tariffs steel aluminium Ottawa Beijing Washington Canada China "
    "minister prime trade duties imposed retaliation électrique véhicules 25% per cent on Friday "
    "exports imports 🇨🇦 👍🏽 𝒳 — “quoted” government announced talks would could sector"
).split()
LABELS = [("PERSON", "#4e79a7"), ("ORG", "#f28e2b"), ("GPE", "#59a14f"), ("NORP", "#b07aa1"), ("MONEY", "#e15759")]
EVIDENCE = [("CLAIM_CONTENT", "#76b7b2"), ("TARIFF_MENTION", "#edc948")]
FLOOR_OPEN_RATIO = 3.0
FLOOR_EDIT_MS = 20.0
SIZE = (1000, 800)


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


def long_article(words: int, spans: int, seed: int) -> tuple[str, list[Highlight]]:
    rnd = random.Random(seed)
    text, offsets = make_article(words, rnd)
    return text, make_spans(offsets, spans, rnd)


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


def painted_ms(widget: _Counting, action, limit_s: float = 10) -> float:
    """Milliseconds for `action()` plus event processing until the widget (anything counting its
    paints in `painted`) has painted."""
    app = QApplication.instance()
    before = widget.painted
    t0 = time.perf_counter()
    action()
    while widget.painted == before:
        if time.perf_counter() - t0 > limit_s:
            raise RuntimeError(f"{type(widget).__name__} did not paint within {limit_s:g} s")
        app.processEvents()
    return (time.perf_counter() - t0) * 1000


def open_widget(kind: str, text: str, spans: list[Highlight]) -> _Counting:
    """A shown, painted widget with the article: "view" (with its spans) or "plain" (text only)."""
    widget = View() if kind == "view" else PlainEdit()
    widget.resize(*SIZE)
    if kind == "view":
        painted_ms(widget, lambda: (widget.set_article(text, spans), widget.show()))
    else:
        font_source = AnnotatedTextView()  # the same font, as _open_and_scroll uses
        widget.setFont(font_source.font())
        font_source.deleteLater()
        painted_ms(widget, lambda: (widget.setPlainText(text), widget.show()))
    return widget


def _scroll_to_end(widget: QPlainTextEdit) -> None:
    bar = widget.verticalScrollBar()
    bar.setValue(bar.maximum())


def _close(*widgets) -> None:
    for w in widgets:
        w.close()
        w.deleteLater()
    QApplication.processEvents()


def _open_and_scroll(text: str, spans: list[Highlight]) -> dict[str, float]:
    plain, view = PlainEdit(), View()
    plain.setFont(view.font())
    for w in (plain, view):
        w.resize(*SIZE)
    result = {
        "plain open": painted_ms(plain, lambda: (plain.setPlainText(text), plain.show())),
        "plain scroll": painted_ms(plain, lambda: _scroll_to_end(plain)),
        "view open": painted_ms(view, lambda: (view.set_article(text, spans), view.show())),
        "view scroll": painted_ms(view, lambda: _scroll_to_end(view)),
    }
    _close(plain, view)
    return result


def _edits(text: str, spans: list[Highlight], edits: int) -> dict[str, float]:
    """Median times of adding and removing a span in the middle of the article, and of the plain
    widget's nearest equivalent: setting and clearing one extra selection over the same text."""
    view, plain = open_widget("view", text, spans), open_widget("plain", text, [])
    middle = sorted(spans, key=lambda h: h.start)[len(spans) // 2].start
    painted_ms(view, lambda: view.select_range(middle, middle))
    cursor = QTextCursor(plain.document())
    index = Utf16Index(text)
    cursor.setPosition(index.to_utf16(middle))
    painted_ms(plain, lambda: (plain.setTextCursor(cursor), plain.centerCursor()))  # the new spans in view
    visible = [h for h in spans if middle <= h.start < middle + 300]
    times: dict[str, list[float]] = {"view add": [], "view remove": [], "plain add": [], "plain remove": []}
    fill = QTextCharFormat()
    fill.setBackground(QColor("#f28e2b"))
    for i in range(edits):
        base = visible[i % len(visible)]
        new = Highlight(10**9 + i, base.start, base.end, "ORG", "#f28e2b", "entity", "accepted", "alice")
        times["view add"].append(painted_ms(view, lambda: view.add_highlight(new)))
        times["view remove"].append(painted_ms(view, lambda: view.remove_highlight(new.id)))
        selection = QTextEdit.ExtraSelection()
        selection.cursor = QTextCursor(plain.document())
        selection.cursor.setPosition(index.to_utf16(base.start))
        selection.cursor.setPosition(index.to_utf16(base.end), QTextCursor.KeepAnchor)
        selection.format = fill
        times["plain add"].append(painted_ms(plain, lambda: plain.setExtraSelections([selection])))
        times["plain remove"].append(painted_ms(plain, lambda: plain.setExtraSelections([])))
    _close(view, plain)
    return {key: statistics.median(values) for key, values in times.items()}


def run(words: int, spans: int, repeat: int, edits: int, seed: int) -> tuple[str, list[Row]]:
    QApplication.instance() or QApplication([])
    text, highlights = long_article(words, spans, seed)
    runs = [_open_and_scroll(text, highlights) for _ in range(repeat)]
    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    edit = _edits(text, highlights, edits)
    plain = "QPlainTextEdit"
    rows = [
        Row("text view", "open: set text + show + paint", med["view open"], med["plain open"], "ms",
            plain, max_ratio=FLOOR_OPEN_RATIO),
        Row("text view", "scroll to end + paint", med["view scroll"], med["plain scroll"], "ms", plain),
        Row("text view", "add a span + paint", edit["view add"], edit["plain add"], "ms",
            "QPlainTextEdit extra selection", max_value=FLOOR_EDIT_MS),
        Row("text view", "remove a span + paint", edit["view remove"], edit["plain remove"], "ms",
            "QPlainTextEdit extra selection", max_value=FLOOR_EDIT_MS),
    ]
    about = (f"text view: {words:,} words ({len(text):,} characters, {text.count(chr(10)) + 1:,} paragraphs), "
             f"{len(highlights):,} spans; median of {repeat} opens, {edits} edits")
    return about, rows
