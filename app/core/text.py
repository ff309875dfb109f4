"""Article text as stored: LF line ends, and a content hash that identifies it."""

from __future__ import annotations

import hashlib


def normalize_text(text: str) -> str:
    """CRLF and lone CR become LF, and byte-order marks at the start go (all of them).

    Runs before any offset into the text exists. Qt would make both changes
    itself when it shows the text, and every offset after them would shift: it
    drops one leading mark each time text is set, so none may be left for it.
    """
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text, so the same article is found again however it came."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line, stripped and cut to `limit` characters ("" if none)."""
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""
