"""The words of the domain: where an annotation came from, its review status, a person's progress
on an article and their role in the team.

Records, services, the GUI and the command line use these members rather than their string
values; the store (below core) imports this one module for its columns (pyproject.toml
[tool.importlinter]). Each is a StrEnum: a member equals, prints and formats as its stored value.
"""

from __future__ import annotations

import enum


class Origin(enum.StrEnum):
    HUMAN = "human"
    MODEL = "model"
    RULE = "rule"
    IMPORT = "import"


class Status(enum.StrEnum):
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Progress(enum.StrEnum):
    """An annotator's progress on one article."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class Role(enum.StrEnum):
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
