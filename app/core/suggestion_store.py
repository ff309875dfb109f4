"""Storing machine suggestions: which to add, which a person has already dealt with.

A suggested span is left out when the article already has
  - a span with the same boundaries (any label, layer or status: a person may have
    relabelled or rejected it), or
  - a model span overlapping it (the model spoke about this text before; a person
    may have fixed its boundaries), or
  - a span with the same label overlapping it (a person tagged it already).
A suggested frame is left out when a frame of the same type has an anchor (its
trigger or cue, else its first role) overlapping the suggestion's anchor. Role
fillers left out for the first reason fill the role with the span that is there
(whatever label a person gave it) when that label suits the role and no one
rejected the span.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from app.core.normalise import DATE, date_value
from app.core.schema import Schema

ANCHOR_ROLES = ("trigger", "cue")


@dataclass(frozen=True)
class Existing:
    """An article's spans and frames as the rules need them."""

    spans: list[tuple[int, int, int, str, str, str]]  # id, start, end, label, origin, status
    frame_anchors: list[tuple[str, int, int]]  # type, start, end of the anchor filler


@dataclass
class Plan:
    """What to insert for one article: new spans by key, and frames whose fillers are keys or span ids."""

    spans: dict[tuple[int, int, str], Any] = field(default_factory=dict)  # key -> SpanSuggestion
    frames: list[tuple[Any, dict[str, list[tuple[int, int, str] | int]]]] = field(default_factory=list)


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def anchor_role(frame_type: str, roles: dict) -> str | None:
    for name in ANCHOR_ROLES:
        if roles.get(name):
            return name
    return next((name for name, fillers in roles.items() if fillers), None)


def plan_article(existing: Existing, suggestions, schema: Schema) -> Plan:
    plan = Plan()
    labels = {row[0]: row[3] for row in existing.spans}  # span id -> label
    resolved: dict[tuple[int, int, str], tuple[int, int, str] | int | None] = {}

    def resolve(s) -> tuple[int, int, str] | int | None:
        key = (s.start, s.end, s.label)
        if key in resolved:
            return resolved[key]
        target: tuple[int, int, str] | int | None = key
        for span_id, start, end, label, origin, status in existing.spans:
            if (start, end) == (s.start, s.end):
                target = None if status == "rejected" else span_id
                break
            if _overlaps(start, end, s.start, s.end) and (origin == "model" or label == s.label):
                target = None
                break
        if target == key:
            plan.spans[key] = s
        resolved[key] = target
        return target

    for s in suggestions.spans:
        resolve(s)
    for frame in suggestions.frames:
        anchor = anchor_role(frame.type, frame.roles)
        if anchor is not None:
            a = frame.roles[anchor][0]
            if any(t == frame.type and _overlaps(start, end, a.start, a.end)
                   for t, start, end in existing.frame_anchors):
                continue
        roles: dict[str, list] = {}
        ftype = schema.frame(frame.type)
        for role, fillers in frame.roles.items():
            targets = [t for t in (resolve(s) for s in fillers) if t is not None]
            targets = [t for t in targets if not isinstance(t, int) or labels[t] in ftype.roles[role].labels]
            if targets:
                roles[role] = targets
        if roles:
            plan.frames.append((frame, roles))
    return plan


def with_dates(suggestions, text: str, published: str | None):
    """`suggestions` with the relative dates of their tariff facts ("on Monday", "next year")
    resolved against the article's published date, which the engine never sees."""
    if not published:
        return suggestions
    frames = list(suggestions.frames)
    for i, frame in enumerate(frames):
        if frame.type == "tariff_fact" and frame.roles.get("date") and DATE not in frame.attributes:
            span = frame.roles["date"][0]
            value = date_value(text[span.start:span.end], published)
            if value:
                frames[i] = replace(frame, attributes={**frame.attributes, DATE: value})
    return replace(suggestions, frames=tuple(frames))
