"""Core services: each call validates, commits, logs; what was done survives reopening.

Every test runs on SQLite and on PostgreSQL (see `backend_url` in conftest.py).
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import insert, text

from app.core.articles import ArticleDraft
from app.core.errors import NotFoundError, StaleEditError, ValidationError
from app.core.project import Project
from app.store.engine import make_engine, writer
from app.store.models import ChangeLog

@pytest.fixture
def project(any_project):
    """This module's tests, and `sample_project`, use a project on each database."""
    return any_project


TEXT = "China retaliated with tariffs on Canadian canola and pork. 🇨🇦 Ottawa imposed 25 percent tariffs."


def _article(project, text=TEXT):
    report = project.add_articles([ArticleDraft(text=text, title="T", origin="test")])
    return report.added[0][0]


def _find(text, needle):
    start = text.index(needle)
    return start, start + len(needle)


def test_spans_and_frames_round_trip_through_the_store(backend_url):
    path = backend_url
    with Project.open(path, "alice", create=True) as project:
        aid = _article(project)
        china = project.add_span(aid, *_find(TEXT, "China"), "GPE")
        canada = project.add_span(aid, *_find(TEXT, "Canadian"), "NORP")
        canola = project.add_span(aid, *_find(TEXT, "canola"), "PRODUCT")
        pork = project.add_span(aid, *_find(TEXT, "pork"), "PRODUCT")
        fact = project.add_frame(aid, "tariff_fact",
                                 {"imposer": [china.id], "target": [canada.id], "product": [canola.id, pork.id]},
                                 {"action": "retaliated"})
        project.set_progress(aid, "in_progress")
    with Project.open(path, "alice") as project:
        spans = {s.id: s for s in project.spans(aid)}
        assert TEXT[spans[china.id].start:spans[china.id].end] == "China"
        assert spans[pork.id].label == "PRODUCT" and spans[pork.id].annotator == "alice"
        assert spans[pork.id].origin == "human" and spans[pork.id].status == "accepted"
        (stored,) = project.frames(aid)
        assert stored.id == fact.id
        assert stored.role("product") == [canola.id, pork.id]
        assert stored.role("imposer") == [china.id]
        assert stored.attributes == {"action": "retaliated"}
        assert project.progress(aid) == "in_progress"
        assert project.articles()[0].spans == 4 and project.articles()[0].frames == 1


def test_an_articles_spans_read_whole_as_each_change_returned_them(project):
    """`spans` reads the driver's raw rows (the window's fast path): every field, datetimes aware in UTC,
    details parsed, must equal the record the change itself returned."""
    from app.core.span_details import SpanDetails

    aid = _article(project)
    china = project.add_span(aid, *_find(TEXT, "China"), "GPE")
    pork = project.add_span(aid, *_find(TEXT, "pork"), "PRODUCT")
    pork = project.set_span_details(pork.id, SpanDetails({"Plural": "true"}, notes={"AnnotatorNotes": "meat"}),
                                    expected_version=pork.version)
    guess = project.add_span(aid, *_find(TEXT, "Ottawa"), "GPE", origin="model", status="suggested",
                             score=0.25, model="en_test", layer="model")
    project.review("rejected", [guess.id])
    by_id = {s.id: s for s in project.spans(aid, include_rejected=True)}
    assert by_id[china.id] == china and by_id[pork.id] == pork
    assert by_id[pork.id].details.notes == {"AnnotatorNotes": "meat"}
    assert by_id[china.id].created_at.utcoffset().total_seconds() == 0
    rejected = by_id[guess.id]
    assert (rejected.status, rejected.reviewed_by, rejected.score, rejected.model) == ("rejected", "alice", 0.25,
                                                                                       "en_test")
    assert rejected.reviewed_at.utcoffset().total_seconds() == 0 and rejected.created_at == guess.created_at


def test_offsets_are_code_points_and_must_lie_inside_the_text(project):
    aid = _article(project)
    start, end = _find(TEXT, "Ottawa")  # after a flag emoji: two code points, four UTF-16 units
    span = project.add_span(aid, start, end, "GPE")
    assert project.article(aid).text[span.start:span.end] == "Ottawa"
    for bad in [(-1, 3), (5, 5), (7, 3), (0, len(TEXT) + 1)]:
        with pytest.raises(ValidationError, match="does not fit"):
            project.add_span(aid, *bad, "GPE")
    assert len(project.spans(aid)) == 1


