"""`newsgloss agree` on a generated team project, against reading the same spans with sqlite3.

Every annotator gets the same entity spans on each article, changed at random the
way people disagree (a span left out, relabelled, or one token wider), and one
tariff fact. The NewsGloss figure is the whole report (core.agreement.project_agreement:
reading the project, token labels, F1, kappa, alpha, frame roles); the baseline only
reads every accepted span of the people's layers in one sqlite3 query.
"""

from __future__ import annotations

import random
import sqlite3

from app.core.agreement import project_agreement
from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, FrameData, SpanData
from app.core.tokens import token_bounds
from tests.bench.measure import Row, seconds
from tests.bench.workspace import Workspace

FLOOR_RATIO = 5.0
LABELS = ["GPE", "ORG", "PERSON", "PRODUCT", "RATE", "DATE"]
WORDS = ("tariff steel Canada Beijing minister said trade canola pork duties percent Monday "
         "Ottawa officials imports exports market talks agreement the of and on in to").split()


def documents(rnd: random.Random, articles: int, annotators: list[str], words: int) -> list[AnnotatedDocument]:
    docs = []
    for n in range(articles):
        text = f"Article {n}. " + " ".join(rnd.choice(WORDS) + ("." if rnd.random() < 0.08 else "")
                                           for _ in range(words))
        bounds = token_bounds(text)
        truth = [(i, rnd.choice(LABELS)) for i in sorted(rnd.sample(range(2, len(bounds) - 2), words // 12))]
        for name in annotators:
            spans = []
            for k, (i, label) in enumerate(truth):
                roll = rnd.random()
                if roll < 0.1:
                    continue  # left out
                label = rnd.choice(LABELS) if roll < 0.2 else label
                end = bounds[i + 1][1] if roll > 0.9 else bounds[i][1]
                spans.append(SpanData(f"T{k}", bounds[i][0], end, label, annotator=name, origin="human"))
            rate = next((s for s in spans if s.label == "RATE"), None)
            imposer = next((s for s in spans if s.label == "GPE"), None)
            frames = [FrameData("F1", "tariff_fact", {"imposer": [imposer.key], "rate": [rate.key]}, annotator=name)
                      ] if rate and imposer else []
            docs.append(AnnotatedDocument(ArticleDraft(text=text, title=f"Article {n}", origin=f"bench {n}"),
                                          spans, frames))
    return docs


def _raw_read(db) -> int:
    with sqlite3.connect(db) as conn:
        return len(conn.execute("SELECT article_id, layer, start, \"end\", label FROM span "
                                "WHERE status = 'accepted' AND layer NOT IN ('model', 'gold')").fetchall())


def run(workspace: Workspace, articles: int, annotators: int, words: int, repeat: int, seed: int
        ) -> tuple[str, list[Row]]:
    project = workspace.project("agreement")
    names = [f"annotator{i}" for i in range(1, annotators + 1)]
    project.add_documents(documents(random.Random(seed), articles, names, words))
    db = project.url.removeprefix("sqlite:///")
    report = project_agreement(project)
    newsgloss = seconds(lambda: project_agreement(project), repeat)
    baseline = seconds(lambda: _raw_read(db), repeat)
    about = (f"agreement: {articles:,} articles of {words} words, {annotators} annotators, "
             f"{report.alpha_tokens:,} tokens; alpha {report.alpha}")
    return about, [Row("agreement", f"agree: {articles:,} articles x {annotators} annotators", newsgloss, baseline,
                       "s", "sqlite3: read the same spans", max_ratio=FLOOR_RATIO)]
