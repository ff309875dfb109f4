"""Article sources as the user names them: files and folders, read by suffix (the "articles" format)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.core.articles import ArticleDraft
from app.core.errors import InputError, ValidationError
from app.formats.decoding import Encodings
from app.formats.html_page import read_html
from app.formats.jsonl import read_jsonl
from app.formats.plaintext import read_txt
from app.formats.registry import Format, declare

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".html", ".htm", ".jsonl")

_ACCEPTED = ", ".join(SUPPORTED_SUFFIXES)


@dataclass
class ReadResult:
    """The articles read, and the files inside folders passed over (each with the reason)."""

    drafts: list[ArticleDraft] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_sources(paths: Iterable[Path], title: str | None = None, encodings: Encodings | None = None) -> ReadResult:
    """Read every article in `paths` (files, and folders walked recursively in sorted order).

    Inside folders, hidden entries are ignored and files of other types listed in
    `skipped`; a file named explicitly must have a supported suffix. `title` is
    only accepted for exactly one .txt file; `encodings` names the encoding of
    .txt and .html files a person chose (JSON Lines are UTF-8). Raises on the
    first problem, so the result is all of the articles or none.
    """
    result = ReadResult()
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(_walk(path, result.skipped))
        elif not path.exists():
            raise InputError(path, "no such file or folder")
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise InputError(path, f"unsupported file type; NewsGloss reads {_ACCEPTED} files")
        else:
            files.append(path)
    files = list(dict.fromkeys(files))
    if title is not None and not (len(files) == 1 and files[0].suffix.lower() == ".txt"):
        raise ValidationError("a title can only be given when importing a single .txt file")
    for path in files:
        encoding = encodings(path) if encodings is not None else None
        if path.suffix.lower() == ".txt":
            result.drafts.extend(read_txt(path, title, encoding))
        elif path.suffix.lower() in (".html", ".htm"):
            result.drafts.extend(read_html(path, encoding))
        else:
            result.drafts.extend(read_jsonl(path))
    return result


def _walk(folder: Path, skipped: list[str]) -> list[Path]:
    """Supported files under `folder`, sorted, hidden ones left out; others noted in `skipped`."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(n for n in names if not n.startswith(".")):
            path = Path(root, name)
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                skipped.append(f"{path}: not an article file ({path.suffix or 'no suffix'})")
            elif not path.is_file():
                skipped.append(f"{path}: not a regular file")
            else:
                found.append(path)
    return found


ARTICLES = declare(Format(
    "articles", "Articles", SUPPORTED_SUFFIXES, "drafts", frozenset(), encodings=True, reader=read_sources,
    about="articles: .txt, .html and .jsonl files and folders of them, read as article texts."))
