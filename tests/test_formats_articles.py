"""Article readers: .txt, .html and .jsonl files into ArticleDrafts."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from app.core.errors import InputError, ValidationError
from app.formats.decoding import MAX_ARTICLE_BYTES, SHORT_FILE_BYTES, EncodingUncertain, decode_bytes, read_limited
from app.formats.html_page import read_html
from app.formats.jsonl import read_jsonl
from app.formats.plaintext import read_txt
from app.formats.sources import SUPPORTED_SUFFIXES, read_sources
from conftest import SAMPLE_ARTICLE

SAMPLE = SAMPLE_ARTICLE

FRENCH = "Café à Montréal, naïve façade – “quoted”. La crème brûlée était déjà prête à l’hôtel.\n"
EMOJI = "Flags 🇨🇦🇨🇳, faces 😀, math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, CJK 中国 and 𠀋 survive.\n"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


# --- plain text ------------------------------------------------------------------


def test_txt_title_is_first_non_empty_line_and_stays_in_text(tmp_path):
    text = "\n\n  Tariffs rise again  \nOttawa said on Monday that...\n"
    [draft] = read_txt(write(tmp_path / "a.txt", text))
    assert draft.title == "Tariffs rise again"
    assert draft.text == text
    assert draft.origin == str(tmp_path / "a.txt")
    assert draft.line is None


def test_txt_explicit_title(tmp_path):
    [draft] = read_txt(write(tmp_path / "a.txt", "First line\nBody.\n"), title="My title")
    assert draft.title == "My title"
    assert draft.text == "First line\nBody.\n"


def test_txt_crlf_and_lone_cr_become_lf(tmp_path):
    [draft] = read_txt(write(tmp_path / "a.txt", b"Title\r\nline two\rline three\r\n"))
    assert draft.text == "Title\nline two\nline three\n"


def test_sample_article(tmp_path):
    [draft] = read_txt(SAMPLE)
    assert draft.title == "ASIA PACIFIC"
    assert draft.text == SAMPLE.read_text(encoding="utf-8")
    assert draft.origin == str(SAMPLE)


# --- decoding --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", FRENCH * 60),
        ("latin-1", "Le café à Montréal: naïve façade, crème brûlée, déjà vu à l'hôtel.\n" * 70),
    ],
    ids=["cp1252", "latin-1"],
)
def test_legacy_western_encoding_of_a_long_file_is_detected(tmp_path, encoding, text):
    assert len(text) >= SHORT_FILE_BYTES
    [draft] = read_txt(write(tmp_path / "fr.txt", text.encode(encoding)))
    assert draft.text == text


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", FRENCH * 3),
        ("cp1252", FRENCH),
        ("latin-1", "Le café à Montréal: naïve façade, crème brûlée, déjà vu à l'hôtel.\n" * 2),
    ],
    ids=["cp1252", "cp1252-short", "latin-1"],
)
def test_a_short_legacy_file_names_its_likely_encodings_and_reads_in_the_one_given(tmp_path, encoding, text):
    path = write(tmp_path / "fr.txt", text.encode(encoding))
    with pytest.raises(EncodingUncertain, match=r"fr.txt: cannot be sure of the text encoding.*--encoding") as info:
        read_txt(path)
    assert info.value.readings[0] == ("cp1252", text)  # the likeliest first, as it would read
    assert len(info.value.readings) > 1
    [draft] = read_txt(path, encoding="cp1252")
    assert draft.text == text


def test_utf16_with_bom(tmp_path):
    text = FRENCH + EMOJI
    [draft] = read_txt(write(tmp_path / "u16.txt", text.encode("utf-16")))
    assert draft.text == text
    [draft] = read_txt(write(tmp_path / "u16be.txt", b"\xfe\xff" + text.encode("utf-16-be")))
    assert draft.text == text


def test_utf32_with_bom():
    assert decode_bytes(EMOJI.encode("utf-32"), "x.txt") == EMOJI


def test_utf8_bom_is_stripped(tmp_path):
    [draft] = read_txt(write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + "Titre\nTexte.\n".encode()))
    assert draft.text == "Titre\nTexte.\n"
    assert draft.title == "Titre"


def test_emoji_and_non_bmp_characters_survive(tmp_path):
    [draft] = read_txt(write(tmp_path / "e.txt", EMOJI))
    assert draft.text == EMOJI
    assert draft.title == EMOJI.strip()


@pytest.mark.parametrize(
    "data",
    [
        os.urandom(4096),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06" + bytes(200),
        b"text with \x01\x02\x03\x04\x05\x06\x07\x08 controls \x0e\x0f\x10\x11\x12",
    ],
    ids=["random", "png", "controls"],
)
def test_binary_data_is_refused(tmp_path, data):
    path = write(tmp_path / "picture.txt", data)
    with pytest.raises(InputError, match="not a text file") as info:
        read_txt(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t ", b"\xef\xbb\xbf", "\n \n".encode("utf-16")])
def test_empty_file_is_refused(tmp_path, data):
    path = write(tmp_path / "empty.txt", data)
    with pytest.raises(InputError, match="file is empty") as info:
        read_txt(path)
    assert str(path) in str(info.value)


def test_big_file_is_refused_fast_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.write(b"a " * 1024)
        f.truncate(50 * 1024 * 1024)
    monkeypatch.setattr(Path, "open", lambda *a, **k: pytest.fail("the file was opened"))
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"is 50\.0 MB; one article may be at most 10 MB") as info:
        read_txt(path)
    assert time.perf_counter() - start < 1
    assert info.value.path == str(path)


def test_file_at_the_limit_is_read(tmp_path):
    path = write(tmp_path / "full.txt", b"a" * MAX_ARTICLE_BYTES)
    assert len(read_limited(path)) == MAX_ARTICLE_BYTES


def test_undetectable_bytes_are_refused(tmp_path):
    data = bytes(range(0x80, 0x100)) * 8
    path = write(tmp_path / "junk.txt", data)
    with pytest.raises(InputError, match="cannot tell the text encoding") as info:
        read_txt(path)
    assert str(path) in str(info.value)


def test_utf8_with_a_stray_bad_byte_names_its_line(tmp_path):
    data = "Café résumé, naïve façade.\n".encode() * 5 + b"bad \xe9\xff here\n" + "déjà vu\n".encode()
    path = write(tmp_path / "mixed.txt", data)
    with pytest.raises(InputError, match="not valid UTF-8") as info:
        read_txt(path)
    assert info.value.line == 6


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_txt(tmp_path / "nope.txt")


# --- JSON Lines ------------------------------------------------------------------


def jsonl(path: Path, *lines: str | dict) -> Path:
    body = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    return write(path, body)


def test_jsonl_all_fields(tmp_path):
    path = jsonl(
        tmp_path / "a.jsonl",
        {
            "id": 17,
            "title": "Carney in Beijing",
            "text": "Carney in Beijing\r\nBody text.",
            "source": "TRT World",
            "url": "https://example.com/a",
            "published": "2025-01-14T08:30:00+00:00",
            "meta": {"section": "Asia"},
            "lang": "en",
            "tags": ["trade"],
        },
        "",
        {"id": "b-2", "text": "  \nSecond article\nwith text " + EMOJI, "published": "2025-01-15"},
    )
    first, second = read_jsonl(path)
    assert first.external_id == "17"
    assert first.title == "Carney in Beijing"
    assert first.text == "Carney in Beijing\nBody text."
    assert first.source == "TRT World"
    assert first.url == "https://example.com/a"
    assert first.published == "2025-01-14T08:30:00+00:00"
    assert first.meta == {"section": "Asia", "extra": {"lang": "en", "tags": ["trade"]}}
    assert (first.line, first.origin) == (1, str(path))
    assert second.external_id == "b-2"
    assert second.title == "Second article"
    assert second.text.endswith(EMOJI)
    assert second.line == 3
    assert second.meta == {}
    assert second.source is None


def test_jsonl_utf8_bom_and_crlf_lines(tmp_path):
    path = write(tmp_path / "a.jsonl", b'\xef\xbb\xbf{"text": "One"}\r\n{"text": "Two"}\r\n')
    assert [d.text for d in read_jsonl(path)] == ["One", "Two"]


def test_jsonl_broken_third_line(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", {"text": "one"}, {"text": "two"}, '{"text": "three"', {"text": "four"})
    with pytest.raises(InputError) as info:
        read_jsonl(path)
    assert info.value.line == 3
    assert "line 3" in str(info.value)
    assert "invalid JSON" in str(info.value)
    assert str(path) in str(info.value)


def test_jsonl_missing_text_on_line_two(tmp_path):
    path = jsonl(tmp_path / "a.jsonl", {"text": "one"}, {"title": "no text"})
    with pytest.raises(InputError, match='missing "text"') as info:
        read_jsonl(path)
    assert info.value.line == 2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"text": ""}, '"text" is empty'),
        ({"text": "  \n "}, '"text" is empty'),
        ({"text": 5}, '"text" must be a string, not a number'),
        ({"text": "x", "id": 1.5}, '"id" must be a string or a whole number'),
        ({"text": "x", "id": True}, '"id" must be a string or a whole number, not true/false'),
        ({"text": "x", "title": ["t"]}, '"title" must be a string, not an array'),
        ({"text": "x", "meta": "m"}, '"meta" must be an object'),
        ({"text": "x", "url": 3}, '"url" must be a string'),
        ({"text": "x", "published": "yesterday"}, '"published" is not an ISO date'),
        ({"text": "x", "published": "2025-13-01"}, '"published" is not an ISO date'),
        ({"text": "x", "meta": {"extra": 1}, "other": 2}, 'already has "extra"'),
        ('["text"]', "expected a JSON object, found an array"),
        ('{"text": "\\ud800"}', "unpaired surrogate"),
    ],
)
def test_jsonl_bad_field_names_line(tmp_path, line, message):
    path = jsonl(tmp_path / "a.jsonl", {"text": "fine"}, line)
    with pytest.raises(InputError, match=message.replace("[", r"\[")) as info:
        read_jsonl(path)
    assert info.value.line == 2


def test_jsonl_invalid_utf8_names_line(tmp_path):
    path = write(tmp_path / "a.jsonl", b'{"text": "ok"}\n{"text": "ok"}\n{"text": "caf\xe9"}\n')
    with pytest.raises(InputError, match="not valid UTF-8") as info:
        read_jsonl(path)
    assert info.value.line == 3


def test_jsonl_limit_is_per_article(tmp_path):
    small = "a " * (MAX_ARTICLE_BYTES // 4)
    path = jsonl(tmp_path / "a.jsonl", {"text": small}, {"text": small}, {"text": small + small + "b"})
    with pytest.raises(InputError, match="article text is 10.0 MB; one article may be at most 10 MB") as info:
        read_jsonl(path)
    assert info.value.line == 3


def test_jsonl_without_articles(tmp_path):
    with pytest.raises(InputError, match="no articles"):
        read_jsonl(write(tmp_path / "a.jsonl", "\n  \n"))


# --- HTML ------------------------------------------------------------------------

PARAGRAPHS = [
    "Beijing presses “strategic autonomy” as Ottawa seeks trade relief and a reset after years of strained ties.",
    "Mark Carney frames the trip as a pragmatic step. State media urged Canada to keep its distance from Washington.",
    "Canada imposed a 100 percent tariff on Chinese-made electric vehicles in 2024; China answered with tariffs on canola.",
    "The Global Times said the visit could open a new chapter, while analysts cautioned that steel tariffs remain. 😀",
]

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>China courts Canada as Carney visits | Example News</title>
<meta property="og:title" content="China courts Canada as Carney visits">
<meta property="og:site_name" content="Example News">
<meta property="og:url" content="https://example.com/news/carney-china">
<meta property="article:published_time" content="2025-01-14T08:30:00Z">
<style>body {{ font-family: STYLE_MARKER; }}</style>
<script>var tracker = "SCRIPT_MARKER";</script>
</head>
<body>
<header><nav><ul><li><a href="/">Home NAV_MARKER</a></li><li><a href="/world">World</a></li></ul></nav></header>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies. COOKIE_MARKER Accept all?</p><button>OK</button></div>
<main><article>
<h1>China courts Canada as Carney visits</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
<script>document.write("INLINE_SCRIPT_MARKER");</script>
</article></main>
<aside><a href="/other">RELATED_MARKER story</a></aside>
<section id="comments"><div class="comment"><p>COMMENT_MARKER A reader disagrees.</p></div></section>
<footer><nav><a href="/privacy">Privacy FOOTER_MARKER</a></nav></footer>
</body>
</html>
"""


