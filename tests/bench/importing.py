"""Import through the app against raw sqlite3 `executemany` of the same rows into the same tables.

Both start from a copy of the same empty project file; the baseline (tests/bench/raw.py)
writes in one transaction, on a connection with the app's pragmas: the floor for any
importer in Python.
"""

from __future__ import annotations

from pathlib import Path

from app.core.documents import AnnotatedDocument
from app.core.interchange import import_documents
from app.core.transfer import import_articles
from tests.bench.measure import Row, seconds
from tests.bench.raw import raw_import_jsonl, raw_insert_documents
from tests.bench.workspace import Workspace


def run(workspace: Workspace, jsonl: Path, docs: list[AnnotatedDocument], repeat: int) -> list[Row]:
    """The app's import of the .jsonl file (what `newsgloss import` does once the project is open),
    and of the annotated documents (what importing Prodigy, brat, doccano... does once they are read)."""
    spans = sum(len(d.spans) for d in docs)
    frames = sum(len(d.frames) for d in docs)
    app, raw = (lambda: workspace.project("app")), (lambda: workspace.fresh("raw"))
    one = jsonl.with_name("one.jsonl")  # untimed runs of one article load every module on the way
    one.write_text(jsonl.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    import_articles(app(), [one])
    import_documents(app(), docs[:1])
    raw_import_jsonl(raw(), one)
    rows = [
        Row("import", f"{len(docs):,} articles from .jsonl",
            seconds(lambda project: import_articles(project, [jsonl]), repeat, app),
            seconds(lambda db: raw_import_jsonl(db, jsonl), repeat, raw), "s", "json + sqlite3 executemany"),
        Row("import", f"{len(docs):,} annotated articles ({spans:,} spans, {frames:,} frames)",
            seconds(lambda project: import_documents(project, docs), repeat, app),
            seconds(lambda db: raw_insert_documents(db, docs), repeat, raw), "s", "sqlite3 executemany"),
    ]
    workspace.close()
    return rows
