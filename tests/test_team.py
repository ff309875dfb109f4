"""A team on one project: roles, who may change which layer, stale edits, adjudication into gold."""

from __future__ import annotations

import json
import threading
import time

import pytest
from click.testing import CliRunner

from app.cli import cli
from app.core.adjudication import candidates, people_layers
from app.core.annotations import Adopted
from app.core.change_feed import ChangeFeed
from app.core.articles import ArticleDraft
from app.core.errors import NotAllowedError, NotFoundError, StaleEditError, ValidationError
from app.core.interchange import Selection, documents
from app.core.project import Project
from app.core.vocabulary import GOLD_LAYER
from app.core.transfer import export_path
from app.formats.registry import export_formats

TEXT = "Canada imposed a 100% tariff on Chinese electric vehicles in 2024, Ottawa said."
# Canada 0-6, 100% 17-21, Chinese 32-39, Ottawa 67-73


@pytest.fixture
def team(backend_url):
    """rita (the reviewer), alice and bob (annotators) on one project, SQLite then PostgreSQL."""
    path = backend_url
    rita = Project.open(path, "rita", create=True)
    rita.set_role("rita", "reviewer")  # while a project has no reviewer, anyone may name one
    article_id = rita.add_articles([ArticleDraft(text=TEXT, title="t", origin="t")]).added[0][0]
    alice, bob = Project.open(path, "alice"), Project.open(path, "bob")
    yield article_id, rita, alice, bob
    for p in (rita, alice, bob):
        p.close()


def test_the_first_person_to_act_reviews_later_ones_annotate(backend_url):
    dave = Project.open(backend_url, "dave", create=True)
    article_id = dave.add_articles([ArticleDraft(text=TEXT, title="t", origin="t")]).added[0][0]
    erin = Project.open(backend_url, "erin")
    assert dave.role() == erin.role() == "reviewer"  # nobody has acted yet: either would review
    assert dave.team() == {}  # asking registers nobody
    dave.add_span(article_id, 0, 6, "GPE")
    erin.add_span(article_id, 0, 6, "GPE")
    assert dave.team() == {"dave": "reviewer", "erin": "annotator"}
    dave.close()
    erin.close()


def test_two_people_acting_first_at_the_same_moment_do_not_both_become_reviewers(backend_url):
    """dave's first action is caught between making him a person and its commit: erin's must wait
    for it, then find dave the reviewer, on either database."""
    with Project.open(backend_url, "dave", create=True) as dave, Project.open(backend_url, "erin") as erin:
        article_id = dave.add_articles([ArticleDraft(text=TEXT, title="t", origin="t")]).added[0][0]
        registered, outcome = threading.Event(), []

        def dave_acts():
            with dave._work.unit() as session:
                dave._work.annotator_id(session)
                registered.set()
                time.sleep(0.5)

        first = threading.Thread(target=dave_acts)
        first.start()
        assert registered.wait(10)
        second = threading.Thread(target=lambda: outcome.append(erin.add_span(article_id, 0, 6, "GPE")))
        second.start()
        time.sleep(0.2)
        assert second.is_alive(), "erin's first action did not wait for dave's"
        first.join(10)
        second.join(20)
        assert outcome and dave.team() == {"dave": "reviewer", "erin": "annotator"}


def test_only_a_reviewer_gives_roles(team):
    article_id, rita, alice, bob = team
    alice.add_span(article_id, 0, 6, "GPE")
    with pytest.raises(NotAllowedError, match="only a reviewer can give roles.*newsgloss team --role alice reviewer"):
        alice.set_role("alice", "reviewer")
    rita.set_role("bob", "reviewer")  # bob has not acted yet: he is added with the role
    rita.set_role("alice", "reviewer")
    assert bob.role() == alice.role() == "reviewer"
    assert [c["data"] for c in rita.change_log(action="team.role")][1:] == [
        {"name": "bob", "from": None, "to": "reviewer"}, {"name": "alice", "from": "annotator", "to": "reviewer"}]


