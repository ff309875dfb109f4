"""The agreement coefficients and the overlap matching, on plain values (app.core.agreement applies them)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence

Interval = tuple[int, int, str]  # start, end, label


def overlap_matches(first: Sequence[Interval], second: Sequence[Interval]) -> int:
    """How many of `first` pair off one to one with an overlapping span of `second`: the size of a
    maximum bipartite matching, by augmenting paths (Kuhn). Labels are not looked at."""
    edges = [[j for j, (s2, e2, _) in enumerate(second) if s1 < e2 and s2 < e1] for s1, e1, _ in first]
    partner: dict[int, int] = {}  # index in second -> index in first

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in partner or augment(partner[j], seen):
                    partner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(first)))


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two coders' labels for the same items; None when chance agreement is certain."""
    if len(first) != len(second):
        raise ValueError("both coders must label the same items")
    mine, theirs = Counter(first), Counter(second)
    return kappa(len(first), sum(x == y for x, y in zip(first, second)),
                 sum(mine[label] * theirs[label] for label in mine))


def kappa(items: int, same: int, chance_pairs: int) -> float | None:
    """Cohen's kappa from counts: `same` of `items` labelled alike, and `chance_pairs` = the sum over
    labels of how often the first coder used it times how often the second did."""
    if not items:
        return None
    observed = same / items
    expected = chance_pairs / (items * items)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def coincidences(units: Iterable[tuple[Sequence[Hashable | None], int]]) -> dict[tuple[Hashable, Hashable], float]:
    """Krippendorff's coincidence matrix o[c, k] from (unit, how many units are like it): over every
    unit with m >= 2 values, each ordered pair of values from different coders adds 1 / (m - 1).
    None is a missing value."""
    matrix: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for unit, weight in units:
        values = Counter(v for v in unit if v is not None)
        m = sum(values.values())
        if m < 2:
            continue
        for c, n_c in values.items():
            for k, n_k in values.items():
                matrix[c, k] += weight * n_c * (n_k - (c == k)) / (m - 1)
    return dict(matrix)


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal values: 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k.

    `units` holds one sequence per unit, a value per coder, None where a coder gave none.
    None when fewer than two values are pairable or every pairable value is the same.
    """
    return alpha_of_patterns(Counter(map(tuple, units)).items())  # most tokens repeat a few patterns


def alpha_of_patterns(patterns: Iterable[tuple[Sequence[Hashable | None], int]]) -> float | None:
    """krippendorff_alpha of units given as (unit, how many units are like it)."""
    matrix = coincidences(patterns)
    totals: dict[Hashable, float] = defaultdict(float)
    for (c, _), o in matrix.items():
        totals[c] += o
    n = sum(totals.values())
    disagreement = sum(o for (c, k), o in matrix.items() if c != k)
    by_chance = n * n - sum(t * t for t in totals.values())
    if by_chance <= 0:
        return None
    return 1 - (n - 1) * disagreement / by_chance
