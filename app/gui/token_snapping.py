"""Selections that snap to whole tokens (app.core.tokens): the token edges of the text, found per
block on demand, and where a selection goes when it snaps or when Shift+arrow steps it a token.
Offsets are code points; a selection is (anchor, position), the position being its moving end.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from app.core.tokens import TOKEN
from app.gui.text_positions import block_of


class Tokens:
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
        starts, ends = self._block(block_of(self._block_starts, cp))
        i = bisect_right(starts, cp) - 1
        return (starts[i], ends[i]) if i >= 0 and cp < ends[i] else None

    def edge(self, cp: int, forward: bool, ends: bool) -> int:
        """The nearest token end (or start) strictly after (or before) `cp`, else the text's end (or 0)."""
        n = block_of(self._block_starts, cp)
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

    def snapped_selection(self, anchor: int, position: int) -> tuple[int, int] | None:
        """The selection grown to whole tokens, keeping its direction; None when it already is."""
        lo, hi = sorted((anchor, position))
        start, end = self.snap(lo, hi)
        if (start, end) == (lo, hi):
            return None
        return (end, start) if position < anchor else (start, end)

    def stepped_selection(self, anchor: int, position: int, forward: bool) -> tuple[int, int]:
        """Shift+Right (or Left) with snapping: the moving end goes to the next token edge, never past
        the anchor; the selection stays whole tokens (empty when the two ends meet)."""
        if forward:
            target = self.edge(position, True, ends=position >= anchor)
            if position < anchor:
                target = min(target, anchor)
        else:
            target = self.edge(position, False, ends=position > anchor)
            if position > anchor:
                target = max(target, anchor)
        lo, hi = sorted((anchor, target))
        if lo == hi:
            return anchor, anchor
        start, end = self.snap(lo, hi)
        return (end, start) if target < anchor else (start, end)
