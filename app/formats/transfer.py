"""Import and export by format name: one place that the command line and the app both call.

Both return typed summaries (core.interchange's ImportSummary and ExportSummary),
which describe_import and describe_export turn into lines for people. An export
counts what is in the file, and counts by reason what it left out.

Long transfers report progress through a callback, which returns False to stop;
an import is one transaction, which a stop rolls back, so it stays all or nothing.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from app.core.documents import AnnotatedDocument
from app.core.errors import NewsGlossError, ValidationError
from app.core.interchange import ExportSummary, ImportSummary, Selection, documents, import_documents
from app.core.project import Project
from app.formats.decoding import Encodings
from app.formats.facts import LAYOUTS, frame_records, write_facts_csv
from app.formats.native import read_native, write_native
from app.formats.output import written_whole
from app.formats.registry import READERS, WRITERS, resolve
from app.formats.selection import non_overlapping

Progress = Callable[[int, int], bool]

# Formats whose files cannot say whether an annotation was accepted, suggested or rejected,
# and so take one status at a time: what their spans are, in words.
_ONE_STATUS = {"conll": "CoNLL tags", "docbin": "spaCy's doc.ents and doc.spans",
               "doccano-spans": "doccano's sequence-labelling spans"}
# The formats that keep a span's details (attributes, normalizations, notes, fragments).
_WITH_SPAN_DETAILS = ("brat", "doccano")
# What formats holding spans only say of the frames they leave out.
_SPANS_ONLY = {"conll": "CoNLL holds entities only", "docbin": "a DocBin holds spans only",
               "doccano-spans": "a doccano sequence-labelling file holds spans only"}


class Cancelled(NewsGlossError):
    """The person stopped a transfer."""


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise Cancelled(f"stopped after {done} of {total}; nothing was imported" if done < total else "stopped")


def import_paths(project: Project, fmt: str, paths: Sequence[Path], *, unknown: str = "fail",
                 title: str | None = None, encodings: Encodings | None = None,
                 progress: Progress | None = None) -> ImportSummary:
    """Import files of one format; returns what was added and what was left out.

    `encodings` says which encoding a person chose for a file (articles and CoNLL
    only: the other formats are UTF-8); a file whose encoding is uncertain
    otherwise raises decoding.EncodingUncertain.
    """
    if encodings is not None and fmt not in ("articles", "conll"):
        raise ValidationError(f"an encoding can be chosen for articles and conll files; {fmt} files are UTF-8")
    if fmt == "articles":
        report = project.import_files(paths, title=title, encodings=encodings)
        return ImportSummary(articles_added=len(report.added), articles_existing=len(report.duplicates),
                             skipped=list(report.skipped))
    if title is not None:
        raise ValidationError("--title is for plain articles only")
    if fmt == "native":
        if len(paths) != 1:
            raise ValidationError("a native import takes one file")
        dumped = read_native(Path(paths[0]))
        project.restore(dumped, source=str(paths[0]))
        return ImportSummary(articles_added=len(dumped["article"]), spans=len(dumped["span"]),
                             frames=len(dumped["frame"]))
    return import_documents(project, _Documents(fmt, [Path(p) for p in paths], encodings, progress), unknown)


class _Documents:
    """The documents of files of one format, read as they are gone through, and afresh each time
    (an import that grows the schema goes through them twice); progress is reported per file."""

    def __init__(self, fmt: str, paths: list[Path], encodings: Encodings | None, progress: Progress | None):
        self.reader = resolve(READERS[fmt])
        self.paths, self.encodings, self.progress = paths, encodings, progress

    def __iter__(self) -> Iterator[AnnotatedDocument]:
        for done, path in enumerate(self.paths):
            _report(self.progress, done, len(self.paths))
            yield from (self.reader(path, self.encodings(path)) if self.encodings is not None else self.reader(path))
        _report(self.progress, len(self.paths), len(self.paths))


def describe_import(summary: ImportSummary) -> list[str]:
    """The summary for people: a headline, the schema's growth, then each thing skipped."""
    lines = [f"{_count(summary.articles_added, 'article')} added, {summary.articles_existing} already present; "
             f"{_count(summary.spans, 'span')} and {_count(summary.frames, 'frame')} added"
             + (f"; {len(summary.skipped)} skipped" if summary.skipped else "")]
    if summary.labels_added or summary.frames_added:
        lines.append(f"schema grew: labels {', '.join(summary.labels_added) or '-'}; "
                     f"frame types {', '.join(summary.frames_added) or '-'}")
    return lines + [f"skipped   {s}" for s in summary.skipped]


