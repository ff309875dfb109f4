"""Code point <-> UTF-16 conversion, checked against Python's own UTF-16 encoder."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.offsets import Utf16Index

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
