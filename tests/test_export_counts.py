"""Exports say exactly what they wrote: every format's file, read back with a parser of its own written
here (not NewsGloss's readers), holds the articles, spans and frames its summary counts, and what the
file cannot hold is counted as left out, by reason."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.core.errors import ValidationError
from app.core.interchange import Selection
from app.core.interchange import describe_export
from app.core.project import Project
from app.core.transfer import Cancelled, export_path, import_paths
from app.formats.registry import export_formats
from test_cli import newsgloss

ALL = frozenset({"accepted", "suggested", "rejected"})


def place(text: str, words: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return start, start + len(words)


@pytest.fixture
def annotated(sample_project):
    """The sample article as an annotator leaves it after a while: accepted spans (two nested), model
    suggestions, a rejected one, a tariff fact whose fillers are still suggestions, and a whole one."""
    project = sample_project
    aid = project.articles()[0].id
    text = project.article(aid).text

    def span(words, label, nth=0, **kwargs):
        return project.add_span(aid, *place(text, words, nth), label, **kwargs).id

    long = span("Canadian Prime Minister Mark Carney", "PERSON")
    carney = place(text, "Canadian Prime Minister Mark Carney")[1]
    project.add_span(aid, carney - len("Mark Carney"), carney, "PERSON")  # inside the longer one: CoNLL tags one
    ottawa = span("Ottawa’s", "GPE", origin="model", status="suggested")
    steel = span("steel", "PRODUCT", origin="model", status="suggested")
    rate = span("25 percent", "RATE", origin="model", status="suggested")
    tariffs = span("tariffs", "TARIFF", 1, origin="model", status="suggested")
    span("Washington", "GPE", origin="model", status="rejected")
    china = span("China", "GPE", 4)
    retaliated = span("tariffs", "TARIFF", 2)
    canola = span("canola", "PRODUCT")
    # made by a person from the model's suggestions, which nobody accepted
    project.add_frame(aid, "tariff_fact", {"imposer": [ottawa], "product": [steel], "rate": [rate],
                                           "trigger": [tariffs]}, {"action": "imposed"})
    project.add_frame(aid, "tariff_fact", {"imposer": [china], "product": [canola], "trigger": [retaliated]},
                      {"action": "retaliated"})
    project.add_frame(aid, "claim", {"claimant": [long]}, {"stance": "unstated"}, origin="model",
                      status="suggested")
    return project


# -- each format read back, independently -----------------------------------------------------


def read_prodigy(out: Path) -> tuple[int, int, int]:
    tasks = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return (len(tasks), sum(len(t["spans"]) for t in tasks),
            sum(len(t["relations"]) + len(t["meta"].get("frames", [])) for t in tasks))


def read_doccano(out: Path) -> tuple[int, int, int]:
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return (len(records), sum(len(r.get("entities", r.get("label", []))) for r in records),
            sum(len(r.get("relations", [])) + len(r.get("frames", [])) for r in records))


def read_doccano_spans(out: Path) -> tuple[int, int, int]:
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return len(records), sum(len(r["label"]) for r in records), 0


def read_brat(out: Path) -> tuple[int, int, int]:
    spans = frames = 0
    for ann in out.glob("*.ann"):
        lines = ann.read_text(encoding="utf-8").splitlines()
        # A T line written only to trigger an event: the event's own note says synthetic=1.
        events = {m[1]: m[2] for line in lines if (m := re.match(r"(E\d+)\t[^:\s]+:(T\d+)", line))}
        synthetic = {events[m[1]] for line in lines
                     if (m := re.match(r"#\d+\tAnnotatorNotes (E\d+)\t.*synthetic=1", line))}
        spans += sum(1 for line in lines if re.match(r"T\d+\t", line) and line.split("\t")[0] not in synthetic)
        frames += sum(1 for line in lines if re.match(r"([ER]\d+|\*)\t", line))
    return len(list(out.glob("*.txt"))), spans, frames


def read_conll(out: Path) -> tuple[int, int, int]:
    lines = out.read_text(encoding="utf-8").splitlines()
    tags = [line.split()[-1] for line in lines if line.strip() and not line.startswith("-DOCSTART-")]
    return sum(line.startswith("-DOCSTART-") for line in lines), sum(tag.startswith("B-") for tag in tags), 0


def read_docbin(out: Path) -> tuple[int, int, int]:
    import spacy
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    return len(docs), sum(len(doc.spans["sc"]) for doc in docs), 0


def read_native(out: Path) -> tuple[int, int, int]:
    tables = json.loads(out.read_text(encoding="utf-8"))
    return len(tables["article"]), len(tables["span"]), len(tables["frame"])


def read_frame_lines(out: Path) -> tuple[int, int, int]:
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return len({r["article"] for r in records}), 0, len(records)


def read_facts_csv(out: Path) -> tuple[int, int, int]:
    import csv

    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return len({r["article"] for r in rows}), 0, len({(r["article"], r["fact"]) for r in rows})


READ_BACK = {"prodigy": read_prodigy, "doccano": read_doccano, "doccano-spans": read_doccano_spans,
             "brat": read_brat, "conll": read_conll,
             "docbin": read_docbin, "native": read_native, "facts-jsonl": read_frame_lines,
             "facts-csv": read_facts_csv, "claims-jsonl": read_frame_lines}


def test_every_export_format_is_read_back_here():
    assert set(READ_BACK) == {f.name for f in export_formats()}


@pytest.mark.parametrize("fmt, statuses", [
    (fmt, statuses) for fmt in READ_BACK for statuses in (frozenset({"accepted"}), frozenset({"suggested"}), ALL)
    if fmt != "native" or statuses == Selection().statuses  # a native export is the whole project
])
def test_the_file_holds_what_the_summary_says(annotated, tmp_path, fmt, statuses):
    selection = Selection(statuses=statuses)
    out = tmp_path / f"out-{fmt}"
    if fmt in ("conll", "docbin", "doccano-spans") and len(statuses) > 1:
        with pytest.raises(ValidationError, match=f"{fmt} cannot say whether an annotation is accepted, rejected or suggested"):
            export_path(annotated, fmt, out, selection)
        assert not out.exists()
        return
    summary = export_path(annotated, fmt, out, selection)
    assert READ_BACK[fmt](out) == (summary.articles, summary.spans, summary.frames)
    counted = ", ".join(f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in
                        ((summary.articles, "article"), (summary.spans, "span"), (summary.frames, "frame")))
    rows = f" in {summary.rows} row{'' if summary.rows == 1 else 's'}" if summary.rows else ""  # facts-csv: per fact and product
    assert describe_export(summary)[0] == f"wrote {counted}{rows} to {out}"


@pytest.mark.parametrize("fmt", [fmt for fmt in READ_BACK if fmt not in ("native", "facts-csv", "facts-jsonl",
                                                                         "claims-jsonl")])
def test_an_export_stopped_half_way_leaves_no_file(annotated, tmp_path, fmt):
    """Exports write article by article; one stopped after the first article leaves nothing behind."""
    from app.core.articles import ArticleDraft

    annotated.add_articles([ArticleDraft(text="Ottawa met Beijing.", title="second", origin="t")])
    seen = []
    out = tmp_path / "exports" / f"out-{fmt}"
    with pytest.raises(Cancelled):
        export_path(annotated, fmt, out, progress=lambda done, total: seen.append(done) or done < 1)
    assert seen == [0, 1] and list(out.parent.glob("*")) == []  # nor a half-written one under another name


def test_a_frame_whose_fillers_are_suggestions_is_reported_not_dropped_in_silence(annotated, tmp_path):
    accepted = export_path(annotated, "prodigy", tmp_path / "a.jsonl")
    assert (accepted.spans, accepted.frames) == (5, 1)  # the whole tariff fact; not the one on suggestions
    assert accepted.left_out == {("frame", "some of its fillers are filtered out (status is suggested)"): 1}
    assert accepted.filtered == {("span", "status is suggested"): 4, ("span", "status is rejected"): 1,
                                 ("frame", "status is suggested"): 1}
    lines = describe_export(accepted)
    assert "left out 1 frame: some of its fillers are filtered out (status is suggested)" in lines
    everything = export_path(annotated, "prodigy", tmp_path / "all.jsonl", Selection(statuses=ALL))
    assert (everything.spans, everything.frames, everything.left_out) == (10, 3, {})
    (task,) = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    statuses = {task["text"][s["start"]:s["end"]]: s["status"] for s in task["spans"]}
    assert statuses["steel"] == "suggested" and statuses["Washington"] == "rejected"


def test_conll_and_docbin_tag_the_chosen_status_and_count_what_cannot_nest(annotated, tmp_path):
    suggested = export_path(annotated, "conll", tmp_path / "s.conll", Selection(statuses=frozenset({"suggested"})))
    tags = [line.split() for line in (tmp_path / "s.conll").read_text().splitlines()
            if line.strip() and not line.startswith("-DOCSTART-")]
    assert ["steel", "_", "_", "B-PRODUCT"] in tags and suggested.spans == 4  # not every tag O
    accepted = export_path(annotated, "conll", tmp_path / "a.conll")
    assert accepted.left_out[("span", "overlaps a longer or earlier span (CoNLL tags cannot nest)")] == 1
    assert accepted.left_out[("frame", "CoNLL holds entities only")] == 1
    docbin = export_path(annotated, "docbin", tmp_path / "s.spacy", Selection(statuses=frozenset({"suggested"})))
    assert docbin.spans == 4 and read_docbin(tmp_path / "s.spacy")[1] == 4  # not 0 spans without a word
    assert docbin.files == {str(tmp_path / "s.spacy"): 1}


def test_the_command_line_prints_the_summary_and_refuses_all_for_conll(annotated, tmp_path):
    db = annotated.url.removeprefix("sqlite:///")
    done = newsgloss("--project", db, "export", "--format", "prodigy", str(tmp_path / "p.jsonl"))
    assert done.stdout.splitlines()[:2] == [
        f"wrote 1 article, 5 spans, 1 frame to {tmp_path / 'p.jsonl'}",
        "left out 1 frame: some of its fillers are filtered out (status is suggested)"]
    refused = newsgloss("--project", db, "export", "--format", "conll", str(tmp_path / "c.conll"),
                        "--status", "all", check=False)
    assert refused.returncode == 1 and "CoNLL tags carry no status" in refused.stderr
    assert not (tmp_path / "c.conll").exists()


def test_span_details_a_format_cannot_hold_are_counted(project, tmp_path):
    from conftest import INTEROP

    import_paths(project, "brat", [INTEROP / "brat" / "000-introduction.txt"], unknown="add")
    (article,) = project.articles()
    details = [s.details for s in project.spans(article.id)]
    count = sum(len(d.attributes) + len(d.normalizations) + len(d.notes) + bool(d.fragments) for d in details)
    assert count > 0
    for fmt in ("doccano-spans", "docbin"):
        summary = export_path(project, fmt, tmp_path / f"out-{fmt}")
        [(what, reason)] = [key for key in summary.left_out if key[0] == "span detail"]
        assert summary.left_out[(what, reason)] == count and reason.startswith(f"{fmt} holds no span attributes")
    for fmt in ("brat", "doccano", "prodigy"):  # prodigy keeps them in each span's own keys
        assert not any(what == "span detail" for what, _ in export_path(project, fmt, tmp_path / f"out-{fmt}").left_out)
    with Project.open(tmp_path / "again.db", "alice", create=True) as again:
        import_paths(again, "prodigy", [tmp_path / "out-prodigy"], unknown="add")
        (back,) = again.articles()
        assert sorted((s.start, s.end, s.details) for s in again.spans(back.id)) == sorted(
            (s.start, s.end, s.details) for s in project.spans(article.id))
