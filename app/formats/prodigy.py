"""Prodigy JSONL: ner / spans tasks and relations tasks, one task a line.

Reading. A task needs "text"; "spans" (start, end, label; token_start/token_end
are not needed) and "relations" are optional. The answer sets the status of
its spans and relations: "accept" -> accepted, "reject" -> rejected, no answer
-> suggested. A task answered "ignore" is skipped: it is returned nowhere. A
span or relation with an "answer" of its own (binary decisions merged into one
task carry them) takes its status from that instead ("ignore" there: not
decided, suggested); a "status" key wins over both.

Who: a span's "annotator", else the task's "_annotator_id", else its
"_session_id" (Prodigy's multi-annotator sessions name each person's tasks so;
several people's tasks on one text become one article, each person's
annotations in their own layer).
A span's "text", when given, must match the task text at its offsets. Offsets
count code points of the text as given; a text with CRLF line ends is normalised
and its offsets moved to match.

A relation {head, child, head_span, child_span, label} becomes FrameData(type=label,
roles={"head": [k], "child": [k]}). Its head_span and child_span name their
spans by offsets and label; one not among "spans" is added as a span.

"meta": "title", "source", "id", "url" and "published" fill the article;
"frames" holds frames of other shapes (below); "article_meta" is the article's
own meta; any other key is kept in the article meta too. _input_hash and
_task_hash are not kept.

Writing: one task per document with "text", spaCy blank-English "tokens" (cut at
span boundaries, so every span has token_start/token_end), "spans" and, per
span, "annotator", "origin", "status" (plus "score", "layer", "meta" and the
span's "attributes", "normalizations", "notes", "fragments" when set), which
Prodigy ignores and reading takes back. A frame of two roles with one span each is a relation
("head" and "child" are its first and second role; other role names go in
"roles": [first, second]; "attributes" and the who-did-what keys ride along).
Every other frame (claims, tariff facts) goes in meta["frames"] as
{"key", "type", "roles": {role: [index into "spans", ...]}, "attributes",
"annotator", "origin", "status"}. "answer" is "reject" when the task has spans
and every one is rejected, else "accept"; each span and relation also has its
own "answer" (accept, reject, or ignore for a suggestion nobody decided). "_annotator_id" and
"_session_id" name the one person behind every annotation of the task, and are
left out when several people (or none) made them. _input_hash is a signed 32-bit CRC of
the text, _task_hash one of the text and the spans, as Prodigy's are signed
32-bit ints.
"""

from __future__ import annotations

import json
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import count
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) quotes text with
from pathlib import Path
from typing import Any

from app.core.articles import ArticleDraft
from app.core.collector import old_objects_frozen
from app.core.documents import AnnotatedDocument, FrameData, SpanData
from app.core.schema import Schema
from app.core.text import first_line
from app.formats.interop import (
    Record,
    SourceText,
    aligned_tokens,
    binary_roles,
    checked,
    frame_from_json,
    frame_json,
    json_records,
    provenance,
    provenance_json,
    relation_fields,
    relation_json,
    source_tokens,
    span_details,
    span_details_json,
)
from app.formats.output import written_whole
from app.formats.registry import Format, declare

_ANSWERS = {"accept": "accepted", "reject": "rejected", None: "suggested"}
# A span's or relation's own answer: "ignore" means nobody decided it.
_ITEM_ANSWERS = _ANSWERS | {"ignore": "suggested"}
_STATUS_ANSWERS = {"accepted": "accept", "rejected": "reject", "suggested": "ignore"}
_WHO_KEYS = ("_annotator_id", "_session_id")
_ROLES = ("head", "child")
_SPAN_KEYS = ("start", "end", "token_start", "token_end", "label")
_PLAIN_SPAN_KEYS = frozenset({*_SPAN_KEYS, "text"})  # a span with no more has no meta, details or who-did-what
_ARTICLE_KEYS = ("title", "source", "id", "url", "published", "frames", "article_meta")
_JSON_BOOLS = {True: "true", False: "false"}


def read_prodigy(path: Path) -> list[AnnotatedDocument]:
    """Read a Prodigy JSONL file; tasks answered "ignore" are left out. InputError at the first problem."""
    return list(iter_prodigy(path))


def iter_prodigy(path: Path) -> Iterator[AnnotatedDocument]:
    """read_prodigy's documents, yielded as each line is read."""
    for record in json_records(Path(path)):
        answer = record.get("answer", str)
        if answer == "ignore":
            continue
        if answer not in _ANSWERS:
            raise record.error(f'"answer" must be accept, reject or ignore, not {answer!r}')
        yield _document(record, _ANSWERS[answer])


