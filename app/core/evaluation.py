"""How good the suggestions were: precision, recall and F1 per label and per frame role.

Predictions are what the model last suggested for an article (kept in the change
log, so later edits do not hide them). The truth is either people's decisions
(accepted spans and frames, in articles where no suggestion awaits review) or a
gold layer. Matches are exact: same boundaries and label (spans), same frame
type, role and filler boundaries (roles).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from app.core.project import Project

Key = tuple


def evaluate(project: Project, gold_layer: str | None = None) -> dict[str, Any]:
    counts = {"spans": Counter(), "roles": Counter()}  # (group, "tp"/"fp"/"fn") -> n
    latest = {entry["article"]: entry["data"] for entry in project.change_log(action="suggest")}
    evaluated = 0
    for article_id, predicted in sorted(latest.items()):
        spans = project.spans(article_id, include_rejected=True)
        frames = project.frames(article_id, include_rejected=True)
        if gold_layer is not None:
            gold_spans = [s for s in spans if s.layer == gold_layer and s.status != "rejected"]
            gold_frames = [f for f in frames if f.layer == gold_layer and f.status != "rejected"]
            if not gold_spans:
                continue
        else:
            if any(s.status == "suggested" for s in spans) or any(f.status == "suggested" for f in frames):
                continue  # not fully reviewed yet
            gold_spans = [s for s in spans if s.status == "accepted"]
            gold_frames = [f for f in frames if f.status == "accepted"]
        evaluated += 1
        by_id = {s.id: s for s in spans}
        truth_spans = {(s.start, s.end, s.label) for s in gold_spans}
        guess_spans = {tuple(x) for x in predicted["spans"]}
        _tally(counts["spans"], guess_spans, truth_spans, group=lambda k: k[2])
        truth_roles = {(f.type, slot.role, by_id[slot.span_id].start, by_id[slot.span_id].end)
                       for f in gold_frames for slot in f.slots}
        guess_roles = {(f["type"], role, x[0], x[1])
                       for f in predicted["frames"] for role, fillers in f["roles"].items() for x in fillers}
        _tally(counts["roles"], guess_roles, truth_roles, group=lambda k: f"{k[0]}.{k[1]}")
    return {"articles": evaluated, "gold": gold_layer or "decisions",
            "spans": _scores(counts["spans"]), "roles": _scores(counts["roles"])}


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
