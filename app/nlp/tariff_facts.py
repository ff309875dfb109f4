"""The tariff-facts suggester: each tariff mention (trigger) with who imposes it on whom,
on what products, at what rate and when, and the action taken.

The rules walk the dependency parse and match words from the lexicon
(resources/lexicon/); they do real work only at the few tokens that name a tariff, so
their cost stays small next to the pipeline's. This module finds the mentions and
their clauses; tariff_parties, tariff_goods, tariff_rates_dates and tariff_actions
read the roles and the action off them. Scores are None: the rules have no
calibrated ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from app.core.normalise import FactValues, attributes_of, date_value, hs_code, rate_value
from app.core.schema import FrameType, Role, Schema
from app.nlp.doc_info import DocInfo, inside
from app.nlp.frame_building import fill, frame, frame_type_with
from app.nlp.grammar import Chain, is_verb, match, negated, subject
from app.nlp.lexicon import Lexicon
from app.nlp.registry import suggesters
from app.nlp.tariff_actions import action
from app.nlp.tariff_goods import LIST_SEPARATORS, goods, goods_heads, origins
from app.nlp.tariff_parties import Party, parties, unique_codes
from app.nlp.tariff_rates_dates import date_spans, nearest, rate_spans
from app.nlp.types import FrameSuggestion, SpanSuggestion, Suggestions

# Links a tariff mention climbs to reach the clause it belongs to: prepositions and their
# objects, coordination, objects and subjects, and the non-finite verbs that borrow
# their subject from the verb above ("in imposing a tariff", "plans to impose tariffs").
_CLIMB = frozenset(
    "pobj prep agent pcomp conj appos dobj dative attr oprd nsubj nsubjpass "
    "xcomp advcl acomp compound npadvmod acl".split()
)
# Prepositions that tie a mention to the verb above ("retaliated with tariffs", "in
# imposing", "exempted ... from the tariffs"); others start an adjunct whose verb is
# about something else ("vows to protect interests after the tariff threat").
_CLIMB_PREPOSITIONS = ("with", "including", "in", "by", "from", "of")
_TOPIC_PREPOSITIONS = ("about", "over")  # "rhetoric about tariffs": talk of tariffs, no fact
_HYPOTHETICAL = ("would", "could", "might", "may")
_RATE_CHANGES = ("raised", "reduced", "removed")  # "the tariff would fall to 15 percent" is news, not a guess
_ROLES = ("imposer", "target", "product", "rate", "date", "trigger")


@suggesters.register("tariff_facts.v1")
def suggest_tariff_facts(doc: Doc, schema: Schema, lexicon: Lexicon) -> Suggestions:
    """Tariff facts: each tariff mention (trigger) with who imposes it (imposer) on whom
    (target), on what (products), at what rate and when, and the action taken.

    Imposers and targets are the countries and blocs named for them (a president, a
    ministry or a capital stands for its country; a company for none); products only
    goods (app.core.normalise.is_good), split on lists; the normalised values go in the
    frame's attributes. A mention in a negated or hedged clause, on a line of page
    furniture, or with neither imposer nor target, gives none."""
    frame_type = frame_type_with(schema, "tariff_fact", _ROLES)
    if frame_type is None:
        return Suggestions()
    triggers = [t for token in doc if (t := _trigger(token, lexicon)) is not None]
    if not triggers:
        return Suggestions()
    info = DocInfo(doc, schema, lexicon)
    info.triggers = {i for t in triggers for i in range(t.start, t.end)}
    frames = []
    for trigger in triggers:
        if info.furniture(trigger.root):
            continue
        clause = _clause(trigger, info)
        found = _tariff_fact(clause, frame_type, info) if clause is not None else None
        if found is not None:
            frames.append(found)
    return Suggestions.of_frames(frames)


def _trigger(token: Token, lexicon: Lexicon) -> Span | None:
    """The tariff mention headed by `token`, widened to a lexicon prefix before it
    ("countervailing duties", "anti-dumping duty"), or None."""
    if token.pos_ not in ("NOUN", "PROPN"):
        return None
    lemma = token.lemma_.lower()
    if lemma not in lexicon.tariff_triggers and lemma not in lexicon.trigger_prefixes and token.lower_.endswith("xes"):
        lemma = token.lower_[:-2]  # the small model lemmatises "taxes" as "taxis"
    doc, i = token.doc, token.i
    prefixes = lexicon.trigger_prefixes.get(lemma, frozenset())
    for size in (1, 2, 3) if prefixes else ():  # "anti-dumping" is three tokens
        if size <= i and " ".join(doc[i - size : i].text.lower().split()) in prefixes:
            return doc[i - size : i + 1]
    return doc[i : i + 1] if lemma in lexicon.tariff_triggers else None


@dataclass(frozen=True)
class _Clause:
    """A tariff mention in its clause: the measure noun, the chain up to its verb, and the
    clauses the measure itself heads ("tariffs imposed by Ottawa", "tariffs that Canada imposed")."""

    trigger: Span
    measure: Token
    line: Span
    chain: Chain
    clauses: list[Token]

    @property
    def verbs(self) -> list[Token]:
        return [t for t, _ in self.chain if is_verb(t)] + self.clauses


def _clause(trigger: Span, info: DocInfo) -> _Clause | None:
    """The clause of the measure `trigger` names, or None if it states no fact: talk about
    tariffs, a measure listed under another one, a negated or hedged clause, or a clause
    saying what a tariff would do."""
    lexicon = info.lexicon
    measure = _measure(trigger.root, lexicon)
    if measure is None or (measure.dep_ == "pobj" and measure.head.lower_ in _TOPIC_PREPOSITIONS):
        return None
    if any(p.dep_ == "prep" and p.lower_ in LIST_SEPARATORS and any(o.i in info.triggers for o in p.children)
           for p in measure.children):
        return None  # "countermeasures, including tariffs on ...": the tariffs are the fact
    line = info.line(trigger.root)
    chain = _clause_chain(measure, line, lexicon)
    clauses = [c for c in measure.children if c.dep_ in ("acl", "relcl") and is_verb(c)]
    if any(negated(t, lexicon) for t in [measure, *(t for t, _ in chain), *clauses]):
        return None
    if chain and chain[-1][1] == "nsubj" and _hypothetical(chain[-1][0], lexicon):
        return None  # "a tariff on crude oil would push up prices": what a tariff would do
    return _Clause(trigger, measure, line, chain, clauses)


def _tariff_fact(clause: _Clause, frame_type: FrameType, info: DocInfo) -> FrameSuggestion | None:
    """The tariff fact a mention's clause states, or None if it names neither imposer nor target."""
    roles, lexicon = frame_type.roles, info.lexicon
    trigger, measure, chain, verbs = clause.trigger, clause.measure, clause.chain, clause.verbs
    acted = action(trigger.root, measure, chain, verbs, lexicon, frame_type, info.triggers)
    # Any action word up the clause makes its subject the imposer ("Trump ramps up
    # pressure, including tariffs"), even one that says what happened to something else;
    # one in a clause on the measure only that clause's ("avoided the tariffs that hit China").
    acting = any(match(lexicon.actions, t) for t, _ in chain) or (
        action(trigger.root, measure, chain, [], lexicon, frame_type, info.triggers) is not None)
    imposer, target = parties(measure, chain, clause.clauses, info, roles, acting=acting,
                              clause_acting=acted is not None)
    products, target = _products(clause, info, roles, target)
    imposed_by = {code for _, code in imposer}
    target = unique_codes([t for t in target if t[1] not in imposed_by])  # export duties hit no one else
    rate = nearest(trigger, rate_spans(measure, verbs, info, roles["rate"].labels))
    date = nearest(trigger, date_spans(measure, chain, verbs, info, roles["date"].labels))
    found = frame(
        frame_type,
        clause.line,
        imposer=[s for s, _ in imposer[:1]],
        target=[s for s, _ in (target if roles["target"].multiple else target[:1])],
        product=products,
        rate=[fill(rate, roles["rate"]) if rate is not None else None],
        date=[fill(date, roles["date"]) if date is not None else None],
        trigger=[fill(trigger, roles["trigger"])],
        action=acted,
    )
    if "imposer" not in found.roles and "target" not in found.roles:
        return None
    products_text = [info.text[s.start : s.end] for s in found.roles.get("product", ())]
    values = FactValues(
        imposer=tuple(code for _, code in imposer[:1]),
        target=tuple(code for _, code in target),
        products=tuple((t, hs_code(t) or "") for t in products_text),
        rate=rate_value(rate.text) if rate is not None else None,
        date=date_value(date.text) if date is not None else None,  # relative ones: app.core.suggesting
    )
    found.attributes.update(attributes_of(values))
    return found


