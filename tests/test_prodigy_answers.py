"""Prodigy: a span's own "answer" decides its status, and _annotator_id / _session_id (Prodigy's
multi-annotator sessions) say who annotated, both ways."""

from __future__ import annotations

import json

import pytest

from app.core.errors import InputError
from app.core.interchange import Selection
from app.formats.prodigy import read_prodigy
from app.core.transfer import export_path, import_paths

TEXT = "Ottawa raised tariffs on Chinese steel."
ALL = Selection(statuses=frozenset({"accepted", "suggested", "rejected"}))


def span(words: str, label: str, **keys) -> dict:
    start = TEXT.index(words)
    return {"start": start, "end": start + len(words), "label": label} | keys


def write(path, *tasks):
    path.write_text("".join(json.dumps(task) + "\n" for task in tasks), encoding="utf-8")
    return path


def test_a_spans_own_answer_wins_over_the_tasks(tmp_path):
    # binary decisions merged into one task, as Prodigy's merge_spans makes them
    task = {"text": TEXT, "answer": "accept", "spans": [
        span("Ottawa", "GPE", answer="accept"), span("tariffs", "TARIFF", answer="reject"),
        span("Chinese", "NORP", answer="ignore"), span("steel", "PRODUCT")]}
    (doc,) = read_prodigy(write(tmp_path / "t.jsonl", task))
    assert [(TEXT[s.start:s.end], s.status) for s in doc.spans] == [
        ("Ottawa", "accepted"), ("tariffs", "rejected"), ("Chinese", "suggested"), ("steel", "accepted")]
    bad = write(tmp_path / "bad.jsonl", {"text": TEXT, "spans": [span("Ottawa", "GPE", answer="maybe")]})
    with pytest.raises(InputError, match=r'bad.jsonl, line 1: spans\[0\]: "answer" must be accept, reject or ignore'):
        read_prodigy(bad)


def test_annotator_and_session_ids_say_who_annotated(project, tmp_path):
    alice = {"text": TEXT, "answer": "accept", "_annotator_id": "news-alice", "_session_id": "news-alice",
             "spans": [span("Ottawa", "GPE"), span("steel", "PRODUCT")]}
    bob = {"text": TEXT, "answer": "accept", "_session_id": "news-bob", "spans": [span("Ottawa", "GPE")]}
    import_paths(project, "prodigy", [write(tmp_path / "in.jsonl", alice, bob)])
    (article,) = project.articles()  # one text, two people's tasks
    spans = project.spans(article.id)
    assert sorted((TEXT[s.start:s.end], s.annotator, s.layer) for s in spans) == [
        ("Ottawa", "news-alice", "news-alice"), ("Ottawa", "news-bob", "news-bob"),
        ("steel", "news-alice", "news-alice")]
    out = tmp_path / "out.jsonl"
    export_path(project, "prodigy", out, Selection(annotators=frozenset({"news-bob"})))
    (task,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert (task["_annotator_id"], task["_session_id"]) == ("news-bob", "news-bob")
    export_path(project, "prodigy", out)  # both people's spans in one task: no single annotator to name
    (task,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert "_annotator_id" not in task and "_session_id" not in task
    assert sorted(s["annotator"] for s in task["spans"]) == ["news-alice", "news-alice", "news-bob"]


def test_export_writes_each_spans_answer_and_reads_back_the_same(project, tmp_path):
    from app.core.articles import ArticleDraft

    aid = project.add_articles([ArticleDraft(text=TEXT, title="t", origin="t")]).added[0][0]
    for words, label, keys in (("Ottawa", "GPE", {}), ("tariffs", "TARIFF", {"status": "rejected"}),
                               ("steel", "PRODUCT", {"origin": "model", "status": "suggested"})):
        place = span(words, label)
        project.add_span(aid, place["start"], place["end"], label, **keys)
    out = tmp_path / "out.jsonl"
    export_path(project, "prodigy", out, ALL)
    (task,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(s["label"], s.get("answer")) for s in task["spans"]] == [
        ("GPE", "accept"), ("TARIFF", "reject"), ("PRODUCT", "ignore")]
    assert task["_annotator_id"] == "alice"
    for span_ in task["spans"]:
        del span_["status"]  # the answer alone must carry the decision back
    (doc,) = read_prodigy(write(tmp_path / "again.jsonl", task))
    assert [(s.label, s.status, s.annotator) for s in doc.spans] == [
        ("GPE", "accepted", "alice"), ("TARIFF", "rejected", "alice"), ("PRODUCT", "suggested", "alice")]
