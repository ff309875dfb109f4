"""Bring a project database to the newest schema revision, from code."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def alembic_config() -> Config:
    """The migrations ship inside the package (db/ is installed as app.migrations)."""
    config = Config()
    config.set_main_option("script_location", str(files("app.migrations")))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def backup_sqlite(engine: Engine, path: Path) -> Path:
    """Copy a project file, consistently, to a timestamped file beside it before it is migrated."""
    target = path.with_name(f"{path.stem}.{datetime.now():%Y%m%d-%H%M%S}.before-migration{path.suffix}")
    with engine.connect() as conn:
        source = conn.connection.dbapi_connection
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    return target
