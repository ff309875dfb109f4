"""Building suggested frames: the schema's frame type, spans as role fillers, fillers kept
within one line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from spacy.tokens import Span

from app.core.schema import FrameType, Role, Schema
from app.nlp.types import FrameSuggestion, SpanSuggestion


def frame_type_with(schema: Schema, name: str, roles: tuple[str, ...]) -> FrameType | None:
    """The schema's frame `name` if it has all of `roles`; a schema without gets no suggestions."""
    frame_type = schema.frames.get(name)
    return frame_type if frame_type and all(r in frame_type.roles for r in roles) else None


def frame(
    frame_type: FrameType,
    line: Span,
    action: str | None = None,
    **roles: Sequence[SpanSuggestion | None],
) -> FrameSuggestion:
    """A frame of `frame_type` with the given role fillers that lie in `line` (None
    dropped); attributes at their defaults, but `action` if given and allowed."""
    attributes = {name: attr.default for name, attr in frame_type.attributes.items()}
    allowed = frame_type.attributes.get("action")
    if action and allowed and action in allowed.values:
        attributes["action"] = action
    fillers = {
        role: tuple(s for s in spans if s is not None and line.start_char <= s.start and s.end <= line.end_char)
        for role, spans in roles.items()
    }
    return FrameSuggestion(frame_type.name, {r: s for r, s in fillers.items() if s}, attributes)


def fill(span: Span, role: Role, preferred: Iterable[str] = ()) -> SpanSuggestion:
    """`span` as a filler of `role`: labelled with the first of `preferred` the role
    accepts, else the role's default label."""
    label = next((p for p in preferred if p in role.labels), role.labels[0])
    return SpanSuggestion(span.start_char, span.end_char, label)
