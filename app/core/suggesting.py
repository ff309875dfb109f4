"""Running a suggestion engine over articles and storing what it says, in batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from app.core.normalise import DATE, date_value
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
        dated = [(i, _with_dates(project, i, texts[i], result)) for i, result in zip(ids, results)]
        added = project.add_suggestions(dated, engine.model_id)
        done += len(ids)
        spans += added[0]
        frames += added[1]
        yield SuggestProgress(done, total, spans, frames)


def _with_dates(project: Project, article_id: int, text: str, suggestions):
    """`suggestions` with the relative dates of their tariff facts ("on Monday", "next
    year") resolved against the article's published date, which the engine never sees."""
    frames = list(suggestions.frames)
    open_dates = [i for i, f in enumerate(frames) if f.type == "tariff_fact" and f.roles.get("date")
                  and DATE not in f.attributes]
    published = project.article(article_id).published if open_dates else None
    if not published:
        return suggestions
    for i in open_dates:
        span = frames[i].roles["date"][0]
        value = date_value(text[span.start:span.end], published)
        if value:
            frames[i] = replace(frames[i], attributes={**frames[i].attributes, DATE: value})
    return replace(suggestions, frames=tuple(frames))
