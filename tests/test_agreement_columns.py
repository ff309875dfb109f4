"""The numpy columns of agreement against a plain, article-by-article reading of the definitions,
on random texts (emoji, flags, accents, CRLF) with overlapping and nested spans."""

from __future__ import annotations

import random
from collections import defaultdict

from app.core.agreement import OUTSIDE
from app.core.agreement_columns import Columns
from app.core.agreement_stats import overlap_matches
from app.core.agreement_tokens import cut
from app.core.tokens import split_at_tokens, token_bounds

PIECES = ["tariff", "Canada", "25", "%", "👍🏽", "🇨🇦", "e\u0301te\u0301", "\r\n", "  ", "—", "👩\u200d💻", "steel", ","]
PEOPLE = ["ann", "bob", "cy"]
LABELS = ["GPE", "ORG", "RATE"]


def random_text(rnd: random.Random) -> str:
    return "".join(rnd.choice(PIECES) + rnd.choice(["", " ", " ", "\n"]) for _ in range(rnd.randint(0, 30)))


def random_spans(rnd: random.Random, text: str) -> set[tuple[int, int, str]]:
    spans = set()
    for _ in range(rnd.randint(0, 8)) if len(text) > 1 else ():
        start = rnd.randrange(len(text) - 1)
        spans.add((start, rnd.randint(start + 1, min(len(text), start + 12)), rnd.choice(LABELS)))
    return spans


def reference_labels(text: str, spans) -> list[str]:
    """Innermost span sharing a character with each token: shortest, then earliest, then first label."""
    labels = []
    for start, end in token_bounds(text):
        touching = [(e - s, s, label) for s, e, label in spans if s < end and start < e]
        labels.append(min(touching)[2] if touching else OUTSIDE)
    return labels


def test_split_at_tokens_cuts_the_tokens_of_token_bounds():
    rnd = random.Random(3)
    for _ in range(200):
        text = random_text(rnd)
        parts = split_at_tokens(text)
        assert "".join(parts) == text
        ends = [sum(map(len, parts[:n + 1])) for n in range(len(parts))]
        assert list(zip(ends[0::2], ends[1::2])) == token_bounds(text)


def test_cut_gives_the_tokens_of_token_bounds_text_by_text():
    rnd = random.Random(5)
    plain = [p for p in PIECES if p not in ("👍🏽", "🇨🇦", "👩\u200d💻")]  # no joining character: the numpy path
    texts = [random_text(rnd) for _ in range(150)]
    texts += ["".join(rnd.choice(plain) + rnd.choice(["", " ", "\n"]) for _ in range(rnd.randint(0, 30)))
              for _ in range(150)]
    texts += ["", "word", "👍🏽", "a\u200d", "\u0301e", "x—\u0301", "🇨"]
    rnd.shuffle(texts)
    starts, ends, counts = cut(texts)
    expected, base = [], 0
    for text in texts:
        expected += [(base + s, base + e) for s, e in token_bounds(text)]
        base += len(text)
    assert list(zip(starts.tolist(), ends.tolist())) == expected
    assert counts.tolist() == [len(token_bounds(text)) for text in texts]
    assert cut([])[2].tolist() == [] and cut(["", ""])[2].tolist() == [0, 0]


def test_columns_agree_with_the_definitions_article_by_article():
    rnd = random.Random(11)
    articles = list(range(10, 70))
    texts = [random_text(rnd) for _ in articles]
    covered = [frozenset(rnd.sample(PEOPLE, rnd.randint(2, 3))) for _ in articles]
    marked = {(i, p): random_spans(rnd, text) for i, text, names in zip(articles, texts, covered) for p in names}
    rows = [(i, p, *span) for (i, p), spans in marked.items() for span in spans]
    rows.append((999, "ann", 0, 3, "ORG"))  # an article not compared is left out
    columns = Columns(articles, texts, covered, PEOPLE, rows, OUTSIDE)

    for p in PEOPLE:
        expected = []
        for i, text, names in zip(articles, texts, covered):
            expected += reference_labels(text, marked[i, p]) if p in names else [None] * len(token_bounds(text))
        names = [*columns.labels, None]
        assert [names[n] for n in columns.token_labels[p].tolist()] == expected

    for a, b in [("ann", "bob"), ("ann", "cy"), ("bob", "cy")]:
        shared = [i for i, names in zip(articles, covered) if {a, b} <= names]
        exact, overlap = defaultdict(lambda: (0, 0, 0)), defaultdict(lambda: (0, 0, 0))
        for i in shared:
            x, y = marked[i, a], marked[i, b]
            for label in {s[2] for s in x | y}:
                xs, ys = [s for s in x if s[2] == label], [s for s in y if s[2] == label]
                same, matched = len(set(xs) & set(ys)), overlap_matches(xs, ys)
                exact[label] = added(exact[label], (same, len(xs) - same, len(ys) - same))
                overlap[label] = added(overlap[label], (matched, len(xs) - matched, len(ys) - matched))
        assert columns.span_counts(a, b) == (dict(exact), dict(overlap))


def added(counts: tuple[int, ...], more: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(counts, more))
