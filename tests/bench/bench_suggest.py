"""Benchmark `suggest --all` against bare nlp.pipe over the same synthetic articles.

    .venv/bin/python -m tests.bench.bench_suggest [--articles 1000] [--words-per-article 400]

Articles recombine sentences of the sample article with tariff and claim sentences of
other shapes. Every run uses the same pipeline, texts and batch size, after a warm-up:
bare nlp.pipe; the engine alone (suggest_many); and what `newsgloss suggest --all`
does (core.suggesting.suggest_articles: read the texts from a project, suggest,
store each batch in one transaction). Floor: the stored run keeps at least 0.8x the
throughput of bare nlp.pipe. Exits 1 when missed.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # run as a plain script too

from app.core.articles import ArticleDraft  # noqa: E402
from app.core.project import Project  # noqa: E402
from app.core.suggesting import suggest_articles  # noqa: E402
from app.nlp.engine import SuggestionEngine  # noqa: E402

FLOOR_RATIO = 0.8
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


def sentence_pool() -> list[str]:
    """Sentences of the sample article (lines of prose) and the extra ones above."""
    sample = (REPO / "resources" / "samples" / "carney-china-visit.txt").read_text(encoding="utf-8")
    prose = [line for line in sample.splitlines() if len(line.split()) > 12]
    sentences = [s for line in prose for s in re.split(r"(?<=[.”])\s+(?=[A-Z“])", line)]
    return sentences + [s for s in EXTRA_SENTENCES.strip().splitlines()]


def make_articles(count: int, words: int, rnd: random.Random) -> list[str]:
    """`count` articles of about `words` words: a headline, then paragraphs of 2-5 sentences."""
    pool = sentence_pool()
    articles = []
    for _ in range(count):
        paragraphs = [rnd.choice(pool).rstrip(".")]  # a headline: one line, no full stop
        total = len(paragraphs[0].split())
        while total < words:
            paragraph = " ".join(rnd.choice(pool) for _ in range(rnd.randint(2, 5)))
            paragraphs.append(paragraph)
            total += len(paragraph.split())
        articles.append("\n\n".join(paragraphs))
    return articles


def timed(run) -> tuple[float, object]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--words-per-article", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    texts = make_articles(args.articles, args.words_per_article, random.Random(args.seed))
    words = sum(len(t.split()) for t in texts)
    folder = tempfile.TemporaryDirectory()
    project = Project.open(Path(folder.name) / "bench.db", "bench", create=True)
    ids = [i for i, _ in project.add_articles(
        [ArticleDraft(text=t, title=f"article {n}", origin="bench") for n, t in enumerate(texts)]).added]
    engine = SuggestionEngine(project.schema)
    nlp, batch = engine.nlp, args.batch_size

    warm = texts[: 2 * batch]
    for _ in nlp.pipe(warm, batch_size=batch):
        pass
    for _ in engine.suggest_many(warm, batch_size=batch):
        pass

    bare, _ = timed(lambda: sum(1 for _ in nlp.pipe(texts, batch_size=batch)))
    suggest, results = timed(lambda: list(engine.suggest_many(texts, batch_size=batch)))
    stored, last = timed(lambda: deque(suggest_articles(project, engine, ids, batch), maxlen=1))
    ratio = bare / stored

    print(f"{len(texts)} articles, {words:,} words ({words // len(texts)} a text), batch size {batch}, "
          f"{engine.model_id}")
    print(f"{'run':<22}{'seconds':>10}{'docs/s':>10}{'words/s':>12}")
    for name, seconds in (("bare nlp.pipe", bare), ("suggest_many", suggest), ("suggest --all, stored", stored)):
        print(f"{name:<22}{seconds:>10.2f}{len(texts) / seconds:>10.1f}{words / seconds:>12,.0f}")
    verdict = "ok" if ratio >= FLOOR_RATIO else "BELOW FLOOR"
    print(f"{'ratio':<22}{ratio:>10.3f}   floor {FLOOR_RATIO}: {verdict}")
    spans = sum(len(r.spans) for r in results)
    kinds = {t: sum(f.type == t for r in results for f in r.frames) for t in ("tariff_fact", "claim")}
    print(f"suggested {spans:,} spans, {kinds['tariff_fact']:,} tariff facts, {kinds['claim']:,} claims; "
          f"stored {last[0].spans_added:,} spans and {last[0].frames_added:,} frames")
    project.close()
    folder.cleanup()
    return 0 if ratio >= FLOOR_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
