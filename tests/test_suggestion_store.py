"""Stored suggestions: nothing twice, people's decisions kept, reviews recorded, figures right."""

from __future__ import annotations

import json

import pytest

from app.core.articles import ArticleDraft
from app.core.errors import ValidationError
from app.core.evaluation import evaluate
from app.core.interchange import Selection
from app.core.transfer import selected_frames
from app.formats.facts import frame_records
from app.nlp.types import FrameSuggestion, SpanSuggestion, Suggestions

TEXT = "Ottawa imposed 25 percent tariffs on Chinese steel. Beijing said it would respond."
MODEL = "test_model 1.0"


def span(word: str, label: str, score: float | None = None) -> SpanSuggestion:
    start = TEXT.index(word)
    return SpanSuggestion(start, start + len(word), label, score)


def sample_suggestions() -> Suggestions:
    fact = FrameSuggestion("tariff_fact", {
        "imposer": (span("Ottawa", "GPE"),), "rate": (span("25 percent", "RATE"),),
        "target": (span("Chinese", "NORP"),), "product": (span("steel", "PRODUCT"),),
        "trigger": (span("tariffs", "TARIFF"),)}, {"action": "imposed"}, 0.7)
    entities = Suggestions((span("Ottawa", "GPE", 0.9), span("Beijing", "GPE", 0.8)))
    return entities.merge(Suggestions.of_frames([fact]))


def article(project) -> int:
    return project.add_articles([ArticleDraft(text=TEXT, title="T", origin="t", external_id="ext-1")]).added[0][0]


def test_suggestions_are_stored_as_model_suggestions(project):
    aid = article(project)
    assert project.add_suggestions([(aid, sample_suggestions())], MODEL) == (6, 1)
    spans = {TEXT[s.start:s.end]: s for s in project.spans(aid)}
    assert spans["Beijing"].origin == "model" and spans["Beijing"].status == "suggested"
    assert spans["Beijing"].model == MODEL and spans["Beijing"].score == 0.8
    assert spans["Ottawa"].score == 0.9  # the first of the duplicates wins
    (frame,) = project.frames(aid)
    assert (frame.origin, frame.status, frame.score, frame.model) == ("model", "suggested", 0.7, MODEL)
    assert [TEXT[spans_by_id.start:spans_by_id.end] for spans_by_id in
            (next(s for s in project.spans(aid) if s.id == i) for i in frame.role("imposer"))] == ["Ottawa"]


def test_running_again_adds_nothing_twice(project):
    aid = article(project)
    project.add_suggestions([(aid, sample_suggestions())], MODEL)
    assert project.add_suggestions([(aid, sample_suggestions())], MODEL) == (0, 0)
    assert len(project.spans(aid)) == 6 and len(project.frames(aid)) == 1


def test_people_s_decisions_are_never_overridden(project):
    aid = article(project)
    project.add_suggestions([(aid, sample_suggestions())], MODEL)
    spans = {TEXT[s.start:s.end]: s for s in project.spans(aid)}
    project.review("accepted", span_ids=[spans["Beijing"].id], fix={"label": "ORG"})  # relabelled
    project.review("rejected", span_ids=[spans["25 percent"].id])  # rejected
    # boundaries fixed: "Chinese steel"
    project.review("accepted", span_ids=[spans["steel"].id], fix={"start": spans["steel"].start - 8})
    (frame,) = project.frames(aid)
    project.review("rejected", frame_ids=[frame.id])
    tagged = project.add_span(aid, 0, 6, "ORG")  # a person's own overlapping tag elsewhere is kept too
    assert project.add_suggestions([(aid, sample_suggestions())], MODEL) == (0, 0)
    labels = {(TEXT[s.start:s.end], s.label, s.status) for s in project.spans(aid, include_rejected=True)}
    assert ("Beijing", "ORG", "accepted") in labels and ("Beijing", "GPE", "suggested") not in labels
    assert ("25 percent", "RATE", "rejected") in labels
    assert ("Chinese steel", "PRODUCT", "accepted") in labels and ("steel", "PRODUCT", "suggested") not in labels
    assert tagged.id in {s.id for s in project.spans(aid)}
    assert [f.status for f in project.frames(aid, include_rejected=True)] == ["rejected"]
    with project.__class__.open(project.url, "bob") as bob:  # for bob every suggestion is still open, as made
        assert sorted((TEXT[s.start:s.end], s.label) for s in bob.spans(aid) if s.layer == "model") == sorted(
            (TEXT[s.start:s.end], s.label) for s in spans.values())
        assert all(s.status == "suggested" for s in bob.spans(aid) if s.layer == "model")
        assert [(f.layer, f.status) for f in bob.frames(aid)] == [("model", "suggested")]


def test_review_records_who_and_when_and_can_be_undone(project):
    aid = article(project)
    project.add_suggestions([(aid, sample_suggestions())], MODEL)
    (frame,) = project.frames(aid)
    before = project.review("accepted", frame_ids=[frame.id])
    fillers = {slot.span_id for slot in frame.slots}
    after = project.spans(aid)
    mine = [s for s in after if s.layer == "alice"]
    assert len(mine) == len(fillers) and fillers.isdisjoint(s.id for s in after)  # alice's copies stand in
    assert all(s.status == "accepted" and s.origin == "model" and s.reviewed_by == "alice"
               and s.reviewed_at is not None for s in mine)
    beijing = next(s for s in after if TEXT[s.start:s.end] == "Beijing")
    assert beijing.status == "suggested"  # not a filler: untouched
    (copy,) = project.frames(aid)
    assert (copy.layer, copy.status, copy.reviewed_by) == ("alice", "accepted", "alice")
    assert {slot.span_id for slot in copy.slots} == {s.id for s in mine}
    assert {(d.kind, d.suggestion_id, d.annotator, d.status) for d in project.decisions()} == {
        ("frame", frame.id, "alice", "accepted"), *(("span", i, "alice", "accepted") for i in fillers)}
    project.undo_review(before)
    restored = {s.id: s for s in project.spans(aid)}
    assert set(restored) == fillers | {beijing.id} and project.decisions() == []
    assert all(restored[i].status == "suggested" and restored[i].layer == "model"
               and restored[i].reviewed_by is None for i in fillers)
    assert [f.id for f in project.frames(aid)] == [frame.id]
    assert [e["action"] for e in project.change_log(aid)].count("span.review") == 2 * len(fillers)


