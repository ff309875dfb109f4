"""doccano exports: JSON Lines (or pretty-printed JSON documents) of texts and their labels.

Reading accepts, in any record, any of:

- "label" or "labels": [[start, end, "LABEL"], ...] spans; or ["LABEL", ...],
  document-level (text-classification) labels, kept in article meta["doc_labels"];
- "entities": [{"id", "start_offset", "end_offset", "label"}] with "relations":
  [{"id", "from_id", "to_id", "type"}] -> FrameData(type, roles={"from": [k], "to": [k]});
  a relation's "id" may be left out, as doccano's own example does; an entity's
  "attributes", "normalizations", "notes" and "fragments" are the span's details;
- "annotations" (doccano 1.x): [{"label", "start_offset", "end_offset", "user"}]
  -> spans whose annotator is the user (as a string); an annotation without
  offsets is a document-level label.

Labels may be names or doccano's numeric label ids (kept as strings). "id" is the
external id; "meta" fills the article (its "title", "source", "url" and
"published"; the rest stays in meta); a non-null "annotation_approver" is kept in
meta. Offsets count code points of the text as given; a text with CRLF line
ends is normalised and its offsets moved to match. A file that is not JSON
Lines may hold pretty-printed JSON objects (or arrays of them), as doccano's
relation example does.

Writing follows the rules of doccano's own import (backend/data_import in
doccano/doccano; tests/test_doccano_conformance.py checks them): doccano reads
JSONL with pandas, so every line has the same keys (a key missing from some
lines becomes NaN, which doccano cannot store in an example's meta); every key
but the text and the label columns becomes the example's meta; a span is
[start, end, "LABEL"] or {"start_offset", "end_offset", "label"} with start <
end; a relation's from_id and to_id are entity ids, whole numbers.

- write_doccano, the relation export (a doccano relation-extraction project):
  {"id", "text", "entities", "relations", "frames", "label", "meta"} on every line.
  Entities and relations carry "annotator", "origin" and "status" (and "score",
  "layer", "meta", the span's details when set); a relation's roles other than
  from/to go in "roles": [first, second]. Frames of other shapes go in "frames" as
  {"key", "type", "roles": {role: [entity id, ...]}, "attributes", who-did-what};
  document labels in "label"; article fields in "meta".
- write_doccano_spans, the sequence-labelling export (a doccano sequence-labelling
  project): {"id", "text", "label": [[start, end, "LABEL"], ...], "meta"} on
  every line; document labels in meta "doc_labels". It holds spans only: frames
  need the relation export.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, FrameData, SpanData
from app.core.schema import Schema
from app.core.text import first_line
from app.formats.interop import (
    Record,
    SourceText,
    binary_roles,
    checked,
    frame_from_json,
    frame_json,
    json_records,
    provenance,
    provenance_json,
    relation_fields,
    relation_json,
    span_details,
    span_details_json,
    write_json_lines,
)
from app.formats.registry import Format, declare

_ROLES = ("from", "to")
_ARTICLE_KEYS = ("title", "source", "url", "published")


def read_doccano(path: Path) -> list[AnnotatedDocument]:
    """Read a doccano export; raises InputError naming the line at the first problem."""
    return list(iter_doccano(path))


def iter_doccano(path: Path) -> Iterator[AnnotatedDocument]:
    """read_doccano's documents, yielded as each line (or, in a file of whole JSON documents, each one) is read."""
    return (_document(record) for record in json_records(Path(path), whole_documents=True))


class _Reader:
    """The spans, frames and document labels of one record."""

    def __init__(self, record: Record):
        self.record = record
        self.source = SourceText(record.require("text", str))
        if not self.source.text.strip():
            raise record.error('"text" is empty')
        self.spans: list[SpanData] = []
        self.entity_keys: dict[Any, str] = {}  # entity id -> span key
        self.doc_labels: list[str] = []

    def span(self, item: Record, start: Any, end: Any, label: Any, annotator: Any = None) -> str:
        if isinstance(label, bool) or not isinstance(label, (str, int)):
            raise item.error(f"a label must be a string or a label id, not {label!r}")
        fields = provenance(item, "accepted")
        if annotator is not None:
            fields["annotator"] = str(annotator)
        key = f"s{len(self.spans)}"
        start, end = self.source.offsets(start, end, item.error)
        meta = dict(item.get("meta", dict, default={}))
        details = span_details(item, self.source, start, end)
        self.spans.append(SpanData(key, start, end, str(label), meta=meta, details=details, **fields))
        return key

    def label_list(self, key: str) -> None:
        for i, item in enumerate(self.record.get(key, list, default=[])):
            where = self.record.child({}, f"{key}[{i}]")
            if isinstance(item, str):
                self.doc_labels.append(item)
            elif isinstance(item, list) and len(item) == 3:
                self.span(where, *item)
            else:
                raise where.error('expected [start, end, "LABEL"] or a document label')

    def entities(self) -> None:
        for item in self.record.items("entities"):
            entity_id = item.require("id", int, str)
            if entity_id in self.entity_keys:
                raise item.error(f"entity id {entity_id!r} is used twice")
            start, end = item.data.get("start_offset"), item.data.get("end_offset")
            self.entity_keys[entity_id] = self.span(item, start, end, item.data.get("label"))

    def annotations(self) -> None:
        for item in self.record.items("annotations"):
            label = item.data.get("label")
            if "start_offset" in item.data or "end_offset" in item.data:
                start, end = item.data.get("start_offset"), item.data.get("end_offset")
                self.span(item, start, end, label, item.get("user", int, str))
            elif isinstance(label, (str, int)) and not isinstance(label, bool):
                self.doc_labels.append(str(label))
            else:
                raise item.error(f"a label must be a string or a label id, not {label!r}")

    def resolve(self, entity_id: Any, where: Record) -> str:
        if entity_id not in self.entity_keys:
            raise where.error(f"{entity_id!r} is not the id of one of the record's entities")
        return self.entity_keys[entity_id]

    def frames(self) -> list[FrameData]:
        frames = []
        for i, item in enumerate(self.record.items("relations")):
            ends = (self.resolve(item.data.get("from_id"), item), self.resolve(item.data.get("to_id"), item))
            fields = relation_fields(item, ends, _ROLES, "accepted")
            key = f"r{item.get('id', int, str, default=f'#{i}')}"
            frames.append(FrameData(key=key, type=item.require("type", str), **fields))
        for item in self.record.items("frames"):
            frames.append(frame_from_json(item, functools.partial(self.resolve, where=item), "accepted"))
        return frames


