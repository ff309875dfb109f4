"""Annotated documents in and out of a project: the bridge between interchange formats and the store.

Import is all or nothing. Labels, frame types, roles and attribute values the
project's schema lacks are handled by one policy: "fail" (the default: an error
naming the file and line), "skip" (leave those annotations out) or "add" (grow the
schema with new labels and frame types, stored with the project). Articles already
in the project (same text) get the imported annotations; an annotation the article
already has (same boundaries, label and layer) is not added twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from app.core.annotations import FrameRecord, SpanRecord
from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, FrameData, is_tool_attribute
from app.core.errors import InputError, ValidationError
from app.core.schema import Schema
from app.core.schema_additions import extend_schema
from app.core.vocabulary import POLICIES
from app.store.engine import shown_location

if TYPE_CHECKING:  # the project comes from the caller: importing this module needs no SQLAlchemy ORM
    from app.core.project import Project


@dataclass
class ImportSummary:
    articles_added: int = 0
    articles_existing: int = 0
    spans: int = 0
    frames: int = 0
    skipped: list[str] = field(default_factory=list)  # what the reader or the skip policy left out, and why
    labels_added: list[str] = field(default_factory=list)
    frames_added: list[str] = field(default_factory=list)


def describe_import(summary: ImportSummary) -> list[str]:
    """The summary for people: a headline, the schema's growth, then each thing skipped."""
    lines = [f"{_count(summary.articles_added, 'article')} added, {summary.articles_existing} already present; "
             f"{_count(summary.spans, 'span')} and {_count(summary.frames, 'frame')} added"
             + (f"; {len(summary.skipped)} skipped" if summary.skipped else "")]
    if summary.labels_added or summary.frames_added:
        lines.append(f"schema grew: labels {', '.join(summary.labels_added) or '-'}; "
                     f"frame types {', '.join(summary.frames_added) or '-'}")
    return lines + [f"skipped   {s}" for s in summary.skipped]


def import_documents(project: Project, docs: Iterable[AnnotatedDocument], unknown: str = "fail") -> ImportSummary:
    """Check the documents against the project's schema and add them, in one transaction.

    They are checked and written as they come, a batch at a time (Project.add_documents), so an
    import holds one batch in memory. With unknown="add", `docs` is gone through twice (first for
    what the schema must grow by): it must then be a sequence, or an iterable that reads afresh.
    """
    if unknown not in POLICIES:
        raise ValidationError(f"unknown-label policy must be one of {', '.join(POLICIES)}, not {unknown!r}")
    summary = ImportSummary()
    schema = project.schema
    if unknown == "add":
        schema = _grown(schema, docs, summary)

    def checked() -> Iterator[AnnotatedDocument]:
        for doc in docs:  # what the readers could not represent, and what a span carries that a project cannot
            path, line = _where(doc)
            where = f"{path}{'' if line is None else f':{line}'}"
            summary.skipped += [f"{where}: {item}" for item in doc.skipped]
            summary.skipped += [f"{where}: span {span.key} ({span.label}): its meta ({', '.join(sorted(span.meta))}) "
                                "is not kept" for span in doc.spans if span.meta]
            yield _checked(schema, doc, unknown, summary)

    summary.spans, summary.frames, summary.articles_added, summary.articles_existing = project.add_documents(
        checked(), schema if schema is not project.schema else None)
    return summary


def _where(doc: AnnotatedDocument) -> tuple[str, int | None]:
    return doc.article.origin, doc.article.line


def _checked(schema: Schema, doc: AnnotatedDocument, unknown: str, summary: ImportSummary) -> AnnotatedDocument:
    """The document with what the schema cannot hold refused (fail) or left out (skip)."""
    path, line = _where(doc)

    def refuse(message: str) -> None:
        if unknown == "skip":
            summary.skipped.append(f"{path}{'' if line is None else f':{line}'}: {message}")
        else:
            raise InputError(path, f"{message}; the project's schema lacks it "
                                   "(choose --unknown-labels add or skip)", line=line)

    spans = []
    for span in doc.spans:
        if span.label in schema.labels:
            spans.append(span)
        else:
            refuse(f"label {span.label!r}")
    labels = {s.key: s.label for s in spans}
    frames = []
    for frame in doc.frames:
        ftype = schema.frames.get(frame.type)
        if ftype is None:
            refuse(f"frame type {frame.type!r}")
            continue
        problem = _frame_problem(ftype, frame, labels)
        if problem:
            refuse(problem)
            continue
        frames.append(frame)
    return replace(doc, spans=spans, frames=frames)


