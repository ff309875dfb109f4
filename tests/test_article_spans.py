"""The open article's spans as the window holds them: records made when asked for, each person's
decisions on the model's suggestions applied as the service applies them."""

from __future__ import annotations

import pytest

from app.core.articles import ArticleDraft
from app.core.errors import StaleEditError
from app.core.project import Project
from app.core.vocabulary import Status
from app.nlp.types import SpanSuggestion, Suggestions

TEXT = "Ottawa taxed steel. Beijing answered with duties on canola."


def _suggest(project: Project, article: int) -> None:
    project.add_suggestions([(article, Suggestions(tuple(
        SpanSuggestion(TEXT.index(w), TEXT.index(w) + len(w), "GPE", 0.5) for w in ("Ottawa", "Beijing"))))],
        "test 1.0")


def test_article_spans_agree_with_the_service_for_every_person(tmp_path):
    with Project.open(tmp_path / "p.db", "alice", create=True) as project:
        [(article, _)] = project.add_articles([ArticleDraft(text=TEXT, title="t", origin="t")]).added
        project.add_span(article, TEXT.index("steel"), TEXT.index("steel") + 5, "PRODUCT")
        _suggest(project, article)
        ottawa, beijing = [s.id for s in project.spans(article) if s.status == Status.SUGGESTED]
        project.review(Status.ACCEPTED, [ottawa])
        project.review(Status.REJECTED, [beijing])
        for include_rejected in (False, True):
            spans = project.article_spans(article, include_rejected=include_rejected)
            expected = project.spans(article, include_rejected=include_rejected)
            assert [m[2] for m in spans.marks()] == [s.id for s in expected]
            assert [(m[0], m[1], m[3], m[5]) for m in spans.marks()] == [
                (s.start, s.end, s.label, s.status) for s in expected]
            assert list(spans.values()) == expected  # the records, made one by one, are the service's
        assert beijing not in project.article_spans(article)
        assert project.article_spans(article, include_rejected=True)[beijing].reviewed_by == "alice"


def test_article_spans_keep_only_the_layers_asked_for_and_take_edits(tmp_path):
    with Project.open(tmp_path / "p.db", "alice", create=True) as project:
        [(article, _)] = project.add_articles([ArticleDraft(text=TEXT, title="t", origin="t")]).added
        mine = project.add_span(article, 0, 6, "GPE")
        _suggest(project, article)
        spans = project.article_spans(article, layers=lambda layer: layer == "alice")
        assert list(spans) == [mine.id]
        later = project.add_span(article, TEXT.index("canola"), TEXT.index("canola") + 6, "PRODUCT")
        spans[later.id] = later
        assert [m[2] for m in spans.marks()] == [mine.id, later.id] and spans[later.id] is later
        del spans[mine.id]
        assert list(spans) == [later.id] and len(spans) == 1


def test_a_record_made_after_its_span_changed_keeps_what_was_read(tmp_path):
    """Only the marks are read at open; a record made later keeps the mark's place, label and version
    (an edit based on it is refused as stale), and a span deleted since has none."""
    with Project.open(tmp_path / "p.db", "alice", create=True) as project:
        [(article, _)] = project.add_articles([ArticleDraft(text=TEXT, title="t", origin="t")]).added
        ottawa, steel, beijing = (project.add_span(article, TEXT.index(w), TEXT.index(w) + len(w), label)
                                  for w, label in (("Ottawa", "GPE"), ("steel", "PRODUCT"), ("Beijing", "GPE")))
        spans = project.article_spans(article)
        project.update_span(steel.id, label="GPE")
        project.delete_span(beijing.id)
        assert spans[ottawa.id] == ottawa
        assert (spans[steel.id].label, spans[steel.id].version) == ("PRODUCT", steel.version)
        with pytest.raises(StaleEditError):
            project.update_span(steel.id, label="ORG", expected_version=spans[steel.id].version)
        assert beijing.id in spans and spans.get(beijing.id) is None
