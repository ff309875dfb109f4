"""Inter-annotator agreement: how far the people annotating a project agree with each other.

Definitions (the README's "Agreement" section says the same):

- Annotators are the people's layers: every layer holding accepted spans or frames
  except "model" (machine suggestions) and "gold" (adjudication). Only accepted
  spans and frames count; a suggestion a person accepted is their copy of it, in
  their layer, so each person's decisions count as theirs.
- An annotator covered an article when they marked it done, or have an accepted
  span or frame in their layer there (an article is in progress from its first
  annotation, even one taken back, so "in progress" alone does not cover it). A pair is compared on the articles
  both covered (`PairAgreement.articles`); articles only one of them covered are left
  out of that pair's figures.
- Span F1, per pair, per label and overall (micro): exact = same start, end and label;
  overlap = same label and overlapping ranges, paired one to one by a maximum bipartite
  matching (so no span is credited twice and the count does not depend on order).
  F1 = 2tp / (2tp + fp + fn) is symmetric; precision reads the first annotator
  (alphabetically) as the one compared with the second.
- Token labels: each article is cut by app.core.tokens; a token takes the label of the
  innermost of the annotator's spans that share a character with it (the shortest;
  then the earliest; then the label first in the alphabet), or "O" when none does.
  Innermost keeps entities visible inside long CLAIM or TARIFF evidence spans.
- Cohen's kappa, per pair, on the token labels of their shared articles:
  (p_o - p_e) / (1 - p_e); None when p_e = 1 (both used one label throughout).
- Krippendorff's alpha (nominal) for the whole team on the same token labels: units are
  the tokens of every article, coders the annotators, a value missing where the
  annotator did not cover the article; computed from the coincidence matrix, so units
  with a single value do not count. None when there is no variation at all.
- Frame roles: per article, the (frame type, role, filler start, filler end) of each
  annotator's accepted frames, compared like exact spans, per "type.role" and overall.
- Team figures are means over the pairs that share at least one article (a label's or
  role's mean over the pairs where either of them used it).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations, repeat
from typing import Any

from app.core.errors import NotFoundError
from app.core.evaluation import prf
from app.core.project import Project
from app.core.vocabulary import NOT_PEOPLE
from app.core.tokens import token_bounds

COVERING = frozenset({"done"})
OUTSIDE = "O"
OVERALL = "overall"
MEASURES = ("exact", "overlap", "roles")
TEXT_BATCH = 500  # article texts read per query

SpanKey = tuple[int, int, str]  # start, end, label
RoleKey = tuple[str, str, int, int]  # frame type, role, filler start, filler end


@dataclass(frozen=True)
class Annotated:
    """One article as agreement sees it: its text, who covered it, each person's spans and role fillers."""

    text: str
    covered: frozenset[str]
    spans: Mapping[str, frozenset[SpanKey]]
    roles: Mapping[str, frozenset[RoleKey]]


@dataclass(frozen=True)
class PairAgreement:
    first: str
    second: str
    articles: int  # articles both covered
    tokens: int  # tokens in those articles
    exact: dict[str, dict[str, float]]  # label (and "overall") -> prf(); empty when neither marked a span
    overlap: dict[str, dict[str, float]]
    roles: dict[str, dict[str, float]]  # "type.role" (and "overall") -> prf()
    kappa: float | None


@dataclass(frozen=True)
class AgreementReport:
    annotators: list[str]
    articles: int  # articles looked at
    covered: dict[str, int]  # annotator -> articles they covered
    pairs: list[PairAgreement]
    alpha: float | None
    alpha_tokens: int  # tokens with labels from two or more annotators
    team: dict[str, Any]  # "pairs", "kappa", and "exact"/"overlap"/"roles": name -> mean F1

    def pair(self, first: str, second: str) -> PairAgreement | None:
        for pair in self.pairs:
            if {pair.first, pair.second} == {first, second}:
                return pair
        return None

    def matrix(self, measure: str) -> list[list[float | None]]:
        """Annotator x annotator: "kappa", or the overall F1 of "exact", "overlap" or "roles";
        None on the diagonal and for pairs that share no article."""
        return [[None if a == b else figure(self.pair(a, b), measure) for b in self.annotators]
                for a in self.annotators]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["matrix"] = {"annotators": self.annotators,
                          **{m: self.matrix(m) for m in ("exact", "kappa")}}
        return data


