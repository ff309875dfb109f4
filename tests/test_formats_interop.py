"""Interchange formats: Prodigy, brat, CoNLL, doccano and spaCy DocBin, as pure converters."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import DocBin

from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, FrameData, SpanData
from app.core.errors import InputError, ValidationError
from app.core.schema import load_schema
from app.formats.brat import annotation_conf, read_brat, write_brat
from app.formats.conll import read_conll, write_conll
from app.formats.crlf import normalise_with_offsets
from app.formats.docbin import USER_DATA_KEY, write_docbin
from app.formats.doccano import read_doccano, write_doccano
from app.formats.interop import aligned_doc
from app.formats.prodigy import read_prodigy, write_prodigy
from app.formats.selection import non_overlapping
from conftest import INTEROP

FIXTURES = INTEROP
SCHEMA = load_schema(Path(__file__).resolve().parents[1] / "resources" / "schemas" / "news.toml")

READERS = {"prodigy": read_prodigy, "brat": read_brat, "conll": read_conll, "doccano": read_doccano}
WRITERS = {"prodigy": write_prodigy, "brat": write_brat, "conll": write_conll, "doccano": write_doccano}
OUTPUTS = {"prodigy": "out.jsonl", "brat": "out", "conll": "out.conll", "doccano": "out.jsonl"}


def shape(docs: list[AnnotatedDocument]) -> list[tuple]:
    """What a round trip must keep, independent of span and frame keys and of list order."""
    out = []
    for doc in docs:
        place = {s.key: (s.start, s.end, s.label) for s in doc.spans}
        frame_place = {f.key: (f.type, sorted(place[k] for ks in f.roles.values() for k in ks)) for f in doc.frames}

        def attribute(name: str, value: str) -> tuple:
            if name.startswith("brat:arg:"):  # event arguments name other frames by key
                return name, tuple(frame_place[key] for key in value.split())
            return name, value

        spans = sorted(
            (s.start, s.end, s.label, s.annotator, s.origin, s.status, s.score, s.layer, repr(s.meta),
             repr(s.details))
            for s in doc.spans
        )
        frames = sorted(
            (
                f.type,
                tuple(sorted((role, tuple(place[k] for k in keys)) for role, keys in f.roles.items() if keys)),
                tuple(sorted(attribute(*item) for item in f.attributes.items())),
                f.annotator,
                f.origin,
                f.status,
            )
            for f in doc.frames
        )
        out.append((doc.article.text, spans, frames))
    return out


def round_trip(fmt: str, docs: list[AnnotatedDocument], tmp_path: Path, schema=None) -> list[AnnotatedDocument]:
    out = tmp_path / OUTPUTS[fmt]
    WRITERS[fmt](docs, out, schema=schema)
    return READERS[fmt](out)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


# --- a news document with everything in it ----------------------------------------

TEXT = (
    "Ottawa 🇨🇦 raised tariffs on cafe\u0301 beans 👍🏽 from Beijing by 25 per cent.\n"
    "Trudeau said the move was fair."
)


def span(key: str, needle: str, label: str, **fields) -> SpanData:
    return SpanData(key, *at(TEXT, needle), label, **fields)


def news_doc() -> AnnotatedDocument:
    spans = [
        span("ottawa", "Ottawa", "GPE", annotator="alice", origin="human"),
        span("flag", "🇨🇦", "GPE", annotator="alice", origin="human"),
        span("both", "Ottawa 🇨🇦", "LOC", annotator="bob", origin="human"),
        span("tariff", "tariffs", "TARIFF", annotator="alice", origin="human"),
        span("coffee", "cafe\u0301 beans", "PRODUCT", origin="model", score=0.75, layer="ner"),
        span("cafe", "cafe\u0301", "PRODUCT", origin="rule"),
        span("beans", "beans", "PRODUCT", status="rejected"),
        span("thumb", "👍🏽", "PRODUCT"),
        span("beijing", "Beijing", "GPE"),
        span("rate", "25 per cent", "RATE"),
        span("trudeau", "Trudeau", "PERSON", annotator="alice", origin="human"),
        span("said", "said", "CUE"),
        span("content", "the move was fair", "CLAIM", status="suggested", origin="model", score=0.5),
    ]
    frames = [
        FrameData(
            "f1",
            "tariff_fact",
            {
                "imposer": ["ottawa"],
                "target": ["beijing"],
                "product": ["coffee", "thumb"],
                "rate": ["rate"],
                "trigger": ["tariff"],
            },
            {"action": "raised"},
            annotator="alice",
            origin="human",
        ),
        FrameData(
            "f2", "claim", {"claimant": ["trudeau"], "cue": ["said"], "content": ["content"]}, {"stance": "neutral"}
        ),
        FrameData("f3", "claim", {"claimant": ["trudeau"], "content": ["content"]}, status="suggested", origin="model"),
    ]
    article = ArticleDraft(TEXT, "Tariffs", "test", external_id="news-1", source="Wire", url="https://x.example/a")
    return AnnotatedDocument(article, spans, frames)


def span_texts(docs: list[AnnotatedDocument]) -> list[list[tuple[str, str]]]:
    return [sorted((d.article.text[s.start : s.end], s.label) for s in d.spans) for d in docs]


# --- CRLF offsets, span choice, tokens -------------------------------------------------


def test_crlf_offsets_move_onto_the_normalised_text():
    raw = "ab\r\ncd\r\n\r\nef\rgh"
    text, to_new = normalise_with_offsets(raw)
    assert text == "ab\ncd\n\nef\ngh"
    for i, char in enumerate(raw):
        if char != "\r":
            assert text[to_new(i)] == char
    assert to_new(2) == to_new(3) == 2  # the CR and the LF of a CRLF both land on the LF
    assert to_new(len(raw)) == len(text)
    assert raw[4:6] == text[to_new(4) : to_new(6)] == "cd"


def test_crlf_offsets_with_bom_and_without_line_breaks():
    text, to_new = normalise_with_offsets("\ufeffab\r\nc")
    assert text == "ab\nc" and [to_new(i) for i in range(6)] == [0, 0, 1, 2, 2, 3]
    text, to_new = normalise_with_offsets("plain 👍🏽 text")
    assert text == "plain 👍🏽 text" and to_new(7) == 7


def test_non_overlapping_keeps_longest_then_earliest_spans_whatever_their_status():
    spans = [
        SpanData("a", 0, 5, "X"),
        SpanData("b", 3, 10, "X"),  # longest
        SpanData("c", 10, 14, "Y"),
        SpanData("d", 12, 16, "Y"),  # same length as c, later
        SpanData("e", 0, 3, "Z"),
        SpanData("g", 20, 25, "Z", status="suggested"),  # the export's selection chose it: it counts
        SpanData("h", 0, 3, "W"),  # ties with e: the first listed wins
    ]
    assert [s.key for s in non_overlapping(spans)] == ["e", "b", "c", "g"]


@pytest.mark.parametrize(
    "text",
    [TEXT, "  a  b\n\nc\t d ", "🇨🇦🇺🇸 👩‍👩‍👧 e\u0301e\u0301 x-y 1996-12-06", "don't stop"],
)
def test_aligned_doc_keeps_text_and_every_span(text):
    spans = [SpanData(f"{i}-{j}", i, j, "X") for i in range(len(text)) for j in range(i + 1, min(len(text), i + 4) + 1)]
    doc = aligned_doc(text, spans)
    assert doc.text == text
    assert all(doc.char_span(s.start, s.end) is not None for s in spans)


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet="ab .,-'\n\u0301👍🏽🇨🇦", max_size=30),
    st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8)), max_size=6),
)
def test_aligned_doc_any_text_and_spans(text, places):
    spans = [SpanData(str(i), s, min(s + n, len(text)), "X") for i, (s, n) in enumerate(places) if s < len(text)]
    for hyphens in (False, True):
        doc = aligned_doc(text, spans, keep_hyphenated=hyphens)
        assert doc.text == text
        for s in spans:
            found = doc.char_span(s.start, s.end)
            assert found is not None and (found.start_char, found.end_char) == (s.start, s.end)


def test_aligned_doc_does_not_split_user_perceived_characters():
    doc = aligned_doc("Flag 🇨🇦🇺🇸 and 👍🏽 and cafe\u0301 now.", [])
    assert {"🇨🇦", "🇺🇸", "👍🏽", "cafe\u0301"} <= {t.text for t in doc}


# --- round trips on the real fixtures ---------------------------------------------------


def test_brat_fixtures_round_trip(tmp_path):
    docs = read_brat(FIXTURES / "brat")
    assert [d.article.external_id for d in docs] == [
        "000-introduction",
        "060-relation_annotation",
        "080-event-annotation",
        "090-event_structures",
        "100-attribute_annotation",
        "110-note_annotation",
    ]
    again = round_trip("brat", docs, tmp_path)
    assert shape(again) == shape(docs)
    for doc in docs:
        name = doc.article.external_id
        assert _t_lines(FIXTURES / "brat" / f"{name}.ann") == _t_lines(tmp_path / "out" / f"{name}.ann")


def _t_lines(path: Path) -> set[tuple[str, int, int, str]]:
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            _, data, text = line.split("\t")
            label, start, end = data.split()
            out.add((label, int(start), int(end), text))
    return out


def test_brat_fixture_details():
    docs = {d.article.external_id: d for d in read_brat(FIXTURES / "brat")}
    intro = docs["000-introduction"]
    spans = {s.key: s for s in intro.spans}
    frames = {f.key: f for f in intro.frames}
    assert intro.article.text[spans["T1"].start : spans["T1"].end] == "Citibank"
    assert frames["E1"].type == "transfer-money"
    assert frames["E1"].roles == {
        "trigger": ["T3"],
        "Giver-Arg": ["T1"],
        "Money-Arg": ["T2"],
        "Beneficiary-Arg": ["T4"],
        "Recipient-Arg": ["T6"],
    }
    assert frames["E1"].attributes == {"confidence": "High"}
    assert frames["R1"].type == "family" and frames["R1"].roles == {"arg1": ["T4"], "arg2": ["T5"]}  # trailing tab
    assert spans["T4"].details.attributes == {"Mention": "Name", "Individual": "true"}  # as brat wrote them
    assert spans["T5"].details.normalizations == [
        {"type": "Reference", "ref": "Wikipedia:64488", "text": "Carlos Salinas de Gortari"}
    ]
    assert spans["T2"].details.notes == {"AnnotatorNotes": "100000000 USD"}

    [alias] = [f for f in docs["060-relation_annotation"].frames if f.key.startswith("*")]
    assert alias.type == "alias" and alias.roles == {"*": ["T3", "T4", "T5"]}

    merge = {f.key: f for f in docs["080-event-annotation"].frames}["E3"]
    assert merge.roles == {"trigger": ["T10"], "Org-Arg": ["T6", "T7", "T8", "T9"]}  # Org-Arg2..4 folded, in order

    nested = {f.key: f for f in docs["090-event_structures"].frames}
    assert nested["E2"].attributes == {"brat:arg:Event-Arg": "E1"}
    assert nested["E4"].roles == {"trigger": ["T12"], "Reporter-Arg": ["T7"]}
    assert nested["E4"].attributes == {"brat:arg:Event-Arg": "E5"}  # an event defined later

    attributes = docs["100-attribute_annotation"]
    assert {f.key: f.attributes.get("confidence") for f in attributes.frames}["E5"] == "High"  # A5 after E5's use

    notes = docs["110-note_annotation"]
    note_frames = {f.key: f for f in notes.frames}
    assert note_frames["R1"].attributes == {"brat:note": "Should this be marked? It's not explicitly stated."}
    assert {s.key: s for s in notes.spans}["T1"].details.notes == {
        "AnnotatorNotes": "Should fictional places be annotated?"}


def test_prodigy_fixtures_round_trip(tmp_path):
    for name in ("news_headlines_ner.jsonl", "rel_component_annotations.jsonl"):
        docs = read_prodigy(FIXTURES / "prodigy" / name)
        assert shape(round_trip("prodigy", docs, tmp_path)) == shape(docs)


def test_prodigy_fixture_details():
    news = read_prodigy(FIXTURES / "prodigy" / "news_headlines_ner.jsonl")
    assert len(news) == 38  # 39 tasks, one answered "ignore"
    assert news[0].article.source == "The New York Times" and news[0].article.line == 1
    assert [(s.start, s.end, s.label, s.status) for s in news[0].spans] == [
        (0, 4, "ORG", "accepted"),
        (15, 29, "LOCATION", "accepted"),
    ]
    assert news[3].spans == []  # a task without "spans"
    sloppy = news[6]
    assert [sloppy.article.text[s.start : s.end] for s in sloppy.spans] == [": @ev"]
    assert all(d.article.line != 36 for d in news)

    relations = read_prodigy(FIXTURES / "prodigy" / "rel_component_annotations.jsonl")
    first = relations[0]
    spans = {s.key: first.article.text[s.start : s.end] for s in first.spans}
    frame = first.frames[0]
    assert frame.type == "Pos-Reg"
    assert {role: [spans[k] for k in ks] for role, ks in frame.roles.items()} == {"head": ["Smad"], "child": ["Id1"]}
    assert sum(len(d.frames) for d in relations) == 29


def test_prodigy_answers_set_statuses(tmp_path):
    lines = [
        {"text": "Ottawa wins", "spans": [{"start": 0, "end": 6, "label": "GPE"}], "answer": answer}
        for answer in ("accept", "reject", "ignore", None)
    ]
    path = write(tmp_path / "answers.jsonl", "".join(json.dumps(line) + "\n" for line in lines))
    assert [[s.status for s in d.spans] for d in read_prodigy(path)] == [["accepted"], ["rejected"], ["suggested"]]


def test_conll_fixtures_round_trip(tmp_path):
    for name in ("wikigold_head288.conll", "spacy_ner-token-per-line-conll2003.iob"):
        docs = read_conll(FIXTURES / "conll" / name)
        assert shape(round_trip("conll", docs, tmp_path)) == shape(docs)


def test_conll_fixture_details():
    wikigold = read_conll(FIXTURES / "conll" / "wikigold_head288.conll")
    assert len(wikigold) == 2  # the text before the first -DOCSTART- is a document
    first = wikigold[0]
    assert first.article.text.startswith("010 is the tenth album from Japanese Punk Techno band The Mad Capsule")
    named = [(first.article.text[s.start : s.end], s.label) for s in first.spans]
    assert named[:3] == [("010", "MISC"), ("Japanese", "MISC"), ("The Mad Capsule Markets", "ORG")]  # I- starts them
    assert wikigold[1].article.line == 149

    [spacy_doc] = read_conll(FIXTURES / "conll" / "spacy_ner-token-per-line-conll2003.iob")
    named = [(spacy_doc.article.text[s.start : s.end], s.label) for s in spacy_doc.spans]
    assert named[:3] == [("Sebastian Thrun", "PERSON"), ("Google", "ORG"), ("2007", "DATE")]
    assert "“" in spacy_doc.article.text and "earlier this week" in spacy_doc.article.text


def test_conll_reads_iob1_and_bio_alike(tmp_path):
    iob1 = write(tmp_path / "a.conll", "EU I-ORG\nrejects O\nGerman I-MISC\nBritish I-MISC\nFrench B-MISC\n")
    bio = write(tmp_path / "b.conll", "EU B-ORG\nrejects O\nGerman B-MISC\nBritish I-MISC\nFrench B-MISC\n")
    [a], [b] = read_conll(iob1), read_conll(bio)
    assert span_texts([a]) == [[("EU", "ORG"), ("French", "MISC"), ("German British", "MISC")]]
    assert span_texts([b]) == span_texts([a])


def test_doccano_fixtures_round_trip(tmp_path):
    for path in sorted((FIXTURES / "doccano").iterdir()):
        docs = read_doccano(path)
        assert shape(round_trip("doccano", docs, tmp_path)) == shape(docs), path.name


def test_doccano_fixture_details():
    multi = read_doccano(FIXTURES / "doccano" / "doccano_v1_export_multiuser.jsonl")
    first = multi[0]
    assert first.article.external_id == "2578"
    assert "\n" in first.article.text
    assert {(9, 14, "12", "1"), (9, 14, "12", "2")} <= {(s.start, s.end, s.label, s.annotator) for s in first.spans}
    assert len(first.spans) == 10  # two users' overlapping annotations, both kept

    labels = read_doccano(FIXTURES / "doccano" / "doccano_v1_export_text_labels.jsonl")
    assert span_texts(labels)[0][0] == ("AL-AIN", "LOC")  # "labels" here are spans, not text classes

    [pretty] = read_doccano(FIXTURES / "doccano" / "doccano_export_relation_extraction_example.pretty.json")
    spans = {s.key: pretty.article.text[s.start : s.end] for s in pretty.spans}
    founded = [(f.type, spans[f.roles["from"][0]], spans[f.roles["to"][0]]) for f in pretty.frames]
    assert founded == [
        ("foundedAt", "Google", "September 4, 1998"),
        ("foundedBy", "Google", "Larry Page"),
        ("foundedBy", "Google", "Sergey Brin"),
    ]


def test_doccano_reads_pretty_printed_documents_and_arrays(tmp_path):
    first = json.dumps({"text": "Ottawa wins", "label": [[0, 6, "GPE"]]}, indent=2)
    second = json.dumps([{"text": "Beijing", "label": [[0, 7, "GPE"]]}, {"text": "Trudeau"}], indent=2)
    docs = read_doccano(write(tmp_path / "pretty.json", first + "\n" + second + "\n"))
    assert span_texts(docs) == [[("Ottawa", "GPE")], [("Beijing", "GPE")], []]
    assert [d.article.line for d in docs] == [1, first.count("\n") + 2, first.count("\n") + 2]


def test_doccano_text_classification_labels_go_to_article_meta(tmp_path):
    path = write(tmp_path / "cats.jsonl", '{"text": "Tariffs up", "label": ["trade", "economy"]}\n')
    [doc] = read_doccano(path)
    assert doc.spans == [] and doc.article.meta == {"doc_labels": ["trade", "economy"]}
    [again] = round_trip("doccano", [doc], tmp_path)
    assert again.article.meta == {"doc_labels": ["trade", "economy"]}


# --- the news document in every format: frames, emoji, combining marks ------------------


@pytest.mark.parametrize("fmt", ["prodigy", "brat", "doccano"])
def test_news_document_round_trips_exactly(fmt, tmp_path):
    doc = news_doc()
    [again] = round_trip(fmt, [doc], tmp_path, schema=SCHEMA)
    assert shape([again]) == shape([doc])
    assert span_texts([again]) == span_texts([doc])


def test_news_document_through_conll_keeps_chosen_spans(tmp_path):
    doc = news_doc()
    [again] = round_trip("conll", [doc], tmp_path, schema=SCHEMA)
    chosen = sorted((doc.article.text[s.start : s.end], s.label) for s in non_overlapping(doc.spans))
    assert span_texts([again]) == [chosen]
    assert ("Ottawa 🇨🇦", "LOC") in chosen and ("cafe\u0301 beans", "PRODUCT") in chosen
    assert again.article.text.split("\n")[0] == "Ottawa 🇨🇦 raised tariffs on cafe\u0301 beans 👍🏽 from Beijing by 25 per cent ."


def test_prodigy_output_shape(tmp_path):
    out = tmp_path / "tasks.jsonl"
    rejected = AnnotatedDocument(ArticleDraft("No tariffs.", "t", "x"), [SpanData("a", 3, 10, "TARIFF", status="rejected")])
    write_prodigy([news_doc(), rejected], out)
    task, other = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    tokens = task["tokens"]
    assert all(TEXT[t["start"] : t["end"]] == t["text"] for t in tokens)
    assert [t["id"] for t in tokens] == list(range(len(tokens)))
    coffee = next(s for s in task["spans"] if s["label"] == "PRODUCT" and s["origin"] == "model")
    assert tokens[coffee["token_start"]]["start"] == coffee["start"]
    assert tokens[coffee["token_end"]]["end"] == coffee["end"]
    assert (coffee["annotator"], coffee["status"], coffee["score"]) == (None, "accepted", 0.75)
    [relation] = task["relations"]  # the claim without a cue: two roles, one span each
    assert relation["label"] == "claim" and relation["roles"] == ["claimant", "content"]
    assert relation["head"] == relation["head_span"]["token_end"]
    assert {f["type"] for f in task["meta"]["frames"]} == {"tariff_fact", "claim"}
    fact = next(f for f in task["meta"]["frames"] if f["type"] == "tariff_fact")
    assert [task["spans"][i]["label"] for i in fact["roles"]["product"]] == ["PRODUCT", "PRODUCT"]
    assert task["meta"]["title"] == "Tariffs" and task["meta"]["id"] == "news-1"
    assert task["answer"] == "accept" and other["answer"] == "reject"
    for key in ("_input_hash", "_task_hash"):
        assert isinstance(task[key], int) and -(2**31) <= task[key] < 2**31
    write_prodigy([news_doc()], tmp_path / "again.jsonl")
    assert json.loads((tmp_path / "again.jsonl").read_text(encoding="utf-8"))["_task_hash"] == task["_task_hash"]


def test_brat_output_uses_triggers_and_schema(tmp_path):
    write_brat([news_doc()], tmp_path / "out", schema=SCHEMA)
    ann = (tmp_path / "out" / "news-1.ann").read_text(encoding="utf-8")
    lines = ann.splitlines()
    t_ids = {line.split("\t")[2]: line.split("\t")[0] for line in lines if line.startswith("T")}
    t_types = {line.split("\t")[2]: line.split("\t")[1].split()[0] for line in lines if line.startswith("T")}
    assert t_types["tariffs"] == "Tariff_fact" and t_types["said"] == "Claim"  # a trigger's type is its event's
    fact = next(line for line in lines if line.startswith("E") and "\tTariff_fact:" in line)
    tariffs, coffee, thumb = t_ids["tariffs"], t_ids["cafe\u0301 beans"], t_ids["👍🏽"]
    assert fact.startswith(f"E1\tTariff_fact:{tariffs} Imposer:") and f"Product:{coffee} Product2:{thumb}" in fact
    assert f"AnnotatorNotes {tariffs}" not in ann  # brat lets only events refer to a trigger
    assert ("AnnotatorNotes E1\tannotator=alice origin=human status=accepted trigger.annotator=alice "
            "trigger.origin=human trigger.status=accepted trigger.label=TARIFF") in ann
    assert any(line.startswith("A") and line.endswith(" raised") and "\tAction E1" in line for line in lines)
    assert "synthetic=1" in ann  # the claim without a cue gets a trigger of its own
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert conf == annotation_conf(SCHEMA, [news_doc()])
    assert "\nTariff_fact\tImposer:GPE|ORG|PERSON|NORP, Target?:GPE|NORP|ORG, Product*:PRODUCT" in conf
    assert "\nClaim\tClaimant:PERSON|ORG|GPE|NORP, Cue*:CUE, Content:CLAIM\n" in conf  # a cue written as argument
    assert "\nAction\tArg:Tariff_fact, Value:imposed|threatened|" in conf
    assert "[entities]\nPERSON\nORG\n" in conf
    assert "[relations]\n<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n" in conf


def test_brat_written_as_the_documents_come_keeps_each_frame_type_one_kind(tmp_path):
    """A type whose first frames could be relations is written as events everywhere once a later
    document has one that cannot be: the documents come one at a time, the files agree."""
    def doc(n: int, roles: dict[str, list[str]]) -> AnnotatedDocument:
        spans = [SpanData("a", 0, 6, "GPE"), SpanData("b", 11, 18, "GPE"), SpanData("c", 22, 27, "GPE")]
        return AnnotatedDocument(ArticleDraft("Ottawa and Beijing and Paris", "t", "x", external_id=f"d{n}"),
                                 spans, [FrameData("f", "talks", roles)])

    docs = (d for d in [doc(1, {"host": ["a"], "guest": ["b"]}), doc(2, {"host": ["a"], "guest": ["b", "c"]})])
    write_brat(docs, tmp_path / "out")
    first, second = ((tmp_path / "out" / f"d{n}.ann").read_text() for n in (1, 2))
    assert "\nE1\tTalks:" in first and "\nE1\tTalks:" in second and "\nR" not in first + second
    back = {d.article.external_id: d.frames[0].roles for d in read_brat(tmp_path / "out")}
    assert [len(keys) for keys in back["d1"].values()] == [1, 1] and sorted(map(len, back["d2"].values())) == [1, 2]


def test_brat_discontinuous_spans_and_line_breaks(tmp_path):
    write(tmp_path / "d.txt", "Prime Minister Mark\nCarney and minister Joly met.\n")
    write(tmp_path / "d.ann", "T1\tPerson 0 5;15 19\tPrime Mark\nT2\tPerson 15 26\tMark\nCarney\n")
    with pytest.raises(InputError):  # a .ann line cannot hold a line break
        read_brat(tmp_path / "d.ann")
    write(tmp_path / "d.ann", "T1\tPerson 0 5;15 19\tPrime Mark\nT2\tPerson 15 19;20 26\tMark Carney\n")
    [doc] = read_brat(tmp_path / "d.ann")
    text = doc.article.text
    assert [(s.key, text[s.start : s.end], s.details.fragments) for s in doc.spans] == [
        ("T1", "Prime Minister Mark", [(0, 5), (15, 19)]),  # one span, its fragments kept
        ("T2", "Mark\nCarney", []),  # fragments split only by a line break are one whole span
    ]
    out = tmp_path / "out"
    write_brat([doc], out)
    t_lines = [line for line in (out / "d.ann").read_text(encoding="utf-8").splitlines() if line.startswith("T")]
    assert t_lines == ["T1\tPerson 0 5;15 19\tPrime Mark", "T2\tPerson 15 19;20 26\tMark Carney"]
    assert shape(read_brat(out)) == shape([doc])


# --- CRLF input ---------------------------------------------------------------------------

CRLF_TEXT = "Tariffs\r\nOttawa 🇨🇦 hit Beijing.\r\nTrudeau said so.\r\n"
LF_TEXT = CRLF_TEXT.replace("\r\n", "\n")
NAMED = [("Beijing", "GPE"), ("Ottawa 🇨🇦", "GPE"), ("Trudeau", "PERSON")]
EXPECTED = [NAMED]


def places(text: str) -> list[tuple[int, int, str]]:
    return [(*at(text, name), label) for name, label in NAMED]


def ann_lines(text: str) -> str:
    return "".join(f"T{i}\t{label} {s} {e}\t{text[s:e]}\n" for i, (s, e, label) in enumerate(places(text), 1))


def test_brat_crlf_txt_offsets_counted_on_disk(tmp_path):
    write(tmp_path / "c.txt", CRLF_TEXT)
    write(tmp_path / "c.ann", ann_lines(CRLF_TEXT))
    [doc] = read_brat(tmp_path)
    assert doc.article.text == LF_TEXT and span_texts([doc]) == EXPECTED


def test_brat_crlf_txt_offsets_counted_as_brat_does(tmp_path):
    write(tmp_path / "c.txt", CRLF_TEXT)
    write(tmp_path / "c.ann", ann_lines(LF_TEXT))
    [doc] = read_brat(tmp_path / "c.txt")
    assert span_texts([doc]) == EXPECTED


def test_prodigy_and_doccano_crlf_text_offsets(tmp_path):
    spans = places(CRLF_TEXT)
    prodigy = {"text": CRLF_TEXT, "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in spans]}
    doccano = {"text": CRLF_TEXT, "label": [[s, e, lab] for s, e, lab in spans]}
    for read, record in ((read_prodigy, prodigy), (read_doccano, doccano)):
        [doc] = read(write(tmp_path / "c.jsonl", json.dumps(record) + "\n"))
        assert doc.article.text == LF_TEXT and span_texts([doc]) == EXPECTED


def test_conll_crlf_file_reads_like_lf(tmp_path):
    lf = "-DOCSTART- -X- O O\n\nOttawa B-GPE\nwins O\n\nTrudeau B-PERSON\n"
    a = read_conll(write(tmp_path / "lf.conll", lf))
    b = read_conll(write(tmp_path / "crlf.conll", lf.replace("\n", "\r\n")))
    assert shape(a) == shape(b) and a[0].article.text == "Ottawa wins\nTrudeau"


def test_writers_write_lf_text(tmp_path):
    doc = news_doc()
    write_brat([doc], tmp_path / "b")
    write_prodigy([doc], tmp_path / "p.jsonl")
    write_doccano([doc], tmp_path / "d.jsonl")
    write_conll([doc], tmp_path / "c.conll")
    for path in [*(tmp_path / "b").iterdir(), tmp_path / "p.jsonl", tmp_path / "d.jsonl", tmp_path / "c.conll"]:
        assert b"\r" not in path.read_bytes()
    assert (tmp_path / "b" / "news-1.txt").read_text(encoding="utf-8") == TEXT


# --- bad input ----------------------------------------------------------------------------

GOOD_TASK = '{"text": "Ottawa wins", "spans": [{"start": 0, "end": 6, "label": "GPE"}], "answer": "accept"}\n'


@pytest.mark.parametrize(
    "second_line, message",
    [
        ('{"text": "Ottawa wins", "spans": [', "invalid JSON"),
        ('{"text": "Ottawa", "spans": [{"start": 2, "end": 9, "label": "GPE"}]}', "not a span inside the text"),
        ('{"text": "Ottawa", "spans": [{"start": "0", "end": 6, "label": "GPE"}]}', "must be a whole number"),
        ('{"text": "Ottawa", "spans": [{"start": 0, "end": 6, "label": 7}]}', '"label" must be a string'),
        ('{"text": "Ottawa", "spans": [{"start": 0, "end": 6, "label": "GPE", "text": "Ottawb"}]}', "does not match"),
        ('{"text": ["Ottawa"]}', '"text" must be a string'),
        ('["Ottawa"]', "expected a JSON object"),
        ('{"text": "Ottawa", "answer": "maybe"}', '"answer" must be'),
        ('{"text": "Ottawa", "relations": [{"head": 0, "child": 0, "label": "R"}]}', 'missing "head_span"'),
    ],
)
def test_prodigy_bad_input_names_the_line(tmp_path, second_line, message):
    path = write(tmp_path / "bad.jsonl", GOOD_TASK + second_line + "\n" + GOOD_TASK)
    with pytest.raises(InputError) as caught:
        read_prodigy(path)
    assert caught.value.line == 2 and caught.value.path == str(path) and message in caught.value.message


@pytest.mark.parametrize(
    "ann, line, message",
    [
        ("T1\tGPE 0 6\tOttawa\nT2 GPE 7 11 wins\n", 2, "expected an id, a tab"),
        ("T1\tGPE 0 6\tOttawa\nT2\tGPE seven 11\twins\n", 2, "expected 'LABEL START END'"),
        ("T1\tGPE 0 6\tOttawa\nT2\tGPE 7 40\twins\n", 2, "outside the .txt"),
        ("T1\tGPE 0 6\tOttawa\nT2\tGPE 7 11\twinz\n", 2, "text 'winz' does not match the .txt at 7-11: 'wins'"),
        ("T1\tGPE 6 0\tOttawa\n", 1, "the start must come before the end"),
        ("T1\tGPE 0 6\tOttawa\nR1\tLocated Arg1:T1 Arg2:T9\t\n", 2, "refers to T9, which is not defined"),
        ("T1\tGPE 0 6\tOttawa\nT1\tGPE 7 11\twins\n", 2, "used twice"),
        ("T1\tGPE 0 6\tOttawa\nA1\tNegation X1\n", 2, "refers to X1"),
        ("T1\tGPE 0 6\tOttawa\nX1\tGPE 0 6\tOttawa\n", 2, "unknown annotation type"),
        ("T1\tGPE 0 6\tOttawa\nE1\tWin:T1 Winner\n", 2, "expected ROLE:ID"),
    ],
)
def test_brat_bad_input_names_the_ann_file_and_line(tmp_path, ann, line, message):
    write(tmp_path / "doc.txt", "Ottawa wins\n")
    ann_path = write(tmp_path / "doc.ann", ann)
    with pytest.raises(InputError) as caught:
        read_brat(tmp_path)
    assert caught.value.path == str(ann_path) and caught.value.line == line and message in caught.value.message


def test_brat_missing_pair_and_bad_encoding(tmp_path):
    write(tmp_path / "lonely.ann", "T1\tGPE 0 6\tOttawa\n")
    with pytest.raises(InputError, match="no .txt file"):
        read_brat(tmp_path)
    write(tmp_path / "lonely.txt", b"Ottawa \xff wins\n")
    with pytest.raises(InputError, match="not valid UTF-8"):
        read_brat(tmp_path / "lonely.ann")


@pytest.mark.parametrize(
    "content, line, message",
    [
        ("Ottawa B-GPE\nwins\n", 2, "expected a token and a tag"),
        ("Ottawa B-GPE\nwins X-GPE\n", 2, "is not O, B-TYPE or I-TYPE"),
        ("-DOCSTART- O\n\nOttawa B-GPE\n\nwins O B-\n", 5, "is not O, B-TYPE or I-TYPE"),
    ],
)
def test_conll_bad_input_names_the_line(tmp_path, content, line, message):
    path = write(tmp_path / "bad.conll", content)
    with pytest.raises(InputError) as caught:
        read_conll(path)
    assert caught.value.line == line and caught.value.path == str(path) and message in caught.value.message


@pytest.mark.parametrize(
    "second_line, message",
    [
        ('{"text": "Ottawa wins", "label": [[0, 6, "GPE"]', "invalid JSON"),
        ('{"text": "Ottawa", "label": [[0, 9, "GPE"]]}', "not a span inside the text"),
        ('{"text": "Ottawa", "label": [[0, 6]]}', "expected [start, end"),
        ('{"text": "Ottawa", "label": [[0, 6, {"name": "GPE"}]]}', "a label must be a string"),
        ('{"text": "Ottawa", "entities": [{"id": 1, "start_offset": 0.5, "end_offset": 6, "label": "X"}]}', "whole number"),
        (
            '{"text": "Ottawa", "entities": [{"id": 1, "start_offset": 0, "end_offset": 6, "label": "GPE"}],'
            ' "relations": [{"id": 0, "from_id": 1, "to_id": 2, "type": "x"}]}',
            "2 is not the id of one of the record's entities",
        ),
    ],
)
def test_doccano_bad_input_names_the_line(tmp_path, second_line, message):
    path = write(tmp_path / "bad.jsonl", '{"text": "Ottawa wins", "label": [[0, 6, "GPE"]]}\n' + second_line + "\n")
    with pytest.raises(InputError) as caught:
        read_doccano(path)
    assert caught.value.line == 2 and caught.value.path == str(path) and message in caught.value.message


def test_writers_check_the_schema(tmp_path):
    odd = AnnotatedDocument(ArticleDraft("Ottawa wins", "t", "x"), [SpanData("a", 0, 6, "CITY")])
    for fmt in WRITERS:
        with pytest.raises(ValidationError, match="label 'CITY' is not in schema"):
            WRITERS[fmt]([odd], tmp_path / OUTPUTS[fmt], schema=SCHEMA)
        assert not (tmp_path / OUTPUTS[fmt]).exists()


# --- DocBin -------------------------------------------------------------------------------


def test_docbin_holds_exact_spans_and_non_overlapping_ents(tmp_path):
    doc = news_doc()
    files = write_docbin([doc], tmp_path / "news.spacy")
    [loaded] = DocBin().from_disk(tmp_path / "news.spacy").get_docs(spacy.blank("en").vocab)
    assert loaded.text == TEXT
    assert sorted((s.start_char, s.end_char, s.label_) for s in loaded.spans["sc"]) == sorted(
        (s.start, s.end, s.label) for s in doc.spans  # every span given, whatever its status
    )
    ents = sorted((e.start_char, e.end_char, e.label_) for e in loaded.ents)
    assert ents == [(s.start, s.end, s.label) for s in non_overlapping(doc.spans)]
    assert all(a[1] <= b[0] for a, b in zip(ents, ents[1:]))
    assert ("Ottawa 🇨🇦", "LOC") in [(e.text, e.label_) for e in loaded.ents]
    assert loaded.user_data[USER_DATA_KEY][0] == {
        "start": 0,
        "end": 6,
        "label": "GPE",
        "annotator": "alice",
        "origin": "human",
        "status": "accepted",
    }
    assert files == {str(tmp_path / "news.spacy"): 1}


def test_docbin_dev_split_naming(tmp_path):
    docs = [tiny_doc(i) for i in range(10)]
    files = write_docbin(docs, tmp_path / "folder", dev_fraction=0.3, seed=1)
    assert files == {str(tmp_path / "folder" / "train.spacy"): 7, str(tmp_path / "folder" / "dev.spacy"): 3}
    assert (tmp_path / "folder" / "train.spacy").exists() and (tmp_path / "folder" / "dev.spacy").exists()
    write_docbin(docs, tmp_path / "news.spacy", dev_fraction=0.3, seed=1)
    vocab = spacy.blank("en").vocab
    dev = [d.text for d in DocBin().from_disk(tmp_path / "news-dev.spacy").get_docs(vocab)]
    train = [d.text for d in DocBin().from_disk(tmp_path / "news-train.spacy").get_docs(vocab)]
    assert len(dev) == 3 and sorted(dev + train) == sorted(d.article.text for d in docs)
    with pytest.raises(ValidationError):
        write_docbin(docs, tmp_path / "x.spacy", dev_fraction=1.0)


PLACES = ["Canada", "China", "Mexico", "Japan", "Brazil", "India", "France", "Kenya"]
GOODS = ["steel", "canola", "lumber", "aluminium", "pork", "soybeans"]


def tiny_doc(i: int) -> AnnotatedDocument:
    imposer, target, good = PLACES[i % 8], PLACES[(i * 3 + 1) % 8], GOODS[i % 6]
    if imposer == target:
        target = "Chile"
    text = f"{imposer} put a {10 + i % 40} per cent tariff on {good} from {target} on Monday."
    spans = [
        SpanData("a", *at(text, imposer), "GPE"),
        SpanData("b", *at(text, good), "PRODUCT"),
        SpanData("c", *at(text, target), "GPE"),
        SpanData("d", *at(text, "Monday"), "DATE"),
    ]
    return AnnotatedDocument(ArticleDraft(text, text, "generated", external_id=str(i)), spans)


@pytest.mark.slow
def test_spacy_debug_data_and_train_accept_the_docbin(tmp_path):
    write_docbin([tiny_doc(i) for i in range(130)], tmp_path / "data", dev_fraction=0.2)
    train, dev = str(tmp_path / "data" / "train.spacy"), str(tmp_path / "data" / "dev.spacy")
    config = str(tmp_path / "config.cfg")

    def spacy_cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "spacy", *args], capture_output=True, text=True, timeout=120)

    made = spacy_cli("init", "config", config, "--lang", "en", "--pipeline", "ner")
    assert made.returncode == 0, made.stdout + made.stderr
    paths = ("--paths.train", train, "--paths.dev", dev)
    checked = spacy_cli("debug", "data", config, *paths)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    out = tmp_path / "model"
    trained = spacy_cli(
        "train", config, "--output", str(out), *paths, "--training.max_epochs", "1", "--training.max_steps", "20"
    )
    assert trained.returncode == 0, trained.stdout + trained.stderr
    assert (out / "model-last").is_dir()