def test_html_article_text_and_metadata(tmp_path):
    path = write(tmp_path / "page.html", PAGE)
    [draft] = read_html(path)
    lines = draft.text.split("\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in lines
    for marker in ["STYLE", "SCRIPT", "NAV", "COOKIE", "RELATED", "COMMENT", "FOOTER", "cookies", "Privacy"]:
        assert marker not in draft.text
    assert draft.title == "China courts Canada as Carney visits"
    assert draft.published == "2025-01-14"
    assert draft.url == "https://example.com/news/carney-china"
    assert draft.source == "Example News"
    assert draft.origin == str(path)


def test_html_crlf_file_gives_lf_text(tmp_path):
    [draft] = read_html(write(tmp_path / "page.htm", PAGE.replace("\n", "\r\n").encode()))
    assert "\r" not in draft.text
    assert PARAGRAPHS[0] in draft.text.split("\n")


def test_html_meta_charset_is_respected(tmp_path):
    # In ISO-8859-15 byte 0xA4 is the euro sign; in cp1252 (a detector's likely guess) it is "¤".
    body = "".join(f"<p>Le prix du café à Montréal est de {n} € - une hausse de {n} %.</p>" for n in range(3, 9))
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">' \
           f"<title>Prix</title></head><body><article>{body}</article></body></html>"
    [draft] = read_html(write(tmp_path / "prix.html", page.encode("iso-8859-15")))
    assert "Le prix du café à Montréal est de 3 € - une hausse de 3 %." in draft.text


def test_html_without_text_is_refused(tmp_path):
    page = """<html><head><title>Nothing</title><script>var x = 1;</script></head><body>
    <header><nav><a href="/">Home</a> <a href="/w">World</a></nav></header>
    <div class="cookie-banner">We use cookies.</div><footer>Footer text</footer></body></html>"""
    path = write(tmp_path / "empty.html", page)
    with pytest.raises(InputError, match="no article text found") as info:
        read_html(path)
    assert str(path) in str(info.value)


# --- sources ---------------------------------------------------------------------


def test_supported_suffixes():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".html", ".htm", ".jsonl"}


