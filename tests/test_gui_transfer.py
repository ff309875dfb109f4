"""File > Import and Export in the app: off the GUI thread, with progress and cancel; dropped files import."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app.core.project import Project
from app.core.interchange import Selection
from conftest import INTEROP, SAMPLE_ARTICLE



@pytest.fixture
def window(make_window, tmp_path):
    return make_window(Project.open(tmp_path / "t.db", "alice", create=True))


def wait_idle(qtbot, win) -> None:
    qtbot.waitUntil(lambda: win.tasks.worker is None, timeout=30_000)


def test_import_grows_the_schema_and_the_label_bar(qtbot, window):
    window.import_files("prodigy", [INTEROP / "prodigy" / "news_headlines_ner.jsonl"], "add")
    wait_idle(qtbot, window)
    assert window.articles.model.rowCount() > 30
    assert "LOCATION" in window.label_actions  # a label the news schema lacked
    assert window.state.article is not None and window.text_view.highlights()


def test_a_refused_import_says_why_and_changes_nothing(qtbot, window, monkeypatch):
    messages = []
    monkeypatch.setattr(window, "refuse", messages.append)
    window.import_files("prodigy", [INTEROP / "prodigy" / "news_headlines_ner.jsonl"], "fail")
    wait_idle(qtbot, window)
    assert messages and "news_headlines_ner.jsonl, line 1" in messages[0]
    assert window.project.articles() == []


def test_export_runs_in_the_background(qtbot, window, tmp_path):
    window.import_files("articles", [SAMPLE_ARTICLE])
    wait_idle(qtbot, window)
    article = window.state.article
    start = article.text.index("Ottawa")
    window.project.add_span(article.id, start, start + 6, "GPE")
    out = tmp_path / "out.jsonl"
    project = window.project
    from app.core.transfer import export_path

    window.tasks.run("Exporting", lambda progress: export_path(project, "doccano", out, Selection(), progress=progress),
                     window.transfer.exported)
    wait_idle(qtbot, window)
    (doc,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(e["start_offset"], e["label"], e["annotator"]) for e in doc["entities"]] == [(start, "GPE", "alice")]
    assert window.statusBar().currentMessage() == f"wrote 1 article, 1 span, 0 frames to {out}"


def test_an_export_that_leaves_out_more_than_the_filters_says_so_in_a_box(qtbot, window, tmp_path, monkeypatch):
    window.import_files("articles", [SAMPLE_ARTICLE])
    wait_idle(qtbot, window)
    article = window.state.article
    start = article.text.index("Ottawa")
    ottawa = window.project.add_span(article.id, start, start + 6, "GPE", origin="model", status="suggested")
    window.project.add_frame(article.id, "tariff_fact", {"imposer": [ottawa.id]})
    shown = []
    monkeypatch.setattr(window.transfer, "_transfer_report", lambda title, lines: shown.append((title, lines)))
    from app.core.transfer import export_path

    out = tmp_path / "out.jsonl"
    window.tasks.run("Exporting", lambda progress: export_path(window.project, "prodigy", out, progress=progress),
                     window.transfer.exported)
    wait_idle(qtbot, window)
    assert shown == [("Export", [f"wrote 1 article, 0 spans, 0 frames to {out}",
                                 "left out 1 frame: some of its fillers are filtered out (status is suggested)",
                                 "filtered out 1 span: status is suggested"])]


def test_cancel_stops_a_running_task(qtbot, window):
    seen = []

    def job(progress):
        for done in range(1000):
            seen.append(done)
            if not progress(done, 1000):
                return "stopped"
            time.sleep(0.01)
        return "finished"

    results = []
    window.tasks.run("Working", job, results.append)
    qtbot.waitUntil(lambda: window.tasks.cancel_button.isVisible() and len(seen) > 3)
    qtbot.mouseClick(window.tasks.cancel_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert results == ["stopped"] and len(seen) < 1000
    assert not window.tasks.progress_bar.isVisible()


def test_dropped_files_are_imported(qtbot, window):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(SAMPLE_ARTICLE))])
    event = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    wait_idle(qtbot, window)
    assert [a.title for a in window.project.articles()] == ["ASIA PACIFIC"]


def test_export_dialog_choice(qtbot, window):
    from app.gui.transfer_dialogs import ExportDialog, ImportDialog

    dialog = ExportDialog(["alice", "bob"], window)
    qtbot.addWidget(dialog)
    dialog.format.setCurrentIndex(dialog.format.findData("brat"))
    dialog.path.setText("/tmp/out")
    dialog.statuses["suggested"].setChecked(True)
    dialog.annotator.setCurrentIndex(dialog.annotator.findData("bob"))
    dialog.current_only.setChecked(True)
    fmt, target, selection = dialog.choice(7)
    assert (fmt, str(target)) == ("brat", "/tmp/out")
    assert selection.statuses == {"accepted", "suggested"} and selection.annotators == {"bob"}
    assert selection.article_ids == {7} and selection.layers is None
    dialog.layer.setCurrentIndex(dialog.layer.findData("gold"))
    assert dialog.choice(7)[2].layers == {"gold"}
    assert [dialog.layer.itemData(i) for i in range(dialog.layer.count())] == [None, "gold", "alice", "bob", "model"]
    importing = ImportDialog(window)
    qtbot.addWidget(importing)
    importing.path.setText("a.jsonl; b.jsonl")
    importing.policy.setCurrentIndex(importing.policy.findData("skip"))
    assert importing.choice() == ("articles", [Path("a.jsonl"), Path("b.jsonl")], "skip")
