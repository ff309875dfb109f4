"""Suggestion throughput against bare `nlp.pipe` of the same pipeline over the same texts.

Every run uses the same pipeline, texts and batch size, after a warm-up: bare
nlp.pipe; the engine alone (SuggestionEngine.suggest_many: the pipeline plus the
suggesters); and what `newsgloss suggest --all` does (core.suggesting.suggest_articles:
read the texts from the project, suggest, store each batch in one transaction).
Floor: the stored run keeps at least 0.8x the throughput of bare nlp.pipe, and
`suggest --processes 2` at least 1.7x the throughput of one process (on 2 cores).
"""

from __future__ import annotations

from collections import deque

from app.core.articles import ArticleDraft
from app.core.project import Project
from app.core.suggesting import suggest_articles
from app.nlp.engine import SuggestionEngine
from tests.bench.measure import Row, seconds
from tests.bench.workspace import Workspace

FLOOR_THROUGHPUT = 0.8
FLOOR_TWO_PROCESSES = 1.7


def run(workspace: Workspace, texts: list[str], batch: int, repeat: int) -> tuple[str, list[Row]]:
    drafts = [ArticleDraft(text=t, title=f"article {n}", origin="bench") for n, t in enumerate(texts)]

    stored_in: list[Project] = []

    def project_with_articles() -> tuple[Project, list[int]]:
        """A new project holding the articles (each stored run needs one: a second run over the
        same project would find every suggestion there already)."""
        project = workspace.project("suggest")
        stored_in.append(project)
        return project, [i for i, _ in project.add_articles(drafts).added]

    engine = SuggestionEngine(workspace.schema)
    nlp = engine.nlp
    warm = texts[: 2 * batch]
    deque(nlp.pipe(warm, batch_size=batch), maxlen=0)
    deque(engine.suggest_many(warm, batch_size=batch), maxlen=0)

    bare = seconds(lambda: deque(nlp.pipe(texts, batch_size=batch), maxlen=0), repeat)
    engine_only = seconds(lambda: deque(engine.suggest_many(texts, batch_size=batch), maxlen=0), repeat)
    stored = seconds(lambda target: deque(suggest_articles(target[0], engine, target[1], batch), maxlen=0),
                     repeat, project_with_articles)
    two = seconds(lambda target: deque(suggest_articles(target[0], engine, target[1], batch, processes=2), maxlen=0),
                  repeat, project_with_articles)
    spans = sum(n for (_, origin, _), n in stored_in[-1].span_counts().items() if origin == "model")
    workspace.close()
    words = sum(len(t.split()) for t in texts)
    about = (f"suggest: {len(texts):,} articles, {words:,} words, batch size {batch}, {engine.model_id}; "
             f"bare nlp.pipe {len(texts) / bare:.1f} articles/s, stored {len(texts) / stored:.1f} articles/s, "
             f"{spans:,} spans suggested")
    baseline = "bare nlp.pipe"
    return about, [
        Row("suggest", f"{len(texts):,} articles: engine (pipeline + suggesters)", engine_only, bare, "s", baseline),
        Row("suggest", f"{len(texts):,} articles: suggest --all, stored", stored, bare, "s", baseline,
            max_ratio=round(1 / FLOOR_THROUGHPUT, 2)),
        Row("suggest", f"{len(texts):,} articles: suggest --all --processes 2, stored", two, stored, "s",
            "the same with one process", max_ratio=round(1 / FLOOR_TWO_PROCESSES, 2)),
    ]
