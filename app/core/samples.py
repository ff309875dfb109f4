"""The sample articles that fill a new default project."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from importlib.resources import as_file, files

from app.core.articles import ArticleDraft, ImportReport
from app.core.project import Project
from app.formats.plaintext import read_txt


def sample_drafts() -> list[ArticleDraft]:
    folder = files("app.resources") / "samples"
    manifest = tomllib.loads((folder / "samples.toml").read_text(encoding="utf-8"))
    drafts = []
    for entry in manifest["article"]:
        with as_file(folder / entry["file"]) as path:
            (draft,) = read_txt(path, title=entry["title"])
        drafts.append(replace(draft, source=entry.get("source"), origin=f"sample:{entry['file']}"))
    return drafts


def add_samples(project: Project) -> ImportReport:
    return project.add_articles(sample_drafts())
