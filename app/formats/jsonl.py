"""JSON Lines files: one article a line, as a JSON object with at least "text"."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from app.core.articles import ArticleDraft
from app.core.errors import InputError
from app.core.text import first_line, normalize_text
from app.formats.decoding import MAX_ARTICLE_BYTES, too_large

_KNOWN_KEYS = {"text", "id", "title", "source", "url", "published", "meta"}


def read_jsonl(path: Path) -> list[ArticleDraft]:
    """Read a .jsonl file line by line; blank lines are skipped.

    Keys: "text" (required), "id", "title", "source", "url", "published" (ISO date
    or date-time), "meta" (object); a null value counts as absent. Other keys are
    kept in meta["extra"]. Any problem raises InputError naming the line.
    """
    path = Path(path)
    drafts = []
    try:
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                if number == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                if raw.strip():
                    drafts.append(_draft(_parse(raw, path, number), path, number))
    except OSError as err:
        raise InputError(path, f"cannot read the file: {err.strerror or err}") from err
    if not drafts:
        raise InputError(path, "file holds no articles")
    return drafts


def _parse(raw: bytes, path: Path, line: int) -> dict[str, Any]:
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        message = f"not valid UTF-8 (byte {err.start + 1} of the line); save the file as UTF-8"
        raise InputError(path, message, line=line) from err
    except json.JSONDecodeError as err:
        raise InputError(path, f"invalid JSON: {err.msg} (column {err.colno})", line=line) from err
    if not isinstance(record, dict):
        raise InputError(path, f"expected a JSON object, found {_json_type(record)}", line=line)
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as err:
        escape = f"\\u{ord(err.object[err.start]):04x}"
        message = f"holds an unpaired surrogate escape ({escape}), which is no character"
        raise InputError(path, message, line=line) from err
    return record


def _draft(record: dict[str, Any], path: Path, line: int) -> ArticleDraft:
    def error(message: str) -> InputError:
        return InputError(path, message, line=line)

    def field(key: str, *types: type) -> Any:
        value = record.get(key)
        if value is not None and (not isinstance(value, types) or isinstance(value, bool)):
            expected = " or ".join(_JSON_NAMES[t] for t in types)
            raise error(f'"{key}" must be {expected}, not {_json_type(value)}')
        return value

    text = field("text", str)
    if text is None:
        raise error('missing "text"')
    if not text.strip():
        raise error('"text" is empty')
    text = normalize_text(text)
    size = len(text.encode("utf-8"))
    if size > MAX_ARTICLE_BYTES:
        raise too_large(path, size, what="article text", line=line)

    external_id = field("id", str, int)
    published = field("published", str)
    if published is not None and not _is_iso(published):
        raise error(f'"published" is not an ISO date or date-time: {published!r}')
    meta = dict(field("meta", dict) or {})
    extra = {key: value for key, value in record.items() if key not in _KNOWN_KEYS}
    if extra:
        if "extra" in meta:
            raise error(f'unknown keys {sorted(extra)} cannot be kept: "meta" already has "extra"')
        meta["extra"] = extra

    return ArticleDraft(
        text=text,
        title=(field("title", str) or "").strip() or first_line(text),
        origin=str(path),
        line=line,
        external_id=None if external_id is None else str(external_id),
        source=field("source", str),
        url=field("url", str),
        published=published,
        meta=meta,
    )


def _is_iso(value: str) -> bool:
    for parse in (datetime.date.fromisoformat, datetime.datetime.fromisoformat):
        try:
            parse(value)
        except ValueError:
            continue
        return True
    return False


_JSON_NAMES = {str: "a string", int: "a whole number", dict: "an object"}


def _json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"
