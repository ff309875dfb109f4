"""NewsGloss's own format: one JSON file holding a whole project, row for row.

Schema copies, annotators, articles, spans, frames with their role slots,
progress and the change log, with their ids and timestamps. Importing it into a
new project and exporting again gives the same file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app import __version__
from app.core.errors import InputError
from app.core.project import Project
from app.store.dump import TABLES

FORMAT = "newsgloss-native"
VERSION = 1


def write_native(project: Project, out_path: Path) -> dict[str, int]:
    dumped = project.dump()
    document = {"format": FORMAT, "version": VERSION, "written_by": f"NewsGloss {__version__}", **dumped}
    out_path.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return {table: len(rows) for table, rows in dumped.items()}


def read_native(path: Path) -> dict[str, list[dict[str, Any]]]:
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
    tables = {}
    for model in TABLES:
        rows = document.get(model.__table__.name, [])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InputError(path, f"{model.__table__.name!r} must be a list of objects")
        tables[model.__table__.name] = rows
    return tables
