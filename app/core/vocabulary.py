"""The words of the domain: where an annotation came from, its review status, a person's progress
on an article, their role in the team, and the two layers that belong to no person.

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


MODEL_LAYER = "model"  # the suggestions' layer, open to everyone's decisions
GOLD_LAYER = "gold"  # the adjudicated layer, written by reviewers
NOT_PEOPLE = frozenset({MODEL_LAYER, GOLD_LAYER})  # every other layer is a person's

POLICIES = ("fail", "skip", "add")  # what an import does with a label the schema lacks
