"""Figures for the statistics dashboard: progress, labels, suggestion decisions, tariff facts.

Plain data, no Qt. dashboard_figures asks the project four aggregate questions
(Project.stats, span_counts, suggestion_decisions, filler_texts), so its cost barely grows with the articles.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.core.normalise import country_name, fact_values, hs_headings
from app.core.vocabulary import Progress

if TYPE_CHECKING:
    from app.core.services.reports import ProjectStats

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
    tariff_facts role ("imposer", "target", "product") -> value -> fillers of that role in accepted
                 tariff_fact frames, by their normalised code ("CAN Canada", "72 Iron and steel"; the
                 codes stored with the fact, else those its texts give); a filler without a code by
                 its text, case-folded with white space collapsed, shown as first seen; most
                 frequent first, ties in the order first seen
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
        articles=stats.articles,
        progress=_progress(stats, sorted({*project.annotators(), project.annotator})),
        labels={label: labels[label] for label in order if labels[label]},
        suggestions={label: {d: suggestions[label][d] for d in DECISIONS} for label in order if label in suggestions},
        tariff_facts=_tariff_facts(project.filler_texts(TARIFF_FRAME, "accepted"),
                                   project.frame_attributes(TARIFF_FRAME, "accepted")),
    )


def _progress(stats: ProjectStats, annotators: list[str]) -> dict[str, dict[str, int]]:
    """Articles per status and annotator; an article without a row of theirs is todo."""
    progress = {}
    for name in annotators:
        recorded = stats.progress.get(name, {})
        in_progress, done = recorded.get(Progress.IN_PROGRESS, 0), recorded.get(Progress.DONE, 0)
        progress[name] = {"todo": stats.articles - in_progress - done, "in_progress": in_progress, "done": done}
    return progress


def _tariff_facts(fillers: list[tuple[int, str, str]], attributes: dict[int, dict]) -> dict[str, dict[str, int]]:
    texts: dict[int, dict[str, list[str]]] = {}
    for frame, role, text in fillers:
        texts.setdefault(frame, {}).setdefault(role, []).append(" ".join(text.split()))
    counts: dict[str, Counter[str]] = {role: Counter() for role in TARIFF_ROLES}
    shown: dict[str, dict[str, str]] = {role: {} for role in TARIFF_ROLES}
    for frame, roles in texts.items():
        values = fact_values(roles, None, attributes.get(frame))
        coded = {"imposer": list(values.imposer)[:1], "target": list(values.target),
                 "product": [code or text for text, code in values.products]}
        for role in TARIFF_ROLES:
            for key in coded[role] or roles.get(role, []):
                label = _coded_label(role, key)
                shown[role].setdefault(label.casefold(), label)
                counts[role][label.casefold()] += 1
    return {role: {shown[role][key]: n for key, n in counts[role].most_common()} for role in TARIFF_ROLES}


def _coded_label(role: str, key: str) -> str:
    """ "CAN" -> "CAN Canada", "72" -> "72 Iron and steel", a text as it is."""
    if role == "product" and key in hs_headings():
        name = re.split(r"[;,(]", hs_headings()[key])[0].strip()
        return f"{key} {name[:30] + '…' if len(name) > 31 else name}"
    if role != "product" and re.fullmatch(r"[A-Z]{3}|EU", key) and country_name(key) != key:
        return f"{key} {country_name(key)}"
    return key


def _label_order(schema_labels, seen: set[str]) -> list[str]:
    return [name for name in schema_labels if name in seen] + sorted(seen - set(schema_labels))