def _document(record: Record, status: str) -> AnnotatedDocument:
    source = SourceText(record.require("text", str))
    if not source.text.strip():
        raise record.error('"text" is empty')
    who = next((str(value) for key in _WHO_KEYS if (value := record.get(key, str, int)) is not None), None)

    def decided(item: Record) -> dict[str, Any]:
        """provenance() with the item's own answer and the task's annotator as defaults."""
        answer = item.get("answer", str)
        if answer not in _ITEM_ANSWERS:
            raise item.error(f'"answer" must be accept, reject or ignore, not {answer!r}')
        fields = provenance(item, status if answer is None else _ITEM_ANSWERS[answer])
        return fields | {"annotator": fields["annotator"] or who}

    spans: list[SpanData] = []
    by_place: dict[tuple[Any, Any, str], str] = {}  # raw start, end, label -> key
    plain: list[dict[str, Any]] = []  # decided() of a span of only offsets and a label (most are): one for all

    def add_span(item: Record) -> str:
        start, end = item.data.get("start"), item.data.get("end")
        mapped = source.offsets(start, end, item.error)
        assert isinstance(start, int) and isinstance(end, int)  # source.offsets refused anything else
        label = item.require("label", str)
        given = item.get("text", str)
        if given is not None:
            source.check_text(start, end, given, item.error)
        key = f"s{len(spans)}"
        if _PLAIN_SPAN_KEYS.issuperset(item.data):
            if not plain:
                plain.append(decided(item))
            spans.append(SpanData(key, *mapped, label, **plain[0]))
        else:
            meta = item.get("meta", dict, default={})
            spans.append(SpanData(key, *mapped, label, meta=dict(meta), details=span_details(item, source, *mapped),
                                  **decided(item)))
        by_place.setdefault((start, end, label), key)
        return key

    listed = [add_span(item) for item in record.items("spans")]

    def endpoint(item: Record) -> str:
        place = (item.data.get("start"), item.data.get("end"), item.require("label", str))
        return by_place.get(place) or add_span(item)

    frames: list[FrameData] = []
    for i, item in enumerate(record.items("relations")):
        head = endpoint(item.child(item.require("head_span", dict), "head_span"))
        child = endpoint(item.child(item.require("child_span", dict), "child_span"))
        fields = relation_fields(item, (head, child), _ROLES, status) | decided(item)
        frames.append(FrameData(key=f"r{i}", type=item.require("label", str), **fields))

    meta = record.child(record.get("meta", dict, default={}), "meta")
    frames.extend(_meta_frames(meta, listed, status, who))
    return AnnotatedDocument(_article(record, meta, source.text), spans, frames)


def _meta_frames(meta: Record, listed: list[str], status: str, who: str | None) -> Iterator[FrameData]:
    """The task's meta "frames", whose role fillers are indexes into its "spans" (keys `listed`)."""

    def resolve(index: Any) -> str:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(listed):
            raise meta.error(f"frame role filler {index!r} is not the index of one of the task's spans")
        return listed[index]

    for item in meta.items("frames"):
        frame = frame_from_json(item, resolve, status)
        yield replace(frame, annotator=frame.annotator or who)


def _article(record: Record, meta: Record, text: str) -> ArticleDraft:
    external_id = meta.get("id", str, int)
    extra = {key: value for key, value in meta.data.items() if key not in _ARTICLE_KEYS}
    return ArticleDraft(
        text=text,
        title=(meta.get("title", str) or "").strip() or first_line(text),
        origin=str(record.path),
        line=record.line,
        external_id=None if external_id is None else str(external_id),
        source=meta.get("source", str),
        url=meta.get("url", str),
        published=meta.get("published", str),
        meta=meta.get("article_meta", dict, default={}) | extra,
    )


def write_prodigy(docs: Iterable[AnnotatedDocument], out_path: Path, schema: Schema | None = None) -> None:
    """Write one Prodigy task a line as the documents come (see the module docstring); checks each against
    `schema` if given."""
    with written_whole(Path(out_path)) as out, old_objects_frozen():
        for doc in checked(docs, schema):
            out.write(_task_line(doc))


