"""The annotated article view: plain text in a QPlainTextEdit, annotations painted over it.

Spans never touch the QTextDocument. They live in an index (app/gui/highlights.py: per-block
buckets plus a lane per span) and paintEvent draws the ones in the visible blocks, so adding or
removing a span costs an index update and a viewport repaint. Every offset in the public API is
a code point; conversion to Qt's UTF-16 positions goes through one TextPositions
(app/gui/text_positions.py).

Look: accepted entities get a translucent fill and a solid underline, suggestions a
dashed outline and dashed underline, evidence (claim cues/contents, tariff
mentions) light brackets and a dotted underline; rejected spans are not drawn
(app/gui/span_marks.py). Underlines stack in lanes below the baseline so overlapping spans
all stay visible. Each span's label is written above it (a suggestion's with a "?"), and the
chosen frame's fillers are joined to its trigger by arcs (app/gui/span_painting.py), in room
the line format makes above the text (app/gui/line_room.py). Where each span is on screen is
app/gui/span_layout.py's; token snapping app/gui/token_snapping.py's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from html import escape

from PySide6.QtCore import QEvent, QMimeData, QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QFontDatabase, QFontMetricsF, QKeySequence, QPainter, QPalette, QTextCursor, QTextOption
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from app.gui.highlights import Highlight, SpanIndex
from app.gui.line_room import LineRoom
from app.gui.span_layout import span_pieces, spans_at, visible_blocks
from app.gui.span_marks import Inks, paint_fills, paint_marks
from app.gui.span_painting import FrameLinks, LabelBox, Link, Piece, frame_links, paint_labels, paint_links, place_labels
from app.gui.text_positions import TextPositions
from app.gui.token_snapping import Tokens


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
        self._positions = TextPositions()
        self._index = SpanIndex(self._positions.block_starts)
        self._tokens = Tokens("", self._positions.block_starts)
        self._current: int | None = None
        self._snap = True
        self._press_pos: QPoint | None = None
        self._hovered = -1
        self._last_range = (-1, -1)
        self._labels_shown = True
        self._frame: FrameLinks | None = None
        # A span's tooltip when its highlight has none, asked for when hovered: writing one for each
        # of ten thousand spans as an article opens took longer than drawing them.
        self.describe_span: Callable[[int], str] = lambda _span_id: ""
        self.selectionChanged.connect(self._emit_selection_range)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.GeneralFont))
        self.set_font_size(13)

    # -- content ---------------------------------------------------------------------

    def set_article(self, text: str, highlights: Iterable[Highlight] = ()) -> None:
        """Show `text` as plain text (never HTML) with `highlights` over it."""
        self._current = None
        self.setCurrentCharFormat(self._room.line_format)  # setPlainText gives all the text this format
        self.setPlainText(text)
        try:
            self._positions = TextPositions.of(text, self.document())
        except ValueError:
            self.set_article("")
            raise
        self._tokens = Tokens(text, self._positions.block_starts)
        self.set_highlights(highlights)

    def set_highlights(self, highlights: Iterable[Highlight]) -> None:
        highlights = list(highlights)
        self._check(highlights)
        self._index = SpanIndex(self._positions.block_starts, highlights)
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
        length = self._positions.length
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
        """Text size in whole points (lines get half as much again, see app/gui/line_room.py)."""
        font = self.font()
        font.setPointSize(round(pt))
        self.setFont(font)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.FontChange:
            self._fit_line_room()

    def _fit_line_room(self) -> None:
        """Make lines 1.5x as tall as the font, room for the labels above the text and the lanes below."""
        font = self.font()
        if font.pointSize() > 0 and font.pointSizeF() != font.pointSize():  # Qt scales superscripts in whole points
            font.setPointSize(font.pointSize())
            self.setFont(font)  # comes back here through FontChange
            return
        self._room = LineRoom(font, self._labels_shown)
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.Document)
        cursor.mergeCharFormat(self._room.line_format)
        self.setCurrentCharFormat(self._room.line_format)

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
        cursor.setPosition(self._positions.to_utf16(start))
        self.setTextCursor(cursor)
        cursor.setPosition(self._positions.to_utf16(end), QTextCursor.KeepAnchor)
        self.setTextCursor(cursor)

    def selection_range(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self._positions.to_codepoint(cursor.selectionStart()), self._positions.to_codepoint(cursor.selectionEnd())

    def cursor_position(self) -> int:
        """The text cursor's position (the moving end of a selection), in code points."""
        return self._positions.to_codepoint(self.textCursor().position())

    def span_rects(self, span_id: int) -> list[QRectF]:
        """Viewport rectangles of the visible part of a span, one per visual line."""
        return [p.rect for p in self._pieces(self.viewport().rect()) if p.span.id == span_id]

    def _emit_selection_range(self) -> None:
        rng = self.selection_range() or (-1, -1)
        if rng != self._last_range:
            self._last_range = rng
            self.selectionRangeChanged.emit(*rng)

    def _anchor_and_position(self) -> tuple[int, int]:
        return self._positions.of_cursor(self.textCursor())

    def _set_selection(self, anchor: int, position: int) -> None:
        self.setTextCursor(self._positions.cursor(self.document(), anchor, position))

    def _snap_selection(self) -> None:
        """Grow the selection to whole tokens, keeping its direction."""
        snapped = self._tokens.snapped_selection(*self._anchor_and_position())
        if snapped is not None:
            self._set_selection(*snapped)

    # -- events ----------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:
        if self._snap:
            forward = event.matches(QKeySequence.StandardKey.SelectNextChar)
            if forward or event.matches(QKeySequence.StandardKey.SelectPreviousChar):
                self._set_selection(*self._tokens.stepped_selection(*self._anchor_and_position(), forward))
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
                    QToolTip.showText(event.globalPos(), _tooltip_html(spans, self.describe_span), self.viewport())
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

    def _spans_at(self, pos: QPoint) -> list[Highlight]:
        return spans_at(self, pos, self._index, self._positions)

    def createMimeDataFromSelection(self) -> QMimeData:
        """Copy plain text only: the line-room format is no part of the article."""
        data = QMimeData()
        data.setText(self.textCursor().selectedText().replace("\u2029", "\n"))
        return data

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
            paint_fills(painter, pieces)
            painter.end()
        super().paintEvent(event)
        labels = self._label_boxes(pieces)
        links = self._frame_links(area, pieces, labels)
        if pieces or links:
            painter = QPainter(self.viewport())
            base = self.palette().color(QPalette.Base)
            ink = Inks(base)
            paint_marks(painter, pieces, ink, QFontMetricsF(self.font()), self._current,
                        self.palette().color(QPalette.Text))
            frame_ink = ink.of_colour(self._frame.colour) if self._frame else None
            if links:
                paint_links(painter, links, frame_ink)
            fonts = (self._room.label_font, self._room.role_font)
            paint_labels(painter, labels, fonts, ink, frame_ink, base)
            painter.end()

    def label_boxes(self) -> list[LabelBox]:
        """What is written above the visible spans: labels (if shown) and roles in the chosen frame."""
        return self._label_boxes(self._pieces(self.viewport().rect()))

    def frame_link_geometry(self) -> list[Link]:
        """The chosen frame's arcs over the visible blocks."""
        pieces = self._pieces(self.viewport().rect())
        return self._frame_links(self.viewport().rect(), pieces, self._label_boxes(pieces))

    def _pieces(self, area: QRect) -> list[Piece]:
        return span_pieces(self, area, self._index, self._positions, self._room.lift)

    def _frame_links(self, area: QRect, pieces: list[Piece], labels: list[LabelBox]) -> list[Link]:
        if self._frame is None or not self._positions.in_sync(self.document()):
            return []
        blocks = visible_blocks(self, area)
        if not blocks:
            return []
        visible = self._positions.block_range(blocks[0][0].blockNumber(), blocks[-1][0].blockNumber())
        rise = max(self._room.label_room, QFontMetricsF(self.font()).height() / 2) * 0.75  # into the lanes above
        return frame_links(self._frame, pieces, labels, self._index.spans, visible, QRectF(area), rise)

    def _label_boxes(self, pieces: list[Piece]) -> list[LabelBox]:
        roles = {span_id: role for role, span_id in self._frame.fillers} if self._frame else {}
        right = self.viewport().width() - 1
        return place_labels(pieces, self._room.label_width, self._room.label_room, roles, right, self._labels_shown)


def _tooltip_html(spans: list[Highlight], describe: Callable[[int], str]) -> str:
    """Each span's label and status, then its own tooltip, escaped: tooltips are rich text."""
    rows = []
    for h in spans:
        row = f"<b>{escape(h.label)}</b> · {escape(h.status)}"
        tooltip = h.tooltip or describe(h.id)
        rows.append(row + ("\n" + escape(tooltip) if tooltip else ""))
    return "<p style='white-space:pre'>" + "\n".join(rows) + "</p>"
