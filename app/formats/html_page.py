"""Saved HTML article pages: the main text and metadata, via trafilatura."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import trafilatura

from app.core.articles import ArticleDraft
from app.core.errors import InputError
from app.core.text import first_line, normalize_text
from app.formats.decoding import decode_bytes, read_limited

# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

# Labels a browser reads as cp1252 (WHATWG Encoding Standard).
_READ_AS_CP1252 = {"iso8859-1", "ascii"}

# Document attributes kept in ArticleDraft.meta when present.
_META_KEYS = ("author", "description", "categories", "tags")


def _lower(expr: str) -> str:
    return f"translate({expr}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"


_ID_CLASS = _lower("concat(@id, ' ', @class)")

# Page furniture removed before extraction. trafilatura drops most of it itself,
# but on a page with little text its fallback can return menu or banner text.
_BOILERPLATE = [
    "//script", "//style", "//noscript", "//template",
    "//nav", "//aside", "//footer", "//header[not(ancestor::article)]",
    "//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='complementary']",
    "//*[not(self::html or self::body or self::main or self::article)]"
    f"[contains({_ID_CLASS}, 'cookie') or contains({_ID_CLASS}, 'consent') or contains({_ID_CLASS}, 'gdpr')]",
    "//*[@id='comments' or @id='disqus_thread']",
]


def read_html(path: Path, encoding: str | None = None) -> list[ArticleDraft]:
    """Read a saved article page as one article: main text (paragraphs on their own lines) and metadata.

    `encoding`, if given, is used instead of the page's declared or detected one.
    """
    path = Path(path)
    data = read_limited(path)
    html = decode_bytes(data, path, declared=_declared_charset(data), encoding=encoding)
    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_formatting=False,
        include_links=False,
        include_images=False,
        prune_xpath=_BOILERPLATE,
    )
    text = normalize_text(doc.text or "") if doc is not None else ""
    if not text.strip():
        raise InputError(path, "no article text found")
    meta = {key: value for key in _META_KEYS if (value := getattr(doc, key))}
    return [
        ArticleDraft(
            text=text,
            title=doc.title or first_line(text),
            origin=str(path),
            source=doc.sitename or doc.hostname,
            url=doc.url,
            published=doc.date,
            meta=meta,
        )
    ]


def _declared_charset(data: bytes) -> str | None:
    """The encoding a meta tag in the first 2 KB declares, as a browser would read it.

    A UTF-16/32 declaration is ignored: the tag itself was readable as ASCII.
    """
    match = _META_CHARSET.search(data[:2048])
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32")):
        return None
    return "cp1252" if name in _READ_AS_CP1252 else name
