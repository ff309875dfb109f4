"""Which spaCy model suggests, for the window and the command line alike."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from app.core.locations import DEFAULT_MODEL, ENV_MODEL

if TYPE_CHECKING:
    from app.core.project import Project


def chosen_model(option: str | None = None, *, setting: str | None = None) -> str:
    """The model asked for: a command-line option, else $NEWSGLOSS_MODEL, else the app's setting,
    else the installed default. A name, a package or a path, not yet resolved."""
    return option or os.environ.get(ENV_MODEL) or setting or DEFAULT_MODEL


def resolved_model(project: Project, option: str | None = None, *, setting: str | None = None) -> str:
    """The chosen model as spaCy loads it: a model registered in `project` becomes its folder."""
    return project.resolve_model(chosen_model(option, setting=setting))
