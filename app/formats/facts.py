"""Tariff facts and claims as JSON lines (one object per frame, each role as text with
offsets; a tariff fact also with its normalised values), and tariff facts as a CSV
table, one row per fact and product, for pandas or a spreadsheet."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from typing import Any, TextIO

from app.core.annotations import FrameRecord, SpanRecord
from app.core.interchange import Selection, selected
from app.core.normalise import fact_values, split_rate
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
    for _article, record in _records(project, fmt, selection):
        yield record


def _records(project: Project, fmt: str, selection: Selection) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(article, record) for each selected frame of the format's type."""
    frame_type, roles, (id_key, attribute) = LAYOUTS[fmt]
    for article, fillers, all_frames in project.framed(frame_type, selection.article_ids):
        frames = [f for f in all_frames if selected(f, selection)]
        if not frames:
            continue
        text = article.text
        spans = {s.id: s for s in fillers}
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
            if frame_type == "tariff_fact":
                record["normalised"] = _normalised(frame, spans, text, article.published)
            yield article, record


def _normalised(frame: FrameRecord, spans: dict[int, SpanRecord], text: str, published: str | None) -> dict:
    """A tariff fact's codes, rate and date: those stored with it, else read off its fillers."""
    roles = {role: [text[spans[i].start:spans[i].end] for i in frame.role(role) if i in spans]
             for role in ("imposer", "target", "product", "rate", "date")}
    values = fact_values(roles, published, frame.attributes)
    rate = split_rate(values.rate) if values.rate else None
    return {"imposer": list(values.imposer), "target": list(values.target),
            "products": [code or None for _, code in values.products],
            "rate": {"value": rate[0], "unit": rate[1]} if rate else None, "date": values.date}


CSV_COLUMNS = ("article", "source", "published", "fact", "action", "imposer_code", "imposer", "target_code",
               "target", "hs_code", "product", "rate_value", "rate_unit", "date", "evidence_start", "evidence_end",
               "status", "annotator")


def write_facts_csv(project: Project, out: TextIO, selection: Selection = Selection()) -> tuple[int, int, int]:
    """Tariff facts as CSV rows (CSV_COLUMNS), one per fact and product (one with no product
    if it has none); several targets are joined with ";". Returns the articles, facts and rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = facts = 0
    articles = set()
    for article, record in _records(project, "facts-jsonl", selection):
        facts += 1
        articles.add(record["article"])
        codes = record["normalised"]
        products = list(zip(record["products"], codes["products"])) or [(None, None)]
        rate = codes["rate"] or {}
        evidence = record["evidence"] or {}
        for product, hs in products:
            writer.writerow([
                record["article"], article.source or "", article.published or "", record["fact"], record["action"],
                ";".join(codes["imposer"]), _text(record["imposer"]), ";".join(codes["target"]),
                _text(record["target"]), hs or "", _text(product), _number(rate.get("value")), rate.get("unit", ""),
                codes["date"] or "", evidence.get("start", ""), evidence.get("end", ""), record["status"],
                record["annotator"] or "",
            ])
            rows += 1
    return len(articles), facts, rows


def _text(role: dict | None) -> str:
    return role["text"] if role else ""


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


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
