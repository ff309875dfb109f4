"""What a format is, declared once in the module that reads and writes it, and found by name.

A module of app.formats declares its formats when it is imported, with
`declare(Format(...))`; they are registered in a catalogue registry, as the
suggesters are (app.nlp.registry). `formats()` imports every module of the
package first, so a format is listed (command line, dialogs, drops, transfer)
wherever it is declared and nowhere else. The modules load spaCy only when a
document is read or written, so listing the formats stays cheap.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, Literal

import catalogue

from app.core.errors import ValidationError

# What a format can carry besides article texts: "overlaps" are nested or overlapping spans; "details"
# a span's attributes, normalizations, notes and fragments; "project" every table of a project.
CARRIES = frozenset({"spans", "frames", "status", "annotators", "details", "overlaps", "project"})
# What a format's reader gives and its writer takes:
#   drafts     reader(paths, title, encodings) -> sources.ReadResult: ArticleDrafts of files and folders
#   documents  reader(path[, encoding]) -> AnnotatedDocuments; writer(docs, path, schema) -> None, or, for a
#              format that `splits`, writer(docs, path, dev_fraction=, count=) -> {file: documents}
#   project    reader(path, tables) -> {table: rows}; writer(rows(table), tables, path) -> {table: rows written}
#   frames     writer(framed, stream) -> (articles, frames, rows): framed is (article, fillers, frames) of
#              the format's frame_type, the frames already selected
Data = Literal["drafts", "documents", "project", "frames"]
_DATA_ORDER: tuple[Data, ...] = ("drafts", "documents", "project", "frames")  # the order formats are offered in

registry = catalogue.create("newsgloss", "formats")


@dataclass(frozen=True, eq=False)
class Format:
    """One format, as every place that offers, checks or transfers it reads it."""

    name: str
    title: str  # what a file dialog shows: "Prodigy JSONL"
    extensions: tuple[str, ...]  # of its files; for a folder format, the files that mark a folder as one
    data: Data
    carries: frozenset[str]
    about: str  # what a file holds, in a sentence for --help
    folder: bool = False  # a folder of files, not one file
    stdout: bool = False  # can be written to standard output ("-")
    encodings: bool = False  # a person may name the encoding of its files (else they are UTF-8)
    splits: bool = False  # its writer can put a share of the documents in a dev set
    frame_type: str | None = None  # a frames format: the frame type it writes
    # What it cannot carry, in its own words, for the messages that say so: {"status": "CoNLL tags carry no status"}
    why_not: Mapping[str, str] = field(default_factory=dict)
    reader: Callable[..., Any] | None = None
    writer: Callable[..., Any] | None = None

    @property
    def file_filter(self) -> str:
        """A file dialog's filter: "Prodigy JSONL (*.jsonl)"; a folder format's title alone."""
        if self.folder:
            return self.title
        return f"{self.title} ({' '.join('*' + extension for extension in self.extensions)})"

    def marks(self, folder: Path) -> bool:
        """Whether `folder` holds this folder format's files (what a dropped folder is taken for)."""
        return self.folder and folder.is_dir() and any(
            next(folder.glob(f"*{extension}"), None) is not None for extension in self.extensions)


def declare(fmt: Format) -> Format:
    """Register a format under its name; a name declared twice is a mistake, refused at once."""
    if fmt.name in registry.get_all():
        raise ValueError(f"format {fmt.name!r} is declared twice")
    unknown = (fmt.carries | set(fmt.why_not)) - CARRIES
    if unknown or set(fmt.why_not) & fmt.carries:
        raise ValueError(f"format {fmt.name!r}: carries and why_not take {', '.join(sorted(CARRIES))}, each once")
    if (fmt.data == "frames") != (fmt.frame_type is not None):
        raise ValueError(f"format {fmt.name!r}: a frame type goes with frames data, and only with it")
    if fmt.data == "documents" and {"status", "frames", "overlaps"} - fmt.carries - set(fmt.why_not):
        raise ValueError(f"format {fmt.name!r}: say in why_not why it carries no status, frames or overlaps")
    registry.register(fmt.name, func=fmt)
    return fmt


def formats() -> list[Format]:
    """Every format, in the order they are offered: plain articles, documents, a project, frame tables."""
    _import_all()
    found = list(registry.get_all().values())
    return sorted(found, key=lambda f: (_DATA_ORDER.index(f.data), f.name))


def import_formats() -> list[Format]:
    return [f for f in formats() if f.reader is not None]


def export_formats() -> list[Format]:
    return [f for f in formats() if f.writer is not None]


def get_format(name: str) -> Format:
    """The format called `name`; ValidationError naming the known ones if there is none."""
    _import_all()
    known = registry.get_all()
    if name not in known:
        raise ValidationError(f"no format called {name!r}; known formats: {', '.join(sorted(known))}")
    return known[name]


def articles_format() -> Format:
    """The format of plain article files (the import the command line and drops default to)."""
    (fmt,) = [f for f in formats() if f.data == "drafts"]
    return fmt


def dropped(paths: list[Path]) -> tuple[Format, list[Path]]:
    """What dropped files and folders are imported as: the folders a folder format marks, if any
    (the rest is left), else everything as articles."""
    for fmt in formats():
        marked = [path for path in paths if fmt.marks(path)]
        if marked:
            return fmt, marked
    return articles_format(), paths


def _import_all() -> None:
    """Import every module of app.formats: each declares its own formats."""
    import app.formats

    for module in pkgutil.iter_modules(app.formats.__path__, "app.formats."):
        import_module(module.name)