def _products(
    clause: _Clause, info: DocInfo, roles: dict[str, Role], target: list[Party]
) -> tuple[list[SpanSuggestion], list[Party]]:
    """(products, targets): the goods the measure hits, and `target` or else where those
    goods come from ("imposed tariffs on steel from the EU")."""
    products: list[SpanSuggestion] = []
    from_goods: list[Party] = []
    for head in goods_heads(clause.measure, clause.trigger, clause.chain, clause.verbs, info):
        found, origin = goods(head, info, roles)
        products += found
        from_goods += origin
    target = target or from_goods
    for verb in clause.verbs:
        target = target or origins(verb, clause.trigger, info, roles["target"])
    return products, target


def _hypothetical(verb: Token, lexicon: Lexicon) -> bool:
    """Whether a clause the measure is the subject of says what it would do ("would push
    up prices", "could hurt farmers"), not what happens to it ("would fall to 15 percent")."""
    if not any(c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL for c in verb.children):
        return False
    entry = match(lexicon.actions, verb)
    changes_it = entry is not None and lexicon.actions.get(entry) in _RATE_CHANGES
    return not changes_it or any(c.dep_ == "dobj" for c in verb.children)


def _measure(head: Token, lexicon: Lexicon) -> Token | None:
    """The noun that stands for the measure. A trigger that only modifies another noun
    names one if that noun is an action ("tariff hike", "tariff threat"), not otherwise
    ("tariff policy", "tariff war")."""
    if head.dep_ != "compound":
        return head
    return head.head if match(lexicon.actions, head.head) else None


