"""The project database: made by the migrations, matching the models, with SQLite set up safely."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from app.core.errors import ProjectError
from app.core.project import Project
from app.store import migrate
from app.core.schema import default_schema_path
from app.store.engine import make_engine, project_url, writer
from app.store.models import Base


def test_new_project_is_made_by_the_migrations_and_matches_the_models(tmp_path):
    path = tmp_path / "new.db"
    Project.open(path, create=True).close()
    engine = make_engine(project_url(path))
    assert migrate.current_revision(engine) == migrate.head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    engine.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(project):
    with project._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_project_carries_its_schema(tmp_path):
    path = tmp_path / "p.db"
    Project.open(path, create=True).close()
    with sqlite3.connect(path) as db:
        (source,) = db.execute("SELECT source_text FROM label_schema").fetchone()
    assert "tariff_fact" in source
    with Project.open(path) as reopened:
        assert "tariff_fact" in reopened.schema.frames


def test_change_log_is_append_only(project, sample_project):
    project.set_progress(1, "done")
    with pytest.raises(Exception, match="append-only"):
        with project._writer.begin() as conn:
            conn.execute(text("DELETE FROM change_log"))
    with pytest.raises(Exception, match="append-only"):
        with project._writer.begin() as conn:
            conn.execute(text("UPDATE change_log SET annotator = 'mallory'"))
    assert [c["action"] for c in project.change_log()][-1] == "progress.set"


def test_opening_a_missing_project_without_create_fails_clearly(tmp_path):
    with pytest.raises(ProjectError, match="no NewsGloss project"):
        Project.open(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()


def test_a_file_that_is_not_a_project_is_refused_and_left_alone(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("my shopping list\n")
    with pytest.raises(ProjectError, match="not an SQLite database"):
        Project.open(notes, create=True)
    assert notes.read_text() == "my shopping list\n"

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(ProjectError, match="not a NewsGloss project"):
        Project.open(other, create=True)
    with sqlite3.connect(other) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["recipes"]


def test_create_refuses_to_overwrite(tmp_path):
    path = tmp_path / "p.db"
    Project.create(path).close()
    with pytest.raises(ProjectError, match="already there"):
        Project.create(path)


def test_migrations_are_found_in_an_installed_wheel(tmp_path):
    """Installed without -e, the package still carries db/ and resources/."""
    import subprocess
    import sys
    import zipfile

    from conftest import REPO

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(REPO)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("newsgloss-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "app/migrations/env.py" in names
    assert "app/migrations/versions/0001_initial.py" in names
    assert "app/resources/schemas/news.toml" in names
    assert "app/resources/samples/carney-china-visit.txt" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import app; "
            "assert app.__file__.startswith(sys.argv[1]), app.__file__; "
            "from app.core.project import Project; p = Project.open(sys.argv[2], create=True); "
            "print(len(p.schema.labels))")
    out = subprocess.run([sys.executable, "-c", code, str(site), str(tmp_path / "w.db")],
                         check=True, capture_output=True, text=True, cwd=tmp_path)
    assert int(out.stdout) > 5


def test_ids_are_never_reused_after_every_migration(project):
    """Undo brings deleted spans and frames back under their own ids: ids must never be reused."""
    with project._engine.connect() as conn:
        for table in ("span", "frame"):
            sql = conn.exec_driver_sql(f"SELECT sql FROM sqlite_master WHERE name = '{table}'").scalar()
            assert "AUTOINCREMENT" in sql, table


def test_an_old_project_is_backed_up_and_upgraded_without_losing_data(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(project_url(path))
    migrate.upgrade(writer(engine), "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO label_schema (name, source_text, created_at) VALUES "
                             "('news', :t, '2026-01-01')", {"t": default_schema_path().read_text()})
        conn.exec_driver_sql("INSERT INTO annotator (id, name, role, created_at) VALUES (1, 'ann', 'annotator', '2026-01-01')")
        conn.exec_driver_sql("INSERT INTO article (id, title, text, content_hash, meta, created_at) "
                             "VALUES (1, 'T', 'Ottawa imposed tariffs.', 'h', '{}', '2026-01-01')")
        conn.exec_driver_sql(
            'INSERT INTO span (id, article_id, start, "end", label, layer, annotator_id, origin, status, '
            "created_at, updated_at, version) VALUES "
            "(7, 1, 0, 6, 'GPE', 'ann', 1, 'human', 'accepted', '2026-01-01', '2026-01-01', 1)")
    engine.dispose()
    with Project.open(path, "ann") as project:
        (span,) = project.spans(1)
        assert (span.id, span.start, span.end, span.label, span.annotator) == (7, 0, 6, "GPE", "ann")
        assert span.reviewed_by is None
    (backup,) = tmp_path.glob("old.*.before-migration.db")
    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert db.execute("SELECT label FROM span WHERE id = 7").fetchone() == ("GPE",)
    with Project.open(path, "ann"):
        pass
    assert len(list(tmp_path.glob("*.before-migration.db"))) == 1  # nothing to migrate, no new backup