def export_path(project: Project, fmt: str, out: Path | str, selection: Selection = Selection(), *,
                dev_fraction: float = 0.0, progress: Progress | None = None) -> ExportSummary:
    """Export to a file or folder ("-" writes JSON lines to standard output); returns what was written."""
    summary = ExportSummary(fmt, str(out))
    if fmt == "native":
        if selection != Selection():
            raise ValidationError("a native export is the whole project: status, annotator, label, layer and "
                                  "article filters do not apply to it (choose another format to filter)")
        counts = write_native(project, Path(out))
        summary.articles, summary.spans, summary.frames = counts["article"], counts["span"], counts["frame"]
        return summary
    if fmt == "facts-csv":
        with _output(out) as file:
            summary.articles, summary.frames, summary.rows = write_facts_csv(project, file, selection)
        return summary
    if fmt in LAYOUTS:
        articles = set()
        with _output(out) as file:
            for record in frame_records(project, fmt, selection):
                file.write(json.dumps(record, ensure_ascii=False) + "\n")
                articles.add(record["article"])
                summary.frames += 1
        summary.articles = len(articles)
        return summary
    if fmt in _ONE_STATUS and len(selection.statuses) > 1:
        raise ValidationError(
            f"{fmt} cannot say whether an annotation is {_either(sorted(selection.statuses))}: "
            f"{_ONE_STATUS[fmt]} carry no status. Export one status at a time (e.g. --status accepted), "
            "or choose prodigy, brat or doccano, which keep each annotation's status")
    wanted = [i for i in project.article_ids() if selection.article_ids is None or i in selection.article_ids]

    def carried() -> Iterator[AnnotatedDocument]:
        """The documents one at a time, as the writer takes them, counted and reported as they pass."""
        for done, doc in enumerate(documents(project, selection, summary)):
            _report(progress, done, len(wanted))
            doc = _carried(fmt, doc, summary)
            summary.articles += 1
            summary.spans += len(doc.spans)
            summary.frames += len(doc.frames)
            yield doc
        _report(progress, len(wanted), len(wanted))

    if fmt == "docbin":
        summary.files = resolve(WRITERS["docbin"])(carried(), Path(out), dev_fraction=dev_fraction,
                                                   count=len(wanted))
    else:
        resolve(WRITERS[fmt])(carried(), Path(out), project.schema)
    return summary


@contextlib.contextmanager
def _output(out: Path | str) -> Iterator[TextIO]:
    """Standard output for "-", else the file, written whole or not at all."""
    if str(out) == "-":
        yield sys.stdout
    else:
        with written_whole(Path(out)) as file:
            yield file


def _carried(fmt: str, doc: AnnotatedDocument, summary: ExportSummary) -> AnnotatedDocument:
    """The document as the format can hold it; the rest counted as left out. Writers write all they are given."""
    if fmt in _SPANS_ONLY:
        summary.leave_out("frame", _SPANS_ONLY[fmt], len(doc.frames))
        doc = replace(doc, frames=[])
    if fmt == "conll":
        kept = non_overlapping(doc.spans)
        summary.leave_out("span", "overlaps a longer or earlier span (CoNLL tags cannot nest)",
                          len(doc.spans) - len(kept))
        doc = replace(doc, spans=kept)
    if fmt not in _WITH_SPAN_DETAILS:
        details = [span.details for span in doc.spans]
        summary.leave_out("span detail", f"{fmt} holds no span attributes, normalizations, notes or fragments "
                                         "(a discontinuous span is written from its first fragment to its last)",
                          sum(len(d.attributes) + len(d.normalizations) + len(d.notes) + bool(d.fragments)
                              for d in details))
    return doc


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


def _either(words: list[str]) -> str:
    return " or ".join(words) if len(words) < 3 else f"{', '.join(words[:-1])} or {words[-1]}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
