"""How good the suggestions were: precision, recall and F1 per label and per frame role.

Predictions are what the model last suggested for an article (kept in the change
log, so later edits do not hide them). The truth is either people's decisions or a
gold layer. Decisions are each person's: everyone who has decided on every suggestion
of an article is one review of it, their accepted spans and frames its truth, and the
counts add up over the reviews (two people who reviewed an article count twice). Matches are exact: same boundaries and label (spans), same frame
type, role and filler boundaries (roles).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from app.core.project import MODEL_LAYER, NOT_PEOPLE, Project

Key = tuple


def evaluate(project: Project, gold_layer: str | None = None) -> dict[str, Any]:
    counts = {"spans": Counter(), "roles": Counter()}  # (group, "tp"/"fp"/"fn") -> n
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
