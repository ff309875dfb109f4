"""A short single-byte file is never decoded by a guess: the command line fails naming the likely
encodings and takes --encoding; the app asks, showing each reading, and imports in the one chosen."""

from __future__ import annotations

import pytest

from app.core.project import Project
from app.formats.decoding import EncodingUncertain
from app.core.transfer import import_paths
from test_cli import newsgloss

# 105 bytes of cp1252: é, ü and the euro sign (0x80), which other single-byte encodings read otherwise.
CP1252 = b"Caf\xe9 owners in M\xfcnchen said the 20\x80 levy on imported beans would hit prices in Bavaria before the summer."
TEXT = "Café owners in München said the 20€ levy on imported beans would hit prices in Bavaria before the summer."


@pytest.fixture
def short_file(tmp_path):
    path = tmp_path / "levy.txt"
    path.write_bytes(CP1252)
    assert len(CP1252) == 105
    return path


def test_the_import_names_the_likely_encodings_instead_of_guessing(project, short_file):
    with pytest.raises(EncodingUncertain) as info:
        import_paths(project, "articles", [short_file])
    names = [name for name, _ in info.value.readings]
    assert names[0] == "cp1252" and len(names) > 1
    assert dict(info.value.readings)["cp1252"] == TEXT
    assert all(text != TEXT for _, text in info.value.readings[1:])  # each one a different reading
    message = str(info.value)
    assert message.startswith(f"{short_file}: cannot be sure of the text encoding")
    assert 'cp1252 "Café München 20€"' in message and "--encoding" in message
    assert project.articles() == []
    import_paths(project, "articles", [short_file], encodings=lambda path: "cp1252")
    (article,) = project.articles()
    assert project.article(article.id).text == TEXT


def test_the_command_line_fails_then_takes_encoding(tmp_path, short_file):
    db = str(tmp_path / "c.db")
    failed = newsgloss("--project", db, "import", str(short_file), check=False)
    assert failed.returncode == 1
    assert f"{short_file}: cannot be sure of the text encoding" in failed.stderr and "cp1252" in failed.stderr
    assert "--encoding" in failed.stderr
    wrong = newsgloss("--project", db, "import", "--encoding", "no-such-codec", str(short_file), check=False)
    assert wrong.returncode == 1 and "unknown encoding 'no-such-codec'" in wrong.stderr
    newsgloss("--project", db, "import", "--encoding", "cp1252", str(short_file))
    with Project.open(db, "alice") as project:
        (article,) = project.articles()
        assert project.article(article.id).text == TEXT


def test_encoding_is_refused_for_formats_that_are_utf8(project, short_file):
    from app.core.errors import ValidationError

    with pytest.raises(ValidationError, match="prodigy files are UTF-8"):
        import_paths(project, "prodigy", [short_file], encodings=lambda path: "cp1252")


@pytest.fixture
def window(make_window, tmp_path):
    return make_window(Project.open(tmp_path / "t.db", "alice", create=True))


@pytest.mark.parametrize("answer", ["cp1252", None])
def test_the_app_asks_which_encoding_and_imports_in_the_one_chosen(qtbot, window, short_file, monkeypatch, answer):
    asked = []

    def choose(uncertain, parent):
        asked.append(uncertain.readings)
        return answer

    monkeypatch.setattr(window, "choose_encoding", choose)
    window.import_files("articles", [short_file])
    qtbot.waitUntil(lambda: bool(asked) and window.tasks.worker is None, timeout=30_000)
    (readings,) = asked
    assert readings[0] == ("cp1252", TEXT)
    if answer is None:
        assert window.project.articles() == []
        assert window.statusBar().currentMessage() == f"Nothing imported: no encoding chosen for {short_file}"
        return
    qtbot.waitUntil(lambda: window.project.articles() != [] and window.tasks.worker is None, timeout=30_000)
    (article,) = window.project.articles()
    assert window.project.article(article.id).text == TEXT
    assert window.statusBar().currentMessage().startswith("1 article added")


def test_the_encoding_dialog_shows_each_reading_as_plain_text(qtbot, short_file):
    from app.gui.transfer_dialogs import EncodingDialog

    with pytest.raises(EncodingUncertain) as info:
        from app.formats.plaintext import read_txt

        read_txt(short_file)
    dialog = EncodingDialog(info.value)
    qtbot.addWidget(dialog)
    names = [dialog.encodings.item(i).text() for i in range(dialog.encodings.count())]
    assert names == [name for name, _ in info.value.readings]
    assert dialog.chosen() == "cp1252" and dialog.preview.toPlainText() == TEXT
    dialog.encodings.setCurrentRow(1)
    assert dialog.chosen() == names[1] and dialog.preview.toPlainText() == info.value.readings[1][1]
