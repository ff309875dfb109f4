"""Tariff facts and claims as JSON lines: one object per frame, each role as text with offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from app.core.annotations import FrameRecord, SpanRecord
from app.core.interchange import Selection, selected
from app.core.project import Project

# Which frame type each export holds, and how its roles appear in a record:
# (role, key in the record, several fillers as a list?)
LAYOUTS = {
    "facts-jsonl": ("tariff_fact", [("imposer", "imposer", False), ("target", "target", False),
                                    ("product", "products", True), ("rate", "rate", False),
                                    ("date", "date", False)], ("fact", "action")),
    "claims-jsonl": ("claim", [("claimant", "claimant", False), ("cue", "cue", False),
                               ("content", "content", False)], ("claim", "stance")),
}
SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def frame_records(project: Project, fmt: str, selection: Selection = Selection()) -> Iterator[dict[str, Any]]:
    frame_type, roles, (id_key, attribute) = LAYOUTS[fmt]
    for article, all_spans, all_frames in project.annotated(selection.article_ids):
        frames = [f for f in all_frames if f.type == frame_type and selected(f, selection)]
        if not frames:
            continue
        text = article.text
        spans = {s.id: s for s in all_spans}
        for frame in frames:
            record: dict[str, Any] = {"article": article.external_id or article.id, id_key: frame.id,
                                      attribute: frame.attributes.get(attribute)}
            for role, key, several in roles:
                fillers = [_role(text, spans[i]) for i in frame.role(role) if i in spans]
                record[key] = fillers if several else (fillers[0] if fillers else None)
            used = [spans[i] for slot in frame.slots for i in [slot.span_id] if i in spans]
            record["evidence"] = _evidence(text, used)
            record["status"] = frame.status
            record["origin"] = frame.origin
            record["annotator"] = _who(frame)
            yield record


def _role(text: str, span: SpanRecord) -> dict[str, Any]:
    return {"text": text[span.start:span.end], "start": span.start, "end": span.end}


def _who(frame: FrameRecord) -> str | None:
    """The person behind a frame: who made it, or who accepted or rejected the model's suggestion."""
    return frame.reviewed_by or frame.annotator


def _evidence(text: str, spans: list[SpanRecord]) -> dict[str, Any] | None:
    """The sentence (or sentences) holding every filler of the frame."""
    if not spans:
        return None
    first, last = min(s.start for s in spans), max(s.end for s in spans)
    start = max((m.end() for m in SENTENCE_END.finditer(text, 0, first)), default=0)
    end_match = SENTENCE_END.search(text, last)
    end = end_match.end() if end_match and text[end_match.start()] != "\n" else (
        end_match.start() if end_match else len(text))
    while start < first and text[start].isspace():
        start += 1
    return {"text": text[start:end], "start": start, "end": end}