def test_annotators_change_only_their_own_layer_reviewers_any(team):
    article_id, rita, alice, bob = team
    span = alice.add_span(article_id, 0, 6, "GPE")
    assert span.layer == "alice" and span.annotator == "alice"
    with pytest.raises(NotAllowedError, match="span .* is in alice's layer; only alice or a reviewer"):
        bob.update_span(span.id, label="ORG")
    with pytest.raises(NotAllowedError):
        bob.delete_span(span.id)
    with pytest.raises(NotAllowedError, match="gold layer; only a reviewer"):
        bob.add_span(article_id, 0, 6, "GPE", layer=GOLD_LAYER)
    assert rita.update_span(span.id, label="ORG").label == "ORG"
    assert [s.label for s in alice.spans(article_id)] == ["ORG"]


def test_an_edit_based_on_an_old_version_is_refused_with_a_clear_message(team):
    article_id, rita, alice, _ = team
    span = alice.add_span(article_id, 0, 6, "GPE")
    seen_by_rita = rita.spans(article_id)[0]
    alice.update_span(span.id, end=6, label="ORG", expected_version=span.version)
    with pytest.raises(StaleEditError, match="changed by alice since you loaded it.*reload"):
        rita.update_span(seen_by_rita.id, label="PERSON", expected_version=seen_by_rita.version)
    assert alice.spans(article_id)[0].label == "ORG"  # alice's edit stands


def _tariff(project: Project, article_id: int, with_rate: bool) -> None:
    imposer = project.add_span(article_id, 0, 6, "GPE")
    target = project.add_span(article_id, 32, 39, "NORP")
    roles = {"imposer": [imposer.id], "target": [target.id]}
    if with_rate:
        roles["rate"] = [project.add_span(article_id, 17, 21, "RATE").id]
    project.add_frame(article_id, "tariff_fact", roles, {"action": "imposed"})


def test_editing_what_someone_deleted_says_who_deleted_it(team):
    article_id, rita, alice, _bob = team
    span = alice.add_span(article_id, 0, 6, "GPE")
    frame = alice.add_frame(article_id, "tariff_fact", {"imposer": [span.id]})
    rita.delete_frame(frame.id)
    rita.delete_span(span.id)
    with pytest.raises(NotFoundError, match=f"span {span.id} was deleted by rita at .* UTC; reload"):
        alice.update_span(span.id, label="ORG", expected_version=span.version)
    with pytest.raises(NotFoundError, match=f"frame {frame.id} was deleted by rita"):
        alice.update_frame(frame.id, attributes={"action": "raised"})
    with pytest.raises(NotFoundError, match="span 999 does not exist"):
        alice.delete_span(999)


def test_candidates_show_who_agrees_and_adoption_into_gold_reuses_and_merges(team):
    article_id, rita, alice, bob = team
    _tariff(alice, article_id, with_rate=True)
    _tariff(bob, article_id, with_rate=False)
    bob.add_span(article_id, 67, 73, "GPE")  # Ottawa: bob only
    spans, frames = rita.spans(article_id), rita.frames(article_id)
    assert people_layers(spans, frames) == ["alice", "bob"]
    rows = {(c.kind, c.summary): c for c in candidates(TEXT, spans, frames)}
    assert rows[("span", "Canada")].layers == ("alice", "bob") and rows[("span", "Canada")].agreed
    assert rows[("span", "Ottawa")].layers == ("bob",) and not rows[("span", "Ottawa")].agreed
    assert not rows[("span", "100%")].agreed
    assert [c.layers for c in rows.values() if c.kind == "frame"] == [("alice",), ("bob",)]  # they differ on rate

    with pytest.raises(NotAllowedError, match="only a reviewer can adjudicate"):
        alice.adopt(span_ids=[rows[("span", "Canada")].first_id])
    agreed = [c.first_id for c in rows.values() if c.kind == "span" and c.agreed]
    first = rita.adopt(span_ids=agreed)
    assert len(first.spans) == 2  # Canada, Chinese
    frame_ids = [c.first_id for c in rows.values() if c.kind == "frame"]
    merged = rita.adopt(frame_ids=frame_ids, merge=True)
    assert len(merged.frames) == 1 and len(merged.spans) == 1  # one frame; only the rate span was new
    gold = [f for f in rita.frames(article_id) if f.layer == GOLD_LAYER]
    gold_spans = {s.id: TEXT[s.start:s.end] for s in rita.spans(article_id) if s.layer == GOLD_LAYER}
    assert {role: gold_spans[gold[0].role(role)[0]] for role in ("imposer", "target", "rate")} == {
        "imposer": "Canada", "target": "Chinese", "rate": "100%"}
    assert gold[0].attributes["action"] == "imposed" and gold[0].annotator == "rita"
    assert rita.adopt(frame_ids=frame_ids, merge=True) == Adopted()  # already there: nothing doubled

    rita.discard(merged)
    assert sorted(gold_spans[i] for i in first.spans) == sorted(
        TEXT[s.start:s.end] for s in rita.spans(article_id) if s.layer == GOLD_LAYER)
    assert not [f for f in rita.frames(article_id) if f.layer == GOLD_LAYER]
    assert [c["action"] for c in rita.change_log(article_id)][-3:] == ["gold.adopt", "gold.adopt", "gold.discard"]