def test_evaluation_against_decisions_counts_by_hand(project):
    aid = article(project)
    project.add_suggestions([(aid, sample_suggestions())], MODEL)
    spans = {TEXT[s.start:s.end]: s for s in project.spans(aid)}
    (frame,) = project.frames(aid)
    # Beijing and 25 percent rejected, the rest accepted, and a person tags a cue the model missed
    project.review("rejected", span_ids=[spans["Beijing"].id, spans["25 percent"].id])
    project.review("accepted", frame_ids=[frame.id], span_ids=[spans["Ottawa"].id])  # the rejected filler stays so
    said = TEXT.index("said")
    project.add_span(aid, said, said + 4, "CUE")
    result = evaluate(project)
    assert result["articles"] == 1
    gpe = result["spans"]["GPE"]
    assert (gpe["tp"], gpe["fp"], gpe["fn"]) == (1, 1, 0) and gpe["precision"] == 0.5 and gpe["recall"] == 1.0
    cue = result["spans"]["CUE"]
    assert (cue["tp"], cue["fp"], cue["fn"]) == (0, 0, 1)
    overall = result["spans"]["overall"]  # 6 suggested: 4 accepted, 2 rejected; 1 missed
    assert (overall["tp"], overall["fp"], overall["fn"]) == (4, 2, 1)
    assert round(overall["f1"], 4) == round(2 * (4 / 6) * (4 / 5) / ((4 / 6) + (4 / 5)), 4)
    roles = result["roles"]
    assert roles["tariff_fact.imposer"]["tp"] == 1 and roles["tariff_fact.rate"]["tp"] == 1


def test_unreviewed_articles_are_not_evaluated(project):
    aid = article(project)
    project.add_suggestions([(aid, sample_suggestions())], MODEL)
    assert evaluate(project)["articles"] == 0


def test_facts_export_record_shape(project):
    aid = article(project)
    project.add_suggestions([(aid, sample_suggestions())], MODEL)
    assert list(frame_records(selected_frames(project, "tariff_fact"))) == []
    ((_, record),) = frame_records(selected_frames(project, "tariff_fact", Selection(statuses=frozenset({"suggested"}))))
    assert record["article"] == "ext-1" and record["action"] == "imposed"
    assert record["imposer"] == {"text": "Ottawa", "start": 0, "end": 6}
    assert record["target"]["text"] == "Chinese" and [p["text"] for p in record["products"]] == ["steel"]
    assert record["rate"]["text"] == "25 percent" and record["date"] is None
    assert record["evidence"]["text"] == "Ottawa imposed 25 percent tariffs on Chinese steel."
    assert (record["status"], record["origin"], record["annotator"]) == ("suggested", "model", None)
    json.dumps(record)


def test_a_frame_uses_a_person_s_span_at_the_same_place_when_its_label_fits(project):
    aid = article(project)
    ottawa = project.add_span(aid, 0, 6, "ORG")  # a person chose ORG where the model says GPE
    project.add_suggestions([(aid, sample_suggestions())], MODEL)
    (frame,) = project.frames(aid)
    assert frame.role("imposer") == [ottawa.id]  # ORG may be an imposer
    assert [s.label for s in project.spans(aid) if s.start == 0] == ["ORG"]


def other_article(project, n: int) -> int:
    return project.add_articles([ArticleDraft(text=f"{TEXT} ({n})", title=f"T{n}", origin="t")]).added[0][0]


def test_a_batch_skips_an_article_the_model_suggested_already_and_stores_the_rest(project):
    done, fresh = article(project), other_article(project, 2)
    project.add_suggestions([(done, sample_suggestions())], MODEL)
    assert project.add_suggestions([(done, sample_suggestions()), (fresh, sample_suggestions())], MODEL) == (6, 1)
    assert len(project.spans(done)) == 6 and len(project.frames(done)) == 1
    assert sorted((s.start, s.end, s.label) for s in project.spans(fresh)) == sorted(
        (s.start, s.end, s.label) for s in project.spans(done))
    (frame,) = project.frames(fresh)
    assert {slot.span_id for slot in frame.slots} <= {s.id for s in project.spans(fresh)}


def test_a_failure_in_the_middle_of_a_batch_leaves_nothing_of_it(project):
    first, middle, last = (other_article(project, n) for n in (1, 2, 3))
    outside = Suggestions((SpanSuggestion(0, len(TEXT) + 50, "GPE"),))
    with pytest.raises(ValidationError, match=f"does not fit article {middle}"):
        project.add_suggestions([(first, sample_suggestions()), (middle, outside), (last, sample_suggestions())],
                                MODEL)
    assert all(project.spans(i) == [] and project.frames(i) == [] for i in (first, middle, last))
    assert not any(e["action"] == "suggest" for i in (first, middle, last) for e in project.change_log(i))
