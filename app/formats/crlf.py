"""Offsets into text as a file gave it, moved onto the text as NewsGloss stores it.

normalize_text drops the byte-order marks at the start and the CR of every CRLF (a lone CR
becomes LF, which keeps its length). An offset counted in the original text shifts
left by one for each dropped character before it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable

from app.core.text import normalize_text


def normalise_with_offsets(text: str) -> tuple[str, Callable[[int], int]]:
    """The normalised text, and a function taking an offset into `text` to one into it.

    An offset that points at the CR of a CRLF maps to where the LF now is, as does
    one that points at the LF.
    """
    marks = len(text) - len(text.lstrip("\ufeff"))
    dropped = list(range(marks)) + [match.start() for match in re.finditer("\r\n", text)]
    if not dropped:
        return normalize_text(text), lambda offset: offset
    return normalize_text(text), lambda offset: offset - bisect_left(dropped, offset)
