"""Articles as plain data, on their way into the project or out of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.vocabulary import Progress


@dataclass(frozen=True)
class ArticleDraft:
    """An article read from a file, not yet in the project.

    `text` is already decoded and newline-normalised; `origin` and `line` say where
    it came from, so a later problem (a duplicate, a failed write) can name them.
    """

    text: str
    title: str
    origin: str
    line: int | None = None
    external_id: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None  # ISO 8601 date or date-time, as given
    meta: dict[str, Any] = field(default_factory=dict)


ARTICLE_SORTS = ("id", "title", "progress", "spans", "frames")


@dataclass(frozen=True)
class ArticleQuery:
    """Which articles the list shows, in which order: a search in titles and sources (any case),
    one progress status of the acting person or all, and a sort key from ARTICLE_SORTS."""

    search: str = ""
    progress: str | None = None
    sort: str = "id"
    descending: bool = False


@dataclass(frozen=True)
class ArticleSummary:
    """One row of the article list: no text, just what is needed to choose an article."""

    id: int
    external_id: str | None
    title: str
    source: str | None
    chars: int
    spans: int
    frames: int
    progress: Progress  # this annotator's: todo, in progress or done


@dataclass(frozen=True)
class ArticleRecord:
    id: int
    external_id: str | None
    title: str
    source: str | None
    url: str | None
    published: str | None
    text: str
    content_hash: str
    meta: dict[str, Any]
    imported_from: str | None


@dataclass(frozen=True)
class ImportReport:
    """What one import did: articles added, and those already present (not added again)."""

    added: list[tuple[int, ArticleDraft]] = field(default_factory=list)
    duplicates: list[tuple[ArticleDraft, int]] = field(default_factory=list)  # draft, existing id
    skipped: list[str] = field(default_factory=list)  # files passed over inside folders
