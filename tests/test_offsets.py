"""Code point <-> UTF-16 conversion, checked against Python's own UTF-16 encoder and against Qt's text classes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from app.core.offsets import Utf16Index
from app.core.text import normalize_text

# Mostly BMP text with a good share of emoji, flags, skin tones and math letters.
ASTRAL = st.sampled_from(["👍", "🏽", "🇨", "🇦", "𝒳", "😀", "𐍈", "🀄"])
CHARS = st.one_of(
    st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), ASTRAL, st.characters(exclude_categories=("Cs",))
)
TEXTS = st.lists(CHARS, max_size=60).map("".join)


def u16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


@given(TEXTS)
def test_matches_python_utf16_and_round_trips(text):
    index = Utf16Index(text)
    assert index.utf16_length == u16_len(text)
    for i in range(len(text) + 1):
        u = index.to_utf16(i)
        assert u == u16_len(text[:i])
        assert index.to_codepoint(u) == i


@given(TEXTS)
def test_inside_a_surrogate_pair_rounds_down(text):
    index = Utf16Index(text)
    for i, ch in enumerate(text):
        if ord(ch) > 0xFFFF:
            assert index.to_codepoint(index.to_utf16(i) + 1) == i


@given(TEXTS)
def test_to_codepoint_is_monotonic_over_every_utf16_position(text):
    index = Utf16Index(text)
    cps = [index.to_codepoint(u) for u in range(index.utf16_length + 1)]
    assert cps == sorted(cps)
    assert cps[0] == 0 and cps[-1] == len(text)


def test_flag_before_a_word():
    text = "🇨🇦 Ottawa"
    index = Utf16Index(text)
    assert index.to_utf16(text.index("Ottawa")) == 5
    assert index.to_codepoint(5) == 3
    assert index.to_codepoint(1) == 0  # second half of 🇨
    assert index.to_codepoint(3) == 1  # second half of 🇦
    assert index.to_utf16(len(text)) == index.utf16_length == 11


def test_mixed_astral_text():
    text = "👍🏽 Wait 🇨🇦 — 𝒳 Ottawa imposed tariffs"
    index = Utf16Index(text)
    start = text.index("Ottawa")
    assert index.to_utf16(start) == u16_len(text[:start]) == start + 5
    assert index.to_codepoint(start + 5) == start


def test_ascii_and_bmp_fast_path():
    for text in ("plain ascii", "café — naïve ünïcödé", ""):
        index = Utf16Index(text)
        assert [index.to_utf16(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))


@pytest.mark.parametrize("bad", [-1, 4])
def test_out_of_range_positions_raise(bad):
    index = Utf16Index("a😀b")
    with pytest.raises(IndexError):
        index.to_utf16(bad)
    with pytest.raises(IndexError):
        index.to_codepoint(bad + 1 if bad > 0 else bad)


# Text as NewsGloss stores it (normalised: LF line ends, no leading byte-order mark), built from what news
# text holds: flags, skin tones, ZWJ families, combining accents, astral letters, CJK, no-break spaces.
PIECES = st.sampled_from(["Ottawa", " ", "\n", "\r\n", "\r", "👍🏽", "🇨🇦", "👨‍👩‍👧", "e\u0301", "𝒳", "\t", "—",
                          "\ufeff", "中", "\u00a0", "\u200d"])
STORED = st.lists(st.one_of(PIECES, CHARS), max_size=40).map("".join).map(normalize_text)


@given(STORED)
def test_news_text_round_trips_both_ways(text):
    index = Utf16Index(text)
    assert index.utf16_length == u16_len(text)
    units = [index.to_utf16(i) for i in range(len(text) + 1)]
    assert [index.to_codepoint(u) for u in units] == list(range(len(text) + 1))
    # every UTF-16 position that is not inside a surrogate pair is the image of a code point position
    between_characters = [u for u in range(index.utf16_length + 1) if index.to_utf16(index.to_codepoint(u)) == u]
    assert units == between_characters


@given(STORED)
def test_each_character_takes_one_unit_or_two_for_astral_ones(text):
    index = Utf16Index(text)
    steps = [index.to_utf16(i + 1) - index.to_utf16(i) for i in range(len(text))]
    assert steps == [2 if ord(ch) > 0xFFFF else 1 for ch in text]


@settings(max_examples=60, deadline=None)
@given(text=STORED, data=st.data())
def test_qt_shows_and_selects_exactly_the_python_text(qapp, text, data):
    """What a QTextDocument holds, where its blocks start and what a cursor selects agree with Python's str."""
    document = QTextDocument()
    document.setPlainText(text)
    index = Utf16Index(text)
    assert document.characterCount() - 1 == index.utf16_length
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    block, block_starts = document.firstBlock(), []
    while block.isValid():
        block_starts.append(index.to_codepoint(block.position()))
        block = block.next()
    assert block_starts == line_starts
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    cursor = QTextCursor(document)
    cursor.setPosition(index.to_utf16(start))
    cursor.setPosition(index.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == text[start:end].replace("\n", "\u2029")  # Qt's paragraph separator
    assert (index.to_codepoint(cursor.selectionStart()), index.to_codepoint(cursor.selectionEnd())) == (start, end)
