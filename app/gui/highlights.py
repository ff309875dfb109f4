"""What the text view draws over its text, and the index that finds it fast.

A Highlight is one span to draw. The SpanIndex keeps them all by id, buckets the drawn ones by
the block (paragraph) they cover, so a paint looks only at the blocks in view, and gives each a
lane: overlapping spans stack their underlines. Adding or removing one repacks only the spans
it overlaps. Offsets are code points.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import repeat
from operator import attrgetter
from typing import NamedTuple

from app.core.vocabulary import Status
from app.gui.text_positions import block_of


class Highlight(NamedTuple):
    """One span to draw: [start, end) in code points, colour as "#rrggbb".

    kind: 'entity' | 'evidence'; status: a Status or its value (rejected spans are not drawn);
    tooltip: plain text (origin, annotator...) shown when hovering (if empty, the view's describe_span);
    faint: another layer shown for reference (no fill, a pale underline).
    A named tuple, as the window makes ten thousand of them to open a long article: a frozen
    dataclass took three times as long to make.
    """

    id: int
    start: int
    end: int
    label: str
    colour: str
    kind: str = "entity"
    status: str = Status.ACCEPTED
    tooltip: str = ""
    faint: bool = False

    @property
    def drawn(self) -> bool:
        return self.status != Status.REJECTED and self.end > self.start


def highlights_of(fields: Iterable[tuple]) -> list[Highlight]:
    """Highlights from tuples of all their fields in order: made by tuple's constructor, without
    a call of Highlight's own for each (a third less time for the ten thousand of a long article)."""
    return list(map(tuple.__new__, repeat(Highlight), fields))


def _in_pack_order(spans: Iterable[Highlight]) -> list[Highlight]:
    """By start, longest first (then by id), so an enclosing span sits nearer the text."""
    ordered = sorted(spans, key=attrgetter("id"))
    ordered.sort(key=attrgetter("end"), reverse=True)  # sorts are stable
    ordered.sort(key=attrgetter("start"))
    return ordered


def _pack(ordered: list[Highlight]) -> dict[int, int]:
    """Greedy interval packing of spans in pack order: each takes the lowest lane free at its start."""
    lane_ends: list[int] = []
    lanes = {}
    reach = -1  # the furthest end so far
    for h in ordered:
        if h.start >= reach:  # overlaps nothing before it: a new cluster
            lane_ends = [h.end]
            reach = h.end
            lanes[h.id] = 0
            continue
        reach = max(reach, h.end)
        for lane, end in enumerate(lane_ends):
            if end <= h.start:
                lane_ends[lane] = h.end
                break
        else:
            lane = len(lane_ends)
            lane_ends.append(h.end)
        lanes[h.id] = lane
    return lanes


class SpanIndex:
    """All highlights by id; the drawn ones bucketed by block and given a lane."""

    def __init__(self, block_starts: list[int], highlights: Iterable[Highlight] = ()) -> None:
        highlights = list(highlights)
        self._block_starts = block_starts
        self.spans = {h.id: h for h in highlights}
        if len(self.spans) != len(highlights):
            raise ValueError("duplicate highlight ids")
        rejected = Status.REJECTED  # looked up once: this runs over every span of a long article
        drawn = _in_pack_order(h for h in highlights if h.status != rejected and h.end > h.start)
        self.lanes = _pack(drawn)
        self._buckets: list[list[int]] = [[] for _ in block_starts]
        # Spans come by start, so the block holding each start only moves forward.
        block, next_start = 0, block_starts[1] if len(block_starts) > 1 else math.inf
        for h in drawn:
            while h.start >= next_start:
                block += 1
                next_start = block_starts[block + 1] if block + 1 < len(block_starts) else math.inf
            if h.end <= next_start:
                self._buckets[block].append(h.id)
            else:
                for b in range(block, block_of(block_starts, h.end - 1) + 1):
                    self._buckets[b].append(h.id)

    def add(self, h: Highlight) -> None:
        if h.id in self.spans:
            raise ValueError(f"duplicate highlight id {h.id}")
        self.spans[h.id] = h
        self._bucket(h, add=True)
        self._repack(h.start, h.end)

    def remove(self, span_id: int) -> Highlight:
        h = self.spans.pop(span_id)
        self._bucket(h, add=False)
        self.lanes.pop(span_id, None)
        self._repack(h.start, h.end)
        return h

    def replace(self, h: Highlight) -> None:
        old = self.spans[h.id]
        self._bucket(old, add=False)
        self.lanes.pop(h.id, None)
        self.spans[h.id] = h  # keeps the id's place in the order
        self._bucket(h, add=True)
        self._repack(min(old.start, h.start), max(old.end, h.end))

    def in_block(self, block: int) -> list[Highlight]:
        return [self.spans[i] for i in self._buckets[block]]

    def overlapping(self, start: int, end: int) -> list[Highlight]:
        """Drawn spans sharing at least one character with [start, end)."""
        first, last = block_of(self._block_starts, start), block_of(self._block_starts, max(start, end - 1))
        found = {i for b in range(first, last + 1) for i in self._buckets[b]}
        return [h for h in map(self.spans.__getitem__, found) if h.start < end and h.end > start]

    def _bucket(self, h: Highlight, *, add: bool) -> None:
        if not h.drawn:
            return
        first, last = block_of(self._block_starts, h.start), block_of(self._block_starts, h.end - 1)
        for b in range(first, last + 1):
            if add:
                self._buckets[b].append(h.id)
            else:
                self._buckets[b].remove(h.id)

    def _repack(self, start: int, end: int) -> None:
        """Recompute lanes for the overlap clusters touching [start, end) only."""
        cluster: dict[int, Highlight] = {}
        lo, hi = start, end
        while True:
            cluster.update((h.id, h) for h in self.overlapping(lo, hi))
            new_lo = min([lo, *(h.start for h in cluster.values())])
            new_hi = max([hi, *(h.end for h in cluster.values())])
            if (new_lo, new_hi) == (lo, hi):
                break
            lo, hi = new_lo, new_hi
        self.lanes.update(_pack(_in_pack_order(cluster.values())))
