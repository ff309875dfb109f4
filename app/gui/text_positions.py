"""Positions in the text view: code points (every offset the app uses) and Qt's UTF-16 units, and
the block (paragraph) each code point is in.

TextPositions is the one place where the two kinds of offset meet: the view and its helpers
convert only through it.
"""

from __future__ import annotations

from bisect import bisect_right

from PySide6.QtGui import QTextCursor, QTextDocument

from app.core.offsets import Utf16Index


def block_of(block_starts: list[int], cp: int) -> int:
    """Index of the block holding code point `cp` (clamped to the first and last block)."""
    return max(bisect_right(block_starts, cp) - 1, 0)


class TextPositions(Utf16Index):
    """The text's code point <-> UTF-16 map (to_utf16, to_codepoint, length, utf16_length) and the
    code point where each block starts."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.block_starts = [0]

    @classmethod
    def of(cls, text: str, document: QTextDocument) -> TextPositions:
        """The positions of `text` as `document` holds it after setPlainText; ValueError if Qt changed it."""
        positions = cls(text)
        if document.characterCount() - 1 != positions.utf16_length:
            raise ValueError("Qt changed the text on load (CRLF line ends or a leading BOM?): normalise it first")
        starts = []
        block = document.firstBlock()
        while block.isValid():
            starts.append(positions.to_codepoint(block.position()))
            block = block.next()
        positions.block_starts = starts
        return positions

    def in_sync(self, document: QTextDocument) -> bool:
        """Whether the document still holds the text these positions are of (not if changed through Qt's API)."""
        return (document.blockCount() == len(self.block_starts)
                and document.characterCount() - 1 == self.utf16_length)

    def block_range(self, first: int, last: int) -> tuple[int, int]:
        """The code points [start, end) of blocks first..last; the end of the last block is past the text's."""
        end = self.block_starts[last + 1] if last + 1 < len(self.block_starts) else self.length + 1
        return self.block_starts[first], end

    def cursor(self, document: QTextDocument, anchor: int, position: int) -> QTextCursor:
        """A cursor selecting from `anchor` to `position` (code points)."""
        cursor = QTextCursor(document)
        cursor.setPosition(self.to_utf16(anchor))
        cursor.setPosition(self.to_utf16(position), QTextCursor.KeepAnchor)
        return cursor

    def of_cursor(self, cursor: QTextCursor) -> tuple[int, int]:
        """A cursor's anchor and position, in code points."""
        return self.to_codepoint(cursor.anchor()), self.to_codepoint(cursor.position())
