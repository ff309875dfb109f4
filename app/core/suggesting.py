"""Running a suggestion engine over articles and storing what it says, in batches.

With several processes the engine runs in worker processes (each loads the
pipeline once) while this process alone reads texts and stores results, so the
database sees one writer and batches are committed in article order.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from app.core.errors import ValidationError
from app.core.project import Project


@dataclass(frozen=True)
class SuggestProgress:
    done: int
    total: int
    spans_added: int
    frames_added: int


def shard(article_ids: Sequence[int], which: int, of: int) -> list[int]:
    """Shard `which` (1..`of`) of the articles: those whose id leaves `which - 1` divided by `of`.

    Ids never change, so machines that each take one shard of a shared project cover every
    article exactly once, whatever order they run in and whatever others add meanwhile.
    """
    if of < 1 or not 1 <= which <= of:
        raise ValidationError(f"shard {which}/{of}: expected K/N with 1 <= K <= N")
    return [i for i in article_ids if i % of == which - 1]


def parse_shard(text: str) -> tuple[int, int]:
    """"2/3" -> (2, 3)."""
    try:
        which, of = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValidationError(f"--shard {text!r}: expected K/N, such as 1/4") from None
    shard([], which, of)  # checks the range
    return which, of


def suggest_articles(project: Project, engine, article_ids: Sequence[int],
                     batch_size: int = 32, processes: int = 1) -> Iterator[SuggestProgress]:
    """Suggest for each article, storing one committed batch at a time.

    Yields after every batch, so a caller can show progress and stop between
    batches (what was stored stays stored). The engine sees texts only.
    """
    total = len(article_ids)
    batches = [list(article_ids[offset:offset + batch_size]) for offset in range(0, total, batch_size)]
    done = spans = frames = 0
    for ids, results in _suggested(project, engine, batches, batch_size, processes):
        added = project.add_suggestions(list(zip(ids, results)), engine.model_id)
        done += len(ids)
        spans += added[0]
        frames += added[1]
        yield SuggestProgress(done, total, spans, frames)


def _suggested(project: Project, engine, batches: list[list[int]], batch_size: int, processes: int):
    """(ids, suggestions) per batch, in order; with several processes, a few batches run ahead."""
    if processes <= 1 or len(batches) <= 1:
        for ids in batches:
            texts = project.article_texts(ids)
            yield ids, list(engine.suggest_many((texts[i] for i in ids), batch_size=batch_size))
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(processes, initializer=_start_worker, initargs=(engine,)) as pool:
        pending: deque = deque()
        for ids in batches:  # keep two batches per process in flight, reading texts only as they go out
            texts = project.article_texts(ids)
            pending.append((ids, pool.apply_async(_suggest_batch, ([texts[i] for i in ids], batch_size))))
            if len(pending) >= 2 * processes:
                ready_ids, result = pending.popleft()
                yield ready_ids, result.get()
        while pending:
            ready_ids, result = pending.popleft()
            yield ready_ids, result.get()


_worker_engine = None


def _start_worker(engine) -> None:
    """In a worker: Ctrl+C is the parent's to handle (it stops the pool); the engine loads once."""
    global _worker_engine
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_engine = engine
    _worker_engine.nlp  # noqa: B018 - load the pipeline before the first batch arrives


def _suggest_batch(texts: list[str], batch_size: int) -> list:
    assert _worker_engine is not None, "the pool's initializer gives each worker its engine"
    return list(_worker_engine.suggest_many(texts, batch_size=batch_size))
