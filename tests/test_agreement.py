"""Agreement between annotators, checked against figures worked out by hand in the comments."""

from __future__ import annotations

import json
import random

import pytest

from app.core.agreement import OUTSIDE, project_agreement
from app.core.agreement_columns import Columns
from app.core.agreement_stats import cohen_kappa, krippendorff_alpha, overlap_matches
from app.core.articles import ArticleDraft
from app.core.errors import NotFoundError
from app.core.project import Project
from test_cli import newsgloss

TEXT = "Canada imposed 25% tariffs on Chinese steel, Ottawa said on Monday."
# Tokens (14): Canada imposed 25 % tariffs on Chinese steel , Ottawa said on Monday .
ALICE = [("GPE", "Canada"), ("RATE", "25%"), ("PRODUCT", "Chinese steel"), ("GPE", "Ottawa")]
BOB = [("GPE", "Canada"), ("RATE", "25%"), ("PRODUCT", "steel"), ("ORG", "Ottawa"), ("DATE", "Monday")]


def add_article(project: Project, text: str) -> int:
    return project.add_articles([ArticleDraft(text=text, title=text[:20], origin="test")]).added[0][0]


def mark(project: Project, article_id: int, text: str, spans) -> dict[str, int]:
    """Add each (label, phrase) as an accepted span of the project's annotator; phrase -> span id."""
    return {phrase: project.add_span(article_id, text.index(phrase), text.index(phrase) + len(phrase), label).id
            for label, phrase in spans}


@pytest.fixture
def team(any_project):
    """alice, bob and carol on TEXT: carol marked exactly what alice did. On SQLite, then PostgreSQL."""
    project = any_project
    article = add_article(project, TEXT)
    mark(project, article, TEXT, ALICE)
    for name, spans in (("bob", BOB), ("carol", ALICE)):
        with Project.open(project.url, name) as other:
            mark(other, article, TEXT, spans)
    return project


def test_span_f1_exact_and_overlap_per_label_and_overall(team):
    pair = project_agreement(team).pair("alice", "bob")
    assert (pair.first, pair.second, pair.articles, pair.tokens) == ("alice", "bob", 1, 14)
    # Exact (same start, end, label): Canada/GPE and 25%/RATE are in both: tp = 2.
    # Only alice: Chinese steel/PRODUCT, Ottawa/GPE: fp = 2. Only bob: steel/PRODUCT,
    # Ottawa/ORG, Monday/DATE: fn = 3. P = 2/4, R = 2/5, F1 = 2*2 / (2*2 + 2 + 3) = 4/9.
    assert pair.exact["overall"] == {"precision": 0.5, "recall": 0.4, "f1": 0.4444, "tp": 2, "fp": 2, "fn": 3}
    # Overlap also pairs "Chinese steel" with "steel" (both PRODUCT); Ottawa GPE/ORG differ in
    # label and stay apart: tp = 3, fp = 1, fn = 2, F1 = 6 / 9.
    assert pair.overlap["overall"]["f1"] == 0.6667
    assert (pair.overlap["overall"]["tp"], pair.overlap["overall"]["fp"], pair.overlap["overall"]["fn"]) == (3, 1, 2)
    # Per label, exact: GPE tp 1 fp 1 fn 0 -> P 1/2, R 1, F1 2/3; PRODUCT tp 0 -> 0; RATE 1;
    # ORG and DATE only bob's -> 0. Overlap: PRODUCT becomes 1 (steel inside Chinese steel).
    assert {label: row["f1"] for label, row in pair.exact.items()} == {
        "DATE": 0.0, "GPE": 0.6667, "ORG": 0.0, "PRODUCT": 0.0, "RATE": 1.0, "overall": 0.4444}
    assert pair.overlap["PRODUCT"]["f1"] == 1.0 and pair.overlap["GPE"]["f1"] == 0.6667
    report = project_agreement(team)
    assert report.pair("bob", "alice") == pair  # one pair, whichever way it is asked for


