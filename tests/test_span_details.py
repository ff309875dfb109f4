"""A span's attributes, normalizations, notes and fragments: stored, logged, exported whole, shown, edited."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings, Qt

from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, SpanData
from app.core.errors import InputError, StaleEditError, ValidationError
from app.core.project import Project
from app.core.span_details import SpanDetails
from app.formats.brat import read_brat, write_brat
from app.formats.doccano import read_doccano, write_doccano
from app.core.transfer import export_path, import_paths
from app.formats.prodigy import read_prodigy, write_prodigy
from app.gui.annotation_table import AnnotationModel
from app.gui.main_window import MainWindow
from app.gui.span_details_dialog import SpanDetailsDialog, details_lines, parse_details

TEXT = "The Canadian and Chinese trade ministries met in <b>Beijing</b>."
DETAILS = SpanDetails({"Plural": "true", "Mention": "Name"},
                      [{"type": "Reference", "ref": "Wikidata:Q956", "text": "Beijing"}],
                      {"AnnotatorNotes": "two pieces\nof text", "Lemma": "ministry"}, [(4, 12), (25, 41)])


@pytest.fixture
def span(project):
    [(article_id, _)] = project.add_articles([ArticleDraft(text=TEXT, title="Ministries", origin="t")]).added
    return project.add_span(article_id, 4, 41, "ORG")


def test_details_are_stored_logged_and_checked(project, span):
    changed = project.set_span_details(span.id, DETAILS, expected_version=span.version)
    assert project.spans(span.article_id)[0].details == DETAILS == changed.details
    assert project.change_log(action="span.details")[-1]["data"]["fragments"] == [None, [[4, 12], [25, 41]]]
    with pytest.raises(StaleEditError):
        project.set_span_details(span.id, SpanDetails(), expected_version=span.version)
    with pytest.raises(ValidationError, match="must run from the span's start 4"):
        project.set_span_details(span.id, SpanDetails(fragments=[(5, 12), (25, 41)]))
    with pytest.raises(ValidationError, match="attribute"):
        project.set_span_details(span.id, SpanDetails(attributes={"two words": "x"}))
    moved = project.update_span(span.id, start=17)  # new boundaries: the span is whole again
    assert moved.details.fragments == [] and moved.details.notes == DETAILS.notes


def test_the_native_format_keeps_details_and_refuses_broken_ones(project, span, tmp_path):
    project.set_span_details(span.id, DETAILS)
    out = tmp_path / "native.json"
    export_path(project, "native", out)
    with Project.open(tmp_path / "copy.db", "alice", create=True) as copy:
        import_paths(copy, "native", [out])
        assert copy.spans(span.article_id)[0].details == DETAILS
    document = json.loads(out.read_text(encoding="utf-8"))
    document["span"][0]["fragments"] = [[4, 12], [10, 41]]
    out.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError, match="not overlapping"):  # refused on reading, before the project is touched
        import_paths(project, "native", [out])


@pytest.mark.parametrize("write, read, out", [(write_brat, read_brat, "brat"), (write_doccano, read_doccano, "d.jsonl"),
                                              (write_prodigy, read_prodigy, "p.jsonl")])
def test_every_format_that_can_carry_details_keeps_them(tmp_path, write, read, out):
    article = ArticleDraft(text=TEXT, title="Ministries", origin="t", external_id="m")
    doc = AnnotatedDocument(article, [SpanData("a", 4, 41, "ORG", details=DETAILS), SpanData("b", 17, 24, "GPE")])
    write([doc], tmp_path / out)
    [again] = read(tmp_path / out)
    assert sorted((s.start, s.end, s.label, repr(s.details)) for s in again.spans) == \
        sorted((s.start, s.end, s.label, repr(s.details)) for s in doc.spans)


def test_the_editor_texts_give_back_the_details():
    assert parse_details(*details_lines(DETAILS), DETAILS.fragments) == DETAILS
    assert parse_details("", "", "just a note", []).notes == {"AnnotatorNotes": "just a note"}
    with pytest.raises(ValueError, match="normalization line 1"):
        parse_details("", "Reference Q956", "", [])


def test_the_table_shows_details_as_plain_text(qtbot, project, span):
    record = project.set_span_details(span.id, SpanDetails(notes={"AnnotatorNotes": "<b>not bold</b>"}))
    model = AnnotationModel()
    model.set_spans(TEXT, project.article_spans(record.article_id), {})
    index = model.index(0, AnnotationModel.COLUMNS.index("Details"))
    assert model.data(index) == "1 note"
    assert "&lt;b&gt;not bold&lt;/b&gt;" in model.data(index, Qt.ItemDataRole.ToolTipRole)


def test_details_edited_in_the_app_are_committed_and_undone(qtbot, project, span, tmp_path, monkeypatch):
    project.set_span_details(span.id, DETAILS)
    window = MainWindow(project, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.open_article(span.article_id)

    def answer(dialog: SpanDetailsDialog) -> int:
        dialog.notes.setPlainText("Lemma: ministry\nchecked")
        dialog.attributes.setPlainText("Plural=true")
        return SpanDetailsDialog.DialogCode.Accepted

    monkeypatch.setattr(SpanDetailsDialog, "exec", answer)
    window.annotations.detailsRequested.emit(span.id)
    stored = project.spans(span.article_id)[0].details
    assert stored.notes == {"Lemma": "ministry", "AnnotatorNotes": "checked"} and stored.attributes == {"Plural": "true"}
    assert stored.fragments == DETAILS.fragments and stored.normalizations == DETAILS.normalizations
    window.undo_group.activeStack().undo()
    assert project.spans(span.article_id)[0].details == DETAILS