def test_folder_walk(tmp_path):
    write(tmp_path / "b.txt", "Bee\n")
    write(tmp_path / "A.TXT", "Upper\n")
    write(tmp_path / "notes.md", "# not an article")
    write(tmp_path / ".hidden.txt", "Hidden\n")
    write(tmp_path / ".git" / "c.txt", "Hidden folder\n")
    write(tmp_path / "sub" / "page.html", PAGE)
    jsonl(tmp_path / "sub" / "deeper" / "many.jsonl", {"text": "J1"}, {"text": "J2"})
    write(tmp_path / "sub" / "image.png", b"\x89PNG\r\n\x1a\n\x00")
    result = read_sources([tmp_path])
    titles = [d.title for d in result.drafts]
    assert titles == ["Upper", "Bee", "China courts Canada as Carney visits", "J1", "J2"]
    assert result.skipped == [
        f"{tmp_path / 'notes.md'}: not an article file (.md)",
        f"{tmp_path / 'sub' / 'image.png'}: not an article file (.png)",
    ]


def test_explicit_files_in_order(tmp_path):
    a = write(tmp_path / "a.txt", "A\n")
    b = jsonl(tmp_path / "b.jsonl", {"text": "B"})
    result = read_sources([b, a])
    assert [d.text for d in result.drafts] == ["B", "A\n"]
    assert result.skipped == []