def _frame_problem(ftype, frame: FrameData, labels: dict[str, str]) -> str | None:
    for role, keys in frame.roles.items():
        if role not in ftype.roles:
            return f"role {role!r} of frame type {frame.type!r}"
        for key in keys:
            if key not in labels:
                return f"a {frame.type} whose {role} is a span left out"
            if labels[key] not in ftype.roles[role].labels:
                return f"a {labels[key]} span as {frame.type}.{role}"
    for name, value in frame.attributes.items():
        if is_tool_attribute(name):
            continue
        if name not in ftype.attributes or value not in ftype.attributes[name].values:
            return f"attribute {name}={value!r} of frame type {frame.type!r}"
    return None


def _grown(schema: Schema, docs: Iterable[AnnotatedDocument], summary: ImportSummary) -> Schema:
    """The schema with every new label and frame type the documents use."""
    labels: dict[str, None] = {}
    frames: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    attributes: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    origins: set[str] = set()
    for doc in docs:
        origins.add(doc.article.origin)
        by_key = {s.key: s.label for s in doc.spans}
        for span in doc.spans:
            if span.label not in schema.labels:
                labels.setdefault(span.label)
        for frame in doc.frames:
            if frame.type in schema.frames:
                continue
            for role, keys in frame.roles.items():
                frames[frame.type][role].extend(by_key[k] for k in keys if k in by_key)
            for name, value in frame.attributes.items():
                if not is_tool_attribute(name):
                    attributes[frame.type][name].append(value)
    for ftype, roles in frames.items():
        for role, role_labels in roles.items():
            if not role_labels:
                raise ValidationError(f"frame type {ftype!r}: role {role!r} is never filled; cannot add it")
    if not labels and not frames:
        return schema
    summary.labels_added = list(labels)
    summary.frames_added = list(frames)
    origin = ", ".join(sorted(origins))[:200]
    return extend_schema(schema, list(labels), frames, attributes, origin)


# ----------------------------------------------------------------------- export


@dataclass(frozen=True)
class Selection:
    """Which annotations an export holds. None means no restriction."""

    statuses: frozenset[str] = frozenset({"accepted"})
    annotators: frozenset[str] | None = None
    labels: frozenset[str] | None = None
    layers: frozenset[str] | None = None
    article_ids: frozenset[int] | None = None


@dataclass
class ExportSummary:
    """What an export wrote, counted as it is in the file, and what it left out, counted by reason."""

    format: str
    target: str
    articles: int = 0
    spans: int = 0
    frames: int = 0
    files: dict[str, int] = field(default_factory=dict)  # a split export: file -> articles in it
    rows: int = 0  # a table's rows, where a row is not one frame (facts-csv: one per fact and product)
    # (span|frame, reason) -> how many: what the selection's filters left out, and what else was left out
    filtered: Counter[tuple[str, str]] = field(default_factory=Counter)
    left_out: Counter[tuple[str, str]] = field(default_factory=Counter)

    def leave_out(self, what: str, reason: str, count: int = 1) -> None:
        if count:
            self.left_out[(what, reason)] += count


def describe_export(summary: ExportSummary) -> list[str]:
    """The summary for people: what the file holds, what else was left out, then what the filters left out."""
    where = "" if summary.target == "-" else f" to {summary.target}"
    files = ", ".join(f"{n} in {name}" for name, n in summary.files.items()) if len(summary.files) > 1 else ""
    rows = f" in {_count(summary.rows, 'row')}" if summary.rows else ""
    lines = [f"wrote {_count(summary.articles, 'article')}{f' ({files})' if files else ''}, "
             f"{_count(summary.spans, 'span')}, {_count(summary.frames, 'frame')}{rows}{where}"]
    for label, counter in (("left out", summary.left_out), ("filtered out", summary.filtered)):
        for (what, reason), n in sorted(counter.items(), key=lambda item: (item[0][0] != "span", -item[1])):
            lines.append(f"{label} {_count(n, what)}: {reason}")
    return lines


