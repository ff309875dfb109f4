"""An import streams: documents are read a line at a time and written a batch at a time, all in one
transaction. A failure in a late batch leaves the project as it was; memory holds a batch, not the file."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import pytest

from app.core.services import importing
from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, SpanData
from app.core.errors import InputError
from app.core.interchange import import_documents
from app.formats.doccano import iter_doccano
from app.formats.prodigy import iter_prodigy
from app.core.transfer import import_paths

BATCH = 3


@pytest.fixture
def project(any_project, monkeypatch):
    """A project on each database, whose imports write 3 documents a batch."""
    monkeypatch.setattr(importing, "IMPORT_BATCH", BATCH)
    return any_project


def task(n: int, label: str = "GPE", text: str | None = None) -> dict:
    text = text or f"Report {n}: Ottawa answered Beijing on steel."
    start = text.index("Ottawa")
    return {"text": text, "meta": {"id": f"r{n}"}, "answer": "accept",
            "spans": [{"start": start, "end": start + 6, "label": label},
                      {"start": text.index("Beijing"), "end": text.index("Beijing") + 7, "label": "GPE"}]}


def write_tasks(path: Path, tasks: list[dict | str]) -> Path:
    path.write_text("".join((t if isinstance(t, str) else json.dumps(t, ensure_ascii=False)) + "\n" for t in tasks),
                    encoding="utf-8")
    return path


def table_rows(project) -> dict[str, list]:
    return {table: sorted(json.dumps(row, sort_keys=True) for row in found)
            for table, found in project.dump().items()}


def test_a_failure_in_a_late_batch_leaves_the_project_as_it_was(project, tmp_path):
    import_paths(project, "prodigy", [write_tasks(tmp_path / "first.jsonl", [task(0), task(1)])])
    before = table_rows(project)
    tasks: list[dict | str] = [task(n) for n in range(2, 22)]
    tasks[19]["spans"][0]["end"] = 10_000  # line 20: the seventh batch, after six were written
    path = write_tasks(tmp_path / "archive.jsonl", tasks)
    with pytest.raises(InputError, match=r"archive.jsonl, line 20: .*offsets"):
        import_paths(project, "prodigy", [path])
    assert table_rows(project) == before
    tasks[19] = "{not json"  # a line the reader cannot parse, read only after six batches were written
    with pytest.raises(InputError, match=r"archive.jsonl, line 20: invalid JSON"):
        import_paths(project, "prodigy", [write_tasks(path, tasks)])
    assert table_rows(project) == before
    tasks[19] = task(21, label="NEW_LABEL")  # a label the schema lacks, refused in the last batch
    with pytest.raises(InputError, match=r"archive.jsonl, line 20: label 'NEW_LABEL'"):
        import_paths(project, "prodigy", [write_tasks(path, tasks)])
    assert table_rows(project) == before


def test_batches_add_each_article_once_and_log_each_document(project, tmp_path):
    same = "Ottawa and Beijing talked again."
    tasks = [task(n) for n in range(8)] + [task(100, text=same), task(101), task(102), task(103, text=same)]
    summary = import_paths(project, "prodigy", [write_tasks(tmp_path / "a.jsonl", tasks)])
    # the repeated text is one article, in the fourth batch and the fourth again; its spans are not doubled
    assert (summary.articles_added, summary.articles_existing, summary.spans) == (11, 1, 22)
    dumped = project.dump()
    assert len(dumped["article"]) == 11 and len(dumped["span"]) == 22
    assert len({s["id"] for s in dumped["span"]}) == 22
    logged = [entry for entry in project.change_log() if entry["action"] == "import.annotations"]
    assert len(logged) == 12 and sum(entry["data"]["spans"] for entry in logged) == 22
    # the next import continues after the ids given, and a span deleted keeps its id from being given again
    last = max(s["id"] for s in dumped["span"])
    project.delete_span(last)
    import_paths(project, "prodigy", [write_tasks(tmp_path / "b.jsonl", [task(200)])])
    assert min(s["id"] for s in project.dump()["span"] if s["id"] not in {x["id"] for x in dumped["span"]}) > last


def test_a_label_first_seen_in_the_last_batch_grows_the_schema_once(project, tmp_path):
    tasks = [task(n) for n in range(9)] + [task(9, label="WATERWAY")]
    before = len(project.dump()["label_schema"])
    summary = import_paths(project, "prodigy", [write_tasks(tmp_path / "a.jsonl", tasks)], unknown="add")
    assert summary.labels_added == ["WATERWAY"] and summary.spans == 20
    assert "WATERWAY" in project.schema.labels
    assert len(project.dump()["label_schema"]) == before + 1


def test_the_reader_yields_each_document_as_its_line_is_read(tmp_path):
    path = write_tasks(tmp_path / "a.jsonl", [task(0), task(1), "{broken"])
    docs = iter_prodigy(path)
    assert next(docs).article.external_id == "r0"  # the broken third line is not read yet
    assert next(docs).article.line == 2
    with pytest.raises(InputError, match=r"a.jsonl, line 3: invalid JSON"):
        next(docs)


def test_an_import_holds_a_batch_of_documents_not_all_of_them(project):
    alive: list[weakref.ref] = []
    most = 0

    def documents():
        nonlocal most
        for n in range(30):
            gc.collect()
            most = max(most, sum(ref() is not None for ref in alive))
            text = f"Article {n} on Ottawa."
            doc = AnnotatedDocument(ArticleDraft(text=text, title=f"a{n}", origin="generated", line=n + 1),
                                    [SpanData("s0", text.index("Ottawa"), text.index("Ottawa") + 6, "GPE")])
            alive.append(weakref.ref(doc.article))  # the checked document is a copy; its article is this one
            yield doc

    summary = import_documents(project, documents())
    assert (summary.articles_added, summary.spans) == (30, 30)
    assert most <= 2 * BATCH  # the batch being written, and the next being gathered


def test_a_doccano_file_turning_out_to_hold_whole_documents_gives_each_document_once(tmp_path):
    one_line = json.dumps({"text": "Ottawa wins", "label": [[0, 6, "GPE"]]})
    pretty = json.dumps({"text": "Beijing answers", "label": [[0, 7, "GPE"]]}, indent=2)
    path = tmp_path / "mixed.json"
    path.write_text(one_line + "\n" + pretty + "\n", encoding="utf-8")
    docs = list(iter_doccano(path))  # the first line was yielded before the second showed the file is not JSON Lines
    assert [(d.article.text, d.article.line) for d in docs] == [("Ottawa wins", 1), ("Beijing answers", 2)]
