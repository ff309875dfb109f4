"""The command line, run as a person runs it: in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INTEROP, SAMPLE_ARTICLE


def newsgloss(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\nstdout:{result.stdout}\nstderr:{result.stderr}")
    return result


def test_version_and_help():
    from app import __version__

    assert newsgloss("--version").stdout.strip() == f"newsgloss, version {__version__}"
    out = newsgloss("--help").stdout
    for command in ("init", "import", "articles", "stats", "gui"):
        assert command in out
    assert "NEWSGLOSS_PROJECT" in out


def test_importing_the_same_article_twice_keeps_one(tmp_path):
    db = str(tmp_path / "t.db")
    first = newsgloss("--project", db, "import", str(SAMPLE_ARTICLE))
    assert "1 article added, 0 already present" in first.stdout
    second = newsgloss("--project", db, "import", str(SAMPLE_ARTICLE))
    assert "0 articles added, 1 already present" in second.stdout
    stats = json.loads(newsgloss("--project", db, "stats", "--json").stdout)
    assert stats["articles"] == 1


def test_a_broken_jsonl_import_fails_and_changes_nothing(tmp_path):
    db = str(tmp_path / "t.db")
    newsgloss("--project", db, "import", str(SAMPLE_ARTICLE))
    broken = tmp_path / "feed.jsonl"
    broken.write_text('{"text": "One article."}\n{"text": "Two articles."}\n{"text": "Three, broken\n',
                      encoding="utf-8")
    result = newsgloss("--project", db, "import", str(broken), check=False)
    assert result.returncode != 0
    assert "feed.jsonl, line 3" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(newsgloss("--project", db, "stats", "--json").stdout)["articles"] == 1


def test_project_from_environment_and_articles_listing(tmp_path):
    db = str(tmp_path / "env.db")
    newsgloss("import", str(SAMPLE_ARTICLE), "--title", "Carney in China", env={"NEWSGLOSS_PROJECT": db})
    listing = json.loads(newsgloss("articles", "--json", env={"NEWSGLOSS_PROJECT": db}).stdout)
    assert [(a["title"], a["progress"]) for a in listing] == [("Carney in China", "todo")]
    table = newsgloss("articles", env={"NEWSGLOSS_PROJECT": db}).stdout
    assert "Carney in China" in table


def test_default_project_lives_in_the_data_folder_and_starts_with_the_sample(_isolated_home):
    stats = json.loads(newsgloss("stats", "--json").stdout)
    assert stats["articles"] == 1
    made = list(Path(_isolated_home, "data").rglob("*.db"))
    assert len(made) == 1 and "NewsGloss" in str(made[0])
    listing = json.loads(newsgloss("articles", "--json").stdout)
    assert listing[0]["title"].startswith("China courts Canada")
    assert json.loads(newsgloss("stats", "--json").stdout)["articles"] == 1  # not seeded twice


def test_init_creates_and_refuses_to_overwrite(tmp_path):
    db = str(tmp_path / "new.db")
    assert "Created project" in newsgloss("--project", db, "init").stdout
    again = newsgloss("--project", db, "init", check=False)
    assert again.returncode == 1 and "already there" in again.stderr


def test_reading_a_missing_project_is_a_clear_error(tmp_path):
    result = newsgloss("--project", str(tmp_path / "nope.db"), "stats", check=False)
    assert result.returncode == 1
    assert "no NewsGloss project" in result.stderr
    assert not (tmp_path / "nope.db").exists()


@pytest.mark.parametrize("payload", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, b""])
def test_bad_text_files_are_refused_by_name(tmp_path, payload):
    db = str(tmp_path / "t.db")
    bad = tmp_path / "junk.txt"
    bad.write_bytes(payload)
    result = newsgloss("--project", db, "import", str(SAMPLE_ARTICLE), str(bad), check=False)
    assert result.returncode == 1 and "junk.txt" in result.stderr
    assert json.loads(newsgloss("--project", db, "stats", "--json").stdout)["articles"] == 0


def test_a_shared_project_on_postgresql_from_init_to_export(postgres_url, tmp_path):
    from sqlalchemy import make_url

    url = make_url(postgres_url)
    created = newsgloss("--project", postgres_url, "init")
    assert f"Created project {url.render_as_string(hide_password=True)}" in created.stdout
    assert url.password not in created.stdout
    newsgloss("--project", postgres_url, "import", str(SAMPLE_ARTICLE))
    brat = INTEROP / "brat"
    added = newsgloss("--project", postgres_url, "import", "--format", "brat", "--unknown-labels", "add", str(brat))
    assert "6 articles added" in added.stdout
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)  # psycopg, not psycopg2
    stats = json.loads(newsgloss("--project", plain, "stats", "--json").stdout)
    assert stats["articles"] == 7 and stats["spans"]["total"] == 100
    out = tmp_path / "shared.jsonl"
    newsgloss("--project", postgres_url, "--annotator", "bob", "export", "--format", "prodigy", str(out))
    assert len(out.read_text(encoding="utf-8").splitlines()) == 7

    wrong = url.set(password="wrong-password").render_as_string(hide_password=False)
    refused = newsgloss("--project", wrong, "stats", check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    (line,) = refused.stderr.splitlines()
    assert line.startswith(f"newsgloss: error: cannot connect to {url.render_as_string(hide_password=True)}: ")
    assert "password authentication failed" in line and "wrong-password" not in line
