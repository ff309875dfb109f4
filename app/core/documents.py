"""Annotated documents as plain data: what interchange formats read and write.

Offsets are code points into `article.text` (already newline-normalised). Spans
carry a `key` unique within their document, so frames (and relations, which are
two-role frames) can name their fillers before any database id exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.articles import ArticleDraft
from app.core.normalise import is_normalised
from app.core.span_details import SpanDetails

# Frame attributes named "brat:..." carry another tool's data (notes, links between
# events), not values of a schema attribute: schemas do not constrain them. Nor do
# they constrain the normalised values of tariff facts (app.core.normalise.NORMALISED).
TOOL_ATTRIBUTE_PREFIX = "brat:"


def is_tool_attribute(name: str) -> bool:
    return name.startswith(TOOL_ATTRIBUTE_PREFIX) or is_normalised(name)


@dataclass(frozen=True)
class SpanData:
    key: str
    start: int
    end: int
    label: str
    annotator: str | None = None
    origin: str = "import"  # human / model / rule / import
    status: str = "accepted"  # suggested / accepted / rejected
    score: float | None = None
    layer: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # another tool's extras the project does not store
    details: SpanDetails = field(default_factory=SpanDetails)  # attributes, normalizations, notes, fragments


@dataclass(frozen=True)
class FrameData:
    key: str
    type: str
    roles: dict[str, list[str]]  # role -> span keys, in order
    attributes: dict[str, str] = field(default_factory=dict)
    annotator: str | None = None
    origin: str = "import"
    status: str = "accepted"
    score: float | None = None
    layer: str | None = None


@dataclass(frozen=True)
class AnnotatedDocument:
    article: ArticleDraft
    spans: list[SpanData] = field(default_factory=list)
    frames: list[FrameData] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what the reader read but could not represent, and why
