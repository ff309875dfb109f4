"""The annotated article view: plain text in a QPlainTextEdit, annotations painted over it.

Spans never touch the QTextDocument. They live in an index (per-block buckets plus
a lane per span) and paintEvent draws the ones in the visible blocks, so adding or
removing a span costs an index update and a viewport repaint. Every offset in the
public API is a code point; conversion to Qt's UTF-16 positions happens only here.

Look: accepted entities get a translucent fill and a solid underline, suggestions a
dashed outline and dashed underline, evidence (claim cues/contents, tariff
mentions) light brackets and a dotted underline; rejected spans are not drawn.
Underlines stack in lanes below the baseline so overlapping spans all stay visible.
Each span's label is written above it (a suggestion's with a "?"), and the chosen frame's
fillers are joined to its trigger by arcs (app/gui/span_painting.py). Lines, marks and
labels are drawn in the label's ink: its colour at a readable contrast with the background.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from operator import attrgetter

from PySide6.QtCore import QEvent, QLineF, QMimeData, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from app.core.offsets import Utf16Index
from app.core.tokens import TOKEN
from app.gui.span_painting import (
    FrameLinks,
    LabelBox,
    Link,
    Piece,
    frame_links,
    paint_labels,
    paint_links,
    place_labels,
)
from app.gui.theme import label_ink

FILL_ALPHA = 70
FAINT_ALPHA = 80


@dataclass(frozen=True)
class Highlight:
    """One span to draw: [start, end) in code points, colour as "#rrggbb".

    kind: 'entity' | 'evidence'; status: 'suggested' | 'accepted' | 'rejected';
    tooltip: plain text (origin, annotator...) shown when hovering;
    faint: another layer shown for reference (no fill, a pale underline).
    """

    id: int
    start: int
    end: int
    label: str
    colour: str
    kind: str = "entity"
    status: str = "accepted"
    tooltip: str = ""
    faint: bool = False

    @property
    def drawn(self) -> bool:
        return self.status != "rejected" and self.end > self.start


def _thickness(metrics: QFontMetricsF) -> int:
    """Pixels of an underline at this font."""
    return max(2, round(metrics.lineWidth() * 2))


def _block_of(block_starts: list[int], cp: int) -> int:
    """Index of the block holding code point `cp` (clamped to the first and last block)."""
    return max(bisect_right(block_starts, cp) - 1, 0)


def _in_pack_order(spans: Iterable[Highlight]) -> list[Highlight]:
    """By start, longest first (then by id), so an enclosing span sits nearer the text."""
    ordered = sorted(spans, key=attrgetter("id"))
    ordered.sort(key=attrgetter("end"), reverse=True)  # sorts are stable
    ordered.sort(key=attrgetter("start"))
    return ordered


def _pack(ordered: list[Highlight]) -> dict[int, int]:
    """Greedy interval packing of spans in pack order: each takes the lowest lane free at its start."""
    lane_ends: list[int] = []
    lanes = {}
    reach = -1  # the furthest end so far
    for h in ordered:
        if h.start >= reach:  # overlaps nothing before it: a new cluster
            lane_ends = [h.end]
            reach = h.end
            lanes[h.id] = 0
            continue
        reach = max(reach, h.end)
        for lane, end in enumerate(lane_ends):
            if end <= h.start:
                lane_ends[lane] = h.end
                break
        else:
            lane = len(lane_ends)
            lane_ends.append(h.end)
        lanes[h.id] = lane
    return lanes


class _SpanIndex:
    """All highlights by id; the drawn ones bucketed by block and given a lane."""

    def __init__(self, block_starts: list[int], highlights: Iterable[Highlight] = ()) -> None:
        highlights = list(highlights)
        self._block_starts = block_starts
        self.spans = {h.id: h for h in highlights}
        if len(self.spans) != len(highlights):
            raise ValueError("duplicate highlight ids")
        drawn = _in_pack_order(h for h in highlights if h.status != "rejected" and h.end > h.start)
        self.lanes = _pack(drawn)
        self._buckets: list[list[int]] = [[] for _ in block_starts]
        # Spans come by start, so the block holding each start only moves forward.
        block, next_start = 0, block_starts[1] if len(block_starts) > 1 else math.inf
        for h in drawn:
            while h.start >= next_start:
                block += 1
                next_start = block_starts[block + 1] if block + 1 < len(block_starts) else math.inf
            if h.end <= next_start:
                self._buckets[block].append(h.id)
            else:
                for b in range(block, _block_of(block_starts, h.end - 1) + 1):
                    self._buckets[b].append(h.id)

    def add(self, h: Highlight) -> None:
        if h.id in self.spans:
            raise ValueError(f"duplicate highlight id {h.id}")
        self.spans[h.id] = h
        self._bucket(h, add=True)
        self._repack(h.start, h.end)

    def remove(self, span_id: int) -> Highlight:
        h = self.spans.pop(span_id)
        self._bucket(h, add=False)
        self.lanes.pop(span_id, None)
        self._repack(h.start, h.end)
        return h

    def replace(self, h: Highlight) -> None:
        old = self.spans[h.id]
        self._bucket(old, add=False)
        self.lanes.pop(h.id, None)
        self.spans[h.id] = h  # keeps the id's place in the order
        self._bucket(h, add=True)
        self._repack(min(old.start, h.start), max(old.end, h.end))

    def in_block(self, block: int) -> list[Highlight]:
        return [self.spans[i] for i in self._buckets[block]]

    def overlapping(self, start: int, end: int) -> list[Highlight]:
        """Drawn spans sharing at least one character with [start, end)."""
        first, last = _block_of(self._block_starts, start), _block_of(self._block_starts, max(start, end - 1))
        found = {i for b in range(first, last + 1) for i in self._buckets[b]}
        return [h for h in map(self.spans.__getitem__, found) if h.start < end and h.end > start]

    def _bucket(self, h: Highlight, *, add: bool) -> None:
        if not h.drawn:
            return
        first, last = _block_of(self._block_starts, h.start), _block_of(self._block_starts, h.end - 1)
        for b in range(first, last + 1):
            if add:
                self._buckets[b].append(h.id)
            else:
                self._buckets[b].remove(h.id)

    def _repack(self, start: int, end: int) -> None:
        """Recompute lanes for the overlap clusters touching [start, end) only."""
        cluster: dict[int, Highlight] = {}
        lo, hi = start, end
        while True:
            cluster.update((h.id, h) for h in self.overlapping(lo, hi))
            new_lo = min([lo, *(h.start for h in cluster.values())])
            new_hi = max([hi, *(h.end for h in cluster.values())])
            if (new_lo, new_hi) == (lo, hi):
                break
            lo, hi = new_lo, new_hi
        self.lanes.update(_pack(_in_pack_order(cluster.values())))


class _Tokens:
    """Token edges of the text, found per block on demand (tokens never cross a newline)."""

    def __init__(self, text: str, block_starts: list[int]) -> None:
        self._text = text
        self._block_starts = block_starts
        self._cache: dict[int, tuple[list[int], list[int]]] = {}

    def _block(self, n: int) -> tuple[list[int], list[int]]:
        if n not in self._cache:
            end = self._block_starts[n + 1] if n + 1 < len(self._block_starts) else len(self._text)
            found = list(TOKEN.finditer(self._text, self._block_starts[n], end))
            self._cache[n] = [m.start() for m in found], [m.end() for m in found]
        return self._cache[n]

    def containing(self, cp: int) -> tuple[int, int] | None:
        """The token holding the character at `cp`, or None for whitespace."""
        if not 0 <= cp < len(self._text):
            return None
        starts, ends = self._block(_block_of(self._block_starts, cp))
        i = bisect_right(starts, cp) - 1
        return (starts[i], ends[i]) if i >= 0 and cp < ends[i] else None

    def edge(self, cp: int, forward: bool, ends: bool) -> int:
        """The nearest token end (or start) strictly after (or before) `cp`, else the text's end (or 0)."""
        n = _block_of(self._block_starts, cp)
        while 0 <= n < len(self._block_starts):
            edges = self._block(n)[1 if ends else 0]
            i = bisect_right(edges, cp) if forward else bisect_left(edges, cp) - 1
            if 0 <= i < len(edges):
                return edges[i]
            n += 1 if forward else -1
        return len(self._text) if forward else 0

    def snap(self, lo: int, hi: int) -> tuple[int, int]:
        """[lo, hi) grown to whole tokens and trimmed of outer whitespace (unchanged if it has no token)."""
        token = self.containing(lo)
        start = token[0] if token else self.edge(lo - 1, forward=True, ends=False)
        token = self.containing(hi - 1)
        end = token[1] if token else self.edge(hi + 1, forward=False, ends=True)
        return (start, end) if start < end else (lo, hi)