def test_unknown_labels_roles_and_attributes_are_refused(project):
    aid = _article(project)
    china = project.add_span(aid, 0, 5, "GPE")
    with pytest.raises(ValidationError, match="BANANA"):
        project.add_span(aid, 0, 5, "BANANA")
    with pytest.raises(ValidationError, match="no role 'victim'"):
        project.add_frame(aid, "tariff_fact", {"victim": [china.id]})
    with pytest.raises(ValidationError, match="'invented' is not a value"):
        project.add_frame(aid, "tariff_fact", {"imposer": [china.id]}, {"action": "invented"})
    with pytest.raises(ValidationError, match="takes spans labelled"):
        project.add_frame(aid, "tariff_fact", {"product": [china.id]})
    with pytest.raises(ValidationError, match="takes one span"):
        other = project.add_span(aid, *_find(TEXT, "Ottawa"), "GPE")
        project.add_frame(aid, "tariff_fact", {"imposer": [china.id, other.id]})
    with pytest.raises(ValidationError):
        project.add_frame(aid, "no_such_frame", {})
    assert project.frames(aid) == []


def test_relabel_keeps_frames_and_refuses_a_label_the_role_cannot_take(project):
    aid = _article(project)
    china = project.add_span(aid, 0, 5, "GPE")
    frame = project.add_frame(aid, "tariff_fact", {"imposer": [china.id]})
    relabelled = project.update_span(china.id, label="ORG")
    assert relabelled.label == "ORG" and relabelled.version == china.version + 1
    assert project.frames(aid)[0].role("imposer") == [china.id]
    with pytest.raises(ValidationError, match="fills role tariff_fact.imposer"):
        project.update_span(china.id, label="PRODUCT")
    assert project.frames(aid)[0].id == frame.id


def test_a_stale_edit_is_refused(project):
    aid = _article(project)
    span = project.add_span(aid, 0, 5, "GPE")
    project.update_span(span.id, label="ORG", expected_version=span.version)
    with pytest.raises(StaleEditError, match="changed by alice"):
        project.update_span(span.id, label="NORP", expected_version=span.version)
    assert project.spans(aid)[0].label == "ORG"


def test_an_edit_on_what_another_annotator_changed_since_is_refused_saying_who_and_what(backend_url):
    with Project.open(backend_url, "alice", create=True) as alice, Project.open(backend_url, "bob") as bob:
        aid = _article(alice)
        china = alice.add_span(aid, 0, 5, "GPE")
        alice.set_role("bob", "reviewer")  # who may edit alice's layer
        seen_by_bob = bob.spans(aid)[0]
        alice.update_span(china.id, label="ORG", expected_version=china.version)
        with pytest.raises(StaleEditError) as refused:
            bob.update_span(china.id, label="NORP", expected_version=seen_by_bob.version)
        message = str(refused.value)
        assert f"span {china.id} was changed by alice" in message
        assert "label GPE → ORG" in message and "reload" in message
        with pytest.raises(StaleEditError, match="changed by alice"):
            bob.delete_span(china.id, expected_version=seen_by_bob.version)
        assert [(s.label, s.version) for s in alice.spans(aid)] == [("ORG", 2)]
        fresh = bob.spans(aid)[0]
        assert bob.update_span(china.id, label="NORP", expected_version=fresh.version).label == "NORP"


def test_an_edit_racing_an_uncommitted_change_waits_for_it_then_is_refused(backend_url):
    """The version check reads the row under a lock, so it cannot pass on a version that is being replaced."""
    with Project.open(backend_url, "alice", create=True) as alice, Project.open(backend_url, "bob") as bob:
        aid = _article(alice)
        span = alice.add_span(aid, 0, 5, "GPE")
        alice.set_role("bob", "reviewer")
        outcome = []

        def bob_edits():
            try:
                outcome.append(bob.update_span(span.id, label="NORP", expected_version=span.version))
            except StaleEditError as err:
                outcome.append(err)

        other = writer(make_engine(backend_url))  # alice's edit, caught between its write and its commit
        with other.begin() as conn:
            conn.execute(text("UPDATE span SET label = 'ORG', version = version + 1 WHERE id = :id"), {"id": span.id})
            conn.execute(insert(ChangeLog).values(annotator="alice", action="span.update", subject="span",
                                                  subject_id=span.id, data={"label": ["GPE", "ORG"]}))
            racer = threading.Thread(target=bob_edits)
            racer.start()
            time.sleep(0.5)
            assert racer.is_alive(), "bob's edit did not wait for alice's"
        other.dispose()
        racer.join(20)
        (result,) = outcome
        assert isinstance(result, StaleEditError) and "changed by alice" in str(result)
        assert [s.label for s in bob.spans(aid)] == ["ORG"]


