"""Tariff facts end to end: suggested with normalised codes, stored, edited, exported (facts
JSONL and CSV, native, brat) — on the sample article and on a dated article."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.core.articles import ArticleDraft
from app.core.errors import ValidationError
from app.core.interchange import Selection, documents
from app.core.project import Project
from app.core.schema import default_schema_path, load_schema
from app.core.suggesting import suggest_articles
from app.formats.brat import read_brat, write_brat
from brat_rules import check_folder
from app.formats.facts import CSV_COLUMNS, write_facts_csv
from app.core.interchange import describe_export
from app.core.transfer import export_path, import_paths, selected_frames
from app.nlp.engine import SuggestionEngine
from conftest import SAMPLE_ARTICLE

pytestmark = pytest.mark.slow
SUGGESTED = Selection(statuses=frozenset({"suggested"}))
EVERY_STATUS = Selection(statuses=frozenset({"suggested", "accepted", "rejected"}))
DATED = "Ottawa raised its surtax on Chinese steel to 35 percent on Monday.\nRelated: Japan trims tariffs on US beef"


@pytest.fixture(scope="module")
def engine():
    return SuggestionEngine(load_schema(default_schema_path()))


@pytest.fixture(scope="module")
def project(tmp_path_factory, engine):
    project = Project.open(tmp_path_factory.mktemp("facts") / "p.db", "tester", create=True)
    project.add_articles([
        ArticleDraft(SAMPLE_ARTICLE.read_text(encoding="utf-8"), "Sample", "sample", source="TRT World",
                     published="2026-01-14"),
        ArticleDraft(DATED, "Dated", "dated", source="Wire", published="2025-03-06"),  # a Thursday
    ])
    list(suggest_articles(project, engine, project.article_ids()))
    yield project
    project.close()


def csv_rows(project: Project, selection: Selection = SUGGESTED) -> list[dict]:
    out = io.StringIO()
    write_facts_csv(selected_frames(project, "tariff_fact", selection), out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_the_sample_articles_four_measures_with_their_codes(project):
    rows = [r for r in csv_rows(project) if r["article"] == "1"]
    measures = {(r["action"], r["imposer_code"], r["target_code"], r["hs_code"], r["product"], r["rate_value"],
                 r["rate_unit"], r["date"]) for r in rows}
    assert measures == {
        ("imposed", "USA", "CAN", "", "", "", "", ""),  # tariffs on Canadian exports; exporters face US tariffs
        ("imposed", "CAN", "CHN", "8703", "electric vehicles", "100", "%", "2024"),
        ("retaliated", "CHN", "CAN", "1205", "canola", "", "", ""),
        ("retaliated", "CHN", "CAN", "03", "seafood", "", "", ""),
        ("retaliated", "CHN", "CAN", "0203", "pork", "", "", ""),
        ("imposed", "CAN", "CHN", "72", "steel", "25", "%", ""),
        ("imposed", "CAN", "CHN", "76", "aluminium", "25", "%", ""),
    }
    assert {r["source"] for r in rows} == {"TRT World"} and {r["published"] for r in rows} == {"2026-01-14"}
    text = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    steel = next(r for r in rows if r["product"] == "steel")
    assert "Ottawa’s 25 percent tariffs on Chinese steel" in text[int(steel["evidence_start"]):int(steel["evidence_end"])]


def test_a_relative_date_is_resolved_against_the_published_date_and_furniture_gives_nothing(project):
    (row,) = [r for r in csv_rows(project) if r["article"] == "2"]
    assert (row["action"], row["imposer_code"], row["target_code"], row["hs_code"], row["rate_value"], row["date"]) == (
        "raised", "CAN", "CHN", "72", "35", "2025-03-03")


def test_the_csv_loads_as_a_table(project, tmp_path):
    out = tmp_path / "facts.csv"
    summary = export_path(project, "facts-csv", out, SUGGESTED)
    assert describe_export(summary)[0].endswith(f"frames in 9 rows to {out}")
    with out.open(encoding="utf-8", newline="") as file:
        table = list(csv.reader(file))
    assert summary.rows == len(table) - 1 == 9
    assert summary.frames == len({(row[0], row[3]) for row in table[1:]})  # article and fact
    assert tuple(table[0]) == CSV_COLUMNS and all(len(row) == len(CSV_COLUMNS) for row in table)


def test_facts_jsonl_carries_the_normalised_values(project, tmp_path):
    out = tmp_path / "facts.jsonl"
    export_path(project, "facts-jsonl", out, SUGGESTED)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    evs = next(r for r in records if r["products"] and r["products"][0]["text"] == "electric vehicles")
    assert evs["normalised"] == {"imposer": ["CAN"], "target": ["CHN"], "products": ["8703"],
                                 "rate": {"value": 100.0, "unit": "%"}, "date": "2024"}


def fact_with(project: Project, product: str):
    article = project.article_ids()[0]
    text = project.article(article).text
    spans = {s.id: s for s in project.spans(article)}
    return next(f for f in project.frames(article) if f.type == "tariff_fact"
                and any(text[spans[i].start:spans[i].end] == product for i in f.role("product")))


def test_normalised_values_are_editable_checked_and_kept_through_native_and_brat(project, tmp_path):
    suggested = fact_with(project, "steel")
    assert suggested.attributes["norm_product"] == "72,76"
    project.review("accepted", frame_ids=[suggested.id])  # a person edits their own copy of the suggestion
    fact = fact_with(project, "steel")
    assert fact.id != suggested.id and fact.attributes == suggested.attributes
    project.update_frame(fact.id, attributes={"norm_product": "7208,7601", "norm_date": "2024-10-15"})
    with pytest.raises(ValidationError, match="XYZ.*ISO 3166"):
        project.update_frame(fact.id, attributes={"norm_target": "XYZ"})
    with pytest.raises(ValidationError, match="ISO 8601"):
        project.update_frame(fact.id, attributes={"norm_date": "next week"})
    edited = project.update_frame(fact.id, attributes={"norm_rate": ""})  # cleared
    assert "norm_rate" not in edited.attributes
    assert edited.attributes["norm_product"] == "7208,7601" and edited.attributes["norm_date"] == "2024-10-15"
    row = next(r for r in csv_rows(project, EVERY_STATUS) if r["fact"] == str(fact.id) and r["product"] == "steel")
    assert (row["hs_code"], row["date"], row["rate_value"]) == ("7208", "2024-10-15", "25")  # rate read off the text

    export_path(project, "native", tmp_path / "native.json")
    copy = Project.open(tmp_path / "copy.db", "tester", create=True)
    import_paths(copy, "native", [tmp_path / "native.json"])
    assert fact_with(copy, "steel").attributes == edited.attributes
    copy.close()

    docs = list(documents(project, EVERY_STATUS))
    write_brat(docs, tmp_path / "brat", project.schema)
    back = {f.key: f for d in read_brat(tmp_path / "brat") for f in d.frames if f.type == "tariff_fact"}
    assert {f.attributes.get("norm_product") for f in back.values()} >= {"7208,7601", "8703", "1205,03,0203"}
    assert any(f.attributes.get("norm_date") == "2024-10-15" for f in back.values())
    assert check_folder(tmp_path / "brat") == []  # codes declared in annotation.conf, lists brat can parse
