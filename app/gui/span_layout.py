"""Where the text view's spans are on screen: the blocks in view, the piece of each span on each
visual line they hold, and the spans under a point. Positions in viewport coordinates.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF
from PySide6.QtGui import QFontMetricsF, QTextBlock, QTextLine
from PySide6.QtWidgets import QPlainTextEdit

from app.gui.highlights import Highlight, SpanIndex
from app.gui.span_painting import Piece
from app.gui.text_positions import TextPositions


def visible_blocks(view: QPlainTextEdit, area: QRect) -> list[tuple[QTextBlock, QPointF]]:
    """The blocks that intersect `area`, each with its top left corner in the viewport."""
    blocks = []
    block = view.firstVisibleBlock()
    top_left = view.blockBoundingGeometry(block).translated(view.contentOffset()).topLeft()
    while block.isValid() and top_left.y() <= area.bottom():
        height = view.blockBoundingRect(block).height()
        if block.isVisible() and top_left.y() + height >= area.top():
            blocks.append((block, QPointF(top_left)))
        top_left.setY(top_left.y() + height)
        block = block.next()
    return blocks


def span_pieces(view: QPlainTextEdit, area: QRect, index: SpanIndex, positions: TextPositions,
                lift: float) -> list[Piece]:
    """Pieces of every drawn span in the blocks that intersect `area`, lane by lane. `lift`: how far
    the glyphs sit above each line's baseline (app.gui.line_room)."""
    pieces: list[Piece] = []
    if not positions.in_sync(view.document()):
        return pieces
    metrics = QFontMetricsF(view.font())
    for block, top_left in visible_blocks(view, area):
        for h in index.in_block(block.blockNumber()):
            pieces.extend(_block_pieces(block, top_left, h, index.lanes[h.id], positions, metrics, lift))
    pieces.sort(key=lambda p: (p.lane, p.span.start, p.span.id))
    return pieces


def _block_pieces(block: QTextBlock, top_left: QPointF, h: Highlight, lane: int, positions: TextPositions,
                  metrics: QFontMetricsF, lift: float) -> Iterator[Piece]:
    """One piece per line of `block` that `h` covers, boxing the glyphs (ascent to descent)."""
    position = block.position()
    start = positions.to_utf16(h.start) - position
    end = positions.to_utf16(h.end) - position
    a, b = max(start, 0), min(end, block.length() - 1)
    layout = block.layout()
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        line_start = line.textStart()
        line_end = line_start + line.textLength()
        if b <= line_start or a >= line_end:
            continue
        x1 = line.cursorToX(max(a, line_start))[0]
        x2 = line.cursorToX(min(b, line_end))[0]
        baseline = top_left.y() + line.y() + line.ascent() - lift
        top = baseline - metrics.ascent()
        rect = QRectF(top_left.x() + min(x1, x2), top, abs(x2 - x1), metrics.height())
        yield Piece(h, lane, rect, baseline, start >= line_start, end <= line_end)


def spans_at(view: QPlainTextEdit, pos: QPoint, index: SpanIndex, positions: TextPositions) -> list[Highlight]:
    """Drawn spans over the character under `pos`, innermost (shortest) first."""
    cp = _char_at(view, pos, positions) if positions.in_sync(view.document()) else None
    if cp is None:
        return []
    return sorted(index.overlapping(cp, cp + 1), key=lambda h: (h.end - h.start, -h.start, h.id))


def _char_at(view: QPlainTextEdit, pos: QPoint, positions: TextPositions) -> int | None:
    """Code point of the character drawn under `pos`, or None off the text."""
    block = view.cursorForPosition(pos).block()
    top_left = view.blockBoundingGeometry(block).translated(view.contentOffset()).topLeft()
    x, y = pos.x() - top_left.x(), pos.y() - top_left.y()
    layout = block.layout()
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        if line.y() <= y < line.y() + line.height():
            rect = line.naturalTextRect()
            if not rect.left() <= x < rect.right():
                return None
            u16 = block.position() + line.xToCursor(x, QTextLine.CursorOnCharacter)
            return positions.to_codepoint(min(u16, positions.utf16_length))
    return None
