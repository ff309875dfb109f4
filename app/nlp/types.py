"""What suggesters return: labelled spans and frames, in code point offsets (spaCy's char offsets)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain


@dataclass(frozen=True)
class SpanSuggestion:
    """Text [start, end) labelled `label`; `score` is a confidence in [0, 1], or None if unknown."""

    start: int
    end: int
    label: str
    score: float | None = None


@dataclass(frozen=True)
class FrameSuggestion:
    """A frame of schema type `type`: role name -> filler spans, attribute name -> value."""

    type: str
    roles: dict[str, tuple[SpanSuggestion, ...]]
    attributes: dict[str, str]
    score: float | None = None


@dataclass(frozen=True)
class Suggestions:
    """Spans and frames; every span that fills a frame role is also in `spans`."""

    spans: tuple[SpanSuggestion, ...] = ()
    frames: tuple[FrameSuggestion, ...] = ()

    @classmethod
    def of_frames(cls, frames: Iterable[FrameSuggestion]) -> Suggestions:
        """`frames` with the spans filling their roles."""
        frames = tuple(frames)
        fillers = (s for frame in frames for spans in frame.roles.values() for s in spans)
        return cls(_unique(fillers), frames)

    def merge(self, *others: Suggestions) -> Suggestions:
        """These and `others` together: spans de-duplicated by (start, end, label), the first
        one kept; frames in order."""
        spans = _unique(chain(self.spans, *(o.spans for o in others)))
        frames = tuple(chain(self.frames, *(o.frames for o in others)))
        return Suggestions(spans, frames)


def _unique(spans: Iterable[SpanSuggestion]) -> tuple[SpanSuggestion, ...]:
    """The first span of each (start, end, label), sorted by position."""
    seen: dict[tuple[int, int, str], SpanSuggestion] = {}
    for span in spans:
        seen.setdefault((span.start, span.end, span.label), span)
    return tuple(sorted(seen.values(), key=lambda s: (s.start, s.end, s.label)))
