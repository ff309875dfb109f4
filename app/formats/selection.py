"""Choosing spans for formats that cannot hold overlapping ones (CoNLL tags, spaCy doc.ents)."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.documents import SpanData


def non_overlapping(spans: Iterable[SpanData]) -> list[SpanData]:
    """Spans that do not overlap, in text order (whatever their status: the export's selection chose them).

    The rule: the longest is kept first, then, among spans of equal length, the
    earliest; a span that overlaps one already kept is left out. Ties in both
    (same offsets, other labels) keep the span that comes first in `spans`.
    """
    kept: list[SpanData] = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        if all(span.end <= other.start or other.end <= span.start for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.end))
