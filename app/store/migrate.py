"""Bring a project database to the newest schema revision, from code.

Alembic is imported only when a migration is due: opening an up-to-date project
(every start of the app) reads the revision with one query and the newest one
from the migration files' own `revision = ...` lines.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

_ASSIGNED = re.compile(r"^(revision|down_revision)\s*=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)


def alembic_config() -> Config:
    """The migrations ship inside the package (db/ is installed as app.migrations)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("app.migrations")))
    return config


@cache
def head_revision() -> str:
    """The revision no migration builds on (tests/test_store.py checks it against Alembic's own answer)."""
    revisions, parents = set(), set()
    for script in (files("app.migrations") / "versions").iterdir():
        if script.name.endswith(".py"):
            found = dict((name, value) for name, value in _ASSIGNED.findall(script.read_text(encoding="utf-8")))
            revisions.add(found["revision"])
            if found.get("down_revision"):
                parents.add(found["down_revision"])
    [head] = revisions - parents
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate in one transaction. On SQLite, foreign keys are off meanwhile (as SQLite's own recipe for
    changing a table has it): a batch migration drops the table it rebuilds, and with them on, that drop
    would cascade into the rows that point at it (every frame's role fillers, for the span table)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = alembic_config()
    with engine.connect() as conn:
        sqlite = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
        if sqlite is not None:
            sqlite.execute("PRAGMA foreign_keys = OFF")  # outside the transaction, or it does nothing
        try:
            with conn.begin():
                marks, start = _autoincrement_marks(conn), MigrationContext.configure(conn).get_current_revision()
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                _restore_autoincrement_marks(conn, marks)
                if sqlite is not None and MigrationContext.configure(conn).get_current_revision() != start:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"the migration to {revision} left rows pointing at nothing: {broken[:5]}")
        finally:
            if sqlite is not None:
                sqlite.execute("PRAGMA foreign_keys = ON")


def _autoincrement_marks(conn: Connection) -> dict[str, int]:
    """SQLite's AUTOINCREMENT high-water marks, by table.

    A batch migration rebuilds a table (copy, drop, rename) and the copy's mark is
    only its highest remaining id: ids of rows deleted before it would be handed
    out again, though undo and the change log count on ids never being reused.
    """
    if conn.dialect.name != "sqlite" or conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first() is None:
        return {}
    return dict(conn.exec_driver_sql("SELECT name, seq FROM sqlite_sequence").tuples().all())


def _restore_autoincrement_marks(conn: Connection, marks: dict[str, int]) -> None:
    now = _autoincrement_marks(conn)
    for table, mark in marks.items():
        if table not in now:  # a table rebuilt empty has no mark yet
            conn.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE EXISTS (SELECT 1 "
                                 "FROM sqlite_master WHERE type = 'table' AND name = ?)", (table, mark, table))
        elif now[table] < mark:
            conn.exec_driver_sql("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (mark, table))


def backup_sqlite(engine: Engine, path: Path) -> Path:
    """Copy a project file, consistently, to a timestamped file beside it before it is migrated."""
    target = path.with_name(f"{path.stem}.{datetime.now():%Y%m%d-%H%M%S}.before-migration{path.suffix}")
    with engine.connect() as conn:
        source = conn.connection.dbapi_connection
        assert isinstance(source, sqlite3.Connection), "a project file is an SQLite database"
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    return target