def either(words: list[str]) -> str:
    """"a or b", "a, b or c": the words as alternatives."""
    return " or ".join(words) if len(words) < 3 else f"{', '.join(words[:-1])} or {words[-1]}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def documents(project: Project, selection: Selection = Selection(),
              summary: ExportSummary | None = None) -> Iterator[AnnotatedDocument]:
    """The project's articles as annotated documents, one at a time, with the selected annotations.

    A frame is kept only with every one of its fillers (a frame without some of
    them would say less than the annotator did). What is left out, and why, is
    counted in `summary` if given: by the selection's filters, or otherwise.
    """
    origin = shown_location(project.url)
    summary = summary if summary is not None else ExportSummary("", "")
    for article, spans, frames in project.exported(selection.article_ids):
        why_not = {s.key: _why_not(s.status, s.annotator, s.layer, s.label, selection) for s in spans}
        summary.filtered.update(("span", reason) for reason in why_not.values() if reason)
        chosen = []
        for frame in frames:
            if reason := _why_not(*_who_and_where(frame), None, selection):
                summary.filtered[("frame", reason)] += 1
            elif reason := _missing_fillers(frame, why_not):
                summary.leave_out("frame", reason)
            else:
                chosen.append(frame)
        draft = ArticleDraft(text=article.text, title=article.title, origin=origin,
                             external_id=article.external_id or str(article.id), source=article.source,
                             url=article.url, published=article.published, meta=dict(article.meta))
        kept = [s for s in spans if why_not[s.key] is None]
        yield AnnotatedDocument(draft, kept, [_frame_data(f, why_not) for f in chosen])


def selected(item: SpanRecord | FrameRecord, selection: Selection) -> bool:
    """Whether a span or frame passes the selection's status, annotator and layer filters."""
    return _why_not(*_who_and_where(item), None, selection) is None


def _who_and_where(item: SpanRecord | FrameRecord) -> tuple[str, str | None, str]:
    """The status, person (the reviewer, else the annotator) and layer that a selection filters by."""
    return item.status, item.reviewed_by or item.annotator, item.layer


def _why_not(status: str, who: str | None, layer: str | None, label: str | None, selection: Selection
             ) -> str | None:
    """Why the selection leaves out a span or frame of `status`, by `who`, in `layer` (a span: of `label`;
    None: it is in)."""
    if status not in selection.statuses:
        return f"status is {status}"
    if selection.annotators is not None and who not in selection.annotators:
        return "another annotator"
    if selection.layers is not None and layer not in selection.layers:
        return "another layer"
    if label is not None and selection.labels is not None and label not in selection.labels:
        return "another label"
    return None


def _missing_fillers(frame: FrameRecord, why_not: dict[str, str | None]) -> str | None:
    """Why a selected frame cannot be written whole: it has no fillers, or some are filtered out."""
    if not frame.slots:
        return "it has no role fillers"
    reasons = sorted({why_not.get(f"T{slot.span_id}") or "" for slot in frame.slots} - {""})
    return f"some of its fillers are filtered out ({'; '.join(reasons)})" if reasons else None


def _frame_data(frame: FrameRecord, why_not: dict[str, str | None]) -> FrameData:
    roles: dict[str, list[str]] = {}
    for slot in sorted(frame.slots, key=lambda s: (s.role, s.position)):
        key = f"T{slot.span_id}"
        if key in why_not and why_not[key] is None:
            roles.setdefault(slot.role, []).append(key)
    return FrameData(key=f"F{frame.id}", type=frame.type, roles=roles, attributes=dict(frame.attributes),
                     annotator=frame.reviewed_by or frame.annotator, origin=frame.origin, status=frame.status,
                     score=frame.score, layer=frame.layer)
