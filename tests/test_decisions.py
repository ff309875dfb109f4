"""Decisions per person: two people decide on the same suggestions independently, on SQLite and PostgreSQL.

Each person's accept, fix or reject is theirs: the model's suggestion stays open for
everyone else, through review, undo, evaluate, statistics and agreement.
"""

from __future__ import annotations

import json

import pytest

from app.core.agreement import project_agreement
from app.core.articles import ArticleDraft
from app.core.errors import NotAllowedError, ValidationError
from app.core.evaluation import evaluate
from app.core.project import Project
from app.core.statistics import dashboard_figures
from app.nlp.types import FrameSuggestion, SpanSuggestion, Suggestions
from test_cli import newsgloss

TEXT = "Ottawa imposed 25 percent tariffs on Chinese steel. Beijing said it would respond."


def sug(word: str, label: str) -> SpanSuggestion:
    start = TEXT.index(word)
    return SpanSuggestion(start, start + len(word), label)


@pytest.fixture
def team(backend_url):
    """alice (the reviewer, who started the project) and bob (an annotator) on one project with suggestions."""
    with Project.open(backend_url, "alice", create=True) as alice, Project.open(backend_url, "bob") as bob:
        aid = alice.add_articles([ArticleDraft(text=TEXT, title="T", origin="t")]).added[0][0]
        fact = FrameSuggestion("tariff_fact", {"imposer": (sug("Ottawa", "GPE"),), "rate": (sug("25 percent", "RATE"),)},
                               {"action": "imposed"})
        alice.add_suggestions([(aid, Suggestions((sug("Ottawa", "GPE"), sug("Beijing", "GPE"), sug("steel", "PRODUCT")))
                                .merge(Suggestions.of_frames([fact])))], "test 1.0")
        yield alice, bob, aid


def suggestion(project: Project, aid: int, word: str) -> int:
    return next(s.id for s in project.spans(aid, include_rejected=True)
                if s.layer == "model" and TEXT[s.start:s.end] == word)


def seen(project: Project, aid: int) -> set[tuple[str, str, str, str]]:
    """The person's own layer and the model's suggestions, as they see them."""
    return {(TEXT[s.start:s.end], s.label, s.layer, s.status) for s in project.spans(aid, include_rejected=True)
            if s.layer in (project.annotator, "model")}


def decide_differently(alice: Project, bob: Project, aid: int) -> None:
    """alice accepts Ottawa, fixes steel to "Chinese steel" and rejects Beijing; bob the other way round."""
    ottawa, beijing, steel = (suggestion(alice, aid, w) for w in ("Ottawa", "Beijing", "steel"))
    alice.review("accepted", span_ids=[ottawa])
    alice.review("accepted", span_ids=[steel], fix={"start": TEXT.index("Chinese steel")})
    alice.review("rejected", span_ids=[beijing])
    bob.review("rejected", span_ids=[ottawa])
    bob.review("accepted", span_ids=[beijing], fix={"label": "ORG"})
    bob.review("accepted", span_ids=[steel])


def test_each_person_s_decision_is_their_own(team):
    alice, bob, aid = team
    decide_differently(alice, bob, aid)
    assert seen(alice, aid) == {("Ottawa", "GPE", "alice", "accepted"), ("Chinese steel", "PRODUCT", "alice", "accepted"),
                                ("Beijing", "GPE", "model", "rejected"), ("25 percent", "RATE", "model", "suggested")}
    assert seen(bob, aid) == {("Ottawa", "GPE", "model", "rejected"), ("Beijing", "ORG", "bob", "accepted"),
                              ("steel", "PRODUCT", "bob", "accepted"), ("25 percent", "RATE", "model", "suggested")}
    # the article list counts what each person sees: every layer's spans, less the suggestions they decided on
    assert alice.articles()[0].spans == 2 + 2 + 1  # alice's and bob's copies, 25 percent
    with Project.open(alice.url, "carol") as carol:  # a third person finds every suggestion open, as the model made it
        assert carol.articles()[0].spans == 4 + 4
        assert seen(carol, aid) >= {("Ottawa", "GPE", "model", "suggested"), ("Beijing", "GPE", "model", "suggested"),
                                    ("steel", "PRODUCT", "model", "suggested")}
        assert [(f.layer, f.status) for f in carol.frames(aid)] == [("model", "suggested")]
        beijing = suggestion(carol, aid, "Beijing")
    copies = [s for s in bob.spans(aid) if s.layer == "bob"]
    assert all(s.origin == "model" and s.reviewed_by == "bob" and s.annotator == "bob" for s in copies)
    linked = {(d.annotator, d.status, d.kind, d.suggestion_id, d.copy_id) for d in alice.decisions([aid])}
    assert ("bob", "accepted", "span", beijing, next(s.id for s in copies if s.label == "ORG")) in linked
    assert ("alice", "rejected", "span", beijing, None) in linked
    assert len(linked) == 6


def test_agreement_counts_both_people_s_decisions(team):
    alice, bob, aid = team
    decide_differently(alice, bob, aid)
    report = project_agreement(alice)
    assert report.annotators == ["alice", "bob"]
    exact = report.pair("alice", "bob").exact
    # alice: Ottawa GPE, Chinese steel PRODUCT; bob: Beijing ORG, steel PRODUCT: nothing in common
    assert exact["overall"]["tp"] == 0 and exact["overall"]["fp"] + exact["overall"]["fn"] == 4
    # both accepting steel as the model had it would agree on it
    bob.delete_span(next(s.id for s in bob.spans(aid) if s.layer == "bob" and s.label == "PRODUCT"))
    with Project.open(alice.url, "dave") as dave:
        dave.review("accepted", span_ids=[suggestion(dave, aid, "steel"), suggestion(dave, aid, "Ottawa")])
    pair = project_agreement(alice).pair("alice", "dave").exact
    assert (pair["GPE"]["tp"], pair["PRODUCT"]["tp"]) == (1, 0)


