"""The tariff-fact development corpus (tests/data/tariff) and its score: a quality gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.core.errors import InputError
from app.core.evaluation import Fact, read_gold_facts, score_facts

GOLD = Path(__file__).parent / "data" / "tariff" / "dev.jsonl"
CLASSES = ("person", "nongoods", "list", "company", "multi", "furniture", "modal", "none", "sample", "form", "wire",
           "feature")


def test_the_corpus_covers_every_failure_class():
    passages = read_gold_facts(GOLD)
    assert len(passages) >= 80
    by_class = {c: [p for p in passages if p.id.startswith(c + "-")] for c in CLASSES}
    assert all(len(found) >= 4 for found in by_class.values()), {c: len(f) for c, f in by_class.items()}
    assert len({p.id for p in passages}) == len(passages)
    facts = [f for p in passages for f in p.facts]
    assert any(len(f.target) > 1 for f in facts) and any(len(f.products) > 3 for f in facts)
    assert any(len(p.facts) > 1 for p in by_class["multi"])
    assert {f.action for f in facts} >= {"imposed", "threatened", "raised", "reduced", "removed", "retaliated",
                                         "proposed", "exempted"}


def test_matching_counts_a_restated_fact_once_and_pairs_roles():
    gold = [Fact("imposed", frozenset({"CAN"}), frozenset({"USA"}), frozenset({"steel"}), "25%")]
    headline = Fact("imposed", frozenset({"CAN"}), frozenset({"USA"}), frozenset({"steel"}))
    body = Fact("imposed", frozenset({"CAN"}), frozenset({"USA"}), frozenset({"steel"}), "25%", "2025-03-04")
    scores = score_facts([([headline, body], gold)])
    assert scores["facts"]["tp"] == 1 and scores["facts"]["fp"] == 0
    assert scores["rate"]["tp"] == 1 and scores["date"]["fp"] == 1
    wrong = Fact("raised", frozenset({"CAN"}), frozenset({"CHN"}), frozenset({"steel", "slew"}))
    scores = score_facts([([wrong], gold)])
    assert scores["facts"] == {**scores["facts"], "tp": 0, "fp": 1, "fn": 1}
    assert (scores["imposer"]["tp"], scores["target"]["fp"], scores["target"]["fn"]) == (1, 1, 1)
    assert (scores["product"]["tp"], scores["product"]["fp"], scores["action"]["fn"]) == (1, 1, 1)


def test_a_bad_gold_line_is_named(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "text": "x", "facts": []}\n{"id": "b", "text": "y", "facts": [{"imposer": "USA"}]}\n')
    with pytest.raises(InputError, match=r"gold.jsonl, line 2: .*action"):
        read_gold_facts(path)
    path.write_text('{"id": "a", "text": \n')
    with pytest.raises(InputError, match=r"gold.jsonl, line 1: not JSON"):
        read_gold_facts(path)


@pytest.fixture(scope="module")
def score():
    result = CliRunner().invoke(cli, ["evaluate", "--facts", str(GOLD), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_evaluate_facts_prints_a_table(tmp_path):
    small = tmp_path / "gold.jsonl"
    small.write_text(GOLD.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "--facts", str(small)])
    assert result.exit_code == 0, result.output
    assert "1 passages, 1 gold facts" in result.output
    assert [line.split()[0] for line in result.output.splitlines()[3:10]] == [
        "facts", "action", "imposer", "target", "product", "rate", "date"]
    assert "A fact is right when" in result.output


# The level reached (see the README's Tariff facts section): a change that lowers it fails here.
# dev.jsonl is what the rules were written against; holdout.jsonl and blind.jsonl were written
# after them and then read once for errors, unseen.jsonl last and never tuned on
# (tests/data/tariff/README.md), so their gates are lower.
GATE = {
    "dev": {"facts": (0.90, 0.85), "action": (0.95, 0.90), "imposer": (0.95, 0.90), "target": (0.95, 0.90),
            "product": (0.95, 0.85), "rate": (0.95, 0.90), "date": (0.90, 0.90)},
    "holdout": {"facts": (0.80, 0.75), "imposer": (0.85, 0.80), "product": (0.85, 0.80)},
    "blind": {"facts": (0.75, 0.75), "product": (0.85, 0.80)},
    "unseen": {"facts": (0.50, 0.45), "imposer": (0.95, 0.70), "product": (0.95, 0.70)},  # never tuned on
}


@pytest.fixture(scope="module")
def scores(score):
    found = {"dev": score}
    for name in ("holdout", "blind", "unseen"):
        result = CliRunner().invoke(cli, ["evaluate", "--facts", str(GOLD.with_name(f"{name}.jsonl")), "--json"])
        assert result.exit_code == 0, result.output
        found[name] = json.loads(result.output)
    return found


@pytest.mark.parametrize("corpus, row", [(c, r) for c, rows in GATE.items() for r in rows])
def test_quality_gate(scores, corpus, row):
    precision, recall = GATE[corpus][row]
    found = scores[corpus]["scores"][row]
    assert found["precision"] >= precision and found["recall"] >= recall, found