def figure(pair: PairAgreement | None, measure: str) -> float | None:
    """A pair's kappa or overall F1 of "exact", "overlap" or "roles"; None if there is none."""
    if pair is None or not pair.articles:
        return None
    if measure == "kappa":
        return pair.kappa
    return getattr(pair, measure).get(OVERALL, {}).get("f1")


# ------------------------------------------------------------------ from a project


def project_agreement(project: Project, article_ids: Sequence[int] = (),
                      progress: Callable[[int, int], object] | None = None) -> AgreementReport:
    """Agreement over `article_ids` (default: every article); see agreement() for `progress`."""
    return agreement(gather(project, article_ids), progress)


def gather(project: Project, article_ids: Sequence[int] = ()) -> dict[int, Annotated]:
    """Each article's accepted spans and role fillers by person, and who covered it, in a few queries."""
    known = project.article_ids()
    missing = sorted(set(article_ids) - set(known))
    if missing:
        raise NotFoundError(f"article {', '.join(map(str, missing))} does not exist")
    ids = sorted(set(article_ids)) if article_ids else known
    spans: dict[int, dict[str, set[SpanKey]]] = defaultdict(lambda: defaultdict(set))
    roles: dict[int, dict[str, set[RoleKey]]] = defaultdict(lambda: defaultdict(set))
    span_rows, filler_rows = project.accepted_by_layer(article_ids)
    for article_id, layer, start, end, label in span_rows:
        if layer not in NOT_PEOPLE:
            spans[article_id][layer].add((start, end, label))
    for article_id, layer, frame_type, role, start, end in filler_rows:
        if layer not in NOT_PEOPLE:
            roles[article_id][layer].add((frame_type, role, start, end))
    people = {name for by_person in spans.values() for name in by_person} | {
        name for by_person in roles.values() for name in by_person}
    recorded = project.everyone_progress()
    covered = {i: frozenset(people & ({name for name, status in recorded.get(i, {}).items() if status in COVERING}
                                      | spans[i].keys() | roles[i].keys()))
               for i in ids}
    compared = [i for i in ids if len(covered[i]) >= 2]  # the only texts agreement reads
    texts: dict[int, str] = {}
    for n in range(0, len(compared), TEXT_BATCH):
        texts.update(project.article_texts(compared[n:n + TEXT_BATCH]))
    return {i: Annotated(texts.get(i, ""), covered[i], {k: frozenset(v) for k, v in spans[i].items()},
                         {k: frozenset(v) for k, v in roles[i].items()})
            for i in ids}


# ---------------------------------------------------------------- the arithmetic


def agreement(articles: Mapping[int, Annotated],
              progress: Callable[[int, int], object] | None = None) -> AgreementReport:
    """Every figure of the report from plain data (see the module docstring).

    progress(done, total) is called as each article covered by two or more people is tokenized.
    """
    annotators = sorted({name for a in articles.values() for name in (*a.spans, *a.roles)})
    covered = {i: a.covered & set(annotators) for i, a in articles.items()}
    compared = [i for i, names in covered.items() if len(names) >= 2]
    labels: dict[int, dict[str, list[str]]] = {}
    for done, i in enumerate(compared, 1):
        bounds = token_bounds(articles[i].text)
        labels[i] = {name: token_labels(bounds, articles[i].spans.get(name, ())) for name in sorted(covered[i])}
        if progress is not None:
            progress(done, len(compared))
    pairs = [_pair(a, b, articles, covered, labels) for a, b in combinations(annotators, 2)]
    return AgreementReport(
        annotators=annotators,
        articles=len(articles),
        covered={name: sum(name in names for names in covered.values()) for name in annotators},
        pairs=pairs,
        alpha=_rounded(krippendorff_alpha(_units(labels, annotators))),
        alpha_tokens=sum(len(next(iter(by_person.values()))) for by_person in labels.values()),
        team=_team(pairs),
    )


