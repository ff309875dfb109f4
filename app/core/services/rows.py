"""What the services share below their transactions: finding rows, checking values, people's names
and ids, and writing rows in bulk."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, func, insert, inspect, select, text
from sqlalchemy.orm import Session, object_session

from app.core.errors import NotAllowedError, NotFoundError, StaleEditError, ValidationError
from app.core.vocabulary import MODEL_LAYER
from app.core.span_details import SpanDetails
from app.core.vocabulary import Status
from app.store.models import Annotator, Article, Base, ChangeLog, Frame, Span

E = TypeVar("E", bound=Enum)
R = TypeVar("R", bound=Base)


def get(session: Session, model: type[R], key: Any) -> R:
    """The row, or a NotFoundError saying who deleted it (from the change log) if someone did."""
    row = session.get(model, key)
    if row is None:
        kind = str(model.__tablename__)
        deleted = session.scalars(select(ChangeLog).where(
            ChangeLog.subject == kind, ChangeLog.subject_id == key, ChangeLog.action == f"{kind}.delete")
            .order_by(ChangeLog.id.desc()).limit(1)).first() if kind in ("span", "frame") else None
        if deleted is not None:
            raise NotFoundError(f"{kind} {key} was deleted by {deleted.annotator} at {deleted.at:%Y-%m-%d %H:%M} UTC; "
                                "reload to see the article as it is now")
        raise NotFoundError(f"{kind.replace('_', ' ')} {key} does not exist")
    return row


def choice(enum_cls: type[E], value: Any, what: str) -> E:
    """`value` as a member of `enum_cls`, or a ValidationError listing the members."""
    try:
        return _member(enum_cls, value)
    except (ValueError, TypeError):  # TypeError: an unhashable value, which is no member either
        allowed = ", ".join(m.value for m in enum_cls)
        raise ValidationError(f"{value!r} is not a valid {what} (one of {allowed})") from None


@cache
def _member(enum_cls: type[E], value: Any) -> E:
    """enum_cls(value), remembered: an import asks for each span's origin and status."""
    return enum_cls(value)


def check_offsets(article: Article, start: int, end: int) -> None:
    check_fits(article.id, len(article.text), start, end)


def check_fits(article_id: int, length: int, start: int, end: int) -> None:
    """A span start-end must lie in its article's text, `length` code points long."""
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= length:
        raise ValidationError(f"span {start}-{end} does not fit article {article_id}: "
                              f"offsets must satisfy 0 <= start < end <= {length}")


def columns(row: Base) -> dict[str, Any]:
    """Every column of an ORM row, by column name: enough to insert it again as it was."""
    return {column.name: getattr(row, attribute.key)
            for attribute, column in ((a, a.columns[0]) for a in inspect(row).mapper.column_attrs)}


def shared(row: Span | Frame) -> bool:
    """A model suggestion open to everyone: each person decides on it for themselves."""
    return row.layer == MODEL_LAYER and row.status == Status.SUGGESTED


def check_not_shared(row: Span | Frame, kind: str) -> None:
    if shared(row):
        raise NotAllowedError(f"{kind} {row.id} is a model suggestion, open to everyone: accept, fix or reject "
                              "it (a decision is yours alone)")


def check_version(kind: str, row: Span | Frame, expected: int | None) -> None:
    """Refuse an edit made on an old version of `row`, saying who changed it and how.

    The row is read again under a row lock (PostgreSQL), so no one can change it
    between this check and the edit's commit.
    """
    if expected is None:
        return
    session = object_session(row)
    assert session is not None, "a row being edited belongs to the unit's session"
    session.refresh(row, with_for_update=True)
    if row.version == expected:
        return
    last = session.scalars(select(ChangeLog).where(ChangeLog.subject == kind, ChangeLog.subject_id == row.id)
                           .order_by(ChangeLog.id.desc()).limit(1)).first()
    what = f" ({last.action}: {_described(last.data)})" if last is not None else ""
    raise StaleEditError(
        f"{kind} {row.id} was changed by {last.annotator if last else 'someone else'} since you loaded it{what}; "
        f"yours is version {expected}, the project's {row.version}: reload it and try again")


