"""Import and export by format name: one place that the command line and the app both call.

A format's declaration (formats.registry.Format) says what its reader gives and its
writer takes; this module brings that from and to a project. Both directions return
typed summaries (core.interchange's ImportSummary and ExportSummary). An export
counts what is in the file, and counts by reason what it left out.

Long transfers report progress through a callback, which returns False to stop;
an import is one transaction, which a stop rolls back, so it stays all or nothing.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING

from app.core.annotations import FrameRecord, SpanRecord
from app.core.articles import ArticleRecord, ImportReport
from app.core.documents import AnnotatedDocument
from app.core.errors import NewsGlossError, ValidationError
from app.core.interchange import ExportSummary, ImportSummary, Selection, documents, either, import_documents, selected
from app.formats.decoding import Encodings
from app.formats.output import written_whole
from app.formats.registry import Format, articles_format, export_formats, get_format, import_formats
from app.formats.selection import non_overlapping
from app.store.dump import TABLE_NAMES

if TYPE_CHECKING:  # the project comes from the caller
    from app.core.project import Project

Progress = Callable[[int, int], bool]


class Cancelled(NewsGlossError):
    """The person stopped a transfer."""


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise Cancelled(f"stopped after {done} of {total}; nothing was imported" if done < total else "stopped")


# ----------------------------------------------------------------------- import


def import_paths(project: Project, fmt: str, paths: Sequence[Path], *, unknown: str = "fail",
                 title: str | None = None, encodings: Encodings | None = None,
                 progress: Progress | None = None) -> ImportSummary:
    """Import files of one format; returns what was added and what was left out.

    `encodings` says which encoding a person chose for a file (formats whose
    declaration allows it; the others are UTF-8); a file whose encoding is
    uncertain otherwise raises decoding.EncodingUncertain.
    """
    form = get_format(fmt)
    if form.reader is None:
        raise ValidationError(f"{fmt} is a format NewsGloss writes, not one it reads")
    if encodings is not None and not form.encodings:
        chosen = " and ".join(f.name for f in import_formats() if f.encodings)
        raise ValidationError(f"an encoding can be chosen for {chosen} files; {fmt} files are UTF-8")
    if form.data == "drafts":
        report = import_articles(project, paths, title=title, encodings=encodings)
        return ImportSummary(articles_added=len(report.added), articles_existing=len(report.duplicates),
                             skipped=list(report.skipped))
    if title is not None:
        raise ValidationError("--title is for plain articles only")
    if form.data == "project":
        if len(paths) != 1:
            raise ValidationError(f"a {fmt} import takes one file")
        dumped = form.reader(Path(paths[0]), TABLE_NAMES)
        project.restore(dumped, source=str(paths[0]))
        return ImportSummary(articles_added=len(dumped["article"]), spans=len(dumped["span"]),
                             frames=len(dumped["frame"]))
    return import_documents(project, _Documents(form, [Path(p) for p in paths], encodings, progress), unknown)


def import_articles(project: Project, paths: Iterable[str | Path], title: str | None = None,
                    encodings: Encodings | None = None) -> ImportReport:
    """Read every article file and folder first (`encodings`: see formats.sources), then add all the
    articles in one transaction; the files passed over inside folders are in the report's `skipped`."""
    read = articles_format().reader
    assert read is not None  # the articles format is read by declaration
    result = read([Path(p) for p in paths], title=title, encodings=encodings)
    report = project.add_articles(result.drafts)
    report.skipped.extend(result.skipped)
    return report


class _Documents:
    """The documents of files of one format, read as they are gone through, and afresh each time
    (an import that grows the schema goes through them twice); progress is reported per file."""

    def __init__(self, form: Format, paths: list[Path], encodings: Encodings | None, progress: Progress | None):
        self.reader = form.reader
        self.paths, self.encodings, self.progress = paths, encodings, progress

    def __iter__(self) -> Iterator[AnnotatedDocument]:
        assert self.reader is not None
        for done, path in enumerate(self.paths):
            _report(self.progress, done, len(self.paths))
            yield from (self.reader(path, self.encodings(path)) if self.encodings is not None else self.reader(path))
        _report(self.progress, len(self.paths), len(self.paths))


# ----------------------------------------------------------------------- export


