"""Running a suggestion engine over articles and storing what it says, in batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.core.project import Project


@dataclass(frozen=True)
class SuggestProgress:
    done: int
    total: int
    spans_added: int
    frames_added: int


def suggest_articles(project: Project, engine, article_ids: Sequence[int],
                     batch_size: int = 32) -> Iterator[SuggestProgress]:
    """Suggest for each article, storing one committed batch at a time.

    Yields after every batch, so a caller can show progress and stop between
    batches (what was stored stays stored). The engine sees texts only.
    """
    total = len(article_ids)
    done = spans = frames = 0
    for offset in range(0, total, batch_size):
        ids = list(article_ids[offset:offset + batch_size])
        texts = project.article_texts(ids)
        results = engine.suggest_many((texts[i] for i in ids), batch_size=batch_size)
        added = project.add_suggestions(list(zip(ids, results)), engine.model_id)
        done += len(ids)
        spans += added[0]
        frames += added[1]
        yield SuggestProgress(done, total, spans, frames)
