"""Growing a schema with the labels and frame types that imported files use.

The additions are appended to the schema's TOML text (so the project's stored
copy says what was added, and when) and the whole text is parsed again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from app.core.schema import Schema, parse_schema

# Distinct, medium colours that read on light and dark backgrounds.
PALETTE = ("#8c6bb1", "#41ab5d", "#ef6548", "#4292c6", "#dd3497", "#fe9929",
           "#35978f", "#969696", "#807dba", "#e7298a", "#66a61e", "#a6761d")


def _key(name: str) -> str:
    """A TOML key: quoted, since names from other tools may hold dashes, dots or colons."""
    return json.dumps(name, ensure_ascii=False)


def extend_schema(schema: Schema, labels: list[str], frames: Mapping[str, Mapping[str, list[str]]],
                  attributes: Mapping[str, Mapping[str, list[str]]], origin: str) -> Schema:
    """`schema` plus new entity labels and new frame types.

    frames: type -> role -> the labels of the spans that fill it; attributes:
    type -> attribute -> values seen. Roles of new frames take several spans.
    """
    lines = [f"\n# Added on {date.today().isoformat()} by an import of {origin}"]
    used = len(schema.labels) + len(schema.frames)
    for i, name in enumerate(labels):
        lines += [f"[labels.{_key(name)}]", 'kind = "entity"', f'colour = "{PALETTE[(used + i) % len(PALETTE)]}"', ""]
    used += len(labels)
    for i, (frame, roles) in enumerate(frames.items()):
        lines += [f"[frames.{_key(frame)}]", f'colour = "{PALETTE[(used + i) % len(PALETTE)]}"', ""]
        for role, role_labels in roles.items():
            lines += [f"[frames.{_key(frame)}.roles.{_key(role)}]",
                      f"labels = {json.dumps(sorted(set(role_labels)), ensure_ascii=False)}", "multiple = true", ""]
        for attribute, values in attributes.get(frame, {}).items():
            lines += [f"[frames.{_key(frame)}.attributes.{_key(attribute)}]",
                      f"values = {json.dumps(sorted(set(values)), ensure_ascii=False)}", ""]
    text = schema.source_text.rstrip("\n") + "\n" + "\n".join(lines)
    return parse_schema(text, f"the project schema with additions from {origin}")
