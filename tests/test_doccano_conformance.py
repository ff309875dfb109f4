"""doccano exports checked by doccano's import rules, not by NewsGloss's own doccano reader.

The rules, from doccano's backend/data_import (doccano/doccano): a JSONL file is
read line by line into a pandas DataFrame, so a key missing from some lines
becomes NaN there; every column but the text and the label columns ("label" for
sequence labelling; "entities" and "relations" for relation extraction) is stored
as the example's meta, a JSON column that refuses NaN. A span is
[start, end, "LABEL"] or {"start_offset", "end_offset", "label"}, whole numbers,
start < end, a non-empty label; an entity's "id" and a relation's "id", "from_id"
and "to_id" are whole numbers, the ends naming entities of the same line; a
relation's type is a non-empty string.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from app.core.interchange import Selection
from app.formats.doccano import read_doccano
from app.core.transfer import export_path, import_paths
from conftest import INTEROP

EVERY_STATUS = Selection(statuses=frozenset({"accepted", "suggested", "rejected"}))


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _span_problem(span, text: str) -> str | None:
    if isinstance(span, list) and len(span) == 3:
        start, end, label = span
    elif isinstance(span, dict):
        start, end, label = span.get("start_offset"), span.get("end_offset"), span.get("label")
    else:
        return f"{span!r} is not a span"
    if not (_whole(start) and _whole(end) and 0 <= start < end <= len(text)):
        return f"{span!r}: offsets"
    if not isinstance(label, str) or not label:
        return f"{span!r}: label"
    return None


def doccano_problems(path: Path, label_columns: tuple[str, ...]) -> list[str]:
    """What doccano's import would refuse or store wrongly, for a project reading `label_columns`."""
    problems = []
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    keys = [set(line) for line in lines]
    for n, line_keys in enumerate(keys, start=1):
        if line_keys != keys[0]:
            problems.append(f"line {n}: keys {sorted(line_keys ^ keys[0])} are not on every line (pandas: NaN)")
    for n, line in enumerate(lines, start=1):
        text = line.get("text")
        if not isinstance(text, str) or not text:
            problems.append(f"line {n}: no text")
            continue
        meta = {key: value for key, value in line.items() if key not in ("text", *label_columns)}
        try:
            json.dumps(meta, allow_nan=False)
        except ValueError:
            problems.append(f"line {n}: meta is not valid JSON")
        if any(value is None or (isinstance(value, float) and math.isnan(value)) for value in meta.values()):
            problems.append(f"line {n}: a meta column is null")
        missing = [column for column in label_columns if not isinstance(line.get(column), list)]
        problems += [f"line {n}: no {column!r} list" for column in missing]
        if missing:
            continue
        if "label" in label_columns:
            problems += [f"line {n}: {p}" for p in map(lambda s: _span_problem(s, text), line["label"]) if p]
        if "entities" in label_columns:
            ids = [entity.get("id") for entity in line["entities"]]
            problems += [f"line {n}: {p}" for p in map(lambda s: _span_problem(s, text), line["entities"]) if p]
            if not all(map(_whole, ids)) or len(set(ids)) != len(ids):
                problems.append(f"line {n}: entity ids must be distinct whole numbers")
            for relation in line["relations"]:
                if not (relation.get("from_id") in ids and relation.get("to_id") in ids
                        and _whole(relation.get("id", 0)) and isinstance(relation.get("type"), str)
                        and relation["type"]):
                    problems.append(f"line {n}: relation {relation!r}")
    return problems


def test_the_rules_find_what_doccano_refuses(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Ottawa", "entities": [], "relations": [], "frames": []}\n'
                   '{"text": "Beijing", "entities": [{"id": 0, "start_offset": 3, "end_offset": 3, "label": "GPE"}],'
                   ' "relations": [{"from_id": 0, "to_id": 5, "type": "x"}]}\n', encoding="utf-8")
    problems = doccano_problems(bad, ("entities", "relations"))
    assert any("['frames'] are not on every line" in p for p in problems)
    assert any("offsets" in p for p in problems) and any("relation" in p for p in problems)
    assert doccano_problems(bad, ("label",))  # no "label" list for a sequence-labelling project


def test_doccanos_own_examples_follow_the_rules():
    folder = INTEROP / "doccano"
    assert doccano_problems(folder / "doccano_export_sequence_labeling_example.jsonl", ("label",)) == []


def test_both_exports_import_into_doccano_and_keep_what_they_can(project, tmp_path):
    import_paths(project, "brat", [INTEROP / "brat", INTEROP / "brat-extra"], unknown="add")
    import_paths(project, "doccano", [INTEROP / "doccano" / "doccano_v1_export_text_labels.jsonl"], unknown="add")
    relations, spans = tmp_path / "relations.jsonl", tmp_path / "spans.jsonl"
    export_path(project, "doccano", relations, EVERY_STATUS)
    export_path(project, "doccano-spans", spans, Selection())  # its spans carry no status: one at a time
    assert doccano_problems(relations, ("entities", "relations")) == []
    assert doccano_problems(spans, ("label",)) == []
    lines = [json.loads(line) for line in spans.read_text(encoding="utf-8").splitlines()]
    assert sum(len(line["label"]) for line in lines) == sum(len(project.spans(i)) for i in project.article_ids())
    records = {json.loads(line)["id"]: json.loads(line) for line in relations.read_text(encoding="utf-8").splitlines()}
    [discontinuous] = [e for e in records["span-details"]["entities"] if "fragments" in e]
    assert discontinuous["fragments"] == [[4, 12], [25, 41]] and discontinuous["attributes"] == {"Plural": "true"}
    again = {d.article.external_id: d for d in read_doccano(relations)}
    details = {(s.start, s.end, s.label): s.details for s in again["span-details"].spans}
    [beijing] = [d for (start, end, label), d in details.items() if label == "GPE"]
    assert beijing.normalizations == [{"type": "Reference", "ref": "Wikidata:Q956", "text": "Beijing"}]
    assert details[(17, 41, "Organization")].notes == {"Lemma": "ministry\nmin."}


def test_relations_without_ids_are_read(tmp_path):
    source = tmp_path / "rel.jsonl"
    source.write_text(json.dumps({"text": "Larry Page founded Google.", "entities": [
        {"id": 1, "start_offset": 0, "end_offset": 10, "label": "PERSON"},
        {"id": 2, "start_offset": 19, "end_offset": 25, "label": "ORG"}],
        "relations": [{"from_id": 1, "to_id": 2, "type": "founded"}]}) + "\n", encoding="utf-8")
    [doc] = read_doccano(source)
    [frame] = doc.frames
    assert frame.type == "founded" and frame.roles == {"from": ["s0"], "to": ["s1"]}


def test_an_entity_meta_a_project_cannot_keep_is_reported(project, tmp_path):
    source = tmp_path / "meta.jsonl"
    source.write_text(json.dumps({"text": "Ottawa replied.", "entities": [
        {"id": 0, "start_offset": 0, "end_offset": 6, "label": "GPE", "meta": {"checked_by": "bob"}}],
        "relations": []}) + "\n", encoding="utf-8")
    assert import_paths(project, "doccano", [source]).skipped == [
        f"{source}:1: span s0 (GPE): its meta (checked_by) is not kept"]
