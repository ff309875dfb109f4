"""Saved HTML article pages: the main text and metadata, via trafilatura."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

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
# <aside> is not furniture here: some sites put the whole article in one; and an
# element is a cookie banner by its name only while it is banner-sized (an article
# about a consent decree may carry "consent" in its class).
_BANNER_SIZE = 400
_BOILERPLATE = [
    "//script", "//style", "//noscript", "//template",
    "//nav", "//footer", "//header[not(ancestor::article)]",
    "//*[@role='navigation' or @role='banner' or @role='contentinfo']",
    "//*[not(self::html or self::body or self::main or self::article)]"
    f"[contains({_ID_CLASS}, 'cookie') or contains({_ID_CLASS}, 'consent') or contains({_ID_CLASS}, 'gdpr')]"
    f"[string-length(normalize-space(.)) < {_BANNER_SIZE}]",
    "//*[@id='comments' or @id='disqus_thread']",
]


def read_html(path: Path, encoding: str | None = None) -> list[ArticleDraft]:
    """Read a saved article page as one article: main text (paragraphs on their own lines) and metadata.

    `encoding`, if given, is used instead of the page's declared or detected one.
    """
    path = Path(path)
    data = read_limited(path)
    html = decode_bytes(data, path, declared=_declared_charset(data), encoding=encoding)
    doc, text = _extraction(html)
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


def _extraction(html: str) -> tuple[Any, str]:
    """trafilatura's extraction without the page furniture, and its text.

    Never less than trafilatura's own default extraction of the same page: when
    that holds more text, it is taken instead, unless all of its text is
    furniture (a page of menus and a cookie banner has no article).
    """
    pruned = _bare_extraction(html, _BOILERPLATE)
    text = normalize_text(pruned.text or "") if pruned is not None else ""
    default = _bare_extraction(html)
    default_text = normalize_text(default.text or "") if default is not None else ""
    if len(default_text.strip()) > len(text.strip()) and not _all_furniture(default_text, html):
        return default, default_text
    return pruned, text


def _bare_extraction(html: str, prune_xpath: list[str] | None = None) -> Any:
    """trafilatura's Document of the page (None: nothing found), with metadata, without comments,
    formatting, links or images; trafilatura loads with the first page read."""
    import trafilatura

    return trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_formatting=False,
                                       include_links=False, include_images=False, prune_xpath=prune_xpath)


def _all_furniture(text: str, html: str) -> bool:
    """Whether every line of `text` is text of an element the furniture rules name."""
    import lxml.html
    from lxml import etree

    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return False
    furniture = [_collapsed(element.text_content()) for xpath in _BOILERPLATE for element in tree.xpath(xpath)]
    return all(any(_collapsed(line) in piece for piece in furniture) for line in text.split("\n") if line.strip())


def _collapsed(text: str) -> str:
    return " ".join(text.split())


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
