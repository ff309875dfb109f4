"""Choosing spans for formats that cannot hold overlapping ones (CoNLL tags, spaCy doc.ents)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from app.core.documents import SpanData


def non_overlapping(spans: Iterable[SpanData]) -> list[SpanData]:
    """Spans that do not overlap, in text order (whatever their status: the export's selection chose them).

    The rule: the longest is kept first, then, among spans of equal length, the
    earliest; a span that overlaps one already kept is left out. Ties in both
    (same offsets, other labels) keep the span that comes first in `spans`.
    """
    kept: list[SpanData] = []  # in text order; disjoint, so their ends are in order too
    ends: list[int] = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        i = bisect.bisect_right(ends, span.start)  # the first kept span that ends after this one starts
        if i == len(kept) or span.end <= kept[i].start:
            kept.insert(i, span)
            ends.insert(i, span.end)
    return kept