def test_agree_json_reflects_both_people_s_decisions(team):
    alice, bob, aid = team
    decide_differently(alice, bob, aid)
    ottawa = suggestion(bob, aid, "Ottawa")
    bob.undo_review(bob.review("accepted", span_ids=[ottawa]))  # bob changes his mind and back: still rejected
    report = json.loads(newsgloss("--project", alice.url, "agree", "--json").stdout)
    assert report["annotators"] == ["alice", "bob"] and report["covered"] == {"alice": 1, "bob": 1}
    (pair,) = report["pairs"]
    assert pair["exact"]["GPE"]["fp"] + pair["exact"]["GPE"]["fn"] == 1  # alice's Ottawa against nothing of bob's
    assert pair["exact"]["ORG"]["fp"] + pair["exact"]["ORG"]["fn"] == 1  # bob's Beijing against nothing of alice's
    assert pair["exact"]["PRODUCT"]["tp"] == 0  # "Chinese steel" and "steel"
    assert pair["overlap"]["PRODUCT"]["tp"] == 1


def test_undo_takes_back_only_the_person_s_own_decision(team):
    alice, bob, aid = team
    ottawa = suggestion(alice, aid, "Ottawa")
    (frame,) = alice.frames(aid)
    by_alice = alice.review("accepted", frame_ids=[frame.id])  # the frame and its two fillers
    by_bob = bob.review("accepted", span_ids=[ottawa])
    rejected = bob.review("rejected", frame_ids=[frame.id])
    alice.undo_review(by_alice)
    assert not [s for s in alice.spans(aid) if s.layer == "alice"] and alice.frames(aid)[0].layer == "model"
    assert ("Ottawa", "GPE", "bob", "accepted") in seen(bob, aid)  # bob's copy stays
    bob.undo_review(rejected)
    assert [(f.layer, f.status) for f in bob.frames(aid)] == [("model", "suggested")]
    bob.undo_review(by_bob)
    assert all(s.layer == "model" and s.status == "suggested" for s in bob.spans(aid, include_rejected=True))
    assert alice.decisions() == []


def test_a_rejection_can_become_an_acceptance_and_undo_brings_it_back(team):
    alice, _bob, aid = team
    beijing = suggestion(alice, aid, "Beijing")
    alice.review("rejected", span_ids=[beijing])
    changed_mind = alice.review("accepted", span_ids=[beijing])
    assert ("Beijing", "GPE", "alice", "accepted") in seen(alice, aid)
    with pytest.raises(ValidationError, match="accepted span .* already"):
        alice.review("rejected", span_ids=[beijing])
    alice.undo_review(changed_mind)
    assert ("Beijing", "GPE", "model", "rejected") in seen(alice, aid)


def test_deleting_one_s_copy_takes_the_acceptance_back(team):
    alice, _bob, aid = team
    alice.review("accepted", span_ids=[suggestion(alice, aid, "Ottawa")])
    (copy,) = [s for s in alice.spans(aid) if s.layer == "alice"]
    alice.delete_span(copy.id)
    assert ("Ottawa", "GPE", "model", "suggested") in seen(alice, aid) and alice.decisions() == []


def test_a_suggestion_itself_cannot_be_edited_or_deleted(team):
    alice, bob, aid = team
    ottawa = suggestion(alice, aid, "Ottawa")
    for person in (alice, bob):  # not even by the reviewer: it is everyone's
        with pytest.raises(NotAllowedError, match="model suggestion, open to everyone"):
            person.update_span(ottawa, label="ORG")
        with pytest.raises(NotAllowedError, match="model suggestion"):
            person.delete_span(ottawa)
    with pytest.raises(NotAllowedError, match="model suggestion"):
        bob.delete_frame(alice.frames(aid)[0].id)


def test_evaluate_counts_one_review_per_person_who_decided_on_everything(team):
    alice, bob, aid = team
    decide_differently(alice, bob, aid)
    assert evaluate(alice)["reviews"] == 0  # the frame and 25 percent are open for both
    (frame,) = alice.frames(aid)
    alice.review("accepted", frame_ids=[frame.id])
    result = evaluate(alice)
    assert (result["articles"], result["reviews"]) == (1, 1)  # alice's only
    gpe = result["spans"]["GPE"]  # the model said Ottawa and Beijing; alice accepted Ottawa
    assert (gpe["tp"], gpe["fp"], gpe["fn"]) == (1, 1, 0)
    bob.review("rejected", frame_ids=[frame.id], span_ids=[suggestion(bob, aid, "25 percent")])
    result = evaluate(bob)
    assert (result["articles"], result["reviews"]) == (1, 2)
    gpe = result["spans"]["GPE"]  # and bob accepted neither as a GPE
    assert (gpe["tp"], gpe["fp"], gpe["fn"]) == (1, 1 + 2, 0)


def test_statistics_count_each_person_s_decisions(team):
    alice, bob, aid = team
    decide_differently(alice, bob, aid)
    figures = dashboard_figures(alice)
    assert figures.suggestions["GPE"] == {"accepted": 2, "rejected": 2, "suggested": 0}  # Ottawa and Beijing
    assert figures.suggestions["PRODUCT"] == {"accepted": 2, "rejected": 0, "suggested": 0}
    assert figures.suggestions["RATE"] == {"accepted": 0, "rejected": 0, "suggested": 1}
    assert figures.labels == {"GPE": 1, "ORG": 1, "PRODUCT": 2}  # the people's accepted spans
