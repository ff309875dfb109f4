"""What other tools say about a span beyond its label and offsets, kept so an import loses none of it.

brat gives a text-bound annotation attributes (A lines: a flag or a value),
normalizations (N lines: a reference into a database such as Wikidata), notes
(# lines of any type; AnnotatorNotes is the person's note) and fragments (a
discontinuous `T1 ORG 0 4;9 15`). A discontinuous span is one span from its
first fragment's start to its last fragment's end, with its fragments listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NOTE = "AnnotatorNotes"  # the note type of a person's free-text note, as brat names it


@dataclass(frozen=True)
class SpanDetails:
    attributes: dict[str, str] = field(default_factory=dict)  # name -> value; "true" for a flag
    normalizations: list[dict[str, str]] = field(default_factory=list)  # {"type", "ref", "text"}
    notes: dict[str, str] = field(default_factory=dict)  # note type -> text (several lines joined by LF)
    fragments: list[tuple[int, int]] = field(default_factory=list)  # empty unless discontinuous

    def __bool__(self) -> bool:
        return bool(self.attributes or self.normalizations or self.notes or self.fragments)

    def columns(self) -> dict[str, Any]:
        """The span table's columns for these details: NULL where there is nothing."""
        return {"attributes": dict(self.attributes) or None,
                "normalizations": [dict(n) for n in self.normalizations] or None,
                "notes": dict(self.notes) or None,
                "fragments": [list(f) for f in self.fragments] or None}

    @classmethod
    def from_columns(cls, attributes: Any, normalizations: Any, notes: Any, fragments: Any) -> SpanDetails:
        return cls(dict(attributes or {}), [dict(n) for n in normalizations or []], dict(notes or {}),
                   [(int(s), int(e)) for s, e in fragments or []])

    def problem(self, start: int, end: int) -> str | None:
        """What makes these details unfit for a span at start-end, or None."""
        for name, value in self.attributes.items():
            if not _name(name) or not isinstance(value, str) or not value or _breaks(value):
                return f"attribute {name!r}={value!r}: a name without spaces and a one-line value are needed"
        for entry in self.normalizations:
            if not isinstance(entry, dict) or set(entry) != {"type", "ref", "text"}:
                return f"normalization {entry!r}: needs exactly type, ref and text"
            if not (_name(entry["type"]) and _name(entry["ref"]) and isinstance(entry["text"], str)) \
                    or _breaks(entry["text"]):
                return f"normalization {entry!r}: type and ref without spaces, text on one line"
        for kind, text in self.notes.items():
            if not _name(kind) or not isinstance(text, str) or not text:
                return f"note {kind!r}: a type without spaces and some text are needed"
        if self.fragments:
            parts = self.fragments
            if len(parts) < 2 or any(not (_whole(s) and _whole(e) and s < e) for s, e in parts):
                return f"fragments {parts!r}: two or more, each a start before its end"
            if any(a[1] > b[0] for a, b in zip(parts, parts[1:])):
                return f"fragments {parts!r}: in text order, not overlapping"
            if parts[0][0] != start or parts[-1][1] != end:
                return f"fragments {parts!r}: must run from the span's start {start} to its end {end}"
        return None


def _name(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not any(c.isspace() for c in value)


def _breaks(value: str) -> bool:
    return "\n" in value or "\r" in value


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
