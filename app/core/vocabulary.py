"""The words of the domain: where an annotation came from, its review status, a person's progress
on an article and their role in the team.

Records, services, the GUI and the command line use these members rather than their string
values; the store (below core) imports this one module for its columns (pyproject.toml
[tool.importlinter]). Each is a `str` enum, so a member equals its stored value.
"""

from __future__ import annotations

import enum


class Origin(str, enum.Enum):
    HUMAN = "human"
    MODEL = "model"
    RULE = "rule"
    IMPORT = "import"


class Status(str, enum.Enum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Progress(str, enum.Enum):
    """An annotator's progress on one article."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Role(str, enum.Enum):
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
