"""What the annotators of one article agree and disagree on, item by item, for adjudication.

Each person's accepted spans and frames are grouped by what they say: a span by its
boundaries and label, a frame by its type, attributes and fillers (as boundaries and
labels, so two people's frames over their own copies of the same spans match). A
candidate is agreed when every person who worked on the article has it; gold is the
layer the reviewer builds from the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.annotations import FrameRecord, SpanRecord
from app.core.vocabulary import GOLD_LAYER, NOT_PEOPLE
from app.core.vocabulary import Status


@dataclass(frozen=True)
class Candidate:
    kind: str  # "span" or "frame"
    label: str  # a span's label, a frame's type
    start: int  # a span's boundaries; a frame's, from its first to its last filler
    end: int
    summary: str  # the span's text, or the frame's roles and fillers
    sources: tuple[tuple[str, int], ...]  # (layer, id) of each person's copy
    gold: int | None  # the id of the same item in gold, if it is there
    people: int  # how many people worked on the article

    @property
    def layers(self) -> tuple[str, ...]:
        return tuple(layer for layer, _ in self.sources)

    @property
    def agreed(self) -> bool:
        return len(self.sources) == self.people

    @property
    def first_id(self) -> int:
        """The item to adopt: the first person's copy, or gold's own when no person has it."""
        if self.sources:
            return self.sources[0][1]
        assert self.gold is not None, "a candidate is in someone's layer or in gold"
        return self.gold


def people_layers(spans: list[SpanRecord], frames: list[FrameRecord]) -> list[str]:
    """The people's layers with accepted work in an article, by name."""
    items: list[SpanRecord | FrameRecord] = [*spans, *frames]
    return sorted({item.layer for item in items if item.status == Status.ACCEPTED and item.layer not in NOT_PEOPLE})


def candidates(text: str, spans: list[SpanRecord], frames: list[FrameRecord]) -> list[Candidate]:
    """Every distinct span and frame in the people's layers and in gold, in text order."""
    accepted = [s for s in spans if s.status == "accepted"]
    by_id = {s.id: s for s in accepted}
    people = people_layers(spans, frames)
    found: dict[tuple, dict] = {}

    def note(key: tuple, kind: str, label: str, start: int, end: int, summary: str, item) -> None:
        entry = found.setdefault(key, {"kind": kind, "label": label, "start": start, "end": end,
                                       "summary": summary, "sources": {}, "gold": None})
        if item.layer == GOLD_LAYER:
            entry["gold"] = item.id
        elif item.layer in people:
            entry["sources"].setdefault(item.layer, item.id)

    for span in accepted:
        note(("span", span.start, span.end, span.label), "span", span.label, span.start, span.end,
             text[span.start:span.end], span)
    for frame in frames:
        fillers = [(slot.role, by_id[slot.span_id]) for slot in frame.slots
                   if frame.status == "accepted" and slot.span_id in by_id]
        if frame.status != "accepted" or not fillers:
            continue
        key = ("frame", frame.type, tuple(sorted(frame.attributes.items())),
               tuple(sorted((role, s.start, s.end, s.label) for role, s in fillers)))
        summary = "; ".join(f"{role}: {text[s.start:s.end]}" for role, s in fillers)
        values = " ".join(str(v) for v in frame.attributes.values() if v)
        note(key, "frame", frame.type, min(s.start for _, s in fillers), max(s.end for _, s in fillers),
             f"[{values}] {summary}" if values else summary, frame)
    rows = [Candidate(kind=e["kind"], label=e["label"], start=e["start"], end=e["end"], summary=e["summary"],
                      sources=tuple(sorted(e["sources"].items())), gold=e["gold"], people=len(people))
            for e in found.values()]
    return sorted(rows, key=lambda c: (c.kind != "span", c.start, c.end, c.label, c.summary))
