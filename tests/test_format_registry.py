"""Each format is declared once, in its own module, and every place that offers, checks or transfers
formats reads that declaration: the command line's --format and --help, the Import and Export dialogs,
what a dropped folder is taken for. A format declared twice, or a list of formats written by hand
anywhere in app/, fails here."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app.cli import cli
from app.core.project import Project
from app.formats.registry import Format, declare, dropped, export_formats, formats, get_format, import_formats

APP = Path(__file__).resolve().parent.parent / "app"


def test_a_format_declared_twice_is_refused_and_the_first_stays():
    first = get_format("conll")
    with pytest.raises(ValueError, match="'conll' is declared twice"):
        declare(Format("conll", "Another CoNLL", (".conll",), "documents", frozenset({"spans", "status", "frames",
                                                                                      "overlaps"}), "another"))
    assert get_format("conll") is first


def test_no_module_in_the_app_lists_formats_by_hand():
    """No collection of two or more format names, and no comparison with a format's name, outside the module
    that declares that format: such a list would go stale when a format is added."""
    names = {f.name for f in formats()}
    found = []
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declared = {node.args[0].value for node in ast.walk(tree) if isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) == "Format" and node.args
                    and isinstance(node.args[0], ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                items, least = node.elts, 1
            elif isinstance(node, ast.Dict):
                items, least = [key for key in node.keys if key is not None], 2  # "articles" is a common key
            elif isinstance(node, ast.Compare):
                items, least = [node.left, *node.comparators], 1
            else:
                continue
            named = {item.value for item in items if isinstance(item, ast.Constant) and item.value in names}
            if len(named - declared) >= least:
                found.append(f"{path.relative_to(APP.parent)}:{node.lineno} {sorted(named)}")
    assert found == []
    assert len(names) == len(formats()) >= 11


def test_every_format_is_offered_and_explained_by_the_command_line():
    runner = CliRunner()
    for command, offered in (("export", export_formats()), ("import", import_formats())):
        shown = runner.invoke(cli, [command, "--help"], terminal_width=200).output
        choices = re.search(r"--format \[([^\]]+)\]", shown)[1].split("|")
        assert choices == [f.name for f in offered]
        for fmt in offered:
            assert f"{fmt.name}: " in shown  # its paragraph: what a file holds and what it carries
    assert "[default: articles]" in runner.invoke(cli, ["import", "--help"], terminal_width=200).output


def test_only_formats_declared_for_standard_output_go_there(tmp_path):
    runner = CliRunner()
    project = str(tmp_path / "p.db")
    assert runner.invoke(cli, ["--project", project, "init"]).exit_code == 0
    for fmt in export_formats():
        result = runner.invoke(cli, ["--project", project, "export", "--format", fmt.name, "-"])
        assert (result.exit_code == 0) == fmt.stdout, (fmt.name, result.output)
        if not fmt.stdout:
            assert f"{fmt.name} cannot go to standard output" in result.output


def test_listing_the_formats_loads_no_spacy_html_parser_or_database_orm():
    probe = ("import sys; from app.formats.registry import formats; formats(); "
             "print(' '.join(m for m in ('spacy', 'trafilatura', 'lxml', 'sqlalchemy.orm') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == []


def brat_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "ottawa.txt").write_text("Ottawa raised its surtax on Chinese steel.\n", encoding="utf-8")
    (folder / "ottawa.ann").write_text("T1\tGPE 0 6\tOttawa\n", encoding="utf-8")
    return folder


def test_a_dropped_folder_is_taken_for_the_folder_format_that_marks_it(tmp_path):
    folder, article = brat_folder(tmp_path / "brat"), tmp_path / "a.txt"
    article.write_text("Beijing answered.\n", encoding="utf-8")
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "b.txt").write_text("Text only.\n", encoding="utf-8")
    fmt, chosen = dropped([article, folder])
    assert fmt.folder and fmt.marks(folder) and chosen == [folder]
    fmt, chosen = dropped([article, plain])
    assert fmt.name == "articles" and chosen == [article, plain]


def test_dropping_a_folder_of_annotated_documents_on_the_window_imports_them(qtbot, make_window, tmp_path):
    window = make_window(Project.open(tmp_path / "t.db", "alice", create=True))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(brat_folder(tmp_path / "brat")))])
    window.dropEvent(QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                                Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: window.tasks.worker is None, timeout=30_000)
    (article,) = window.project.articles()
    assert [(s.start, s.end, s.label) for s in window.project.spans(article.id)] == [(0, 6, "GPE")]


def test_the_dialogs_offer_every_format_and_browse_folders_for_folder_formats(qtbot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from app.gui.transfer_dialogs import ExportDialog, ImportDialog

    asked = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a: asked.append("folder") or "")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a: asked.append(a[3]) or ([], ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: asked.append(a[3]) or ("", ""))
    for dialog, offered in ((ImportDialog(), import_formats()), (ExportDialog([]), export_formats())):
        qtbot.addWidget(dialog)
        assert [dialog.format.itemData(i) for i in range(dialog.format.count())] == [f.name for f in offered]
        for i, fmt in enumerate(offered):
            dialog.format.setCurrentIndex(i)
            assert dialog.format.currentText() == fmt.file_filter
            asked.clear()
            dialog._browse()
            assert asked == ["folder"] if fmt.folder else fmt.file_filter in asked[0]
