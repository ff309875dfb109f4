"""Code point <-> UTF-16 offset conversion.

The app counts offsets in code points (Python str indices); Qt's text classes
count UTF-16 code units, where each character above U+FFFF takes two units.
"""

from __future__ import annotations

from bisect import bisect_left


class Utf16Index:
    """Converts positions 0..len(text) between code points and UTF-16 units in O(log n)."""

    def __init__(self, text: str) -> None:
        self._len = len(text)
        # Code point index of every astral character, and its UTF-16 index.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        self._astral_u16 = [i + k for k, i in enumerate(self._astral)]
        self.utf16_length = self._len + len(self._astral)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 position of code point position `cp`."""
        if not 0 <= cp <= self._len:
            raise IndexError(f"code point position {cp} outside 0..{self._len}")
        if not self._astral:
            return cp
        return cp + bisect_left(self._astral, cp)

    def to_codepoint(self, u16: int) -> int:
        """Code point position of UTF-16 position `u16`; inside a surrogate pair it rounds down."""
        if not 0 <= u16 <= self.utf16_length:
            raise IndexError(f"UTF-16 position {u16} outside 0..{self.utf16_length}")
        if not self._astral:
            return u16
        # Astral characters starting strictly before u16; the one starting at u16 - 1 contains it.
        k = bisect_left(self._astral_u16, u16)
        if k and self._astral_u16[k - 1] == u16 - 1:
            return self._astral[k - 1]
        return u16 - k
