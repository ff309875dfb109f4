"""The suggester registry: suggesters are found by versioned name, such as "claims.v1".

A suggester is `fn(doc: spacy.tokens.Doc, schema: Schema, lexicon: Lexicon) -> Suggestions`;
register one with `@suggesters.register("name.v1")` on the function itself. The built-in
ones (app.nlp.entities, claims and tariff_facts) register when imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

import catalogue
from spacy.tokens import Doc

from app.core.errors import ValidationError
from app.core.schema import Schema
from app.nlp.lexicon import Lexicon
from app.nlp.types import Suggestions

Suggester: TypeAlias = Callable[[Doc, Schema, Lexicon], Suggestions]

suggesters = catalogue.create("newsgloss", "suggesters")


def get_suggester(name: str) -> Suggester:
    """The suggester registered as `name`; ValidationError naming the known ones if none is."""
    import app.nlp.claims  # noqa: F401  (the built-in suggesters register themselves)
    import app.nlp.entities  # noqa: F401
    import app.nlp.tariff_facts  # noqa: F401

    known = suggesters.get_all()
    if name not in known:
        raise ValidationError(
            f"no suggester called {name!r}; known suggesters: {', '.join(sorted(known))}"
        )
    return known[name]