def test_two_annotators_adding_at_once_lose_nothing(backend_url):
    with Project.open(backend_url, "alice", create=True) as first:
        aid = _article(first)
    projects = [Project.open(backend_url, name) for name in ("alice", "bob")]
    start = threading.Barrier(len(projects))
    failures = []

    def annotate(project):
        start.wait()
        try:
            for i in range(20):
                project.add_span(aid, i, i + 1, "GPE")
        except Exception as err:  # reported below: a thread's exception would otherwise vanish
            failures.append(err)

    threads = [threading.Thread(target=annotate, args=(p,)) for p in projects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    try:
        assert failures == []
        spans = projects[0].spans(aid)
        assert len(spans) == 40 and len({s.id for s in spans}) == 40
        assert sorted((s.annotator, s.start) for s in spans) == sorted(
            (name, i) for name in ("alice", "bob") for i in range(20))
        assert len(projects[1].change_log(aid, action="span.add")) == 40
    finally:
        for project in projects:
            project.close()


def test_a_deleted_span_comes_back_with_its_id_and_roles(project):
    aid = _article(project)
    china = project.add_span(aid, 0, 5, "GPE")
    frame = project.add_frame(aid, "tariff_fact", {"imposer": [china.id]})
    deleted = project.delete_span(china.id)
    later = project.add_span(aid, 6, 16, "GPE")
    assert later.id != china.id  # ids are never reused
    restored = project.restore_span(deleted)
    assert (restored.id, restored.start, restored.end, restored.label) == (china.id, 0, 5, "GPE")
    assert project.frames(aid)[0].role("imposer") == [china.id]
    gone = project.delete_frame(frame.id)
    assert project.restore_frame(gone).role("imposer") == [china.id]
    assert [e["action"] for e in project.change_log(aid)][-2:] == ["frame.delete", "frame.restore"]


def test_deleting_a_span_empties_the_roles_it_filled(project):
    aid = _article(project)
    china = project.add_span(aid, 0, 5, "GPE")
    frame = project.add_frame(aid, "tariff_fact", {"imposer": [china.id]})
    project.delete_span(china.id)
    assert project.spans(aid) == []
    assert project.frames(aid)[0].role("imposer") == []
    project.delete_frame(frame.id)
    assert project.frames(aid) == []
    with pytest.raises(NotFoundError):
        project.delete_span(china.id)


def test_update_frame_replaces_only_the_named_roles(project):
    aid = _article(project)
    china = project.add_span(aid, 0, 5, "GPE")
    canola = project.add_span(aid, *_find(TEXT, "canola"), "PRODUCT")
    pork = project.add_span(aid, *_find(TEXT, "pork"), "PRODUCT")
    frame = project.add_frame(aid, "tariff_fact", {"imposer": [china.id], "product": [canola.id]})
    updated = project.update_frame(frame.id, roles={"product": [canola.id, pork.id]}, attributes={"action": "raised"})
    assert updated.role("imposer") == [china.id]
    assert updated.role("product") == [canola.id, pork.id]
    assert updated.attributes["action"] == "raised"


def test_every_action_is_logged_with_who_and_what(project):
    aid = _article(project)
    span = project.add_span(aid, 0, 5, "GPE")
    project.update_span(span.id, label="ORG")
    project.delete_span(span.id)
    log = project.change_log(aid)
    # the first annotation also moves the article to in progress, in the same unit of work
    assert [entry["action"] for entry in log] == ["span.add", "progress.set", "span.update", "span.delete"]
    assert {entry["annotator"] for entry in log} == {"alice"}
    assert log[1]["data"] == {"from": "todo", "to": "in_progress"}
    assert log[2]["data"] == {"label": ["GPE", "ORG"]}
    assert project.progress(aid) == "in_progress"


def test_duplicate_articles_are_reported_not_added(project):
    first = project.add_articles([ArticleDraft(text=TEXT, title="A", origin="a.txt")])
    again = project.add_articles([
        ArticleDraft(text=TEXT, title="B", origin="b.txt"),
        ArticleDraft(text="Fresh text", title="C", origin="c.txt"),
        ArticleDraft(text="Fresh text", title="D", origin="d.txt"),
    ])
    assert [d.origin for _, d in again.added] == ["c.txt"]
    assert [(d.origin, i) for d, i in again.duplicates] == [("b.txt", first.added[0][0]), ("d.txt", again.added[0][0])]
    assert len(project.articles()) == 2


def test_stats_count_spans_by_label_and_status_and_frames_by_attribute(sample_project):
    project = sample_project
    aid = project.articles()[0].id
    text = project.article(aid).text
    ottawa = project.add_span(aid, *_find(text, "Ottawa"), "GPE")
    project.add_span(aid, *_find(text, "Beijing"), "GPE", origin="model", status="suggested", score=0.9)
    project.add_frame(aid, "tariff_fact", {"imposer": [ottawa.id]}, {"action": "imposed"})
    project.set_progress(aid, "done")
    figures = project.stats()
    assert figures.articles == 1
    assert figures.spans_by_label["GPE"] == {"accepted": 1, "suggested": 1}
    assert figures.frames_by_type["tariff_fact"].attributes["action"] == {"imposed": 1}
    assert figures.progress == {"alice": {"done": 1}}


def test_bad_status_values_are_refused(project):
    aid = _article(project)
    with pytest.raises(ValidationError, match="not a valid article status"):
        project.set_progress(aid, "finished")
    with pytest.raises(NotFoundError):
        project.set_progress(999, "done")