def _document(record: Record) -> AnnotatedDocument:
    reader = _Reader(record)
    reader.label_list("label")
    reader.label_list("labels")
    reader.entities()
    reader.annotations()
    frames = reader.frames()
    meta = record.child(record.get("meta", dict, default={}), "meta")
    text = reader.source.text
    extra = {key: value for key, value in meta.data.items() if key not in _ARTICLE_KEYS}
    if record.data.get("annotation_approver") is not None:
        extra["annotation_approver"] = record.data["annotation_approver"]
    if reader.doc_labels:
        extra["doc_labels"] = reader.doc_labels
    external_id = record.get("id", str, int)
    article = ArticleDraft(
        text=text,
        title=(meta.get("title", str) or "").strip() or first_line(text),
        origin=str(record.path),
        line=record.line,
        external_id=None if external_id is None else str(external_id),
        source=meta.get("source", str),
        url=meta.get("url", str),
        published=meta.get("published", str),
        meta=extra,
    )
    return AnnotatedDocument(article, reader.spans, frames)


def write_doccano(docs: Iterable[AnnotatedDocument], out_path: Path, schema: Schema | None = None) -> None:
    """The relation export, one record a line as the documents come (see the module docstring); checks each
    against `schema`."""
    write_json_lines(Path(out_path), (_record(n, doc) for n, doc in enumerate(checked(docs, schema), start=1)))


def write_doccano_spans(docs: Iterable[AnnotatedDocument], out_path: Path, schema: Schema | None = None) -> None:
    """The sequence-labelling export, one record a line as the documents come (see the module docstring)."""
    write_json_lines(Path(out_path), (_spans_record(n, doc) for n, doc in enumerate(checked(docs, schema), start=1)))


def _spans_record(n: int, doc: AnnotatedDocument) -> dict[str, Any]:
    spans = [[span.start, span.end, span.label] for span in doc.spans]
    meta = _meta(doc) | ({"doc_labels": doc.article.meta["doc_labels"]} if doc.article.meta.get("doc_labels") else {})
    return {"id": _id(n, doc), "text": doc.article.text, "label": spans, "meta": meta}


def _id(n: int, doc: AnnotatedDocument) -> str:
    return doc.article.external_id if doc.article.external_id is not None else str(n)


def _meta(doc: AnnotatedDocument) -> dict[str, Any]:
    """The article's fields and meta, document labels left out."""
    article = doc.article
    fields = {"title": article.title, "source": article.source, "url": article.url, "published": article.published}
    meta = {key: value for key, value in fields.items() if value}
    return meta | {key: value for key, value in article.meta.items() if key != "doc_labels"}


def _record(n: int, doc: AnnotatedDocument) -> dict[str, Any]:
    ids = {span.key: i for i, span in enumerate(doc.spans)}
    entities = []
    for span in doc.spans:
        entity = {"id": ids[span.key], "start_offset": span.start, "end_offset": span.end, "label": span.label}
        entity |= provenance_json(span) | ({"meta": span.meta} if span.meta else {}) | span_details_json(span.details)
        entities.append(entity)
    relations: list[dict[str, Any]] = []
    frames: list[dict[str, Any]] = []
    for frame in doc.frames:
        pair = binary_roles(frame)
        if pair is None:
            frames.append(frame_json(frame, ids.__getitem__))
            continue
        (_, a), (_, b) = pair
        relation = {"id": len(relations), "from_id": ids[a], "to_id": ids[b], "type": frame.type}
        relations.append(relation | relation_json(frame, _ROLES))
    return {"id": _id(n, doc), "text": doc.article.text, "entities": entities, "relations": relations,
            "frames": frames, "label": list(doc.article.meta.get("doc_labels", [])), "meta": _meta(doc)}


DOCCANO = declare(Format(
    "doccano", "doccano JSONL", (".jsonl", ".json"), "documents",
    frozenset({"spans", "frames", "status", "annotators", "details", "overlaps"}),
    reader=iter_doccano, writer=write_doccano,
    about="doccano: a relation-extraction project's JSONL (entities, relations, frames of other shapes)."))
DOCCANO_SPANS = declare(Format(
    "doccano-spans", "doccano sequence-labelling JSONL", (".jsonl",), "documents", frozenset({"spans", "overlaps"}),
    why_not={"status": "doccano's sequence-labelling spans carry no status",
             "frames": "a doccano sequence-labelling file holds spans only"},
    writer=write_doccano_spans,
    about="doccano-spans: a sequence-labelling project's JSONL, [start, end, label] spans only."))