def _clause_chain(measure: Token, line: Span, lexicon: Lexicon) -> Chain:
    """(token, dependency it was reached by) from the measure up to the verb whose subject
    governs it, within its line, prepositions left out. The last entry is that verb, if
    it was reached. A verb the measure is the agent of ("tensions inflamed by tariffs")
    or a coordinated verb ("... and imposed a tariff") ends it too; a measure
    coordinated with another phrase climbs past any preposition above that phrase
    ("raised the tariff on steel to 25 percent and the duty on cars to 100 percent"), as
    does one under an action noun ("its pause on higher tariffs")."""
    chain = []
    token = measure
    coordinated = False
    while token.dep_ in _CLIMB and token.head.i != token.i and inside(token.head, line):
        dep, token = token.dep_, token.head
        coordinated = coordinated or dep == "conj"
        if token.dep_ in ("prep", "agent"):
            entry = match(lexicon.actions, token.head)
            answered = entry is not None and lexicon.actions[entry] == "retaliated"  # "in response to US tariffs"
            if token.lower_ not in _CLIMB_PREPOSITIONS and not coordinated and (entry is None or answered):
                break
            continue
        chain.append((token, dep))
        if is_verb(token) and (subject(token) is not None or dep == "agent" or token.dep_ == "conj"):
            break
    return chain
