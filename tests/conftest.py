"""Every test runs offscreen, with its own data and settings folders: never the user's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE_ARTICLE = REPO / "resources" / "samples" / "carney-china-visit.txt"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("NEWSGLOSS_PROJECT", raising=False)
    monkeypatch.setenv("NEWSGLOSS_ANNOTATOR", "tester")
    return home


@pytest.fixture
def project(tmp_path):
    from app.core.project import Project

    with Project.open(tmp_path / "project.db", "alice", create=True) as p:
        yield p


@pytest.fixture
def sample_project(project):
    from app.core.samples import add_samples

    add_samples(project)
    return project
