"""Import and export by format name: one place that the command line and the app both call.

Long transfers report progress through a callback, which returns False to stop;
an import stops before anything is written, so it stays all or nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.core.errors import NewsGlossError, ValidationError
from app.core.interchange import Selection, documents, import_documents
from app.core.project import Project
from app.formats.facts import LAYOUTS, frame_records, write_facts_csv
from app.formats.native import read_native, write_native
from app.formats.registry import READERS, WRITERS, resolve

Progress = Callable[[int, int], bool]


class Cancelled(NewsGlossError):
    """The person stopped a transfer."""


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and progress(done, total) is False:
        raise Cancelled(f"stopped after {done} of {total}; nothing was imported" if done < total else "stopped")


def import_paths(project: Project, fmt: str, paths: Sequence[Path], *, unknown: str = "fail",
                 title: str | None = None, progress: Progress | None = None) -> list[str]:
    """Import files of one format; returns lines that say what happened."""
    if fmt == "articles":
        report = project.import_files(paths, title=title)
        return ([f"added     #{i}  {d.title}" for i, d in report.added]
                + [f"duplicate #{i}  {d.origin}{'' if d.line is None else f':{d.line}'} (already in the project)"
                   for d, i in report.duplicates]
                + [f"skipped   {s}" for s in report.skipped]
                + [f"{len(report.added)} added, {len(report.duplicates)} already present"])
    if title is not None:
        raise ValidationError("--title is for plain articles only")
    if fmt == "native":
        if len(paths) != 1:
            raise ValidationError("a native import takes one file")
        project.restore(read_native(Path(paths[0])), source=str(paths[0]))
        return [f"restored the project from {paths[0]}: {len(project.articles())} articles"]
    docs = []
    for done, path in enumerate(paths):
        _report(progress, done, len(paths))
        docs.extend(resolve(READERS[fmt])(Path(path)))
    _report(progress, len(paths), len(paths))
    summary = import_documents(project, docs, unknown)
    lines = [f"{summary.articles_added} articles added, {summary.articles_existing} already present; "
             f"{summary.spans} spans and {summary.frames} frames added"]
    if summary.labels_added or summary.frames_added:
        lines.append(f"schema grew: labels {', '.join(summary.labels_added) or '-'}; "
                     f"frame types {', '.join(summary.frames_added) or '-'}")
    lines += [f"skipped   {s}" for s in summary.skipped]
    return lines


def export_path(project: Project, fmt: str, out: Path | str, selection: Selection = Selection(), *,
                dev_fraction: float = 0.0, progress: Progress | None = None) -> str:
    """Export to a file or folder ("-" writes JSON lines to standard output); returns what was written."""
    if fmt == "native":
        if selection != Selection():
            raise ValidationError("a native export is the whole project: status, annotator, label, layer and "
                                  "article filters do not apply to it (choose another format to filter)")
        counts = write_native(project, Path(out))
        return f"wrote {counts['article']} articles, {counts['span']} spans, {counts['frame']} frames to {out}"
    if fmt == "facts-csv":
        if str(out) == "-":
            return f"wrote {write_facts_csv(project, sys.stdout, selection)} rows"
        with open(out, "w", encoding="utf-8", newline="") as file:
            return f"wrote {write_facts_csv(project, file, selection)} rows to {out}"
    if fmt in LAYOUTS:
        records = [json.dumps(r, ensure_ascii=False) for r in frame_records(project, fmt, selection)]
        text = "".join(line + "\n" for line in records)
        if str(out) == "-":
            print(text, end="")
            return f"wrote {len(records)} records"
        Path(out).write_text(text, encoding="utf-8")
        return f"wrote {len(records)} records to {out}"
    wanted = [i for i in project.article_ids() if selection.article_ids is None or i in selection.article_ids]
    docs = []
    for done, doc in enumerate(documents(project, selection)):
        _report(progress, done, len(wanted))
        docs.append(doc)
    _report(progress, len(wanted), len(wanted))
    if fmt == "docbin":
        counts = resolve(WRITERS["docbin"])(docs, Path(out), dev_fraction=dev_fraction)
        return f"wrote {counts['docs']} docs ({counts.get('train', counts['docs'])} train, {counts.get('dev', 0)} dev), " \
               f"{counts['spans']} spans to {out}"
    resolve(WRITERS[fmt])(docs, Path(out), project.schema)
    return f"wrote {len(docs)} articles, {sum(len(d.spans) for d in docs)} spans, " \
           f"{sum(len(d.frames) for d in docs)} frames to {out}"