def export_path(project: Project, fmt: str, out: Path | str, selection: Selection = Selection(), *,
                dev_fraction: float = 0.0, progress: Progress | None = None) -> ExportSummary:
    """Export to a file or folder ("-" writes the formats that can go there to standard output);
    returns what was written."""
    form = get_format(fmt)
    if form.writer is None:
        raise ValidationError(f"{fmt} is a format NewsGloss reads, not one it writes")
    summary = ExportSummary(fmt, str(out))
    if form.data == "project":
        if selection != Selection():
            raise ValidationError(f"a {fmt} export is the whole project: status, annotator, label, layer and "
                                  "article filters do not apply to it (choose another format to filter)")
        with project.dump_reader() as rows:
            counts = form.writer(rows, TABLE_NAMES, Path(out))
        summary.articles, summary.spans, summary.frames = counts["article"], counts["span"], counts["frame"]
    elif form.data == "frames":
        assert form.frame_type is not None  # by declaration
        with _output(out) as file:
            summary.articles, summary.frames, summary.rows = form.writer(
                selected_frames(project, form.frame_type, selection), file)
    else:
        _export_documents(project, form, Path(out), selection, summary, dev_fraction, progress)
    return summary


def selected_frames(project: Project, frame_type: str, selection: Selection = Selection()
                    ) -> Iterator[tuple[ArticleRecord, list[SpanRecord], list[FrameRecord]]]:
    """The selected frames of a type, with their article and fillers, article by article (none: left out)."""
    for article, fillers, frames in project.framed(frame_type, selection.article_ids):
        chosen = [f for f in frames if selected(f, selection)]
        if chosen:
            yield article, fillers, chosen


def _export_documents(project: Project, form: Format, out: Path, selection: Selection, summary: ExportSummary,
                      dev_fraction: float, progress: Progress | None) -> None:
    if "status" not in form.carries and len(selection.statuses) > 1:
        keeping = either([f.name for f in export_formats() if f.data == "documents" and "status" in f.carries])
        raise ValidationError(
            f"{form.name} cannot say whether an annotation is {either(sorted(selection.statuses))}: "
            f"{form.why_not['status']}. Export one status at a time (e.g. --status accepted), "
            f"or choose {keeping}, which keep each annotation's status")
    wanted = [i for i in project.article_ids() if selection.article_ids is None or i in selection.article_ids]

    def carried() -> Iterator[AnnotatedDocument]:
        """The documents one at a time, as the writer takes them, counted and reported as they pass."""
        for done, doc in enumerate(documents(project, selection, summary)):
            _report(progress, done, len(wanted))
            doc = _carried(form, doc, summary)
            summary.articles += 1
            summary.spans += len(doc.spans)
            summary.frames += len(doc.frames)
            yield doc
        _report(progress, len(wanted), len(wanted))

    assert form.writer is not None
    if form.splits:
        summary.files = form.writer(carried(), out, dev_fraction=dev_fraction, count=len(wanted))
    else:
        form.writer(carried(), out, project.schema)


@contextlib.contextmanager
def _output(out: Path | str) -> Iterator[IO[str]]:
    """Standard output for "-", else the file, written whole or not at all."""
    if str(out) == "-":
        yield sys.stdout
    else:
        with written_whole(Path(out)) as file:
            yield file


def _carried(form: Format, doc: AnnotatedDocument, summary: ExportSummary) -> AnnotatedDocument:
    """The document as the format can hold it; the rest counted as left out. Writers write all they are given."""
    if "frames" not in form.carries:
        summary.leave_out("frame", form.why_not["frames"], len(doc.frames))
        doc = replace(doc, frames=[])
    if "overlaps" not in form.carries:
        kept = non_overlapping(doc.spans)
        summary.leave_out("span", f"overlaps a longer or earlier span ({form.why_not['overlaps']})",
                          len(doc.spans) - len(kept))
        doc = replace(doc, spans=kept)
    if "details" not in form.carries:
        details = [span.details for span in doc.spans if span.details]  # most spans have none
        summary.leave_out("span detail", f"{form.name} holds no span attributes, normalizations, notes or "
                                         "fragments (a discontinuous span is written from its first fragment "
                                         "to its last)",
                          sum(len(d.attributes) + len(d.normalizations) + len(d.notes) + bool(d.fragments)
                              for d in details))
    return doc