def _described(data: dict[str, Any]) -> str:
    """A change-log entry's data in a few words: "label GPE → ORG, status accepted"."""
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and len(value) == 2 and not any(isinstance(v, (list, dict)) for v in value):
            parts.append(f"{key} {value[0]} → {value[1]}")
        elif isinstance(value, (list, dict)):
            parts.append(f"{key} changed")
        else:
            parts.append(f"{key} {value}")
    return ", ".join(parts) or "no details"


def roles_of(frame: Frame) -> dict[str, list[int]]:
    roles: dict[str, list[int]] = {}
    for slot in sorted(frame.slots, key=lambda s: (s.role, s.position)):
        roles.setdefault(slot.role, []).append(slot.span_id)
    return roles


def frame_signature(frame_type: str, roles: dict[str, list[int]]) -> tuple:
    return frame_type, tuple(sorted((role, tuple(ids)) for role, ids in roles.items() if ids))


def names_by_id(source: Session | Connection) -> dict[int | None, str | None]:
    """Annotator names by id (a project has few annotators), with None for none."""
    found: dict[int | None, str | None] = dict(source.execute(select(Annotator.id, Annotator.name)).tuples().all())
    found[None] = None
    return found


def ids_by_name(source: Session | Connection) -> dict[str | None, int | None]:
    """Annotator ids by name: `names_by_id` turned round."""
    return {name: i for i, name in names_by_id(source).items()}


def inserted(session: Session, model: type[Base], rows: list[dict[str, Any]]) -> Sequence[int]:
    """Insert rows (each with the same keys) into `model`'s table with one executemany; their new ids, in order.

    PostgreSQL returns the ids from its batched INSERT ... RETURNING (a Core insert, not the ORM's
    bulk insert, which splits rows with and without None values into separate statements).
    On SQLite, asked to return ids in order, SQLAlchemy runs one statement per row; so there each
    row is given its id, counted on from the table's largest, which no one else can take, as every
    writer begins with BEGIN IMMEDIATE and holds the database's write lock.
    """
    if not rows:
        return []
    table = table_of(model)
    if session.get_bind().dialect.name != "sqlite":
        return session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows).all()
    first = _last_sqlite_id(session, table) + 1
    new_ids = range(first, first + len(rows))
    connection = session.connection()
    dialect = connection.dialect
    statement = insert(table).compile(dialect=dialect, column_keys=["id", *rows[0]])
    values_by_column = []  # the statement's parameters (the rows' keys, and any column with a default), by column
    for key in statement.positiontup or ():
        values = new_ids if key == "id" else [row[key] for row in rows]  # a KeyError: rows must give every default
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        values_by_column.append(values if process is None else _processed(values, process))
    connection.exec_driver_sql(statement.string, list(zip(*values_by_column)))
    return new_ids


def table_of(model: type[Base]) -> Table:
    """A model's table, as Core statements take it."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _processed(values: Iterable, process: Callable[[Any], Any]) -> list:
    """The values as the column's type hands them to the driver, each distinct hashable value turned once
    (a batch's rows share their statuses, origins and times: SQLAlchemy would turn each row's).
    Equal values are turned alike (1 and True too: the JSON columns written in bulk hold objects)."""
    turned: dict[Any, Any] = {}
    out = []
    for value in values:
        try:
            out.append(turned[value])
        except KeyError:
            out.append(turned.setdefault(value, process(value)))
        except TypeError:  # unhashable: a JSON object or array
            out.append(process(value))
    return out


def _last_sqlite_id(session: Session, table: Table) -> int:
    """The largest id `table` has given: its largest row's, or for an AUTOINCREMENT table the
    largest it ever gave (ids of deleted rows are not given again: an undone delete brings them back)."""
    last = session.scalar(select(func.max(table.c.id))) or 0
    if table.dialect_options["sqlite"]["autoincrement"]:
        last = max(last, session.scalar(text("SELECT seq FROM sqlite_sequence WHERE name = :name"),
                                        {"name": table.name}) or 0)
    return last


def insert_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows whose ids are known or not needed, in one executemany."""
    if rows:
        session.execute(insert(table_of(model)), list(rows))



def details_of(span: Span) -> SpanDetails:
    return SpanDetails.from_columns(span.attributes, span.normalizations, span.notes, span.fragments)
