"""DocInfo: lookups on one parsed doc that the suggester rules share."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

import numpy
from spacy.tokens import Doc, Span, Token

from app.core.schema import Schema
from app.nlp.lexicon import Lexicon

_CREDIT = re.compile(r"\s/\s*[A-Z][\w .&-]{0,30}$")  # a photo credit at the end of a caption: "... / AP"
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


class DocInfo:
    """Entities under their schema labels, lines, which lines are page furniture, and
    where the tariff mentions are."""

    def __init__(self, doc: Doc, schema: Schema, lexicon: Lexicon):
        self.doc = doc
        self.text = doc.text  # Doc.text joins every token again on each call
        self.lexicon = lexicon
        self.triggers: set[int] = set()  # token indices of tariff mentions
        self._furniture: set[int] | None = None  # first tokens of furniture lines
        # Tokens holding a line break (whitespace other than one space is a token of its own).
        spaces = (int(i) for i in numpy.flatnonzero(doc.to_array("IS_SPACE")))
        self._breaks = [i for i in spaces if "\n" in doc[i].text]
        model_labels = schema.model_labels()
        self._at: dict[int, tuple[Span, str]] = {}
        self._entities: dict[int, Span] = {}
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                self._entities[i] = ent
                if ent.label_ in model_labels:
                    self._at[i] = (ent, model_labels[ent.label_])

    def at(self, token: Token) -> tuple[Span, str] | None:
        """(entity, schema label) of the entity `token` is in, or None."""
        return self._at.get(token.i)

    def entity(self, token: Token) -> Span | None:
        """The entity `token` is in, whatever its label, or None."""
        return self._entities.get(token.i)

    def furniture(self, token: Token) -> bool:
        """Whether `token` is on a line of page furniture (see _furniture_lines)."""
        if self._furniture is None:
            self._furniture = self._furniture_lines(self.lexicon.page_furniture)
        return self.line(token).start in self._furniture

    def within(
        self, start: int, end: int, labels: Iterable[str] | None = None
    ) -> list[tuple[Span, str]]:
        """Entities overlapping tokens [start, end), in order, with a label in `labels` (any if None)."""
        found: list[tuple[Span, str]] = []
        for i in range(start, end):
            entity = self._at.get(i)
            if entity and (labels is None or entity[1] in labels) and entity not in found:
                found.append(entity)
        return found

    def line(self, token: Token) -> Span:
        """The line holding `token`, between line breaks. Rules never reach across one:
        the parser runs a headline into the text after it."""
        after = bisect.bisect_right(self._breaks, token.i)
        start = self._breaks[after - 1] + 1 if after else 0
        end = self._breaks[after] if after < len(self._breaks) else len(self.doc)
        return self.doc[start:end]

    def last_mention_before(self, token: Token) -> int | None:
        """The head of the last tariff mention before `token` in its sentence, or None."""
        start = token.sent.start
        return max((i for i in self.triggers if start <= i < token.i and self.doc[i].dep_ != "compound"),
                   default=None)

    def _furniture_lines(self, prefixes: frozenset[str]) -> set[int]:
        """First tokens of the lines that are page furniture, not article text: lines that
        start with a furniture phrase ("Related", "Read more:", "Photo:", "SOURCE:"), lines
        after a line that is only such a phrase ("Related articles") up to the next
        sentence, bylines ("By Anna Kowalski, Trade Correspondent"), captions ending in a
        credit ("... / AP"), and lines repeating an earlier one (a headline shown twice)."""
        doc = self.doc
        found: set[int] = set()
        seen: set[str] = set()
        listing = False
        for start in [0, *(b + 1 for b in self._breaks)]:
            if start >= len(doc):
                continue
            line = self.line(doc[start])
            text = line.text.strip()
            if not text:
                continue
            lower = text.lower()
            prefix = next((p for p in prefixes if lower.startswith(p)
                           and (len(text) == len(p) or not text[len(p)].islower())), None)
            words = text.split()
            byline = words[0] == "By" and len(words) <= 12 and not _SENTENCE_END.search(text)
            if prefix or byline or _CREDIT.search(text) or text in seen or (listing and not _SENTENCE_END.search(text)):
                found.add(line.start)
            listing = (prefix is not None and len(words) <= 3) or (listing and not _SENTENCE_END.search(text))
            seen.add(text)
        return found


def inside(span: Span | Token, line: Span) -> bool:
    """Whether `span` lies within `line`."""
    start, end = (span.i, span.i + 1) if isinstance(span, Token) else (span.start, span.end)
    return line.start <= start and end <= line.end