def test_kappa_alpha_and_the_pairwise_matrix(team):
    report = project_agreement(team)
    # Token labels (innermost span, "O" for none):
    #   token   Canada imposed 25   %    tariffs on Chinese steel ,  Ottawa said on Monday .
    #   alice   GPE    O       RATE RATE O       O  PRODUCT PROD. O  GPE    O    O  O      O
    #   bob     GPE    O       RATE RATE O       O  O       PROD. O  ORG    O    O  DATE   O
    # Same on 11 of 14: p_o = 11/14 = 154/196.
    # alice: GPE 2, RATE 2, PRODUCT 2, O 8; bob: GPE 1, RATE 2, PRODUCT 1, ORG 1, DATE 1, O 8.
    # p_e = (2*1 + 2*2 + 2*1 + 8*8) / 14^2 = 72/196; kappa = (154 - 72) / (196 - 72) = 82/124.
    assert report.pair("alice", "bob").kappa == round(82 / 124, 4) == 0.6613
    assert report.pair("alice", "carol").kappa == 1.0
    # Alpha over the three coders: 11 tokens all alike; Chinese, Ottawa and Monday are 2 against 1,
    # each adding 2*1 + 1*2 = 4 ordered pairs / (m - 1 = 2) = 2 to the disagreement: 6 in all.
    # n = 42 values: GPE 5, RATE 6, PRODUCT 5, ORG 1, DATE 1, O 24; sum n_c^2 = 664.
    # alpha = 1 - (n - 1) * 6 / (42^2 - 664) = 1 - 246/1100.
    assert report.alpha == round(1 - 246 / 1100, 4) == 0.7764
    assert report.alpha_tokens == 14
    assert report.annotators == ["alice", "bob", "carol"]
    assert report.matrix("exact") == [[None, 0.4444, 1.0], [0.4444, None, 0.4444], [1.0, 0.4444, None]]
    assert report.matrix("kappa") == [[None, 0.6613, 1.0], [0.6613, None, 0.6613], [1.0, 0.6613, None]]
    # Team means over the three pairs: exact (4/9 + 1 + 4/9) / 3; kappa (0.6613 * 2 + 1) / 3.
    assert report.team["exact"]["overall"] == 0.6296
    assert report.team["kappa"] == 0.7742
    assert report.team["exact"]["RATE"] == 1.0 and report.team["exact"]["DATE"] == 0.0


def test_cohen_kappa_by_hand():
    # Krippendorff's binary example read as two coders: same on 6 of 10 (p_o = 0.6); coder A
    # says 1 twice, B four times: p_e = 0.2*0.4 + 0.8*0.6 = 0.56; kappa = 0.04 / 0.44.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert cohen_kappa(a, b) == pytest.approx(0.04 / 0.44)
    assert cohen_kappa(["O", "O"], ["O", "O"]) is None  # p_e = 1: kappa is undefined
    assert cohen_kappa(["X", "O"], ["O", "X"]) == -1.0  # p_o = 0, p_e = 1/2


