"""The project database: made by the migrations, matching the models, with SQLite set up safely.

Tests that take `backend_url` or `any_project` run on SQLite and on PostgreSQL (conftest.py).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, make_url, text

from app.core.errors import ProjectError
from app.core.project import Project
from app.core.samples import add_samples
from app.store import migrate
from app.core.schema import default_schema_path
from app.store.engine import make_engine, project_url, sqlite_path, writer
from app.store.models import Base


def test_new_project_is_made_by_the_migrations_and_matches_the_models(backend_url):
    Project.open(backend_url, create=True).close()
    engine = make_engine(backend_url)
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


def test_project_carries_its_schema(backend_url):
    Project.open(backend_url, create=True).close()
    engine = make_engine(backend_url)
    with engine.connect() as conn:
        source = conn.execute(text("SELECT source_text FROM label_schema")).scalar_one()
    engine.dispose()
    assert "tariff_fact" in source
    with Project.open(backend_url) as reopened:
        assert "tariff_fact" in reopened.schema.frames


def test_change_log_is_append_only(any_project):
    project = any_project
    add_samples(project)
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


def test_create_refuses_to_overwrite(backend_url):
    Project.create(backend_url).close()
    with pytest.raises(ProjectError, match="already there"):
        Project.create(backend_url)


def test_a_database_with_no_project_or_another_application_is_refused_and_left_alone(backend_url):
    with pytest.raises(ProjectError, match="no NewsGloss project"):
        Project.open(backend_url)
    engine = make_engine(backend_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE recipes (name VARCHAR(50))"))
    with pytest.raises(ProjectError, match="not a NewsGloss project"):
        Project.open(backend_url, create=True)
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == ["recipes"]
    engine.dispose()


def test_wrong_server_password_or_database_is_one_clear_error_without_the_password(postgres_url):
    url = make_url(postgres_url)
    for wrong, reason in [(url.set(password="not-the-password"), "password authentication failed"),
                          (url.set(database="no_such_database"), 'database "no_such_database" does not exist'),
                          (url.set(port=1), "Connection refused")]:
        with pytest.raises(ProjectError) as refused:
            Project.open(wrong.render_as_string(hide_password=False), create=True)
        message = str(refused.value)
        assert message.startswith(f"cannot connect to {wrong.render_as_string(hide_password=True)}: ")
        assert reason in message and "\n" not in message
        assert wrong.password not in message


def test_a_postgresql_database_that_does_not_store_utf8_is_refused(_postgres_admin, postgres_url):
    """In SQL_ASCII PostgreSQL counts bytes, so offsets into articles with accents or emoji would drift."""
    url = make_url(postgres_url)
    ascii_url = url.set(database=f"{url.database}_ascii")
    with _postgres_admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {ascii_url.database} ENCODING 'SQL_ASCII' LC_COLLATE 'C' "
                             "LC_CTYPE 'C' TEMPLATE template0")
    try:
        with pytest.raises(ProjectError, match="encoding is SQL_ASCII; NewsGloss needs UTF8"):
            Project.open(ascii_url.render_as_string(hide_password=False), create=True)
    finally:
        with _postgres_admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE {ascii_url.database} WITH (FORCE)")


def test_native_dump_moves_from_sqlite_to_postgresql_and_back_unchanged(tmp_path, postgres_url):
    from app.core.transfer import export_path, import_paths

    with Project.open(tmp_path / "first.db", "alice", create=True) as first:
        add_samples(first)
        aid = first.articles()[0].id
        spans = [first.add_span(aid, i * 10, i * 10 + 5, "GPE") for i in range(3)]
        first.delete_span(spans[1].id)
        first.add_frame(aid, "tariff_fact", {"imposer": [spans[0].id]}, {"action": "imposed"})
        first.review("rejected", span_ids=[spans[2].id])
        export_path(first, "native", tmp_path / "first.json")
        dumped = first.dump()
    with Project.open(postgres_url, "bob", create=True) as shared:
        import_paths(shared, "native", [tmp_path / "first.json"])
        assert shared.dump() == dumped
        export_path(shared, "native", tmp_path / "shared.json")
        added = shared.add_span(aid, 40, 45, "ORG")  # new ids come after the restored ones
        frame = shared.add_frame(aid, "tariff_fact", {"imposer": [added.id]})
        assert added.id > max(row["id"] for row in dumped["span"])
        assert frame.id > max(row["id"] for row in dumped["frame"])
        assert shared.change_log()[-1]["id"] > max(row["id"] for row in dumped["change_log"])
    with Project.open(tmp_path / "back.db", "alice", create=True) as back:
        import_paths(back, "native", [tmp_path / "shared.json"])
        assert back.dump() == dumped
        export_path(back, "native", tmp_path / "back.json")
    assert (tmp_path / "back.json").read_text() == (tmp_path / "first.json").read_text()


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


# A project as revision 0001 made it: a row or more in every table, ids with gaps (rows were deleted).
OLD_ROWS = {
    "label_schema": ["(1, 'news', :schema, '2026-01-01 09:00:00')"],
    "annotator": ["(1, 'ann', 'annotator', '2026-01-01 09:00:00')", "(2, 'rev', 'reviewer', '2026-01-02 09:00:00')"],
    "article": ["(1, 'a-1', 'Tariffs', 'Wire', 'https://example.org/1', '2026-01-01', "
                "'Ottawa imposed tariffs on 👍🏽 canola.', 'h1', '{\"desk\": \"trade\"}', 'a.txt', '2026-01-01 09:00:00')",
                "(3, NULL, 'Café', NULL, NULL, NULL, 'Beijing answered — naïvely.', 'h3', '{}', NULL, "
                "'2026-01-01 09:00:00')"],
    "span": ["(7, 1, 0, 6, 'GPE', 'ann', 1, 'human', 'accepted', NULL, NULL, '2026-01-01 09:00:00', "
             "'2026-01-01 09:00:00', 1)",
             "(9, 1, 30, 36, 'PRODUCT', 'model', NULL, 'model', 'suggested', 0.75, 'en_core_web_sm', "
             "'2026-01-01 09:00:00', '2026-01-01 09:00:00', 2)",
             "(12, 3, 0, 7, 'GPE', 'rev', 2, 'human', 'rejected', NULL, NULL, '2026-01-01 09:00:00', "
             "'2026-01-03 09:00:00', 3)"],
    "frame": ["(4, 1, 'tariff_fact', '{\"action\": \"imposed\"}', 'ann', 1, 'human', 'accepted', NULL, NULL, "
              "'2026-01-01 09:00:00', '2026-01-01 09:00:00', 1)"],
    "frame_slot": ["(1, 4, 'imposer', 7, 0)", "(2, 4, 'product', 9, 0)"],
    "article_progress": ["(1, 1, 'done', '2026-01-01 09:00:00')", "(3, 2, 'in_progress', '2026-01-01 09:00:00')"],
    "change_log": ["(1, '2026-01-01 09:00:00', 'ann', 'span.add', 1, 'span', 7, '{\"label\": \"GPE\"}')",
                   "(2, '2026-01-01 09:00:00', 'ann', 'span.delete', 1, 'span', 13, '{}')"],
}


def every_row(connection: sqlite3.Connection, tables) -> dict[str, list[dict]]:
    cursor = connection.cursor()
    cursor.row_factory = sqlite3.Row
    return {t: [dict(r) for r in cursor.execute(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in tables}


def test_an_old_project_is_backed_up_and_upgraded_without_losing_data(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(project_url(path))
    migrate.upgrade(writer(engine), "0001")
    with engine.begin() as conn:
        for table, rows in OLD_ROWS.items():
            for row in rows:
                conn.execute(text(f"INSERT INTO {table} VALUES {row}"), {"schema": default_schema_path().read_text()})
        conn.exec_driver_sql("UPDATE sqlite_sequence SET seq = 13 WHERE name = 'span'")  # span 13 was deleted
    engine.dispose()
    with sqlite3.connect(path) as db:
        before = every_row(db, OLD_ROWS)
    db.close()
    assert all(len(before[t]) == len(rows) for t, rows in OLD_ROWS.items())
    started = datetime.now().replace(microsecond=0)

    with Project.open(path, "ann") as project:
        assert [s.label for s in project.spans(1, include_rejected=True)] == ["GPE", "PRODUCT"]
    with sqlite3.connect(path) as db:
        after = every_row(db, OLD_ROWS)
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == (migrate.head_revision(),)
    db.close()
    for table, rows in before.items():  # every row, every old column as it was; the new ones empty
        assert [{k: row[k] for k in rows[0]} for row in after[table]] == rows, f"{table} changed"
        assert all(v is None for row in after[table] for k, v in row.items() if k not in rows[0])
    with Project.open(path, "ann") as project:
        assert project.add_span(1, 7, 14, "ORG").id == 14, "the migration handed out a deleted span's id again"

    (backup,) = tmp_path.glob("old.*.before-migration.db")
    stamp = datetime.strptime(backup.name.split(".")[1], "%Y%m%d-%H%M%S")
    assert started - timedelta(seconds=2) <= stamp <= datetime.now()
    with sqlite3.connect(backup) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert every_row(db, OLD_ROWS) == before
    db.close()
    with Project.open(path, "ann"):
        pass
    assert len(list(tmp_path.glob("*.before-migration.db"))) == 1  # nothing to migrate, no new backup


def test_the_newest_revision_is_read_from_the_migrations_as_alembic_reads_it():
    """Opening a project finds the newest revision without importing Alembic; it must agree with Alembic."""
    from alembic.script import ScriptDirectory

    assert migrate.head_revision() == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def test_opening_an_up_to_date_project_does_not_import_alembic(tmp_path):
    import subprocess
    import sys

    Project.open(tmp_path / "p.db", "alice", create=True).close()
    probe = ("import sys; from app.core.project import Project; Project.open(sys.argv[1], 'alice').close(); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "p.db")], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"

# A project as revision 0003 left it after alice decided on the model's suggestions: accepted ones moved
# into her layer (one of them fixed first: the model said "steel"), a rejected one marked the model's row.
DECIDED_TEXT = "Ottawa imposed tariffs on Chinese steel."
DECIDED_ROWS = [
    "INSERT INTO annotator (id, name, role, created_at) VALUES (1, 'alice', 'reviewer', '2026-01-01 09:00:00'), "
    "(2, 'bob', 'annotator', '2026-01-01 09:00:00')",
    "INSERT INTO article (id, title, text, content_hash, meta, created_at) "
    "VALUES (1, 'T', :text, 'h1', '{}', '2026-01-01 09:00:00')",
    "INSERT INTO span (id, article_id, start, \"end\", label, layer, annotator_id, origin, status, score, model, "
    "reviewed_by, reviewed_at, created_at, updated_at, version) VALUES "
    "(1, 1, 0, 6, 'GPE', 'alice', NULL, 'model', 'accepted', 0.9, 'm', 1, '2026-01-02 09:00:00', "
    "'2026-01-01 09:00:00', '2026-01-02 09:00:00', 2), "
    "(2, 1, 26, 39, 'PRODUCT', 'alice', NULL, 'model', 'accepted', NULL, 'm', 1, '2026-01-02 09:00:00', "
    "'2026-01-01 09:00:00', '2026-01-02 09:00:00', 3), "
    "(3, 1, 15, 22, 'TARIFF', 'model', NULL, 'model', 'rejected', NULL, 'm', 1, '2026-01-02 10:00:00', "
    "'2026-01-01 09:00:00', '2026-01-02 10:00:00', 2), "
    "(4, 1, 26, 33, 'NORP', 'model', NULL, 'model', 'suggested', NULL, 'm', NULL, NULL, "
    "'2026-01-01 09:00:00', '2026-01-01 09:00:00', 1)",
    "INSERT INTO frame (id, article_id, type, attributes, layer, annotator_id, origin, status, score, model, "
    "reviewed_by, reviewed_at, created_at, updated_at, version) VALUES (1, 1, 'tariff_fact', "
    "'{\"action\": \"imposed\"}', 'alice', NULL, 'model', 'accepted', 0.7, 'm', 1, '2026-01-02 09:00:00', "
    "'2026-01-01 09:00:00', '2026-01-02 09:00:00', 2)",
    "INSERT INTO frame_slot (id, frame_id, role, span_id, position) VALUES (1, 1, 'imposer', 1, 0), "
    "(2, 1, 'product', 2, 0)",
    "INSERT INTO change_log (id, at, annotator, action, article_id, subject, subject_id, data) VALUES "
    "(1, '2026-01-02 08:59:00', 'alice', 'span.update', 1, 'span', 2, '{\"start\": [34, 26]}'), "
    "(2, '2026-01-02 09:00:00', 'alice', 'frame.review', 1, 'frame', 1, '{\"status\": \"accepted\"}')",
]


def test_decisions_made_before_per_person_decisions_stay_the_deciding_person_s(backend_url):
    engine = make_engine(backend_url)
    migrate.upgrade(writer(engine), "0003")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO label_schema (name, source_text, created_at) "
                          "VALUES ('news', :schema, '2026-01-01 09:00:00')"), {"schema": default_schema_path().read_text()})
        for statement in DECIDED_ROWS:
            conn.execute(text(statement), {"text": DECIDED_TEXT})
        # a column a revision between 0003 and this one may add: the model's twin of a span carries it too
        conn.execute(text("ALTER TABLE span ADD COLUMN test_extra VARCHAR(20)"))
        conn.execute(text("UPDATE span SET test_extra = 'kept' WHERE id = 1"))
        if conn.dialect.name == "postgresql":  # rows went in with their ids: move the sequences past them
            for table in ("annotator", "article", "span", "frame", "frame_slot", "change_log"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)")
    engine.dispose()

    def seen(project):
        return ({(DECIDED_TEXT[s.start:s.end], s.label, s.layer, s.status)
                 for s in project.spans(1, include_rejected=True)},
                {(f.layer, f.status) for f in project.frames(1, include_rejected=True)})

    with Project.open(backend_url, "alice") as alice:
        spans, frames = seen(alice)
        assert spans == {("Ottawa", "GPE", "alice", "accepted"), ("Chinese steel", "PRODUCT", "alice", "accepted"),
                         ("tariffs", "TARIFF", "model", "rejected"), ("Chinese", "NORP", "model", "suggested")}
        assert frames == {("alice", "accepted")}
        decisions = {(d.kind, d.status, d.copy_id) for d in alice.decisions() if d.annotator == "alice"}
        assert decisions == {("span", "accepted", 1), ("span", "accepted", 2), ("span", "rejected", None),
                             ("frame", "accepted", 1)}
    with Project.open(backend_url, "bob") as bob:  # everything alice decided is still open for bob
        spans, frames = seen(bob)
        assert {s for s in spans if s[2] == "model"} == {
            ("Ottawa", "GPE", "model", "suggested"), ("steel", "PRODUCT", "model", "suggested"),
            ("tariffs", "TARIFF", "model", "suggested"), ("Chinese", "NORP", "model", "suggested")}
        (suggestion,) = [f for f in bob.frames(1) if f.layer == "model"]
        assert suggestion.status == "suggested" and suggestion.attributes == {"action": "imposed"}
        by_id = {s.id: DECIDED_TEXT[s.start:s.end] for s in bob.spans(1)}
        assert {slot.role: by_id[slot.span_id] for slot in suggestion.slots} == {"imposer": "Ottawa",
                                                                                 "product": "steel"}
        bob.review("accepted", span_ids=[s.id for s in bob.spans(1) if s.label == "TARIFF"])
        assert ("tariffs", "TARIFF", "bob", "accepted") in seen(bob)[0]
    engine = make_engine(backend_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM span WHERE test_extra = 'kept'")).scalar() == 2
    engine.dispose()


def test_a_span_without_details_stores_sql_null_not_json_text(project):
    """Reading the spans of a long article must not parse four JSON texts per span that say nothing."""


    from app.core.articles import ArticleDraft
    from app.core.documents import AnnotatedDocument, SpanData
    from app.core.interchange import import_documents

    [(article, _)] = project.add_articles([ArticleDraft(text="Ottawa taxed steel.", title="t", origin="o")]).added
    project.add_span(article, 0, 6, "GPE")
    import_documents(project, [AnnotatedDocument(ArticleDraft(text="Beijing too.", title="u", origin="x"),
                                                 [SpanData("k", 0, 7, "GPE")])])
    with sqlite3.connect(sqlite_path(project.url)) as db:
        kinds = db.execute("SELECT typeof(attributes), typeof(normalizations), typeof(notes), typeof(fragments) "
                           "FROM span").fetchall()
    assert kinds == [("null",) * 4] * 2