class AnnotatedTextView(QPlainTextEdit):
    """Read-only, selectable article text with spans drawn over it. Offsets are code points."""

    spanClicked = Signal(int)
    spanHovered = Signal(int)  # -1 when the mouse leaves every span
    selectionRangeChanged = Signal(int, int)  # -1, -1 when the selection is cleared

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("textView")
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
        self.viewport().setMouseTracking(True)
        self.viewport().installEventFilter(self)
        self.document().setUndoRedoEnabled(False)
        self._u16 = Utf16Index("")
        self._block_starts = [0]  # code point where each block (paragraph) starts
        self._index = _SpanIndex(self._block_starts)
        self._tokens = _Tokens("", self._block_starts)
        self._current: int | None = None
        self._snap = True
        self._press_pos: QPoint | None = None
        self._hovered = -1
        self._last_range = (-1, -1)
        self._labels_shown = True
        self._frame: FrameLinks | None = None
        self.selectionChanged.connect(self._emit_selection_range)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.GeneralFont))
        self.set_font_size(13)

    # -- content ---------------------------------------------------------------------

    def set_article(self, text: str, highlights: Iterable[Highlight] = ()) -> None:
        """Show `text` as plain text (never HTML) with `highlights` over it."""
        self._current = None
        self.setCurrentCharFormat(self._line_format)  # setPlainText gives all the text this format
        self.setPlainText(text)
        self._u16 = Utf16Index(text)
        if self.document().characterCount() - 1 != self._u16.utf16_length:
            self.set_article("")
            raise ValueError("Qt changed the text on load (CRLF line ends or a leading BOM?): normalise it first")
        starts = []
        block = self.document().firstBlock()
        while block.isValid():
            starts.append(self._u16.to_codepoint(block.position()))
            block = block.next()
        self._block_starts = starts
        self._tokens = _Tokens(text, starts)
        self.set_highlights(highlights)

    def set_highlights(self, highlights: Iterable[Highlight]) -> None:
        highlights = list(highlights)
        self._check(highlights)
        self._index = _SpanIndex(self._block_starts, highlights)
        if self._current not in self._index.lanes:
            self._current = None
        self.viewport().update()

    def add_highlight(self, h: Highlight) -> None:
        self._check([h])
        self._index.add(h)
        self.viewport().update()

    def remove_highlight(self, span_id: int) -> None:
        self._index.remove(span_id)
        if self._current == span_id:
            self._current = None
        self.viewport().update()

    def update_highlight(self, h: Highlight) -> None:
        """Replace the highlight with the same id."""
        self._check([h])
        self._index.replace(h)
        if self._current == h.id and not h.drawn:
            self._current = None
        self.viewport().update()

    def highlights(self) -> list[Highlight]:
        return list(self._index.spans.values())

    def _check(self, highlights: list[Highlight]) -> None:
        length = self._u16.length
        for h in highlights:
            if not 0 <= h.start <= h.end <= length:
                raise ValueError(f"highlight {h.id} [{h.start}, {h.end}) is outside the text")

    def set_frame_links(self, links: FrameLinks | None) -> None:
        """Join the chosen frame's fillers to its anchor span with arcs (None: no frame)."""
        self._frame = links
        self.viewport().update()

    @property
    def labels_shown(self) -> bool:
        """Whether each span's label is written above it."""
        return self._labels_shown

    @labels_shown.setter
    def labels_shown(self, on: bool) -> None:
        if bool(on) != self._labels_shown:
            self._labels_shown = bool(on)
            self._fit_line_room()
            self.viewport().update()

    def set_font_size(self, pt: int) -> None:
        """Text size in whole points (lines get half as much again, see _fit_line_room)."""
        font = self.font()
        font.setPointSize(round(pt))
        self.setFont(font)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:
            self._fit_line_room()

    def _fit_line_room(self) -> None:
        """Make lines 1.5x as tall as the font: the extra room holds the labels above the text
        (when shown) and the lanes below it.

        QPlainTextEdit ignores QTextBlockFormat.setLineHeight and block margins: its
        layout only adds the font's own leading, 0 for many fonts. But Qt draws
        superscript text in a font 2/3 the size of its format's font while the line
        keeps the full font's ascent and descent. So all text is formatted as superscript
        at 1.5x the widget's size: glyphs come out at the widget's size in lines 1.5x as
        tall, and the superscript baseline sets them self._label_room pixels below the top
        of each line (lifting them self._raise pixels off the tall baseline). One format for
        the whole document, nothing per span. (Empty lines keep the plain line height: a
        shorter gap between paragraphs.) The labels' capitals fill the label room less a
        pixel each side; the first lane of underlines takes what is left below the text.
        """
        font = self.font()
        tall = QFont(font)
        if font.pointSize() > 0:
            if font.pointSizeF() != font.pointSize():  # Qt scales superscripts in whole points
                font.setPointSize(font.pointSize())
                self.setFont(font)  # comes back here through FontChange
                return
            tall.setPointSize(math.ceil(font.pointSize() * 1.5))
        else:
            tall.setPixelSize(math.ceil(font.pixelSize() * 1.5))
        metrics, tall_metrics = QFontMetricsF(font), QFontMetricsF(tall)
        line = tall_metrics.height() + max(tall_metrics.leading(), 0)
        lane_room = 1 + _thickness(metrics)
        label_space = math.floor(line - metrics.height() - lane_room)  # whole pixels keep boxes on the grid
        self._label_room = label_space if self._labels_shown else 1
        self._label_font = QFont(font)
        self._label_font.setCapitalization(QFont.SmallCaps)
        self._label_font.setWeight(QFont.DemiBold)
        self._label_font.setPixelSize(100)
        cap = QFontMetricsF(self._label_font).capHeight() / 100
        self._label_font.setPixelSize(max(6, math.floor((label_space - 2) / cap)))
        self._role_font = QFont(font)
        self._role_font.setItalic(True)
        self._role_font.setPixelSize(self._label_font.pixelSize() + 1)
        self._label_widths: dict[tuple[str, str], float] = {}
        self._raise = tall_metrics.ascent() - metrics.ascent() - self._label_room
        self._line_format = QTextCharFormat()
        self._line_format.setFont(tall, QTextCharFormat.FontPropertiesSpecifiedOnly)
        self._line_format.setVerticalAlignment(QTextCharFormat.AlignSuperScript)
        self._line_format.setSuperScriptBaseline(100 * self._raise / metrics.height())
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.Document)
        cursor.mergeCharFormat(self._line_format)
        self.setCurrentCharFormat(self._line_format)

    # -- selection -------------------------------------------------------------------

    @property
    def snap_to_tokens(self) -> bool:
        """Whether mouse and Shift+arrow selections grow to whole tokens."""
        return self._snap

    @snap_to_tokens.setter
    def snap_to_tokens(self, on: bool) -> None:
        self._snap = bool(on)

    def select_span(self, span_id: int) -> None:
        """Select the span, scroll to it and make it the current span."""
        h = self._index.spans[span_id]
        self._current = span_id
        self.select_range(h.start, h.end)
        self.viewport().update()

    def current_span_id(self) -> int | None:
        return self._current

    def clear_selection(self) -> None:
        """Drop the text selection (the cursor stays where it was) and the current span."""
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)
        self._current = None
        self.viewport().update()

    def select_range(self, start: int, end: int) -> None:
        """Select [start, end), scrolling so that its start, then as much as fits, is visible."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._u16.to_utf16(start))
        self.setTextCursor(cursor)
        cursor.setPosition(self._u16.to_utf16(end), QTextCursor.KeepAnchor)
        self.setTextCursor(cursor)

    def selection_range(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self._u16.to_codepoint(cursor.selectionStart()), self._u16.to_codepoint(cursor.selectionEnd())

    def cursor_position(self) -> int:
        """The text cursor's position (the moving end of a selection), in code points."""
        return self._u16.to_codepoint(self.textCursor().position())

    def span_rects(self, span_id: int) -> list[QRectF]:
        """Viewport rectangles of the visible part of a span, one per visual line."""
        return [p.rect for p in self._pieces(self.viewport().rect()) if p.span.id == span_id]

    def _emit_selection_range(self) -> None:
        rng = self.selection_range() or (-1, -1)
        if rng != self._last_range:
            self._last_range = rng
            self.selectionRangeChanged.emit(*rng)

    def _anchor_and_position(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return self._u16.to_codepoint(cursor.anchor()), self._u16.to_codepoint(cursor.position())

    def _set_selection(self, anchor: int, position: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._u16.to_utf16(anchor))
        cursor.setPosition(self._u16.to_utf16(position), QTextCursor.KeepAnchor)
        self.setTextCursor(cursor)

    def _snap_selection(self) -> None:
        """Grow the selection to whole tokens, keeping its direction."""
        anchor, position = self._anchor_and_position()
        lo, hi = sorted((anchor, position))
        start, end = self._tokens.snap(lo, hi)
        if (start, end) != (lo, hi):
            self._set_selection(*((end, start) if position < anchor else (start, end)))

    def _step_selection(self, forward: bool) -> None:
        """Shift+Left/Right with snapping: move the selection's moving edge by one token."""
        anchor, position = self._anchor_and_position()
        if forward:
            target = self._tokens.edge(position, True, ends=position >= anchor)
            if position < anchor:
                target = min(target, anchor)
        else:
            target = self._tokens.edge(position, False, ends=position > anchor)
            if position > anchor:
                target = max(target, anchor)
        lo, hi = sorted((anchor, target))
        if lo == hi:
            self._set_selection(anchor, anchor)
            return
        start, end = self._tokens.snap(lo, hi)
        self._set_selection(*((end, start) if target < anchor else (start, end)))

    # -- events ----------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:
        if self._snap:
            forward = event.matches(QKeySequence.StandardKey.SelectNextChar)
            if forward or event.matches(QKeySequence.StandardKey.SelectPreviousChar):
                self._step_selection(forward)
                event.accept()
                return
        before = self._anchor_and_position()
        super().keyPressEvent(event)
        if (
            self._snap
            and event.modifiers() & Qt.ShiftModifier
            and self.textCursor().hasSelection()
            and self._anchor_and_position() != before
        ):
            self._snap_selection()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        self._press_pos = None  # the release that follows is not a click on a span
        super().mouseDoubleClickEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.LeftButton:
            return
        press, self._press_pos = self._press_pos, None
        pos = event.position().toPoint()
        if self.textCursor().hasSelection():
            if self._snap:
                self._snap_selection()
        elif press is not None and (pos - press).manhattanLength() < QApplication.startDragDistance():
            self._click(pos)

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() == Qt.NoButton:
            spans = self._spans_at(event.position().toPoint())
            self._set_hovered(spans[0].id if spans else -1)

    def eventFilter(self, watched, event) -> bool:
        """Tooltips for the spans under the mouse; the end of hovering when it leaves.

        A filter on the viewport, not a viewportEvent override: with PySide6 6.11, an
        IndexError from list indexing in paintEvent under a Python viewportEvent
        segfaults (shiboken's PepException_GetArgs) instead of printing a traceback.
        """
        if watched is self.viewport():
            if event.type() == QEvent.ToolTip:
                spans = self._spans_at(event.pos())
                if spans:
                    QToolTip.showText(event.globalPos(), self._tooltip_html(spans), self.viewport())
                else:
                    QToolTip.hideText()
                    event.ignore()
                return True
            if event.type() == QEvent.Leave:
                self._set_hovered(-1)
        return super().eventFilter(watched, event)

    def _set_hovered(self, span_id: int) -> None:
        if span_id != self._hovered:
            self._hovered = span_id
            self.spanHovered.emit(span_id)

    def _click(self, pos: QPoint) -> None:
        """Make the innermost span under `pos` current; clicking again cycles outwards."""
        ids = [h.id for h in self._spans_at(pos)]
        if not ids:
            return
        self._current = ids[(ids.index(self._current) + 1) % len(ids)] if self._current in ids else ids[0]
        self.viewport().update()
        self.spanClicked.emit(self._current)

    @staticmethod
    def _tooltip_html(spans: list[Highlight]) -> str:
        rows = []
        for h in spans:
            row = f"<b>{escape(h.label)}</b> · {escape(h.status)}"
            rows.append(row + ("\n" + escape(h.tooltip) if h.tooltip else ""))
        return "<p style='white-space:pre'>" + "\n".join(rows) + "</p>"

    def createMimeDataFromSelection(self) -> QMimeData:
        """Copy plain text only: the line-room format is no part of the article."""
        data = QMimeData()
        data.setText(self.textCursor().selectedText().replace("\u2029", "\n"))
        return data

    def _in_sync(self) -> bool:
        """Whether the document still holds the text set_article indexed (not if changed through Qt's API)."""
        document = self.document()
        return (document.blockCount() == len(self._block_starts)
                and document.characterCount() - 1 == self._u16.utf16_length)

    # -- hit testing -----------------------------------------------------------------

    def _spans_at(self, pos: QPoint) -> list[Highlight]:
        """Drawn spans over the character under `pos`, innermost (shortest) first."""
        cp = self._char_at(pos) if self._in_sync() else None
        if cp is None:
            return []
        return sorted(self._index.overlapping(cp, cp + 1), key=lambda h: (h.end - h.start, -h.start, h.id))

    def _char_at(self, pos: QPoint) -> int | None:
        """Code point of the character drawn under `pos`, or None off the text."""
        block = self.cursorForPosition(pos).block()
        top_left = self.blockBoundingGeometry(block).translated(self.contentOffset()).topLeft()
        x, y = pos.x() - top_left.x(), pos.y() - top_left.y()
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if line.y() <= y < line.y() + line.height():
                rect = line.naturalTextRect()
                if not rect.left() <= x < rect.right():
                    return None
                u16 = block.position() + line.xToCursor(x, QTextLine.CursorOnCharacter)
                return self._u16.to_codepoint(min(u16, self._u16.utf16_length))
        return None

    # -- painting --------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        """Fills under the text, then the text, then underlines, brackets, outlines, arcs and labels
        on top. The painter is clipped to the event's rect, but more of the view is laid out when
        it is only part of it: stacked labels reach up into the lines above theirs, and an arc
        joins spans anywhere in view."""
        area = self.viewport().rect()
        if self._frame is None:
            reach = math.ceil(QFontMetricsF(self.font()).height() * 3)
            area = event.rect().adjusted(0, 0, 0, reach).intersected(area)
        pieces = self._pieces(area)
        if pieces:
            painter = QPainter(self.viewport())
            for p in pieces:
                if p.span.kind == "entity" and p.span.status == "accepted" and not p.span.faint:
                    fill = QColor(p.span.colour)
                    fill.setAlpha(FILL_ALPHA)
                    painter.fillRect(p.rect, fill)
            painter.end()
        super().paintEvent(event)
        labels = self._label_boxes(pieces)
        links = self._frame_links(area, pieces, labels)
        if pieces or links:
            painter = QPainter(self.viewport())
            base = self.palette().color(QPalette.Base)
            inks: dict[tuple[str, bool], QColor] = {}

            def ink(h: Highlight) -> QColor:
                """The colour of a span's lines and label: its own at a readable contrast with the base."""
                if (h.colour, h.faint) not in inks:
                    inks[h.colour, h.faint] = colour = QColor(label_ink(h.colour, base.name()))
                    if h.faint:
                        colour.setAlpha(FAINT_ALPHA)
                return inks[h.colour, h.faint]

            self._paint_marks(painter, pieces, ink)
            frame_ink = QColor(label_ink(self._frame.colour, base.name())) if self._frame else None
            if links:
                paint_links(painter, links, frame_ink)
            paint_labels(painter, labels, (self._label_font, self._role_font), ink, frame_ink, base)
            painter.end()

    def label_boxes(self) -> list[LabelBox]:
        """What is written above the visible spans: labels (if shown) and roles in the chosen frame."""
        return self._label_boxes(self._pieces(self.viewport().rect()))

    def frame_link_geometry(self) -> list[Link]:
        """The chosen frame's arcs over the visible blocks."""
        pieces = self._pieces(self.viewport().rect())
        return self._frame_links(self.viewport().rect(), pieces, self._label_boxes(pieces))

    def _frame_links(self, area: QRect, pieces: list[Piece], labels: list[LabelBox]) -> list[Link]:
        if self._frame is None or not self._in_sync():
            return []
        blocks = self._visible_blocks(area)
        if not blocks:
            return []
        last = blocks[-1][0].blockNumber()
        visible = (self._block_starts[blocks[0][0].blockNumber()],
                   self._block_starts[last + 1] if last + 1 < len(self._block_starts) else self._u16.length + 1)
        rise = max(self._label_room, QFontMetricsF(self.font()).height() / 2) * 0.75  # into the lanes above
        return frame_links(self._frame, pieces, labels, self._index.spans, visible, QRectF(area), rise)

    def _label_boxes(self, pieces: list[Piece]) -> list[LabelBox]:
        roles = {span_id: role for role, span_id in self._frame.fillers} if self._frame else {}
        right = self.viewport().width() - 1
        return place_labels(pieces, self._label_width, self._label_room, roles, right, self._labels_shown)

    def _label_width(self, text: str, role: str) -> float:
        if (text, role) not in self._label_widths:
            width = QFontMetricsF(self._label_font).horizontalAdvance(text + " " if text and role else text)
            self._label_widths[text, role] = width + QFontMetricsF(self._role_font).horizontalAdvance(role) + 2
        return self._label_widths[text, role]

    def _paint_marks(self, painter: QPainter, pieces: list[Piece], ink: Callable[[Highlight], QColor]) -> None:
        metrics = QFontMetricsF(self.font())
        thickness = _thickness(metrics)
        pitch = thickness + 1
        current = []
        for p in pieces:
            h, r = p.span, p.rect
            colour = QColor(ink(h))
            suggested = h.status == "suggested"
            style = Qt.DashLine if suggested else Qt.DotLine if h.kind == "evidence" else Qt.SolidLine
            y = round(p.baseline + metrics.descent()) + 1 + p.lane * pitch + thickness / 2
            painter.setPen(QPen(colour, thickness, style, Qt.FlatCap))
            painter.drawLine(QLineF(r.left(), y, r.right(), y))
            if h.kind == "evidence":
                colour.setAlpha(110 if suggested else 170)
                self._outline(painter, p, QPen(colour, 1.5), brackets=True)
            elif suggested:
                self._outline(painter, p, QPen(colour, 1, Qt.DashLine))
            if h.id == self._current:
                current.append(p)
        for p in current:
            self._outline(painter, p, QPen(self.palette().color(QPalette.Text), 2))

    @staticmethod
    def _outline(painter: QPainter, p: Piece, pen: QPen, brackets: bool = False) -> None:
        """A box around the piece, open where the span wraps; as brackets, sides with short ticks."""
        r = p.rect.adjusted(0.5, 0.5, -0.5, -0.5)
        lines = []
        for x, inward, side in ((r.left(), 1, p.opens), (r.right(), -1, p.closes)):
            if side:
                lines.append(QLineF(x, r.top(), x, r.bottom()))
                if brackets:
                    tick = inward * min(4.0, r.width() / 2)
                    lines += [QLineF(x, r.top(), x + tick, r.top()), QLineF(x, r.bottom(), x + tick, r.bottom())]
        if not brackets:
            lines += [QLineF(r.topLeft(), r.topRight()), QLineF(r.bottomLeft(), r.bottomRight())]
        painter.setPen(pen)
        painter.drawLines(lines)

    def _visible_blocks(self, area: QRect) -> list[tuple[QTextBlock, QPointF]]:
        """The blocks that intersect `area`, each with its top left corner in the viewport."""
        blocks = []
        block = self.firstVisibleBlock()
        top_left = self.blockBoundingGeometry(block).translated(self.contentOffset()).topLeft()
        while block.isValid() and top_left.y() <= area.bottom():
            height = self.blockBoundingRect(block).height()
            if block.isVisible() and top_left.y() + height >= area.top():
                blocks.append((block, QPointF(top_left)))
            top_left.setY(top_left.y() + height)
            block = block.next()
        return blocks

    def _pieces(self, area: QRect) -> list[Piece]:
        """Pieces of every drawn span in the blocks that intersect `area`, lane by lane."""
        pieces: list[Piece] = []
        if not self._in_sync():
            return pieces
        metrics = QFontMetricsF(self.font())
        for block, top_left in self._visible_blocks(area):
            for h in self._index.in_block(block.blockNumber()):
                pieces.extend(self._block_pieces(block, top_left, h, metrics))
        pieces.sort(key=lambda p: (p.lane, p.span.start, p.span.id))
        return pieces

    def _block_pieces(
        self, block: QTextBlock, top_left: QPointF, h: Highlight, metrics: QFontMetricsF
    ) -> Iterable[Piece]:
        """One piece per line of `block` that `h` covers, boxing the glyphs (ascent to descent)."""
        position = block.position()
        start = self._u16.to_utf16(h.start) - position
        end = self._u16.to_utf16(h.end) - position
        a, b = max(start, 0), min(end, block.length() - 1)
        layout = block.layout()
        lane = self._index.lanes[h.id]
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            line_start = line.textStart()
            line_end = line_start + line.textLength()
            if b <= line_start or a >= line_end:
                continue
            x1 = line.cursorToX(max(a, line_start))[0]
            x2 = line.cursorToX(min(b, line_end))[0]
            baseline = top_left.y() + line.y() + line.ascent() - self._raise
            top = baseline - metrics.ascent()
            rect = QRectF(top_left.x() + min(x1, x2), top, abs(x2 - x1), metrics.height())
            yield Piece(h, lane, rect, baseline, start >= line_start, end <= line_end)
