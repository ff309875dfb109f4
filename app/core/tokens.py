"""The one tokenizer: words, numbers, flags and single punctuation marks, in code points.

The text view snaps selections to these tokens and agreement compares annotators
token by token, so both must cut text the same way.
"""

from __future__ import annotations

import re

# A token is a run of word characters (with combining accents), a flag, or any other
# non-space character together with the emoji modifiers and joiners that follow it.
TOKEN = re.compile(
    r"[\w\u0300-\u036f]+"
    r"|[\U0001F1E6-\U0001F1FF]{2}"
    r"|[^\w\s](?:[\ufe0e\ufe0f\U0001F3FB-\U0001F3FF]|\u200d[^\w\s])*"
)
_CUT = re.compile(f"({TOKEN.pattern})")


def token_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of every token of `text`, in order."""
    return [m.span() for m in TOKEN.finditer(text)]


def split_at_tokens(text: str) -> list[str]:
    """`text` cut into between, token, between, ..., token, between (each between maybe empty): the
    tokens of token_bounds in one pass without match objects, for cutting many articles (agreement)."""
    return _CUT.split(text)
