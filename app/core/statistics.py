"""Figures for the statistics dashboard: progress, labels, suggestion decisions, tariff facts.

Plain data, no Qt. dashboard_figures asks the project four aggregate questions
(Project.stats, span_counts, suggestion_decisions, filler_texts), so its cost barely grows with the articles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

PROGRESS_STATES = ("todo", "in_progress", "done")
DECISIONS = ("accepted", "rejected", "suggested")
TARIFF_FRAME = "tariff_fact"
TARIFF_ROLES = ("imposer", "target", "product")


@dataclass(frozen=True)
class DashboardFigures:
    """What the dashboard draws. Every mapping is ordered as it should be shown.

    progress     annotator -> {"todo", "in_progress", "done"} -> articles (all three keys; names sorted)
    labels       label -> accepted spans of any origin (schema order, then others by name; no zeros)
    suggestions  label -> {"accepted", "rejected", "suggested"} -> decisions on the model's span suggestions:
                 each person's acceptances and rejections, and suggestions no one has decided on (all three keys)
    tariff_facts role ("imposer", "target", "product") -> filler text -> fillers of that role in
                 accepted tariff_fact frames; texts counted case-folded with white space collapsed,
                 shown as first seen; most frequent first, ties in the order first seen
    """

    articles: int
    progress: dict[str, dict[str, int]]
    labels: dict[str, int]
    suggestions: dict[str, dict[str, int]]
    tariff_facts: dict[str, dict[str, int]]


def dashboard_figures(project) -> DashboardFigures:
    """The dashboard's figures for `project` (an app.core.project.Project)."""
    stats = project.stats()
    labels: Counter[str] = Counter()
    suggestions: dict[str, Counter[str]] = {}
    for (label, _origin, status), n in project.span_counts().items():
        if status == "accepted":
            labels[label] += n
    for (label, status), n in project.suggestion_decisions().items():
        suggestions.setdefault(label, Counter())[status] += n
    order = _label_order(project.schema.labels, {*labels, *suggestions})
    return DashboardFigures(
        articles=stats["articles"],
        progress=_progress(stats, sorted({*project.annotators(), project.annotator})),
        labels={label: labels[label] for label in order if labels[label]},
        suggestions={label: {d: suggestions[label][d] for d in DECISIONS} for label in order if label in suggestions},
        tariff_facts=_tariff_facts(project.filler_texts(TARIFF_FRAME, "accepted")),
    )


def _progress(stats: dict, annotators: list[str]) -> dict[str, dict[str, int]]:
    """Articles per status and annotator; an article without a row of theirs is todo."""
    progress = {}
    for name in annotators:
        recorded = stats["progress"].get(name, {})
        in_progress, done = recorded.get("in_progress", 0), recorded.get("done", 0)
        progress[name] = {"todo": stats["articles"] - in_progress - done, "in_progress": in_progress, "done": done}
    return progress


def _tariff_facts(fillers: list[tuple[int, str, str]]) -> dict[str, dict[str, int]]:
    counts = {role: Counter() for role in TARIFF_ROLES}
    shown: dict[str, dict[str, str]] = {role: {} for role in TARIFF_ROLES}
    for _frame, role, text in fillers:
        if role in counts:
            text = " ".join(text.split())
            key = text.casefold()
            shown[role].setdefault(key, text)
            counts[role][key] += 1
    return {role: {shown[role][key]: n for key, n in counts[role].most_common()} for role in TARIFF_ROLES}


def _label_order(schema_labels, seen: set[str]) -> list[str]:
    return [name for name in schema_labels if name in seen] + sorted(seen - set(schema_labels))
