"""Annotation guidelines: the Markdown file that goes with a label schema.

A schema file `NAME.toml` has its guidelines beside it in `NAME.md`. A project keeps
its schema in its database, not as a file, so a project's guidelines are found by the
schema's name among the ones shipped in resources/schemas/ (`news.md` for "news").
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from app.core.schema import Schema

# A schema name that can stand for a shipped file: no folders, no "..", no oddities.
_SHIPPED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def shipped_guidelines_path(name: str) -> Path | None:
    """resources/schemas/<name>.md as shipped with NewsGloss, if there is one."""
    if not _SHIPPED_NAME.fullmatch(name) or ".." in name:
        return None
    path = Path(str(files("app.resources") / "schemas" / f"{name}.md"))
    return path if path.is_file() else None


def guidelines_path(schema_source: str | Path) -> Path | None:
    """The guidelines for a schema given as a file path or as a schema name.

    A path (`my/schema.toml`) gives the `.md` file of the same stem beside it; failing
    that, and for a bare name ("news"), the shipped guidelines of that name. None when
    there are none.
    """
    text = str(schema_source)
    if not text.strip():
        return None
    path = Path(text).expanduser()
    if path.suffix.lower() == ".toml" or len(path.parts) > 1 or path.is_file():  # a file, not a name
        beside = path.with_suffix(".md")
        if beside.is_file():
            return beside
        name = path.stem
    else:
        name = text
    return shipped_guidelines_path(name)


def load_guidelines(schema: Schema | str | Path) -> str:
    """The guidelines' Markdown for a Schema (by its name), a schema file or a schema name;
    a short plain message when there are none or they cannot be read."""
    name = schema.name if isinstance(schema, Schema) else Path(str(schema)).stem
    path = shipped_guidelines_path(schema.name) if isinstance(schema, Schema) else guidelines_path(schema)
    if path is None:
        return f"There are no annotation guidelines for the schema “{name}”."
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        return f"The annotation guidelines in {path} cannot be read: {e.strerror or e}."
    except UnicodeDecodeError as e:
        return f"The annotation guidelines in {path} are not UTF-8 text (byte {e.start})."
