"""One identity: the app and the command line act as the same person, whose first-run role is kept."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from app.core.errors import NewsGlossError
from app.core.identity import (
    ANNOTATOR_MAX,
    annotator_problem,
    chosen_annotator,
    identity_path,
    store_annotator,
    stored_annotator,
)
from app.core.project import Project
from app.gui import launch
from app.gui.identity import IdentityDialog
from app.gui.launch import AppController, who_is_annotating
from app.gui.preferences import PreferencesDialog
from test_cli import newsgloss
from conftest import SAMPLE_ARTICLE


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv("NEWSGLOSS_ANNOTATOR", raising=False)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def test_option_then_environment_then_the_stored_name(monkeypatch, no_env):
    assert chosen_annotator() is None
    store_annotator("  maria ")
    assert stored_annotator() == "maria" and chosen_annotator() == "maria"
    monkeypatch.setenv("NEWSGLOSS_ANNOTATOR", "erin")
    assert chosen_annotator() == "erin"
    assert chosen_annotator("carl") == "carl"


def test_a_damaged_identity_file_is_named(no_env):
    identity_path().parent.mkdir(parents=True)
    identity_path().write_text("{not json", encoding="utf-8")
    with pytest.raises(NewsGlossError, match="identity.json: cannot read who is annotating"):
        chosen_annotator()


def test_the_rules_of_a_name():
    assert annotator_problem("  Zoë Ng 🦉 ") is None
    assert annotator_problem("z" * ANNOTATOR_MAX) is None
    assert annotator_problem(" \t ") == "Enter your name: every change you make is recorded under it."
    assert annotator_problem("z" * (ANNOTATOR_MAX + 1)) == "A name has at most 100 characters; this one has 101."
    assert annotator_problem("ann\nbob") == "A name is one line of printable text; this one holds U+000A."
    assert annotator_problem("ann\u2028bob") is not None and annotator_problem("a\x00b") is not None
    for layer in ("model", "gold"):  # whoever took these names would act in the model's layer, or in gold
        assert annotator_problem(f" {layer} ") == f"{layer!r} is the name of a layer that holds no person's work; " \
                                                  "choose another name."
    assert annotator_problem("Gold") is None  # layers are told apart by case, as everywhere


def test_a_name_against_the_rules_is_refused_naming_where_it_came_from(monkeypatch, no_env):
    with pytest.raises(NewsGlossError, match="^--annotator: 'gold' is the name of a layer"):
        chosen_annotator("gold")
    monkeypatch.setenv("NEWSGLOSS_ANNOTATOR", "x" * 101)
    with pytest.raises(NewsGlossError, match=r"^\$NEWSGLOSS_ANNOTATOR: A name has at most 100"):
        chosen_annotator()
    assert chosen_annotator(" carl ") == "carl"
    monkeypatch.delenv("NEWSGLOSS_ANNOTATOR")
    identity_path().parent.mkdir(parents=True)
    identity_path().write_text(json.dumps({"annotator": "model"}), encoding="utf-8")
    with pytest.raises(NewsGlossError, match=f"^{identity_path()}: 'model' is the name of a layer"):
        chosen_annotator()


def test_the_command_line_refuses_a_name_against_the_rules(tmp_path):
    db = str(tmp_path / "p.db")
    result = newsgloss("--project", db, "--annotator", "gold", "articles", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("newsgloss: error: --annotator: 'gold' is the name of a layer")
    result = newsgloss("--project", db, "init", env={"NEWSGLOSS_ANNOTATOR": "a\tb"}, check=False)
    assert result.returncode == 1 and "$NEWSGLOSS_ANNOTATOR: A name is one line" in result.stderr
    assert not (tmp_path / "p.db").exists()


def test_both_dialogs_refuse_a_name_against_the_rules_and_say_why(qtbot, tmp_path):
    dialogs = [(IdentityDialog(), "name_edit"), (PreferencesDialog(QSettings(str(tmp_path / "s.ini"),
                                                                            QSettings.Format.IniFormat)),
                                                 "annotator_edit")]
    for dialog, field in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
        edit = getattr(dialog, field)
        assert edit.maxLength() == ANNOTATOR_MAX
        assert ok.isEnabled() and not dialog.error_label.isVisible()
        edit.setText("gold")
        assert not ok.isEnabled() and dialog.error_label.isVisible()
        assert dialog.error_label.text().startswith("'gold' is the name of a layer")
        edit.setText("maria")
        assert ok.isEnabled() and not dialog.error_label.isVisible()


def answer_first_run(monkeypatch, name: str, role: str) -> None:
    def exec_(dialog):
        dialog.name_edit.setText(name)
        dialog.role_box.setCurrentIndex(dialog.role_box.findData(role))
        return 1
    monkeypatch.setattr(IdentityDialog, "exec", exec_)


def test_the_name_given_at_first_run_is_who_the_command_line_acts_as(qtbot, monkeypatch, no_env, tmp_path):
    answer_first_run(monkeypatch, "maria", "annotator")
    assert launch._ask_identity() == ("maria", "annotator")
    db = tmp_path / "p.db"
    newsgloss("--project", str(db), "import", str(SAMPLE_ARTICLE))
    with Project.open(db, chosen_annotator()) as project:  # the app's window acts as this project
        assert project.annotator == "maria"
        project.set_progress(project.article_ids()[0], "done")
    listed = json.loads(newsgloss("--project", str(db), "articles", "--json").stdout)
    assert listed[0]["progress"] == "done"  # the same person's progress, seen from the command line
    other = json.loads(newsgloss("--project", str(db), "--annotator", "bob", "articles", "--json").stdout)
    assert other[0]["progress"] == "todo"
    env = json.loads(newsgloss("--project", str(db), "articles", "--json", env={"NEWSGLOSS_ANNOTATOR": "bob"}).stdout)
    assert env[0]["progress"] == "todo"


def test_a_name_kept_in_the_qt_settings_moves_to_the_shared_setting(settings, no_env):
    settings.setValue("annotator", "olga")
    assert who_is_annotating(None, settings) == "olga"
    assert stored_annotator() == "olga" and settings.value("annotator") is None
    assert who_is_annotating("carl", settings) == "carl"


def test_the_first_run_role_annotator_is_honoured(qtbot, settings, tmp_path):
    controller = AppController(settings, "maria", role="annotator")
    assert controller.open(str(tmp_path / "new.db"), create=True)
    qtbot.addWidget(controller.window)
    assert controller.window.project.role() == "annotator"  # not made reviewer for being first
    assert controller.window.team.who.text() == "maria (annotator)"
    controller.close_all()
    controller.window.close()


def test_a_reviewer_role_the_project_cannot_give_is_explained(qtbot, settings, tmp_path, monkeypatch):
    path = tmp_path / "team.db"
    with Project.open(path, "rita", create=True) as project:
        project.set_role("rita", "reviewer")
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    controller = AppController(settings, "maria", role="reviewer")
    assert controller.open(str(path))
    qtbot.addWidget(controller.window)
    assert controller.window.project.role() == "annotator"
    assert told and told[0].startswith("You work in this project as annotator, not reviewer: only a reviewer")
    controller.close_all()
    controller.window.close()


def test_the_annotations_table_names_who_accepted_a_suggestion(qtbot, tmp_path):
    from test_gui_review import TEXT, sug
    from app.core.articles import ArticleDraft
    from app.gui.main_window import MainWindow
    from app.nlp.types import Suggestions
    from test_gui_window import show

    with Project.open(tmp_path / "r.db", "alice", create=True) as project:
        aid = project.add_articles([ArticleDraft(text=TEXT, title="T", origin="t")]).added[0][0]
        project.add_suggestions([(aid, Suggestions((sug("Ottawa", "GPE", 0.9), sug("Beijing", "GPE", 0.4))))], "m")
        window = MainWindow(project, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        show(qtbot, window)
        model = window.annotations.model
        column = model.COLUMNS.index("Annotator")
        def annotator_of(word):
            row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == word)
            return model.index(row, column).data()
        assert annotator_of("Ottawa") == "" and annotator_of("Beijing") == ""
        qtbot.keyClick(window.text_view, Qt.Key.Key_A)  # accept the Review panel's first item, Ottawa
        assert annotator_of("Ottawa") == "alice" and annotator_of("Beijing") == ""
        window.close()


def test_the_first_run_dialog_shows_all_of_its_text(qtbot):
    dialog = IdentityDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    intro = dialog.findChild(QLabel, "identityIntro")
    assert intro.height() >= intro.heightForWidth(intro.width())  # no wrapped line cut off
