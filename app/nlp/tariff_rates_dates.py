"""At what rate and from when: the rate and date entities a tariff measure's clause states."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Span, Token

from app.core.normalise import date_value, rate_value
from app.nlp.doc_info import DocInfo
from app.nlp.grammar import Chain

_RATE_PREPOSITIONS = ("to", "by", "at", "of", "from")  # "hikes tariffs to 100%", "tariffs of 25%", "from 10 to 25%"
# Clauses that say when a measure starts: "to take effect on August 1", "comes into force in May".
_START_VERBS = ("take", "come", "kick", "start", "begin", "enter", "apply")
_ANY_DAY = "2000-01-03"  # a date to tell dates (resolvable against one) from durations


def rate_spans(measure: Token, verbs: list[Token], info: DocInfo, labels: Iterable[str]) -> list[Span]:
    """Rates in the measure's phrase ("25 percent tariffs", "tariffs of 25%") or a
    "to/by/at/of" phrase of its verbs ("hikes tariffs to 100%"); an amount widened to its
    currency sign and unit ("$0.50 per kilogram") and kept only if it is a rate (not
    "$30 billion" of goods)."""
    own = [t for t in measure.subtree if not _under_other(t, measure, info)]
    found = _rates(own, info, labels)
    if not found:
        tokens = [t for verb in verbs for prep in verb.children
                  if prep.dep_ == "prep" and prep.lower_ in _RATE_PREPOSITIONS for t in prep.subtree]
        tokens += [t for verb in verbs if measure.dep_ == "nsubj" and measure.head == verb  # "tariffs average 100%"
                   for c in verb.children if c.dep_ in ("dobj", "attr") for t in c.subtree]
        found = _rates([t for t in tokens if info.last_mention_before(t) in (measure.i, None)], info, labels)
    return found


def _rates(tokens: list[Token], info: DocInfo, labels: Iterable[str]) -> list[Span]:
    """The rate entities among `tokens`, widened to a currency sign and unit, not those
    a rate changed from ("from 10 percent to 25 percent")."""
    doc, found = info.doc, []
    for entity in {e for t in tokens if (e := info.at(t)) is not None and e[1] in labels}:
        start, end = entity[0].start, entity[0].end
        if start > 0 and doc[start - 1].tag_ == "$":
            start -= 1
        if end + 1 < len(doc) and doc[end].lower_ in ("per", "a", "an", "/") and doc[end + 1].pos_ == "NOUN":
            end += 2
        changed_from = entity[0].root.head.lower_ == "from" and not any(t.lower_ == "to" for t in entity[0])
        if not changed_from and rate_value(doc[start:end].text) is not None:
            found.append(doc[start:end])
    return found


def _under_other(token: Token, measure: Token, info: DocInfo) -> bool:
    """Whether `token` is in the phrase of another tariff mention below `measure`."""
    return any(a.i in info.triggers for a in token.ancestors if a.i != measure.i and measure in a.ancestors) or (
        token.i in info.triggers and token.i != measure.i)


def date_spans(measure: Token, chain: Chain, verbs: list[Token], info: DocInfo, labels: Iterable[str]) -> list[Span]:
    """Dates in a clause saying when the measure starts ("..., starting April 3", "to
    take effect on August 1"); else in the measure's phrase, above it ("in 2024 when
    Canada ... imposed"), or a modifier of a verb in its clause ("imposed ... in 2017",
    "on Monday"). Not durations ("for one month")."""
    holders = [*(t for t, _ in chain), *verbs]
    starts = [c for h in [measure, *holders] for c in h.children
              if c.dep_ in ("advcl", "xcomp", "relcl", "acl") and c.lemma_.lower() in _START_VERBS]
    found: list[Span] = []
    for tokens in (_modifiers(starts), [*measure.subtree, *measure.ancestors, *_modifiers(holders)]):
        entities = {e[0] for t in tokens if (e := info.at(t)) is not None and e[1] in labels
                    and info.last_mention_before(t) in (measure.i, None)}
        found = [e for e in entities if date_value(e.text, _ANY_DAY) is not None]
        if found:  # when it starts, rather than when it was announced
            break
    return found


def _modifiers(holders: list[Token]) -> list[Token]:
    """The prepositional and noun-phrase modifiers of `holders`, with their children."""
    return [t for h in holders for c in h.children if c.dep_ in ("prep", "npadvmod") for t in (c, *c.children)]


def nearest(trigger: Span, spans: list[Span]) -> Span | None:
    """The span nearest the trigger."""
    return min(spans, key=lambda s: abs(s.start - trigger.start), default=None)