def test_taking_out_of_gold_is_one_unit_and_putting_back_restores_it_exactly(team):
    article_id, rita, alice, bob = team
    _tariff(alice, article_id, with_rate=True)
    frame_ids = [f.id for f in rita.frames(article_id)]
    rita.adopt(frame_ids=frame_ids)
    (frame,) = [f for f in rita.frames(article_id) if f.layer == GOLD_LAYER]
    before = ({s.id: s for s in rita.spans(article_id) if s.layer == GOLD_LAYER}, frame)
    rate = frame.role("rate")[0]
    alice_span = next(s.id for s in rita.spans(article_id) if s.layer == "alice")
    with pytest.raises(ValidationError, match="in the alice layer, not gold"):
        rita.take_out(span_ids=[rate, alice_span])
    with pytest.raises(NotAllowedError, match="only a reviewer"):
        alice.take_out(span_ids=[rate])
    assert ({s.id: s for s in rita.spans(article_id) if s.layer == GOLD_LAYER}, rita.frames(article_id)[-1]) == before
    taken = rita.take_out(span_ids=[rate])  # the gold frame loses its rate
    assert rita.frames(article_id)[-1].role("rate") == [] and rate not in {s.id for s in rita.spans(article_id)}
    rita.put_back(taken)
    assert rita.frames(article_id)[-1].slots == frame.slots
    taken = rita.take_out(span_ids=list(before[0]), frame_ids=[frame.id])  # everything in gold, at once
    assert not [row for row in [*rita.spans(article_id), *rita.frames(article_id)] if row.layer == GOLD_LAYER]
    assert [c["action"] for c in rita.change_log(article_id)][-1] == "gold.take_out"
    rita.put_back(taken)
    restored = {s.id: s for s in rita.spans(article_id) if s.layer == GOLD_LAYER}
    assert {i: (s.start, s.end, s.label, s.annotator) for i, s in restored.items()} == {
        i: (s.start, s.end, s.label, s.annotator) for i, s in before[0].items()}
    again = rita.frames(article_id)[-1]
    assert (again.id, again.slots, again.attributes) == (frame.id, frame.slots, frame.attributes)


@pytest.mark.parametrize("fmt", [f.name for f in export_formats() if f.name != "native"])
def test_gold_exports_with_layer_gold_in_every_format(team, tmp_path, fmt):
    article_id, rita, alice, bob = team
    _tariff(alice, article_id, with_rate=True)
    bob.add_span(article_id, 67, 73, "GPE")  # Ottawa, never adopted
    frame = alice.frames(article_id)[0]
    rita.adopt(frame_ids=[frame.id])
    gold = Selection(layers=frozenset({GOLD_LAYER}))
    (doc,) = documents(rita, gold)
    assert sorted(TEXT[s.start:s.end] for s in doc.spans) == ["100%", "Canada", "Chinese"]
    assert all(s.layer == GOLD_LAYER for s in doc.spans) and len(doc.frames) == 1
    out = tmp_path / f"gold-{fmt}"
    export_path(rita, fmt, out, gold)
    written = "".join(p.read_text(errors="replace") for p in ([out] if out.is_file() else sorted(out.iterdir())))
    if fmt == "docbin":
        import spacy
        from spacy.tokens import DocBin

        (exported,) = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
        texts = sorted([e.text for e in exported.ents] + [s.text for group in exported.spans.values() for s in group])
        assert "Ottawa" not in texts and {"Canada", "Chinese"} <= set(texts)
    elif fmt in ("facts-jsonl", "claims-jsonl"):
        records = [json.loads(line) for line in written.splitlines()]
        assert len(records) == (1 if fmt == "facts-jsonl" else 0)
        if records:
            assert records[0]["imposer"]["text"] == "Canada" and records[0]["annotator"] == "rita"
    else:
        assert "Canada" in written or "B-GPE" in written
        assert "bob" not in written and "alice" not in written  # nobody's own layer leaks into gold


