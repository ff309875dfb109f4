"""Engines for a project location: a SQLite file path or a database URL.

SQLite gets WAL, foreign keys, a busy timeout and full sync on every connection,
and explicit BEGIN statements (pysqlite's own transaction handling defers BEGIN
and commits before DDL). Writers begin IMMEDIATE, so two writers queue on the
busy timeout instead of failing when a read lock cannot be upgraded.

A URL is shown to people only through `shown_location`, which hides its password.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, StatementError

BUSY_TIMEOUT_MS = 10_000


def project_url(location: str | Path) -> str:
    """A SQLAlchemy URL for a project given as a file path or as a URL."""
    text = str(location)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str | URL) -> Path | None:
    """The file behind a SQLite URL, or None for other databases, in-memory SQLite and non-URLs."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def shown_location(location: str | Path | URL) -> str:
    """A project location fit to show: a SQLite file's path, or the URL with its password hidden."""
    try:
        parsed = location if isinstance(location, URL) else make_url(project_url(location))
    except ArgumentError:
        return "(an unreadable database URL)"  # it might hold a password in a form we cannot find
    path = sqlite_path(parsed)
    if path is not None:
        return str(path)
    return parsed.render_as_string(hide_password=True)


def without_password(location: str) -> str:
    """A project location fit to keep (in settings): a database URL loses its password, which the
    database's client then finds itself (PostgreSQL: the ~/.pgpass file or $PGPASSFILE); a path as it is."""
    try:
        parsed = make_url(location)
    except ArgumentError:
        return location
    if parsed.password is None:
        return location
    return URL.create(parsed.drivername, parsed.username, None, parsed.host, parsed.port, parsed.database,
                      parsed.query).render_as_string(hide_password=False)


def failure_reason(err: StatementError) -> str:
    """The database driver's own words for a failure, on one line."""
    return " ".join(str(err.orig).split()) or type(err.orig).__name__


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":  # the driver NewsGloss ships, not SQLAlchemy's default psycopg2
        parsed = parsed.set(drivername="postgresql+psycopg")
    options = {}
    if parsed.get_backend_name() == "postgresql":
        # pre_ping: a shared server may drop idle connections (restart, timeout) while the app stays open;
        # client_encoding: text comes back as str even from a database that is not UTF8 (which is refused)
        options = {"pool_pre_ping": True, "connect_args": {"client_encoding": "utf8"}}
    engine = create_engine(parsed, **options)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine, whose transactions announce that they will write."""
    return engine.execution_options(newsgloss_write=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()
        # SQLite's own lower() folds ASCII only; PostgreSQL's folds every script. Searches rely on it.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        immediate = conn.get_execution_options().get("newsgloss_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _lower(value):
    return value.lower() if isinstance(value, str) else value
