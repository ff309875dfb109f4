"""Interchange through a project: real files in, the same offsets and labels out; who did what kept;
bad input leaves the project as it was."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.core.errors import InputError, ValidationError
from app.core.interchange import Selection, import_documents
from app.core.project import Project
from app.formats.brat import read_brat
from app.core.interchange import describe_import
from app.core.transfer import export_path, import_paths
from conftest import INTEROP
from test_cli import newsgloss



def t_lines(ann: Path) -> set[tuple[str, int, int, str]]:
    """(label, start, end, text) of every contiguous T line."""
    found = set()
    for line in ann.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"T\d+\t(\S+) (\d+) (\d+)\t(.*)", line)
        if match:
            found.add((match[1], int(match[2]), int(match[3]), match[4]))
    return found


def counts(project: Project) -> tuple[int, int]:
    stats = project.stats()
    return stats.articles, stats.spans


def test_brat_round_trip_through_a_project(project, tmp_path):
    folder = INTEROP / "brat"
    with pytest.raises(InputError, match=r"000-introduction.txt: label 'Organization'.*unknown-labels"):
        import_paths(project, "brat", [folder])
    assert counts(project) == (0, 0)
    lines = describe_import(import_paths(project, "brat", [folder], unknown="add"))
    assert "schema grew" in " ".join(lines)
    assert "Person" in project.schema.labels
    reopened = Project.open(project.url.removeprefix("sqlite:///"), "alice")
    assert "Person" in reopened.schema.labels  # the grown schema is stored with the project
    reopened.close()
    out = tmp_path / "brat-out"
    export_path(project, "brat", out)
    for name in ("000-introduction", "060-relation_annotation", "100-attribute_annotation"):
        exported = {p for p in out.glob("*.ann") if (out / p.name).read_text() and
                    (p.with_suffix(".txt").read_text() == (folder / f"{name}.txt").read_text())}
        assert len(exported) == 1, name
        assert t_lines(next(iter(exported))) >= t_lines(folder / f"{name}.ann")
    assert (out / "annotation.conf").exists()
    # events and relations survive: the re-read export has the same frames
    again = {d.article.text: d for d in read_brat(out)}
    for doc in read_brat(folder):
        types = sorted(f.type for f in doc.frames if not f.key.startswith("*"))
        assert sorted(f.type for f in again[doc.article.text].frames if not f.key.startswith("*")) == types


@pytest.mark.parametrize("fmt, name", [
    ("prodigy", "prodigy/news_headlines_ner.jsonl"),
    ("prodigy", "prodigy/rel_component_annotations.jsonl"),
    ("doccano", "doccano/doccano_export_sequence_labeling_example.jsonl"),
    ("conll", "conll/spacy_ner-token-per-line-conll2003.iob"),
])
def test_import_then_export_keeps_offsets_and_labels(project, tmp_path, fmt, name):
    from app.formats.registry import get_format

    source = INTEROP / name
    import_paths(project, fmt, [source], unknown="add")
    # every status, but CoNLL tags carry none: one at a time (what a CoNLL file imports as)
    statuses = frozenset({"accepted"} if fmt == "conll" else {"accepted", "rejected", "suggested"})
    out = tmp_path / f"out.{fmt}"
    export_path(project, fmt, out, Selection(statuses=statuses))
    read = get_format(fmt).reader

    def keyed(docs):
        return {d.article.text: sorted((s.start, s.end, s.label) for s in d.spans) for d in docs}

    original, exported = keyed(read(source)), keyed(read(out))
    assert exported == {text: spans for text, spans in original.items() if text in exported}
    assert len(exported) == len(original)


def test_who_did_what_survives_prodigy(project, tmp_path):
    aid = project.add_articles([__import__("app.core.articles", fromlist=["ArticleDraft"]).ArticleDraft(
        text="Ottawa taxed steel. 🇨🇦 Canada too.", title="t", origin="t")]).added[0][0]
    text = project.article(aid).text
    canada = text.index("Canada")
    project.add_span(aid, 0, 6, "GPE")
    project.add_span(aid, canada, canada + 6, "GPE", origin="model", status="suggested", score=0.5)
    out = tmp_path / "p.jsonl"
    export_path(project, "prodigy", out, Selection(statuses=frozenset({"accepted", "suggested"})))
    (task,) = [json.loads(line) for line in out.read_text().splitlines()]
    spans = {task["text"][s["start"]:s["end"]]: s for s in task["spans"]}
    assert spans["Ottawa"]["annotator"] == "alice" and spans["Ottawa"]["origin"] == "human"
    assert spans["Canada"]["status"] == "suggested" and spans["Canada"]["start"] == canada


def test_filters_by_annotator_label_and_status(project, tmp_path):
    from app.core.articles import ArticleDraft

    aid = project.add_articles([ArticleDraft(text="Ottawa and Beijing met in Paris.", title="t", origin="t")]).added[0][0]
    project.add_span(aid, 0, 6, "GPE")
    project.add_span(aid, 11, 18, "ORG", status="rejected")
    project.annotator = "bob"
    project.add_span(aid, 26, 31, "GPE")
    out = tmp_path / "d.jsonl"
    export_path(project, "doccano", out, Selection(annotators=frozenset({"alice"})))
    (doc,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(e["start_offset"], e["label"]) for e in doc["entities"]] == [(0, "GPE")]
    export_path(project, "doccano", out, Selection(statuses=frozenset({"rejected"})))
    (doc,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(e["label"], e["status"]) for e in doc["entities"]] == [("ORG", "rejected")]
    export_path(project, "doccano", out, Selection(statuses=frozenset({"accepted"}), labels=frozenset({"GPE"})))
    (doc,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(e["annotator"] for e in doc["entities"]) == ["alice", "bob"]


def test_native_round_trip_is_exact(sample_project, tmp_path):
    project = sample_project
    aid = project.articles()[0].id
    text = project.article(aid).text
    start = text.index("Ottawa")
    ottawa = project.add_span(aid, start, start + 6, "GPE")
    project.add_frame(aid, "tariff_fact", {"imposer": [ottawa.id]}, {"action": "raised"})
    project.set_progress(aid, "done")
    project.delete_span(project.add_span(aid, 0, 4, "ORG").id)  # ids with a gap, and log entries
    suggested = [project.add_span(aid, s, s + 4, "ORG", origin="model", status="suggested", layer="model").id
                 for s in (start + 10, start + 20)]
    project.review("accepted", span_ids=suggested[:1])  # decisions: one accepted (with its copy), one rejected
    project.review("rejected", span_ids=suggested[1:])
    first = tmp_path / "one.json"
    export_path(project, "native", first)
    with Project.open(tmp_path / "copy.db", "carol", create=True) as copy:
        import_paths(copy, "native", [first])
        second = tmp_path / "two.json"
        export_path(copy, "native", second)
        assert copy.spans(aid)[0].id == ottawa.id and copy.progress(aid) == "todo"  # carol has not started
        with pytest.raises(ValidationError, match="new, empty project"):
            import_paths(copy, "native", [first])
    one, two = json.loads(first.read_text()), json.loads(second.read_text())
    assert one == two and [d["status"] for d in one["decision"]] == ["accepted", "rejected"]
    # written row by row, one row a line: the whole project, and nothing but rows on the lines between
    whole = {"format": one["format"], "version": one["version"], "written_by": one["written_by"], **project.dump()}
    lines = first.read_text(encoding="utf-8").splitlines()
    assert one == whole and sum(len(rows) for rows in project.dump().values()) == sum(
        line.startswith("  {") for line in lines)


def test_docbin_export_from_a_project(sample_project, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    project = sample_project
    aid = project.articles()[0].id
    text = project.article(aid).text
    long = text.index("Canadian Prime Minister Mark Carney")
    nested = long + len("Canadian Prime Minister ")
    beijing = text.index("Beijing")
    for start, end, label in ((nested, nested + 11, "PERSON"), (beijing, beijing + 7, "GPE"), (long, nested + 11, "PERSON")):
        project.add_span(aid, start, end, label)
    out = tmp_path / "train.spacy"
    export_path(project, "docbin", out)
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert sorted(s.text for s in doc.spans["sc"]) == sorted(["Beijing", "Canadian Prime Minister Mark Carney",
                                                              "Mark Carney"])
    assert [e.text for e in doc.ents] == ["Beijing", "Canadian Prime Minister Mark Carney"]  # the longer of the nested


def test_bad_input_imports_nothing(project, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Ottawa", "label": [[0, 6, "GPE"]]}\n{"text": "Paris", "label": [[0, 60, "GPE"]]}\n')
    with pytest.raises(InputError, match="line 2"):
        import_paths(project, "doccano", [bad])
    assert counts(project) == (0, 0)
    skipped = tmp_path / "skip.jsonl"
    skipped.write_text('{"text": "Ottawa met Bob", "label": [[0, 6, "GPE"], [11, 14, "WIZARD"]]}\n')
    lines = describe_import(import_paths(project, "doccano", [skipped], unknown="skip"))
    assert any("WIZARD" in line for line in lines)
    assert counts(project) == (1, 1)


def test_mixed_good_and_bad_files_import_nothing(project, tmp_path):
    good = INTEROP / "doccano" / "doccano_export_sequence_labeling_example.jsonl"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "label": [[0, 1, "ORG"]]}\nnot json\n')
    with pytest.raises(InputError, match=r"bad.jsonl, line 2"):
        import_paths(project, "doccano", [good, bad], unknown="add")
    assert counts(project) == (0, 0)


def test_crlf_and_emoji_offsets_through_import_and_export(project, tmp_path):
    text = "Héllo 👍🏽 e\u0301cole\r\nOttawa 🇨🇦 taxed steel.\r\n"
    source = tmp_path / "in.jsonl"
    ottawa = text.index("Ottawa")
    source.write_text(json.dumps({"text": text, "label": [[ottawa, ottawa + 6, "GPE"],
                                                          [text.index("steel"), text.index("steel") + 5, "PRODUCT"]]})
                      + "\n", encoding="utf-8")
    import_paths(project, "doccano", [source])
    (article,) = project.articles()
    stored = project.article(article.id).text
    assert "\r" not in stored
    assert [stored[s.start:s.end] for s in project.spans(article.id)] == ["Ottawa", "steel"]
    for fmt in ("prodigy", "doccano", "brat", "conll"):
        out = tmp_path / f"out-{fmt}"
        export_path(project, fmt, out)
        from app.formats.registry import get_format

        (doc,) = get_format(fmt).reader(out)
        assert [doc.article.text[s.start:s.end] for s in doc.spans] == ["Ottawa", "steel"], fmt


def test_cli_import_and_export_formats(tmp_path):
    db = str(tmp_path / "c.db")
    source = INTEROP / "prodigy" / "news_headlines_ner.jsonl"
    failed = newsgloss("--project", db, "import", "--format", "prodigy", str(source), check=False)
    assert failed.returncode == 1 and "news_headlines_ner.jsonl, line 1" in failed.stderr
    assert "--unknown-labels" in failed.stderr
    done = newsgloss("--project", db, "import", "--format", "prodigy", "--unknown-labels", "add", str(source))
    assert "articles added" in done.stdout
    out = tmp_path / "ner.jsonl"
    newsgloss("--project", db, "export", "--format", "prodigy", str(out), "--status", "all")
    texts = {json.loads(line)["text"] for line in source.read_text().splitlines()
             if json.loads(line).get("answer") != "ignore"}
    assert {json.loads(line)["text"] for line in out.read_text().splitlines()} == texts
    assert newsgloss("--project", db, "export", "--format", "brat", "-", check=False).returncode == 2


def test_import_documents_checks_role_labels(project):
    from app.core.articles import ArticleDraft
    from app.core.documents import AnnotatedDocument, FrameData, SpanData

    doc = AnnotatedDocument(ArticleDraft(text="Ottawa taxes steel.", title="t", origin="x.json", line=4),
                            [SpanData("a", 13, 18, "PRODUCT")],
                            [FrameData("f", "tariff_fact", {"imposer": ["a"]})])
    with pytest.raises(InputError, match=r"x.json, line 4: a PRODUCT span as tariff_fact.imposer"):
        import_documents(project, [doc])
    assert counts(project) == (0, 0)


def test_brat_event_arguments_name_the_imported_events_and_a_second_import_adds_nothing(project):
    source = INTEROP / "brat" / "090-event_structures.txt"
    import_paths(project, "brat", [source], unknown="add")
    (article,) = project.articles()
    text = project.article(article.id).text
    spans = {s.id: text[s.start:s.end] for s in project.spans(article.id)}
    frames = {f"F{f.id}": f for f in project.frames(article.id)}
    trigger = {key: spans[f.role("trigger")[0]] for key, f in frames.items()}
    # E2 reported -> E1 merged, E3 told -> E4 posted, E4 -> E5 reported (defined later), E5 -> E6 merged
    links = sorted((trigger[key], trigger[f.attributes["brat:arg:Event-Arg"]]) for key, f in frames.items()
                   if "brat:arg:Event-Arg" in f.attributes)
    assert links == [("posted", "reported"), ("reported", "merged"), ("reported", "merged"), ("told", "posted")]
    before = (counts(project), len(frames))
    lines = describe_import(import_paths(project, "brat", [source], unknown="add"))
    assert lines[0] == "0 articles added, 1 already present; 0 spans and 0 frames added"
    assert (counts(project), len(project.frames(article.id))) == before
    assert len(project.change_log(article.id, "import.annotations")) == 2


def test_a_text_twice_in_one_import_is_one_article_with_each_annotation_once(project):
    from app.core.articles import ArticleDraft
    from app.core.documents import AnnotatedDocument, FrameData, SpanData

    text = "Ottawa taxes Chinese steel."
    first = AnnotatedDocument(ArticleDraft(text=text, title="t", origin="a.jsonl", line=1),
                              [SpanData("a", 0, 6, "GPE", "bob"), SpanData("b", 21, 26, "PRODUCT", "bob")],
                              [FrameData("f", "tariff_fact", {"imposer": ["a"], "product": ["b"]}, annotator="bob")])
    second = AnnotatedDocument(ArticleDraft(text=text, title="t", origin="a.jsonl", line=2),
                               [SpanData("x", 21, 26, "PRODUCT", "bob"), SpanData("y", 0, 6, "GPE", "bob"),
                                SpanData("z", 13, 20, "NORP", "carol")],
                               [FrameData("g", "tariff_fact", {"product": ["x"], "imposer": ["y"]}, annotator="bob"),
                                FrameData("h", "tariff_fact", {"target": ["z"], "product": ["x"]}, annotator="dave")])
    summary = import_documents(project, [first, second])
    assert (summary.articles_added, summary.articles_existing, summary.spans, summary.frames) == (1, 1, 3, 2)
    (article,) = project.articles()
    assert [(s.start, s.end, s.label, s.layer) for s in project.spans(article.id)] == [
        (0, 6, "GPE", "bob"), (13, 20, "NORP", "carol"), (21, 26, "PRODUCT", "bob")]
    ids = {text[s.start:s.end]: s.id for s in project.spans(article.id)}
    assert [(f.annotator, f.role("imposer"), f.role("target"), f.role("product"))
            for f in project.frames(article.id)] == [
        ("bob", [ids["Ottawa"]], [], [ids["steel"]]), ("dave", [], [ids["Chinese"]], [ids["steel"]])]
    assert {"bob", "carol", "dave"} <= set(project.annotators())  # everyone named in the files
    assert [entry["data"] for entry in project.change_log(article.id, "import.annotations")] == [
        {"from": "a.jsonl", "spans": 2}, {"from": "a.jsonl", "spans": 1}]


def test_the_bulk_read_in_chunks_gives_what_each_article_gives(project):
    from app.core.articles import ArticleDraft
    from app.core.documents import AnnotatedDocument, FrameData, SpanData

    docs = [AnnotatedDocument(ArticleDraft(text=f"Ottawa taxes steel, day {n}.", title=f"t{n}", origin="a.jsonl",
                                           external_id=f"n{n}", url=None if n % 2 else f"https://x/{n}"),
                              [SpanData("a", 0, 6, "GPE", "bob", status=("accepted", "rejected", "suggested")[n % 3]),
                               SpanData("b", 13, 18, "PRODUCT", "bob", score=0.5 if n % 2 else None)],
                              [FrameData("f", "tariff_fact", {"imposer": ["a"], "product": ["b"]},
                                         {"action": "imposed"}, annotator="bob")] if n % 4 else [])
            for n in range(7)]
    import_documents(project, docs)
    project.add_articles([ArticleDraft(text="Nothing here.", title="empty", origin="b.txt")])
    ids = [a.id for a in project.articles()]
    expected = [(project.article(i), project.spans(i, include_rejected=True), project.frames(i, include_rejected=True))
                for i in ids]
    assert list(project.annotated(chunk=3)) == expected
    assert list(project.annotated(article_ids=[ids[-1], ids[0], 10**6], chunk=1)) == [expected[0], expected[-1]]