def test_unknown_suffix_given_explicitly(tmp_path):
    path = write(tmp_path / "notes.md", "text")
    with pytest.raises(InputError, match=r"unsupported file type.*\.txt, \.html, \.htm, \.jsonl") as info:
        read_sources([path])
    assert info.value.path == str(path)


def test_missing_path(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        read_sources([tmp_path / "missing.txt"])


def test_title_only_for_one_txt_file(tmp_path):
    a = write(tmp_path / "a.txt", "A\n")
    b = write(tmp_path / "b.txt", "B\n")
    page = write(tmp_path / "p.html", PAGE)
    assert read_sources([a], title="Given").drafts[0].title == "Given"
    for paths in ([a, b], [page], [tmp_path]):
        with pytest.raises(ValidationError):
            read_sources(paths, title="Given")


def test_all_or_nothing(tmp_path):
    write(tmp_path / "a.txt", "Good\n")
    write(tmp_path / "b.txt", b"")
    with pytest.raises(InputError, match="file is empty"):
        read_sources([tmp_path])


def test_a_byte_order_mark_inside_a_jsonl_text_is_dropped(tmp_path):
    """Qt drops a leading BOM when it shows text; it must be gone before offsets exist."""
    path = tmp_path / "bom.jsonl"
    path.write_text(json.dumps({"text": "\ufeffOttawa imposed tariffs.\r\nMore."}) + "\n", encoding="utf-8")
    (draft,) = read_jsonl(path)
    assert draft.text == "Ottawa imposed tariffs.\nMore."
