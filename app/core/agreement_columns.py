"""The compared articles of an agreement report as numpy arrays: their tokens, the people's spans
and each person's label of every token, with the counts the report's figures are made of.

Offsets here are joined: an article's own offset plus the length of the compared texts before it,
so one array holds the tokens of every article and spans of different articles never touch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat
from operator import itemgetter

import numpy as np

from app.core.agreement_stats import Interval, overlap_matches
from app.core.agreement_tokens import cut

SpanRow = tuple[int, str, int, int, str]  # article id, person, start, end, label
Counts = dict[str, tuple[int, int, int]]  # label -> (tp, fp, fn)


class Columns:
    """The tokens of the compared texts, each person's distinct spans there, and their token labels.

    `covered[n]` holds the people who covered the text `texts[n]` (article id `articles[n]`);
    span rows of other articles are left out. Labels are numbered in alphabetical order, with
    `outside` (no span) among them and one more number for "did not cover the article".
    """

    def __init__(self, articles: Sequence[int], texts: Sequence[str], covered: Sequence[frozenset[str]],
                 people: Sequence[str], spans: Sequence[SpanRow], outside: str,
                 progress: Callable[[int, int], object] | None = None):
        self.token_start, self.token_end, self.token_counts = cut(texts)
        if progress is not None:
            progress(len(texts), len(texts))
        self.length = sum(map(len, texts))
        self.covers = {p: np.array([p in names for names in covered], bool) for p in people}
        article_ids, persons, starts, ends, label_names = (list(map(itemgetter(k), spans)) for k in range(5))
        self.labels = sorted({outside, *label_names})
        self.outside, self.missing = self.labels.index(outside), len(self.labels)
        where = dict(zip(articles, range(len(articles))))
        position = np.fromiter(map(where.get, article_ids, repeat(-1)), np.int64, len(article_ids))
        kept = position >= 0
        position = position[kept]
        base = np.cumsum(np.array([0, *map(len, texts)], np.int64))[:-1]  # where each text begins, joined
        start = base[position] + np.array(starts, np.int64)[kept]
        end = base[position] + np.array(ends, np.int64)[kept]
        label = _numbered(label_names, self.labels)[kept]
        bound = self.length + 1
        _, first, which = np.unique(_pack([(start, bound), (end, bound), (label, self.missing)]),
                                    return_index=True, return_inverse=True)
        self.article, self.start, self.end, self.label = position[first], start[first], end[first], label[first]
        person = _numbered(persons, people)[kept]
        self.of = {p: np.unique(which.reshape(-1)[person == n]) for n, p in enumerate(people)}
        self.token_labels = {p: self._token_labels(p) for p in people}

    def _token_labels(self, person: str) -> np.ndarray:
        """The label of each token for `person`: that of the innermost of their spans sharing a character
        with it (shortest, then earliest, then first label), `outside` when none does, `missing` in
        articles they did not cover."""
        ids = self.of[person]
        start, end, label = self.start[ids], self.end[ids], self.label[ids]
        order = np.lexsort((label, start, end - start))  # innermost first
        first = np.searchsorted(self.token_end, start[order], "right")
        size = np.searchsorted(self.token_start, end[order], "left") - first
        tokens = np.repeat(first - np.cumsum(size) + size, size) + np.arange(size.sum())
        best = np.full(len(self.token_start), len(order))
        np.minimum.at(best, tokens, np.repeat(np.arange(len(order)), size))
        found = best < len(order)
        labels = np.full(len(self.token_start), self.outside)
        labels[found] = label[order][best[found]]
        labels[~np.repeat(self.covers[person], self.token_counts)] = self.missing
        return labels

    def token_counts_of(self, first: str, second: str) -> tuple[int, int, int]:
        """For Cohen's kappa on the tokens both people labelled: how many, how many alike, and the sum
        over labels of how often the first used it times how often the second did."""
        x, y = self.token_labels[first], self.token_labels[second]
        both = (x != self.missing) & (y != self.missing)
        x, y = x[both], y[both]
        by_chance = np.dot(np.bincount(x, minlength=self.missing), np.bincount(y, minlength=self.missing))
        return len(x), int(np.count_nonzero(x == y)), int(by_chance)

    def patterns(self, people: Sequence[str]) -> list[tuple[tuple[str | None, ...], int]]:
        """Krippendorff's units, one a token: each distinct (label of each person, None where they did
        not cover the article) with how many tokens have it, in order of first appearance."""
        if not people or not len(self.token_start):
            return []
        columns = [self.token_labels[p] for p in people]
        _, first, count = np.unique(_pack([(c, self.missing + 1) for c in columns]), return_index=True,
                                    return_counts=True)
        names = [*self.labels, None]
        return [(tuple(names[c[first[k]]] for c in columns), int(count[k])) for k in np.argsort(first).tolist()]

    def span_counts(self, first: str, second: str) -> tuple[Counts, Counts]:
        """(tp, fp, fn) per label on the articles both covered, by exact match and by overlap, for each
        label either of them used there."""
        shared = self.covers[first] & self.covers[second]
        x, y = (ids[shared[self.article[ids]]] for ids in (self.of[first], self.of[second]))
        made_x, made_y = (np.bincount(self.label[ids], minlength=self.missing) for ids in (x, y))
        exact = np.bincount(self.label[np.intersect1d(x, y, assume_unique=True)], minlength=self.missing)
        overlap = self._overlap_matches(x, y)
        used = np.flatnonzero(made_x + made_y).tolist()

        def counts(tp: np.ndarray) -> Counts:
            return {self.labels[n]: (int(tp[n]), int(made_x[n] - tp[n]), int(made_y[n] - tp[n])) for n in used}

        return counts(exact), counts(overlap)

    def _overlap_matches(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Per label, the size of a maximum one-to-one matching of spans `x` with overlapping spans `y`.

        Spans of one label, sorted by start, fall into runs that overlap each other (a span starting at
        or after the furthest end so far begins a run; spans are never empty). In a run where one side
        has a single span, that span overlaps one of the other side, so the run matches min(1, ...);
        only runs with two or more spans on both sides need the matching itself."""
        ids = np.concatenate((x, y))
        if not len(ids):
            return np.zeros(self.missing, np.int64)
        group = self.label[ids] * (self.length + 1)  # keeps labels apart
        order = np.argsort(group + self.start[ids], kind="stable")
        ids, start, end = ids[order], (group + self.start[ids])[order], (group + self.end[ids])[order]
        theirs = order >= len(x)
        reach = np.maximum.accumulate(end)
        run = np.concatenate(([0], np.cumsum(start[1:] >= reach[:-1])))
        runs = int(run[-1]) + 1
        sides = np.minimum(np.bincount(run[~theirs], minlength=runs), np.bincount(run[theirs], minlength=runs))
        matched = np.minimum(sides, 1)
        for n in np.flatnonzero(sides > 1).tolist():
            lo, hi = np.searchsorted(run, [n, n + 1])
            members, side = ids[lo:hi], theirs[lo:hi]
            matched[n] = overlap_matches(self._intervals(members[~side]), self._intervals(members[side]))
        heads = np.searchsorted(run, np.arange(runs))
        return np.bincount(self.label[ids[heads]], weights=matched, minlength=self.missing).astype(np.int64)

    def _intervals(self, ids: np.ndarray) -> list[Interval]:
        return [(s, e, "") for s, e in zip(self.start[ids].tolist(), self.end[ids].tolist())]



def _numbered(values: Sequence[str], names: Sequence[str]) -> np.ndarray:
    """The position of each value among `names`."""
    number = {name: n for n, name in enumerate(names)}
    return np.fromiter(map(number.__getitem__, values), np.int64, len(values))


def _pack(columns: Sequence[tuple[np.ndarray, int]]) -> np.ndarray:
    """One number per row of `columns` (each an array and a bound on its values), the same for the same rows
    and different for different rows; renumbered by rank where the next column would overflow int64."""
    code = np.zeros(len(columns[0][0]), np.int64)
    for values, bound in columns:
        if int(code.max(initial=0)) > (np.iinfo(np.int64).max - bound) // bound:
            code = np.unique(code, return_inverse=True)[1].reshape(-1)
        code = code * bound + values
    return code
