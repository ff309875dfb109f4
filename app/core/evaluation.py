"""How good the suggestions were: precision, recall and F1 per label and per frame role.

Predictions are what the model last suggested for an article (kept in the change
log, so later edits do not hide them). The truth is either people's decisions or a
gold layer. Decisions are each person's: everyone who has decided on every suggestion
of an article is one review of it, their accepted spans and frames its truth, and the
counts add up over the reviews (two people who reviewed an article count twice). Matches are exact: same boundaries and label (spans), same frame
type, role and filler boundaries (roles).

Tariff facts can also be scored against a gold file of passages (read_gold_facts,
score_facts), on their normalised values rather than offsets: see FACT_MATCHING.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.core.errors import InputError
from app.core.normalise import fact_values, product_key
from app.core.project import Project
from app.core.vocabulary import MODEL_LAYER, NOT_PEOPLE

Key = tuple


def evaluate(project: Project, gold_layer: str | None = None) -> dict[str, Any]:
    counts: dict[str, Counter[tuple[str, str]]] = {"spans": Counter(), "roles": Counter()}  # (group, "tp"/"fp"/"fn") -> n
    latest = {entry["article"]: entry["data"] for entry in project.change_log(action="suggest")}
    evaluated = reviews = 0
    for article, spans, frames in project.annotated(sorted(latest)):
        predicted = latest[article.id]
        if gold_layer is not None:
            truths = [(gold_layer, [s for s in spans if s.layer == gold_layer and s.status != "rejected"],
                       [f for f in frames if f.layer == gold_layer and f.status != "rejected"])]
            truths = [truth for truth in truths if truth[1]]
        else:
            truths = _reviewed(spans, frames, project.decisions([article.id]))
        evaluated += bool(truths)
        by_id = {s.id: s for s in spans}
        for _who, gold_spans, gold_frames in truths:
            reviews += 1
            truth_spans = {(s.start, s.end, s.label) for s in gold_spans}
            guess_spans = {tuple(x) for x in predicted["spans"]}
            _tally(counts["spans"], guess_spans, truth_spans, group=lambda k: k[2])
            truth_roles = {(f.type, slot.role, by_id[slot.span_id].start, by_id[slot.span_id].end)
                           for f in gold_frames for slot in f.slots}
            guess_roles = {(f["type"], role, x[0], x[1])
                           for f in predicted["frames"] for role, fillers in f["roles"].items() for x in fillers}
            _tally(counts["roles"], guess_roles, truth_roles, group=lambda k: f"{k[0]}.{k[1]}")
    return {"articles": evaluated, "reviews": reviews, "gold": gold_layer or "decisions",
            "spans": _scores(counts["spans"]), "roles": _scores(counts["roles"])}


def _reviewed(spans, frames, decisions) -> list[tuple[str, list, list]]:
    """(person, their accepted spans, their accepted frames) of everyone who has fully reviewed the
    article: decided on every model suggestion there, with none left in their own layer."""
    decided: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for d in decisions:
        decided[d.annotator].add((d.kind, d.suggestion_id))
    shared = {("span", s.id) for s in spans if s.layer == MODEL_LAYER and s.status == "suggested"} | {
        ("frame", f.id) for f in frames if f.layer == MODEL_LAYER and f.status == "suggested"}
    people = {row.layer for row in [*spans, *frames]} - NOT_PEOPLE | set(decided)
    found = []
    for person in sorted(people):
        own = [row for row in [*spans, *frames] if row.layer == person]
        if shared <= decided[person] and not any(row.status == "suggested" for row in own):
            found.append((person, [s for s in spans if s.layer == person and s.status == "accepted"],
                          [f for f in frames if f.layer == person and f.status == "accepted"]))
    return found


def _tally(counter: Counter, guesses: set[Key], truth: set[Key], group) -> None:
    for key in guesses & truth:
        counter[group(key), "tp"] += 1
    for key in guesses - truth:
        counter[group(key), "fp"] += 1
    for key in truth - guesses:
        counter[group(key), "fn"] += 1


def _scores(counter: Counter) -> dict[str, dict[str, float]]:
    groups = sorted({g for g, _ in counter})
    rows = {g: prf(counter[g, "tp"], counter[g, "fp"], counter[g, "fn"]) for g in groups}
    rows["overall"] = prf(*(sum(counter[g, k] for g in groups) for k in ("tp", "fp", "fn")))
    return rows


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 (rounded to 4 places) with the counts they come from."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


# -- tariff facts against a gold file ---------------------------------------------------

FACT_ROLES = ("action", "imposer", "target", "product", "rate", "date")


@dataclass(frozen=True)
class Fact:
    """A tariff fact as it is compared: normalised values (see FACT_MATCHING)."""

    action: str
    imposer: frozenset[str] = frozenset()
    target: frozenset[str] = frozenset()
    products: frozenset[str] = frozenset()  # product_key texts
    rate: str | None = None
    date: str | None = None

    @property
    def measure(self) -> tuple:
        return self.action, self.imposer, self.target, self.products

    def values(self) -> set[tuple[str, str]]:
        """(role, value) pairs: one per code, product, rate and date, and the action."""
        found = {("action", self.action)}
        found |= {("imposer", c) for c in self.imposer} | {("target", c) for c in self.target}
        found |= {("product", p) for p in self.products}
        found |= {(role, v) for role, v in (("rate", self.rate), ("date", self.date)) if v}
        return found


FACT_MATCHING = """\
A fact is right when a gold fact of the same passage has the same action, the same
imposer codes, the same target codes and the same products (texts compared in lower
case without a leading article), each gold fact matched once. Suggested facts of one
passage that agree on those four count once (an article restates its headline),
with the rate and date of the first that states them. Per role, suggested and gold
facts are paired one to one, those agreeing on most values first (a pair shares at
least one code or product); each code, product, rate (as "25%" or "0.5USD/kg"), date
(ISO 8601) and action of a pair counts as right if both hold it, and every value of
an unpaired fact counts as wrong (suggested) or missed (gold)."""


@dataclass(frozen=True)
class GoldPassage:
    id: str
    text: str
    published: str | None
    facts: tuple[Fact, ...]


def read_gold_facts(path) -> list[GoldPassage]:
    """The passages of a gold JSONL file: {"id", "text", "published", "facts": [{"action",
    "imposer": [codes], "target": [codes], "products": [texts], "rate", "date"}]}.
    InputError names the file and line of a bad one."""
    passages = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(path, f"cannot read it: {e}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            facts = tuple(
                Fact(_text(f["action"]), _codes(f.get("imposer", [])), _codes(f.get("target", [])),
                     frozenset(product_key(_text(p)) for p in f.get("products", [])),
                     f.get("rate"), f.get("date"))
                for f in record.get("facts", [])
            )
            passages.append(GoldPassage(_text(record["id"]), _text(record["text"]), record.get("published"), facts))
        except json.JSONDecodeError as e:
            raise InputError(path, f"not JSON: {e.msg}", number) from None
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            detail = f"missing {e}" if isinstance(e, KeyError) else str(e) or type(e).__name__
            raise InputError(path, f"not a gold passage ({detail})", number) from None
    return passages


def _text(value) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a string")
    return value


def _codes(values) -> frozenset[str]:
    if not isinstance(values, list):
        raise ValueError(f"{values!r} is not a list")
    return frozenset(_text(v) for v in values)


def evaluate_facts(path, engine) -> dict[str, Any]:
    """Suggest tariff facts for every passage of the gold file at `path` with `engine` (an
    app.nlp.engine.SuggestionEngine) and score them (score_facts)."""
    passages = read_gold_facts(path)
    results = engine.suggest_many(p.text for p in passages)
    pairs = [(suggested_facts(p.text, result.frames, p.published), list(p.facts))
             for p, result in zip(passages, results)]
    return {"passages": len(passages), "gold_facts": sum(len(p.facts) for p in passages),
            "suggested_facts": sum(len(s) for s, _ in pairs), "matching": FACT_MATCHING,
            "scores": score_facts(pairs)}


def suggested_facts(text: str, frames, published: str | None) -> list[Fact]:
    """The tariff_fact frames among suggested `frames` (app.nlp.types.FrameSuggestion) as Facts."""
    facts = []
    for frame in frames:
        if frame.type != "tariff_fact":
            continue
        roles = {role: [text[s.start:s.end] for s in spans] for role, spans in frame.roles.items()}
        values = fact_values(roles, published, frame.attributes)
        facts.append(Fact(frame.attributes.get("action", "imposed"), frozenset(values.imposer),
                          frozenset(values.target), frozenset(product_key(t) for t, _ in values.products),
                          values.rate, values.date))
    return facts


def score_facts(passages: list[tuple[list[Fact], list[Fact]]]) -> dict[str, dict[str, float]]:
    """P/R/F1 of facts and per role over (suggested, gold) facts of each passage (FACT_MATCHING)."""
    counts: Counter = Counter()
    for suggested, gold in passages:
        suggested = _merged(suggested)
        left = list(gold)
        for fact in suggested:
            same = next((g for g in left if g.measure == fact.measure), None)
            counts["facts", "tp" if same else "fp"] += 1
            if same:
                left.remove(same)
        counts["facts", "fn"] += len(left)
        for guess, truth in _paired(suggested, list(gold)):
            guessed, true = (guess.values() if guess else set()), (truth.values() if truth else set())
            for role, _ in guessed & true:
                counts[role, "tp"] += 1
            for role, _ in guessed - true:
                counts[role, "fp"] += 1
            for role, _ in true - guessed:
                counts[role, "fn"] += 1
    rows = {"facts": prf(counts["facts", "tp"], counts["facts", "fp"], counts["facts", "fn"])}
    rows |= {role: prf(counts[role, "tp"], counts[role, "fp"], counts[role, "fn"]) for role in FACT_ROLES}
    return rows


def _merged(facts: list[Fact]) -> list[Fact]:
    by_measure: dict[tuple, Fact] = {}
    for fact in facts:
        first = by_measure.get(fact.measure)
        if first is None:
            by_measure[fact.measure] = fact
        else:
            by_measure[fact.measure] = replace(fact, rate=first.rate or fact.rate, date=first.date or fact.date)
    return list(by_measure.values())


def _paired(suggested: list[Fact], gold: list[Fact]) -> list[tuple[Fact | None, Fact | None]]:
    """Suggested and gold facts paired one to one, most shared values first; the unpaired alone."""
    def shared(a: Fact, b: Fact) -> int:
        return len(a.values() & b.values())

    def linked(a: Fact, b: Fact) -> bool:
        return bool(a.imposer & b.imposer or a.target & b.target or a.products & b.products)

    candidates = sorted((-shared(s, g), i, j) for i, s in enumerate(suggested) for j, g in enumerate(gold)
                        if linked(s, g))
    pairs: list[tuple[Fact | None, Fact | None]] = []
    used_s, used_g = set(), set()
    for _, i, j in candidates:
        if i not in used_s and j not in used_g:
            pairs.append((suggested[i], gold[j]))
            used_s.add(i)
            used_g.add(j)
    pairs += [(s, None) for i, s in enumerate(suggested) if i not in used_s]
    pairs += [(None, g) for j, g in enumerate(gold) if j not in used_g]
    return pairs
