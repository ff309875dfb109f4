"""Code point <-> UTF-16 offset conversion.

The app counts offsets in code points (Python str indices); Qt's text classes
count UTF-16 code units, where each character above U+FFFF takes two units.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Index:
    """Converts positions 0..len(text) between code points and UTF-16 units in O(log n).

    `length` is the text's length in code points, `utf16_length` in UTF-16 units.
    """

    def __init__(self, text: str) -> None:
        self.length = len(text)
        # Code point index of every astral character, and the UTF-16 index where it starts;
        # both empty (the fast path) when the text is all BMP.
        astral = not text.isascii() and len(text.encode("utf-16-le", "surrogatepass")) > 2 * self.length
        self._astral = [m.start() for m in _ASTRAL.finditer(text)] if astral else []
        self._astral_u16 = [i + k for k, i in enumerate(self._astral)]
        self.utf16_length = self.length + len(self._astral)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 position of code point position `cp`."""
        if not 0 <= cp <= self.length:
            raise IndexError(f"code point position {cp} outside 0..{self.length}")
        if not self._astral:
            return cp
        return cp + bisect_left(self._astral, cp)

    def to_codepoint(self, u16: int) -> int:
        """Code point position of UTF-16 position `u16`; inside a surrogate pair it rounds down."""
        if not 0 <= u16 <= self.utf16_length:
            raise IndexError(f"UTF-16 position {u16} outside 0..{self.utf16_length}")
        if not self._astral:
            return u16
        k = bisect_left(self._astral_u16, u16)  # astral characters starting before u16
        if k and self._astral_u16[k - 1] == u16 - 1:  # u16 is between the two halves of one
            return self._astral[k - 1]
        return u16 - k