def _task_line(doc: AnnotatedDocument) -> str:
    """The document's task as a line of JSON, as json.dumps writes it: "text", "tokens", then the rest."""
    text = doc.article.text
    tokens = aligned_tokens(text, doc.spans, tokens=source_tokens(doc.article))
    starts, ends, spaces = zip(*tokens) if tokens else ((), (), ())
    rest = json.dumps(_task(doc, starts, ends), ensure_ascii=False)
    return f'{{"text": {encode_basestring(text)}, "tokens": {_tokens_json(text, starts, ends, spaces)}, {rest[1:]}\n'


def _tokens_json(text: str, starts: tuple[int, ...], ends: tuple[int, ...], spaces: tuple[bool, ...]) -> str:
    """The task's "tokens", most of its bytes, as json.dumps writes them, but formatted as a string per
    token: twice as fast as json.dumps of a dict a token."""
    quoted = encode_basestring
    return "[" + ", ".join([f'{{"text": {quoted(text[start:end])}, "start": {start}, "end": {end}, "id": {i}, '
                            f'"ws": {_JSON_BOOLS[space]}}}'
                            for i, start, end, space in zip(count(), starts, ends, spaces)]) + "]"


def _task(doc: AnnotatedDocument, starts: tuple[int, ...], ends: tuple[int, ...]) -> dict[str, Any]:
    """The task's keys after "text" and "tokens", whose tokens start and end at `starts` and `ends`."""
    text = doc.article.text
    index = {span.key: i for i, span in enumerate(doc.spans)}
    spans = [_span_json(span, bisect_left(starts, span.start), bisect_left(ends, span.end)) for span in doc.spans]
    relations, frames = [], []
    for frame in doc.frames:
        ends_of = binary_roles(frame)
        if ends_of is None:
            frames.append(frame_json(frame, index.__getitem__))
        else:
            relations.append(_relation_json(frame, ends_of, spans, index))
    meta = {
        key: value
        for key, value in (
            ("title", doc.article.title),
            ("source", doc.article.source),
            ("id", doc.article.external_id),
            ("url", doc.article.url),
            ("published", doc.article.published),
            ("frames", frames),
            ("article_meta", doc.article.meta),
        )
        if value
    }
    answer = "reject" if spans and all(span.status == "rejected" for span in doc.spans) else "accept"
    people = {span.annotator for span in doc.spans} | {frame.annotator for frame in doc.frames}
    who = {key: next(iter(people)) for key in _WHO_KEYS} if len(people) == 1 and None not in people else {}
    return {
        "spans": spans,
        "relations": relations,
        "answer": answer,
        "meta": meta,
        "_input_hash": _hash(text),
        "_task_hash": _hash(json.dumps([text, [[s["start"], s["end"], s["label"]] for s in spans]])),
    } | who


def _span_json(span: SpanData, token_start: int, token_end: int) -> dict[str, Any]:
    """The span as a task's span; token_start and token_end are its first and last token's ids."""
    out = {
        "start": span.start,
        "end": span.end,
        "token_start": token_start,
        "token_end": token_end,
        "label": span.label,
        **_answer(span),
        **provenance_json(span),
    }
    if span.details:  # most spans have none
        out.update(span_details_json(span.details))
    if span.meta:
        out["meta"] = span.meta
    return out


def _relation_json(frame: FrameData, ends: tuple[tuple[str, str], tuple[str, str]], spans: list[dict],
                   index: dict[str, int]) -> dict[str, Any]:
    """The frame as a relation between the spans `ends` (binary_roles) names."""
    (_, head), (_, child) = ends
    head_span, child_span = spans[index[head]], spans[index[child]]
    return {
        "head": head_span["token_end"],
        "child": child_span["token_end"],
        "head_span": {key: head_span[key] for key in _SPAN_KEYS},
        "child_span": {key: child_span[key] for key in _SPAN_KEYS},
        "label": frame.type,
    } | _answer(frame) | relation_json(frame, _ROLES)


def _answer(item: SpanData | FrameData) -> dict[str, str]:
    """The span's or relation's own "answer": accept, reject, or ignore for a suggestion nobody decided."""
    return {"answer": _STATUS_ANSWERS[item.status]}


def _hash(text: str) -> int:
    """A stable signed 32-bit hash, like Prodigy's."""
    value = zlib.crc32(text.encode("utf-8"))
    return value - (1 << 32) if value >= 1 << 31 else value


PRODIGY = declare(Format(
    "prodigy", "Prodigy JSONL", (".jsonl",), "documents",
    frozenset({"spans", "frames", "status", "annotators", "details", "overlaps"}), reader=iter_prodigy,
    writer=write_prodigy,
    about="prodigy: one ner/spans task a line, two-role frames as relations, other frames in the task's meta."))