def _pair(a: str, b: str, articles: Mapping[int, Annotated], covered: Mapping[int, frozenset[str]],
          labels: Mapping[int, dict[str, list[str]]]) -> PairAgreement:
    shared = sorted(i for i, names in covered.items() if a in names and b in names)
    exact: Counter = Counter()  # (group, "tp"/"fp"/"fn") -> n
    overlap: Counter = Counter()
    roles: Counter = Counter()
    for i in shared:
        article = articles[i]
        mine, theirs = article.spans.get(a, frozenset()), article.spans.get(b, frozenset())
        _tally(exact, mine, theirs, lambda key: key[2])
        for label in {key[2] for key in mine | theirs}:
            x = [key for key in mine if key[2] == label]
            y = [key for key in theirs if key[2] == label]
            matched = overlap_matches(x, y)
            overlap[label, "tp"] += matched
            overlap[label, "fp"] += len(x) - matched
            overlap[label, "fn"] += len(y) - matched
        _tally(roles, article.roles.get(a, frozenset()), article.roles.get(b, frozenset()),
               lambda key: f"{key[0]}.{key[1]}")
    first = [label for i in shared for label in labels[i][a]]
    second = [label for i in shared for label in labels[i][b]]
    return PairAgreement(first=a, second=b, articles=len(shared), tokens=len(first),
                         exact=_scores(exact), overlap=_scores(overlap), roles=_scores(roles),
                         kappa=_rounded(cohen_kappa(first, second)))


def _tally(counter: Counter, mine: Iterable, theirs: Iterable, group: Callable[[Any], str]) -> None:
    mine, theirs = set(mine), set(theirs)
    for keys, outcome in ((mine & theirs, "tp"), (mine - theirs, "fp"), (theirs - mine, "fn")):
        for key in keys:
            counter[group(key), outcome] += 1


def _scores(counter: Counter) -> dict[str, dict[str, float]]:
    """prf() per group and micro-averaged "overall"; empty when there was nothing to compare."""
    groups = sorted({g for g, _ in counter})
    if not groups:
        return {}
    rows = {g: prf(counter[g, "tp"], counter[g, "fp"], counter[g, "fn"]) for g in groups}
    rows[OVERALL] = prf(*(sum(counter[g, k] for g in groups) for k in ("tp", "fp", "fn")))
    return rows


def _team(pairs: list[PairAgreement]) -> dict[str, Any]:
    compared = [p for p in pairs if p.articles]
    team: dict[str, Any] = {"pairs": len(compared), "kappa": _mean(p.kappa for p in compared)}
    for measure in MEASURES:
        scores: dict[str, list[float]] = defaultdict(list)
        for p in compared:
            for name, row in getattr(p, measure).items():
                scores[name].append(row["f1"])
        team[measure] = {name: _mean(scores[name]) for name in sorted(scores, key=lambda n: (n == OVERALL, n))}
    return team


