"""The model picker and the trained-models table."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from app.core.locations import DEFAULT_MODEL
from app.core.project import Project
from app.gui.main_window import MainWindow
from app.gui.models import ModelsDialog
from test_gui_window import show

METRICS = {"trained": {"TARIFF": {"precision": 0.9, "recall": 0.8, "f1": 0.8471, "support": 20}},
           "base": {"TARIFF": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 20}},
           "train_docs": 8, "dev_docs": 2, "epochs": 5}


def test_picker_lists_trained_models_and_remembers_the_choice(qtbot, tmp_path):
    project = Project.open(tmp_path / "m.db", "alice", create=True)
    folder = tmp_path / "m.models" / "tariffs-v1"
    folder.mkdir(parents=True)
    (folder / "meta.json").write_text("{}")
    project.register_model("tariffs-v1", str(folder), DEFAULT_MODEL,
                           {"ner": ["TARIFF"]}, METRICS)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    win = MainWindow(project, settings)
    show(qtbot, win)
    picker = win.model_picker
    assert [picker.itemData(i) for i in range(picker.count())] == [DEFAULT_MODEL, "tariffs-v1"]
    picker.setCurrentIndex(1)
    picker.activated.emit(1)
    assert settings.value("model") == "tariffs-v1"
    assert (Path(project.resolve_model("tariffs-v1")) / "meta.json").read_text() == "{}"  # from the project
    dialog = ModelsDialog(project.models(), win)
    qtbot.addWidget(dialog)
    row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert row == ["tariffs-v1", "TARIFF", "0.85", "0.00", "0.90", "0.80", "20"]
    win.close()
    project.close()


def test_train_with_nothing_accepted_says_so(qtbot, tmp_path, monkeypatch):
    project = Project.open(tmp_path / "e.db", "alice", create=True)
    win = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, win)
    messages = []
    monkeypatch.setattr(win, "refuse", messages.append)
    win.train_dialog()
    assert messages == ["There are no accepted annotations to learn from yet"]
    win.close()
    project.close()


def test_statistics_window_shows_the_project(qtbot, tmp_path):
    from app.core.articles import ArticleDraft

    project = Project.open(tmp_path / "d.db", "alice", create=True)
    aid = project.add_articles([ArticleDraft(text="Ottawa and Beijing.", title="t", origin="t")]).added[0][0]
    project.add_span(aid, 0, 6, "GPE")
    win = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    show(qtbot, win)
    win.dashboard_action.trigger()
    dashboard = win._dashboard
    qtbot.waitExposed(dashboard)
    assert dashboard.objectName() == "dashboard" and dashboard.isVisible()
    project.add_span(aid, 11, 18, "GPE")
    dashboard.refreshRequested.emit()
    assert bar_widths(dashboard, "labels") == [[2]]  # the refreshed chart: one GPE bar, two spans
    assert dashboard.export_png("labels", tmp_path / "labels.png") and (tmp_path / "labels.png").stat().st_size > 0
    win.close()
    project.close()


def bar_widths(dashboard, chart: str) -> list[list[int]]:
    import pyqtgraph as pg

    return [list(item.opts["width"]) for item in dashboard.charts[chart].plot.items
            if isinstance(item, pg.BarGraphItem)]