def test_krippendorff_alpha_on_published_examples():
    # Krippendorff, "Computing Krippendorff's alpha-reliability" (2011): nominal data with missing
    # values, 4 observers x 12 units; alpha = 0.743. Units are columns here.
    n = None
    observers = [[1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
                 [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
                 [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
                 [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n]]
    assert round(krippendorff_alpha(zip(*observers)), 3) == 0.743
    # The same paper's binary example, two observers, ten units: alpha = 0.095.
    binary = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert round(krippendorff_alpha(zip(*binary)), 3) == 0.095
    assert krippendorff_alpha([(1, 1), (1, None)]) is None  # no variation: nothing to measure


def test_krippendorff_alpha_matches_the_krippendorff_package():
    krippendorff = pytest.importorskip("krippendorff")
    np = pytest.importorskip("numpy")
    rng = random.Random(7)
    for _ in range(5):
        data = [[rng.choice([0, 1, 2, 2, 3, None]) for _unit in range(40)] for _coder in range(4)]
        theirs = krippendorff.alpha(reliability_data=np.array(data, dtype=float), level_of_measurement="nominal")
        assert krippendorff_alpha(zip(*data)) == pytest.approx(theirs)


def test_overlap_is_a_maximum_one_to_one_matching():
    # first: A1 = 0-10, A2 = 0-3; second: B1 = 2-5, B2 = 8-12. A1 overlaps both, A2 only B1.
    # Pairing greedily A1-B1 would leave A2 alone (1 match); the best pairing is A1-B2, A2-B1.
    first = [(0, 10, "X"), (0, 3, "X")]
    second = [(2, 5, "X"), (8, 12, "X")]
    assert overlap_matches(first, second) == 2
    assert overlap_matches(second, first) == 2
    assert overlap_matches([(0, 10, "X")], second) == 1  # one span is credited once
    assert overlap_matches([(0, 2, "X")], [(2, 5, "X")]) == 0  # touching is not overlapping


def token_labels(text: str, spans) -> list[str]:
    """One person's label of each token of `text` with `spans` (start, end, label)."""
    columns = Columns([1], [text], [frozenset({"ann"})], ["ann"], [(1, "ann", *span) for span in spans], OUTSIDE)
    return [columns.labels[n] for n in columns.token_labels["ann"].tolist()]


def test_a_token_takes_its_innermost_span():
    text = "Prime Minister Mark Carney said"  # tokens: 0-5, 6-14, 15-19, 20-26, 27-31
    spans = [(0, 26, "CLAIM"), (15, 26, "PERSON"), (17, 24, "ORG")]  # ORG ends inside "Carney"
    assert token_labels(text, spans) == ["CLAIM", "CLAIM", "ORG", "ORG", "O"]
    assert text[15:26] == "Mark Carney"


def test_frame_role_agreement(project):
    text = "Beijing said China will put 100% tariffs on Canadian canola and pork."
    article = add_article(project, text)
    spans = [("GPE", "Beijing"), ("CUE", "said"), ("CLAIM", "China will put 100% tariffs on Canadian canola and pork"),
             ("GPE", "China"), ("RATE", "100%"), ("TARIFF", "tariffs"), ("NORP", "Canadian"),
             ("PRODUCT", "canola"), ("PRODUCT", "pork")]
    people = {"alice": project, "bob": Project.open(project.url, "bob")}
    for name, p in people.items():
        ids = mark(p, article, text, spans)
        claim = {"claimant": [ids["Beijing"]], "cue": [ids["said"]], "content": [ids[spans[2][1]]]}
        fact = {"imposer": [ids["China"]], "rate": [ids["100%"]], "trigger": [ids["tariffs"]],
                "product": [ids["canola"]]}
        if name == "alice":  # bob left out the target and pork
            fact |= {"target": [ids["Canadian"]], "product": [ids["canola"], ids["pork"]]}
        p.add_frame(article, "claim", claim)
        p.add_frame(article, "tariff_fact", fact)
    people["bob"].close()
    pair = project_agreement(project).pair("alice", "bob")
    # (type, role, start, end): alice 9, bob 7, all of bob's in alice's: tp 7, fp 2, fn 0.
    # Overall F1 = 14 / (14 + 2) = 0.875; product: tp 1 (canola), fp 1 (pork) -> F1 2/3;
    # target: only alice's -> 0; the claim's roles all agree.
    assert pair.roles["overall"] == {"precision": 0.7778, "recall": 1.0, "f1": 0.875, "tp": 7, "fp": 2, "fn": 0}
    assert {role: row["f1"] for role, row in pair.roles.items()} == {
        "claim.claimant": 1.0, "claim.content": 1.0, "claim.cue": 1.0, "tariff_fact.imposer": 1.0,
        "tariff_fact.product": 0.6667, "tariff_fact.rate": 1.0, "tariff_fact.target": 0.0,
        "tariff_fact.trigger": 1.0, "overall": 0.875}


def test_a_pair_is_compared_only_on_articles_both_covered(project):
    texts = ["Ottawa answered.", "Beijing waited.", "Canberra spoke."]
    ids = [add_article(project, t) for t in texts]
    for article, text in zip(ids, texts):
        mark(project, article, text, [("GPE", text.split()[0])])  # alice tags every capital
    project.add_span(ids[2], 0, 8, "GPE", layer="gold")  # adjudicated: not a person's layer
    with Project.open(project.url, "bob") as bob:
        mark(bob, ids[0], texts[0], [("GPE", "Ottawa")])
        bob.set_progress(ids[1], "done")  # looked, found nothing: alice's Beijing counts against
        rejected = mark(bob, ids[2], texts[2], [("GPE", "Canberra")])["Canberra"]
        bob.update_span(rejected, status="rejected")  # a rejected span does not cover article 3
        bob.add_span(ids[2], 0, 8, "GPE", origin="model", status="suggested", layer="model")
    with Project.open(project.url, "carol") as carol:
        carol.set_progress(ids[2], "in_progress")  # no layer of her own: not compared
    report = project_agreement(project)
    assert report.annotators == ["alice", "bob"]
    assert report.covered == {"alice": 3, "bob": 2}
    pair = report.pair("alice", "bob")
    assert pair.articles == 2 and pair.tokens == 6
    # Article 1 agrees (tp 1); article 2: alice's Beijing only (fp 1); article 3 is left out.
    assert (pair.exact["overall"]["tp"], pair.exact["overall"]["fp"], pair.exact["overall"]["fn"]) == (1, 1, 0)
    # Alpha counts the tokens of the two shared articles only (article 3 has one coder).
    assert report.alpha_tokens == 6
    only_first = project_agreement(project, [ids[0]])
    assert only_first.pair("alice", "bob").exact["overall"]["f1"] == 1.0 and only_first.articles == 1
    with pytest.raises(NotFoundError, match="article 99 does not exist"):
        project_agreement(project, [99])


def test_agree_command(team, tmp_path):
    path = team.url  # a SQLite URL or a PostgreSQL one: the CLI takes both
    data = json.loads(newsgloss("--project", path, "agree", "--json").stdout)
    assert data["annotators"] == ["alice", "bob", "carol"]
    assert data["matrix"]["exact"][0] == [None, 0.4444, 1.0]
    assert data["matrix"]["kappa"][1] == [0.6613, None, 0.6613]
    assert data["alpha"] == 0.7764 and data["team"]["exact"]["overall"] == 0.6296
    first = data["pairs"][0]
    assert (first["first"], first["second"], first["articles"]) == ("alice", "bob", 1)
    assert first["overlap"]["overall"]["f1"] == 0.6667
    text = newsgloss("--project", path, "agree").stdout
    assert "Krippendorff's alpha (team, token labels): 0.776 over 14 tokens" in text
    assert "alice / bob: 1 shared article(s), 14 tokens" in text
    row = next(line.split() for line in text.splitlines() if line.strip().startswith("PRODUCT"))
    assert row == ["PRODUCT", "0.000", "1.000", "1", "1", "0"]  # exact, overlap, alice's, bob's, same
    missing = newsgloss("--project", path, "agree", "--article", "42", check=False)
    assert missing.returncode == 1 and "article 42 does not exist" in missing.stderr