def test_native_export_refuses_filters_it_cannot_apply(team, tmp_path):
    _, rita, _, _ = team
    with pytest.raises(Exception, match="native export is the whole project"):
        export_path(rita, "native", tmp_path / "n.json", Selection(layers=frozenset({GOLD_LAYER})))


def test_team_command_lists_and_sets_roles(team):
    _, rita, _, _ = team
    runner = CliRunner()
    refused = runner.invoke(cli, ["--project", rita.url, "--annotator", "bob", "team", "--role", "bob", "reviewer"])
    assert refused.exit_code == 1 and "only a reviewer can give roles" in refused.output
    result = runner.invoke(cli, ["--project", rita.url, "--annotator", "rita", "team", "--role", "alice", "reviewer",
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"alice": "reviewer", "rita": "reviewer"}
    bad = runner.invoke(cli, ["--project", rita.url, "--annotator", "rita", "team", "--role", "alice", "boss"])
    assert bad.exit_code == 1 and "'boss' is not a valid role" in bad.output


def test_the_change_feed_reports_each_change_once_even_when_an_earlier_id_commits_later(postgres_url):
    """On PostgreSQL a transaction holding an earlier change-log id can commit after a later one."""
    from sqlalchemy import create_engine, text

    rita = Project.open(postgres_url, "rita", create=True)
    article_id = rita.add_articles([ArticleDraft(text=TEXT, title="t", origin="t")]).added[0][0]
    feed = ChangeFeed(rita)
    engine = create_engine(postgres_url)
    slow = engine.connect()
    slow.begin()
    slow.execute(text("INSERT INTO change_log (at, annotator, action, article_id, data) "
                      "VALUES (now(), 'bob', 'span.add', :a, '{}')"), {"a": article_id})
    Project.open(postgres_url, "alice").add_span(article_id, 0, 6, "GPE")  # a later id, committed first
    assert [(who, action) for _, who, action, _ in feed.poll()] == [("alice", "span.add"), ("alice", "progress.set")]
    slow.commit()
    slow.close()
    assert [(who, action) for _, who, action, _ in feed.poll()] == [("bob", "span.add")]
    assert feed.poll() == []
    engine.dispose()
    rita.close()


def test_changes_since_tells_who_changed_what(team):
    article_id, rita, alice, bob = team
    before = rita.last_change()
    alice.add_span(article_id, 0, 6, "GPE")
    bob.add_span(article_id, 67, 73, "GPE")
    assert rita.last_change() > before
    assert [(who, action, article) for _, who, action, article in rita.changes_since(before)
            if action == "span.add"] == [("alice", "span.add", article_id), ("bob", "span.add", article_id)]


def test_frames_that_differ_only_in_their_action_can_each_be_chosen_for_gold(team):
    article_id, rita, alice, bob = team
    for person, action in ((alice, "imposed"), (bob, "raised")):
        imposer = person.add_span(article_id, 0, 6, "GPE")
        person.add_frame(article_id, "tariff_fact", {"imposer": [imposer.id]}, {"action": action})
    rows = [c for c in candidates(TEXT, rita.spans(article_id), rita.frames(article_id)) if c.kind == "frame"]
    assert [(c.layers, c.agreed) for c in rows] == [(("alice",), False), (("bob",), False)]
    for row in rows:
        assert len(rita.adopt(frame_ids=[row.first_id]).frames) == 1
    gold = sorted(f.attributes["action"] for f in rita.frames(article_id) if f.layer == GOLD_LAYER)
    assert gold == ["imposed", "raised"]  # the reviewer sees both in gold and deletes the wrong one