def _mean(values: Iterable[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return round(sum(found) / len(found), 4) if found else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def overlap_matches(first: Sequence[SpanKey], second: Sequence[SpanKey]) -> int:
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


def token_labels(bounds: Sequence[tuple[int, int]], spans: Iterable[SpanKey]) -> list[str]:
    """The label of each token (start, end): its innermost overlapping span's, else "O"."""
    starts = [s for s, _ in bounds]
    ends = [e for _, e in bounds]
    labels = [OUTSIDE] * len(bounds)
    # Widest first, so the innermost span writes last; ties go to the earlier span, then the first label.
    for start, end, label in sorted(spans, key=lambda s: (s[1] - s[0], s[0], s[2]), reverse=True):
        for t in range(bisect_right(ends, start), bisect_left(starts, end)):
            labels[t] = label
    return labels


def _units(labels: Mapping[int, dict[str, list[str]]], annotators: list[str]) -> Iterable[tuple[str | None, ...]]:
    """One alpha unit per token of the compared articles: each annotator's label, None where they
    did not cover the article."""
    for by_person in labels.values():
        yield from zip(*(by_person.get(name) or repeat(None) for name in annotators))


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two coders' labels for the same items; None when chance agreement is certain."""
    if len(first) != len(second):
        raise ValueError("both coders must label the same items")
    n = len(first)
    if not n:
        return None
    observed = sum(x == y for x, y in zip(first, second)) / n
    mine, theirs = Counter(first), Counter(second)
    expected = sum(mine[label] * theirs[label] for label in mine) / (n * n)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def coincidences(units: Iterable[Sequence[Hashable | None]]) -> dict[tuple[Hashable, Hashable], float]:
    """Krippendorff's coincidence matrix o[c, k]: over every unit with m >= 2 values, each ordered pair
    of values from different coders adds 1 / (m - 1). None is a missing value."""
    matrix: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for unit, weight in Counter(map(tuple, units)).items():  # most tokens repeat a few patterns
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
    matrix = coincidences(units)
    totals: dict[Hashable, float] = defaultdict(float)
    for (c, _), o in matrix.items():
        totals[c] += o
    n = sum(totals.values())
    disagreement = sum(o for (c, k), o in matrix.items() if c != k)
    by_chance = n * n - sum(t * t for t in totals.values())
    if by_chance <= 0:
        return None
    return 1 - (n - 1) * disagreement / by_chance


# ------------------------------------------------------------------ as plain text


def text_tables(report: AgreementReport) -> list[str]:
    """The report as the lines of readable tables (for `newsgloss agree`)."""
    names = report.annotators
    if len(names) < 2:
        return [f"{len(names)} annotator(s) in {report.articles} article(s): agreement needs two "
                "people's accepted spans or frames (the model and gold layers do not count)"]
    team = report.team
    lines = [f"{len(names)} annotators on {report.articles} article(s): "
             + ", ".join(f"{name} ({report.covered[name]} covered)" for name in names),
             f"Krippendorff's alpha (team, token labels): {shown(report.alpha)} over {report.alpha_tokens} tokens",
             f"Team means over {team['pairs']} pair(s): span F1 exact {shown(team['exact'].get(OVERALL))}, "
             f"overlap {shown(team['overlap'].get(OVERALL))}; kappa {shown(team['kappa'])}; "
             f"frame roles F1 {shown(team['roles'].get(OVERALL))}"]
    width = max(8, *(len(n) + 2 for n in names))
    for title, measure in (("Span F1, exact match", "exact"), ("Cohen's kappa on token labels", "kappa")):
        lines += ["", title, " " * width + "".join(f"{n:>{width}}" for n in names)]
        for name, row in zip(names, report.matrix(measure)):
            lines.append(f"{name:<{width}}" + "".join(f"{shown(v):>{width}}" for v in row))
    pair_width = max(len(f"{p.first} / {p.second}") for p in report.pairs) + 2
    lines += ["", f"{'pair':<{pair_width}}{'articles':>9}{'tokens':>8}{'F1 exact':>10}{'F1 overlap':>12}"
                  f"{'kappa':>8}{'roles F1':>10}"]
    for p in report.pairs:
        lines.append(f"{p.first + ' / ' + p.second:<{pair_width}}{p.articles:>9}{p.tokens:>8}"
                     f"{shown(figure(p, 'exact')):>10}{shown(figure(p, 'overlap')):>12}"
                     f"{shown(p.kappa):>8}{shown(figure(p, 'roles')):>10}")
    for p in report.pairs:
        if p.articles:
            lines += ["", f"{p.first} / {p.second}: {p.articles} shared article(s), {p.tokens} tokens"]
            lines += _group_table("label", p.first, p.second, p.exact, p.overlap)
            lines += [""] + _group_table("frame role", p.first, p.second, p.roles, None)
    return lines


def _group_table(title: str, first: str, second: str, rows: dict[str, dict[str, float]],
                 overlap: dict[str, dict[str, float]] | None) -> list[str]:
    """Per label (or role) F1 with how many each person marked and how many were the same."""
    if not rows:
        return [f"  {title}: none marked by either"]
    width = max(len(title), *map(len, rows)) + 2
    header = f"  {title:<{width}}{'F1 exact' if overlap is not None else 'F1':>9}"
    header += f"{'F1 overlap':>12}" if overlap is not None else ""
    a, b = max(len(first), 5) + 2, max(len(second), 5) + 2
    lines = [header + f"{first:>{a}}{second:>{b}}{'same':>7}"]
    for name, r in rows.items():
        line = f"  {name:<{width}}{shown(r['f1']):>9}"
        line += f"{shown(overlap[name]['f1']):>12}" if overlap is not None else ""
        lines.append(line + f"{r['tp'] + r['fp']:>{a}}{r['tp'] + r['fn']:>{b}}{r['tp']:>7}")
    return lines


def shown(value: float | None) -> str:
    """A figure as the tables show it: three decimals, or a dash where it is undefined."""
    return "—" if value is None else f"{value:.3f}"
