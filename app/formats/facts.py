"""Tariff facts and claims as JSON lines (one object per frame, each role as text with
offsets; a tariff fact also with its normalised values), and tariff facts as a CSV
table, one row per fact and product, for pandas or a spreadsheet.

The writers take the frames to write with their articles and fillers, as
(article, fillers, frames) of one frame type, already selected (core.fact_export
reads them from a project), and a stream; each returns the articles, frames and
rows it wrote.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from app.core.annotations import FrameRecord, SpanRecord
from app.core.articles import ArticleRecord
from app.core.normalise import fact_values, split_rate
from app.formats.registry import Format, declare

Framed = tuple[ArticleRecord, list[SpanRecord], list[FrameRecord]]
# How each frame type's roles appear in a record: (role, key in the record, several fillers as a list?),
# and the record's keys for the frame's id and its one attribute.
LAYOUTS = {
    "tariff_fact": ([("imposer", "imposer", False), ("target", "target", False), ("product", "products", True),
                     ("rate", "rate", False), ("date", "date", False)], ("fact", "action")),
    "claim": ([("claimant", "claimant", False), ("cue", "cue", False), ("content", "content", False)],
              ("claim", "stance")),
}
SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def frame_records(framed: Iterable[Framed]) -> Iterator[tuple[ArticleRecord, dict[str, Any]]]:
    """(article, record) for each frame given."""
    for article, fillers, frames in framed:
        text = article.text
        spans = {s.id: s for s in fillers}
        for frame in frames:
            roles, (id_key, attribute) = LAYOUTS[frame.type]
            record: dict[str, Any] = {"article": article.external_id or article.id, id_key: frame.id,
                                      attribute: frame.attributes.get(attribute)}
            for role, key, several in roles:
                filled = [_role(text, spans[i]) for i in frame.role(role) if i in spans]
                record[key] = filled if several else (filled[0] if filled else None)
            used = [spans[i] for slot in frame.slots for i in [slot.span_id] if i in spans]
            record["evidence"] = _evidence(text, used)
            record["status"] = frame.status
            record["origin"] = frame.origin
            record["annotator"] = _who(frame)
            if frame.type == "tariff_fact":
                record["normalised"] = _normalised(frame, spans, text, article.published)
            yield article, record


def write_frame_lines(framed: Iterable[Framed], out: TextIO) -> tuple[int, int, int]:
    """One JSON object a line per frame; returns the articles and frames written (and no rows)."""
    articles, frames = set(), 0
    for _article, record in frame_records(framed):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        articles.add(record["article"])
        frames += 1
    return len(articles), frames, 0


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


def write_facts_csv(framed: Iterable[Framed], out: TextIO) -> tuple[int, int, int]:
    """Tariff facts as CSV rows (CSV_COLUMNS), one per fact and product (one with no product
    if it has none); several targets are joined with ";". Returns the articles, facts and rows written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = facts = 0
    articles = set()
    for article, record in frame_records(framed):
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


_ABOUT = ("one JSON object per {what} ({fields}), each role as {{\"text\", \"start\", \"end\"}} or null, "
          "with its evidence sentence, status, origin and annotator")
FACTS_JSONL = declare(Format(
    "facts-jsonl", "Tariff facts JSONL", (".jsonl",), "frames", frozenset({"frames", "status", "annotators"}),
    stdout=True, frame_type="tariff_fact", writer=write_frame_lines,
    about="facts-jsonl: " + _ABOUT.format(what="tariff fact", fields="imposer, target, products, rate, date")
          + " and its normalised codes, rate and date."))
FACTS_CSV = declare(Format(
    "facts-csv", "Tariff facts CSV, one row per fact and product", (".csv",), "frames",
    frozenset({"frames", "status", "annotators"}), stdout=True, frame_type="tariff_fact", writer=write_facts_csv,
    about="facts-csv: the tariff facts as a table, one row per fact and product."))
CLAIMS_JSONL = declare(Format(
    "claims-jsonl", "Claims JSONL", (".jsonl",), "frames", frozenset({"frames", "status", "annotators"}),
    stdout=True, frame_type="claim", writer=write_frame_lines,
    about="claims-jsonl: " + _ABOUT.format(what="claim", fields="claimant, cue, content, stance") + "."))
