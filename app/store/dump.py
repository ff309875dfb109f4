"""Every row of a project as plain JSON-ready data, and back: the lossless native format's core."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, func, insert, select, text

from app.store.models import (
    Annotator,
    Article,
    ArticleProgress,
    ChangeLog,
    Decision,
    Frame,
    FrameSlot,
    SchemaCopy,
    Span,
    TrainedModel,
    UtcDateTime,
)

# In the order rows can be inserted: whatever a row points at comes first.
TABLES = (SchemaCopy, Annotator, Article, Span, Frame, FrameSlot, Decision, ArticleProgress, ChangeLog, TrainedModel)
_TABLES = tuple(cast(Table, model.__table__) for model in TABLES)  # declared tables: Tables, not just FromClauses
TABLE_NAMES = tuple(table.name for table in _TABLES)  # what a native file holds


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):  # UTC, written without an offset as SQLite projects always did
        return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat()
    return value


def dump_tables(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    return {name: list(table_rows(conn, name)) for name in TABLE_NAMES}


def table_rows(conn: Connection, name: str) -> Iterator[dict[str, Any]]:
    """The rows of one of TABLES, by primary key, as JSON-ready dicts, read as they are used."""
    table = _TABLES[TABLE_NAMES.index(name)]
    rows = conn.execute(select(table).order_by(*table.primary_key.columns).execution_options(yield_per=1000))
    for row in rows.mappings():
        yield {key: _plain(value) for key, value in row.items()}


class NotEmptyError(ValueError):
    """A dump is loaded into a project that already has articles or annotators."""


def load_tables(conn: Connection, dumped: dict[str, list[dict[str, Any]]]) -> None:
    """Insert dumped rows, ids and all, into a project with no articles or annotators yet."""
    for model in (Annotator, Article):
        if conn.scalar(select(func.count()).select_from(model)):
            raise NotEmptyError("the project is not empty")
    conn.execute(delete(SchemaCopy))  # the dump carries the schema copies it was made with
    for table in _TABLES:
        rows = dumped.get(table.name, [])
        dates = [c.name for c in table.columns if isinstance(c.type, UtcDateTime)]
        for row in rows:
            for name in dates:
                if row.get(name) is not None:
                    row[name] = datetime.fromisoformat(row[name])
        if rows:
            conn.execute(insert(table), rows)
    if conn.dialect.name == "postgresql":
        _move_sequences_past_ids(conn)


def _move_sequences_past_ids(conn: Connection) -> None:
    """PostgreSQL hands out new ids from sequences, which rows inserted with their ids leave behind."""
    for table in _TABLES:
        column = table.autoincrement_column
        if column is not None:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                              f"COALESCE(MAX({column.name}), 0) + 1, false) FROM {table.name}"),
                         {"table": table.name, "column": column.name})
