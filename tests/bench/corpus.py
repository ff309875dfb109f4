"""Generated news articles, plain or annotated, for the import, export, suggest and startup sections.

Articles recombine sentences of the sample article with tariff and claim sentences
of other shapes, so spaCy finds in them what it finds in real news. Annotations
are placed on word boundaries with the schema's labels: entities, and one claim
and one tariff fact (each with every role filled) an article.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, FrameData, SpanData
from app.core.schema import Schema
from tests.bench.measure import REPO

EXTRA_SENTENCES = """
Tariffs of 25% were imposed on Chinese steel by the United States.
The EU slapped duties of 10 percent on American whiskey.
Washington threatened new levies on Mexican avocados.
Canada will lift its surcharge on US aluminium.
Beijing exempted soybeans from the tariffs.
Mexico raised its tariffs on imports from China to 35 percent on Monday.
The United States imposed countervailing duties on Canadian softwood lumber in 2017.
Beijing responded with retaliatory duties of 15% on American soybeans.
Analysts do not expect an immediate rollback of tariffs on steel.
“We will respond firmly,” the commerce ministry said.
The minister said the talks had been constructive and that both sides wanted a deal.
Officials in Ottawa warned that the dispute could drag on for months.
Trade between the two countries fell sharply last year, according to official figures.
The ports of Vancouver and Prince Rupert handle most of the trade with Asia.
"""
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP", "PRODUCT", "DATE", "RATE", "LOC")
ENTITIES_PER_ARTICLE = 6
ANNOTATORS = ("alice", "bob")


def sentence_pool() -> list[str]:
    """Sentences of the sample article (lines of prose) and the extra ones above."""
    sample = (REPO / "resources" / "samples" / "carney-china-visit.txt").read_text(encoding="utf-8")
    prose = [line for line in sample.splitlines() if len(line.split()) > 12]
    sentences = [s for line in prose for s in re.split(r"(?<=[.”])\s+(?=[A-Z“])", line)]
    return sentences + EXTRA_SENTENCES.strip().splitlines()


def make_articles(count: int, words: int, rnd: random.Random) -> list[str]:
    """`count` different articles of about `words` words: a headline, then paragraphs of 2-5 sentences."""
    pool = sentence_pool()
    articles: dict[str, None] = {}
    while len(articles) < count:
        paragraphs = [rnd.choice(pool).rstrip(".")]  # a headline: one line, no full stop
        total = len(paragraphs[0].split())
        while total < words:
            paragraph = " ".join(rnd.choice(pool) for _ in range(rnd.randint(2, 5)))
            paragraphs.append(paragraph)
            total += len(paragraph.split())
        articles.setdefault("\n\n".join(paragraphs))
    return list(articles)


def write_jsonl(texts: list[str], path: Path) -> Path:
    """The articles as a .jsonl file that `newsgloss import` reads."""
    with path.open("w", encoding="utf-8") as f:
        for n, text in enumerate(texts):
            record = {"id": f"bench-{n}", "title": text.split("\n", 1)[0], "source": "bench",
                      "url": f"https://example.org/news/{n}", "published": "2025-01-02", "text": text}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def annotate(texts: list[str], schema: Schema, rnd: random.Random) -> list[AnnotatedDocument]:
    """Each text with entities, a claim and a tariff fact, by two annotators, mostly accepted."""
    return [_document(n, text, schema, rnd) for n, text in enumerate(texts)]


def _document(n: int, text: str, schema: Schema, rnd: random.Random) -> AnnotatedDocument:
    words = [m.span() for m in re.finditer(r"\S+", text)]
    spans: dict[tuple[int, int, str], SpanData] = {}

    def span(label: str, length: int, status: str = "accepted") -> str:
        while True:
            w = rnd.randrange(len(words) - length)
            key = (words[w][0], words[w + length - 1][1], label)
            if key not in spans:
                break
        human = status != "suggested"
        spans[key] = SpanData(key=f"T{len(spans) + 1}", start=key[0], end=key[1], label=label,
                              annotator=rnd.choice(ANNOTATORS) if human else None,
                              origin="human" if human else "model", status=status,
                              score=None if human else round(rnd.random(), 3), layer=None if human else "model")
        return spans[key].key

    for _ in range(ENTITIES_PER_ARTICLE):
        span(rnd.choice(ENTITY_LABELS), rnd.randint(1, 3),
             rnd.choices(("accepted", "suggested", "rejected"), (0.8, 0.15, 0.05))[0])
    frames = []
    for ftype in schema.frames.values():
        roles = {}
        for role in ftype.roles.values():
            length = rnd.randint(6, 15) if role.labels[0] == "CLAIM" else rnd.randint(1, 2)
            roles[role.name] = [span(role.labels[0], length) for _ in range(2 if role.multiple else 1)]
        attributes = {name: rnd.choice(a.values) for name, a in ftype.attributes.items()}
        frames.append(FrameData(key=f"F{len(frames) + 1}", type=ftype.name, roles=roles, attributes=attributes,
                                annotator=rnd.choice(ANNOTATORS), origin="human"))
    draft = ArticleDraft(text=text, title=text.split("\n", 1)[0], origin="bench", external_id=f"bench-{n}",
                         source="bench", url=f"https://example.org/news/{n}", published="2025-01-02")
    return AnnotatedDocument(draft, list(spans.values()), frames)
