"""The tokens of many texts at once, as app.core.tokens cuts them, in numpy.

Agreement tokenises every compared article; the tokenizer's regex took a third of its time.
Where a text holds none of the characters that join a token to the next (emoji modifiers,
variation selectors, the zero-width joiner, flag letters), app.core.tokens.TOKEN reduces to: a
maximal run of word characters (with combining accents) is a token, and so is every other
non-space character on its own. Each character's class is asked of the regex itself (once per
distinct character), so the two cannot disagree; texts with a joining character are cut by the
regex.

Offsets are joined: an article's own offset plus the length of the texts before it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from app.core.tokens import split_at_tokens

SPACE, WORD, SINGLE, JOINING = 0, 1, 2, 3
_WORD = re.compile(r"[\w\u0300-\u036f]")
_SPACE = re.compile(r"\s")
_JOINING = re.compile(r"[\ufe0e\ufe0f\u200d\U0001F3FB-\U0001F3FF\U0001F1E6-\U0001F1FF]")


def cut(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, ends) of the tokens of `texts` in joined offsets, and how many tokens each text has."""
    joined = "".join(texts)
    if not joined:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(len(texts), np.int64)
    text_end = np.cumsum(np.array([len(t) for t in texts], np.int64))
    text_start = text_end - np.array([len(t) for t in texts], np.int64)
    kind = _classes(np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32))
    word = kind == WORD
    after_word = np.concatenate(([False], word[:-1]))  # the character before is a word character
    after_word[text_start[text_start < len(joined)]] = False  # of another text
    before_word = np.concatenate((word[1:], [False]))
    before_word[text_end[text_end > 0] - 1] = False
    single = kind >= SINGLE
    starts = np.flatnonzero(single | (word & ~after_word))
    ends = np.flatnonzero(single | (word & ~before_word)) + 1
    joining = np.unique(np.searchsorted(text_end, np.flatnonzero(kind == JOINING), "right"))
    if len(joining):
        starts, ends = _by_regex(texts, joining.tolist(), text_start, text_end, starts, ends)
    counts = np.diff(np.searchsorted(starts, np.concatenate(([0], text_end))))
    return starts, ends, counts


def _classes(codes: np.ndarray) -> np.ndarray:
    """The class of each code point, asked of the regexes once per distinct character."""
    distinct = np.flatnonzero(np.bincount(codes))
    chars = "".join(map(chr, distinct.tolist()))
    kind = np.full(len(distinct), SINGLE, np.uint8)
    for pattern, value in ((_WORD, WORD), (_SPACE, SPACE), (_JOINING, JOINING)):
        kind[[m.start() for m in pattern.finditer(chars)]] = value
    table = np.zeros(int(distinct[-1]) + 1, np.uint8)
    table[distinct] = kind
    return table[codes]


def _by_regex(texts: Sequence[str], which: list[int], text_start: np.ndarray, text_end: np.ndarray,
              starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`starts` and `ends` with the tokens of the texts `which` cut by app.core.tokens instead."""
    article = np.searchsorted(text_end, starts, "right")
    kept = ~np.isin(article, which)
    more_starts, more_ends = [starts[kept]], [ends[kept]]
    for n in which:
        cuts = np.cumsum(np.array([len(part) for part in split_at_tokens(texts[n])[:-1]], np.int64)) + text_start[n]
        more_starts.append(cuts[0::2])
        more_ends.append(cuts[1::2])
    starts, ends = np.concatenate(more_starts), np.concatenate(more_ends)
    order = np.argsort(starts, kind="stable")
    return starts[order], ends[order]
