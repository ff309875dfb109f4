"""NewsGloss's own format: one JSON file holding a whole project, row for row.

Schema copies, annotators, articles, spans (with their attributes,
normalizations, notes and fragments), frames with their role slots, progress and the change log, with their ids and timestamps. Importing it into a
new project and exporting again gives the same file. Which tables there are is the store's
to say (core.native_copy passes their names); this module writes and checks the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeGuard

from app import __version__
from app.core.errors import InputError
from app.core.span_details import SpanDetails
from app.core.text import normalize_text
from app.formats.output import written_whole
from app.formats.registry import CARRIES, Format, declare

FORMAT = "newsgloss-native"
DETAILS = ("attributes", "normalizations", "notes", "fragments")  # span columns, as SpanDetails.from_columns takes them
VERSION = 1

Rows = Callable[[str], Iterable[dict[str, Any]]]


def write_native(rows: Rows, tables: Sequence[str], out_path: Path) -> dict[str, int]:
    """Write each table's rows (`rows(table)`, read as they are written), one row a line, so that no table is
    held in memory; returns the rows written per table. The file is one JSON object, keys sorted: what
    json.loads reads."""
    header = {"format": FORMAT, "version": VERSION, "written_by": f"NewsGloss {__version__}"}
    counts = dict.fromkeys(tables, 0)
    with written_whole(out_path) as out:
        out.write("{")
        for n, key in enumerate(sorted([*header, *counts])):
            out.write(("," if n else "") + f"\n {json.dumps(key)}: ")
            if key in header:
                out.write(json.dumps(header[key], ensure_ascii=False))
                continue
            for row in rows(key):
                out.write(("[" if not counts[key] else ",") + "\n  " + json.dumps(row, ensure_ascii=False,
                                                                                 sort_keys=True))
                counts[key] += 1
            out.write("\n ]" if counts[key] else "[]")
        out.write("\n}\n")
    return counts


def read_native(path: Path, tables: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The rows of each of `tables` in a native file, checked as far as the database cannot check them."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise InputError(path, f"not UTF-8 text (byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise InputError(path, f"not JSON: {err.msg}", line=err.lineno) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError(path, f"not a NewsGloss native file (no \"format\": \"{FORMAT}\")")
    if document.get("version") != VERSION:
        raise InputError(path, f"native format version {document.get('version')!r}; this NewsGloss reads {VERSION}")
    read = {}
    for table in tables:
        rows = document.get(table, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InputError(path, f"{table!r} must be a list of objects")
        read[table] = rows
    _check_texts(path, read)
    return read


def _check_texts(path: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    """What the database cannot check: article texts as NewsGloss stores them (what Qt shows unchanged),
    every span inside its article's text, and its details well formed."""
    lengths: dict[int, int] = {}
    for row in tables["article"]:
        key, text = row.get("id"), row.get("text")
        if not _whole(key) or key in lengths or not isinstance(text, str):
            raise InputError(path, f"article {key!r}: every article needs its own whole-number id and a text")
        if text != normalize_text(text):
            raise InputError(path, f"article {key!r}: its text has CR line ends or begins with a "
                                   "byte-order mark, which NewsGloss never stores")
        lengths[key] = len(text)
    for row in tables["span"]:
        start, end, article = row.get("start"), row.get("end"), row.get("article_id")
        if not (_whole(article) and article in lengths):
            raise InputError(path, f"span {row.get('id')!r} names article {article!r}, which the file does not hold")
        if not (_whole(start) and _whole(end) and 0 <= start < end <= lengths[article]):
            raise InputError(path, f"span {row.get('id')!r} at {start!r}-{end!r} does not fit the text of "
                                   f"article {article!r} (0-{lengths[article]})")
        try:
            problem = SpanDetails.from_columns(*(row.get(name) for name in DETAILS)).problem(start, end)
        except (TypeError, ValueError, AttributeError):
            problem = "its attributes, normalizations, notes or fragments are not of the right kind"
        if problem:
            raise InputError(path, f"span {row.get('id')!r}: {problem}")


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


NATIVE = declare(Format(
    "native", "NewsGloss project", (".json",), "project", frozenset(CARRIES), reader=read_native, writer=write_native,
    about="native: the whole project, row for row (a native import needs a new, empty project)."))
