"""Plain-text files: one file, one article."""

from __future__ import annotations

from pathlib import Path

from app.core.articles import ArticleDraft
from app.core.text import first_line
from app.formats.decoding import decode_bytes, read_limited


def read_txt(path: Path, title: str | None = None, encoding: str | None = None) -> list[ArticleDraft]:
    """Read a .txt file as one article.

    The text is the whole file, decoded and newline-normalised but otherwise
    unchanged, so offsets into it match the file. The title is `title` if given,
    else the first non-empty line (which stays in the text). `encoding`, if
    given, is used instead of detecting one.
    """
    path = Path(path)
    text = decode_bytes(read_limited(path), path, encoding=encoding)
    title = (title or "").strip() or first_line(text)
    return [ArticleDraft(text=text, title=title, origin=str(path))]
