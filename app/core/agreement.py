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

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from operator import itemgetter
from typing import Any

from app.core.agreement_columns import Columns, Counts, SpanRow
from app.core.agreement_stats import alpha_of_patterns, kappa
from app.core.collector import old_objects_frozen
from app.core.errors import NotFoundError
from app.core.evaluation import prf
from app.core.project import Project

COVERING = frozenset({"done"})
OUTSIDE = "O"
OVERALL = "overall"
MEASURES = ("exact", "overlap", "roles")
TEXT_BATCH = 500  # article texts read per query

RoleRow = tuple[int, str, str, str, int, int]  # article id, person, frame type, role, filler start, filler end


@dataclass(frozen=True)
class Gathered:
    """What agreement reads from a project, as plain rows."""

    articles: list[int]  # every article looked at
    covered: dict[int, frozenset[str]]  # article id -> the people who covered it
    texts: dict[int, str]  # the text of every article two or more people covered
    spans: Sequence[SpanRow]  # the people's accepted spans
    roles: Sequence[RoleRow]  # the fillers of the people's accepted frames


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
    with old_objects_frozen():  # the rows of every span would otherwise make full collections walk the project
        return agreement(gather(project, article_ids), progress)


def gather(project: Project, article_ids: Sequence[int] = ()) -> Gathered:
    """The people's accepted spans and role fillers, who covered each article, and the texts of the
    articles two or more people covered, in a few queries."""
    known = project.article_ids()
    missing = sorted(set(article_ids) - set(known))
    if missing:
        raise NotFoundError(f"article {', '.join(map(str, missing))} does not exist")
    ids = sorted(set(article_ids)) if article_ids else known
    spans, roles = project.accepted_by_layer(article_ids)
    holders: dict[int, set[str]] = defaultdict(set)
    for article_id, person in {*map(itemgetter(0, 1), spans), *map(itemgetter(0, 1), roles)}:
        holders[article_id].add(person)
    people = set().union(*holders.values())
    recorded = project.everyone_progress()
    covered = {i: frozenset(people & ({name for name, status in recorded.get(i, {}).items() if status in COVERING}
                                      | holders.get(i, set())))
               for i in ids}
    compared = [i for i in ids if len(covered[i]) >= 2]  # the only texts agreement reads
    texts: dict[int, str] = {}
    for n in range(0, len(compared), TEXT_BATCH):
        texts.update(project.article_texts(compared[n:n + TEXT_BATCH]))
    return Gathered(ids, covered, texts, spans, roles)


# ---------------------------------------------------------------- the arithmetic


def agreement(data: Gathered, progress: Callable[[int, int], object] | None = None) -> AgreementReport:
    """Every figure of the report from plain data (see the module docstring).

    progress(done, total) is called once the articles covered by two or more people are tokenized.
    """
    annotators = sorted({*map(itemgetter(1), data.spans), *map(itemgetter(1), data.roles)})
    covered = {i: data.covered.get(i, frozenset()) & set(annotators) for i in data.articles}
    compared = [i for i in data.articles if len(covered[i]) >= 2]
    columns = Columns(compared, [data.texts[i] for i in compared], [covered[i] for i in compared],
                      annotators, data.spans, OUTSIDE, progress)
    roles: dict[str, set[tuple]] = defaultdict(set)
    for article_id, person, *filler in data.roles:
        roles[person].add((article_id, *filler))
    pairs = []
    for a, b in combinations(annotators, 2):
        shared = {i for i in compared if a in covered[i] and b in covered[i]}
        exact, overlap = columns.span_counts(a, b)
        tokens, same, by_chance = columns.token_counts_of(a, b)
        pairs.append(PairAgreement(first=a, second=b, articles=len(shared), tokens=tokens,
                                   exact=_scores(exact), overlap=_scores(overlap),
                                   roles=_scores(_role_counts(roles, a, b, shared)),
                                   kappa=_rounded(kappa(tokens, same, by_chance))))
    return AgreementReport(
        annotators=annotators,
        articles=len(data.articles),
        covered={name: sum(name in names for names in covered.values()) for name in annotators},
        pairs=pairs,
        alpha=_rounded(alpha_of_patterns(columns.patterns(annotators))),
        alpha_tokens=len(columns.token_start),
        team=_team(pairs),
    )


def _role_counts(roles: dict[str, set[tuple]], first: str, second: str, shared: set[int]) -> Counts:
    """(tp, fp, fn) per "type.role" of two people's (article, frame type, role, start, end) fillers on
    the `shared` articles."""
    mine, theirs = ({key for key in roles[p] if key[0] in shared} for p in (first, second))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for keys, outcome in ((mine & theirs, 0), (mine - theirs, 1), (theirs - mine, 2)):
        for key in keys:
            counts[f"{key[1]}.{key[2]}"][outcome] += 1
    return {name: (tp, fp, fn) for name, (tp, fp, fn) in counts.items()}


def _scores(counts: Counts) -> dict[str, dict[str, float]]:
    """prf() per group and micro-averaged "overall"; empty when there was nothing to compare."""
    if not counts:
        return {}
    rows = {g: prf(*counts[g]) for g in sorted(counts)}
    rows[OVERALL] = prf(*(sum(c[k] for c in counts.values()) for k in range(3)))
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
