"""What a model learns from: a project's accepted annotations as documents."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from app.core.documents import AnnotatedDocument
from app.core.interchange import Selection, documents

if TYPE_CHECKING:  # the project comes from the caller
    from app.core.project import Project


def training_documents(project: Project, labels: Iterable[str] | None = None,
                       layer: str | None = None) -> list[AnnotatedDocument]:
    """The articles with accepted spans (of `labels`, all if None; of `layer`, any if None), each with those
    spans and the frames they fill whole."""
    wanted = frozenset(labels) if labels else None
    selection = Selection(statuses=frozenset({"accepted"}), labels=wanted,
                          layers=None if layer is None else frozenset({layer}))
    return [doc for doc in documents(project, selection) if doc.spans]
