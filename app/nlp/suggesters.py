"""The built-in suggesters: entities, claims and tariff facts, read off spaCy's parse.

The rules walk the dependency parse (ClearNLP labels, as in spaCy's English pipelines)
and match words from the lexicon (resources/lexicon/). Each suggester scans the doc
once and does real work only at the few tokens that match a lexicon word, so its cost
stays small next to the pipeline's.

Scores are None throughout: the small pipeline gives no NER confidences and the rules
have no calibrated ones.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

import numpy
from spacy.tokens import Doc, Span, Token

from app.core.normalise import (
    FactValues, attributes_of, country_codes, country_mentions, date_value, hs_code, is_good, rate_value,
)
from app.core.schema import FrameType, Role, Schema
from app.nlp.lexicon import Lexicon
from app.nlp.registry import suggesters
from app.nlp.types import FrameSuggestion, SpanSuggestion, Suggestions

# -- entities -----------------------------------------------------------------------


@suggesters.register("entities.v1")
def suggest_entities(doc: Doc, schema: Schema, lexicon: Lexicon) -> Suggestions:
    """The pipeline's entities under their schema labels (Schema.model_labels); unmapped ones
    dropped. A pipeline with a span categorizer (trained by NewsGloss) adds its scored spans."""
    model_labels = schema.model_labels()
    spans = []
    group = doc.spans.get("sc")
    if group is not None:  # first, so that a scored span wins over the same entity unscored
        scores = group.attrs.get("scores")
        for i, span in enumerate(group):
            if span.label_ in model_labels:
                score = None if scores is None else round(float(scores[i]), 4)
                spans.append(SpanSuggestion(span.start_char, span.end_char, model_labels[span.label_], score))
    spans += [SpanSuggestion(ent.start_char, ent.end_char, model_labels[ent.label_])
              for ent in doc.ents if ent.label_ in model_labels]
    return Suggestions(tuple(spans)).merge()  # merge sorts and de-duplicates


# -- claims -------------------------------------------------------------------------


@suggesters.register("claims.v1")
def suggest_claims(doc: Doc, schema: Schema, lexicon: Lexicon) -> Suggestions:
    """Claims: a reporting verb (cue), who it attributes the claim to (claimant) and what
    is claimed (content). A negated cue ("did not say") gives none."""
    frame_type = _frame_type(schema, "claim", ("claimant", "cue", "content"))
    if frame_type is None:
        return Suggestions()
    roles = frame_type.roles
    info: _DocInfo | None = None
    frames = []
    for verb in doc:
        if verb.pos_ != "VERB" or not _match(lexicon.reporting_verbs, verb) or _has_neg(verb):
            continue
        speaker = _speaker(verb, lexicon)
        if speaker is None:
            continue
        info = info or _DocInfo(doc, schema)
        line = info.line(verb)
        content = _content(verb, speaker, line)
        if content is None or not (_inside(speaker, line) and _inside(content, line)):
            continue
        # The claimant is the whole phrase ("the state-owned China Daily"); its label that
        # of the entity it is or contains, the head's first.
        found = info.within(speaker.start, speaker.end)
        found.sort(key=lambda e: not (e[0].start <= speaker.root.i < e[0].end))
        claimant = _fill(speaker, roles["claimant"], [label for _, label in found] + ["ORG"])
        frames.append(
            _frame(
                frame_type,
                line,
                claimant=[claimant],
                cue=[_fill(doc[verb.i : verb.i + 1], roles["cue"])],
                content=[_fill(content, roles["content"])],
            )
        )
    return Suggestions.of_frames(frames)


def _speaker(verb: Token, lexicon: Lexicon) -> Span | None:
    """Whom a reporting verb attributes the claim to: the agent of a passive, else its
    subject; for a participle or conjunct with neither ("..., saying ...", "... and
    warned ..."), the subject of the clause it hangs off. Most pronouns need
    coreference: they give None (see _antecedent)."""
    while True:
        for child in verb.children:
            if child.dep_ == "agent":
                return next((_noun_phrase(c) for c in child.children if c.dep_ == "pobj"), None)
        subject = _subject(verb, ("nsubj",))
        if subject is not None:
            noun = _antecedent(subject, lexicon)
            return _noun_phrase(noun) if noun is not None else None
        if verb.dep_ == "conj" or (verb.dep_ == "advcl" and verb.tag_ == "VBG"):
            verb = verb.head
        else:
            return None


def _content(verb: Token, speaker: Span, line: Span) -> Span | None:
    """What a reporting verb reports: its clausal complement ("argued that ...", "urged
    Ottawa to ..."), else a quotation next to it. `line` holds the verb."""
    clauses = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp")]
    clauses.sort(key=lambda c: c.dep_ != "ccomp")
    if clauses:
        return _trim(verb.doc[clauses[0].left_edge.i : clauses[0].right_edge.i + 1], line)
    return _adjacent_quote(verb, speaker, line)


def _adjacent_quote(verb: Token, speaker: Span, line: Span) -> Span | None:
    """A quotation right after the cue ('said: "..."') or right before the speaker and
    cue ('"...," the ministry said'). Marks pair up in order within the line."""
    marks = [t.i for t in line if t.is_quote]
    for open_i, close_i in zip(marks[::2], marks[1::2]):
        before = 0 < min(verb.i, speaker.start) - close_i <= 2
        after = 0 < open_i - verb.i <= 2
        if before or after:
            return _trim(verb.doc[open_i + 1 : close_i], line)
    return None


def _trim(span: Span, line: Span) -> Span | None:
    """`span` without edge punctuation or a leading "that", widened again (within `line`)
    to the partner of a quotation mark it leaves unpaired (a quote that runs past the
    clause)."""
    doc, start, end = span.doc, span.start, span.end
    while start < end and (doc[start].is_punct or _is_that(doc[start])):
        start += 1
    while end > start and doc[end - 1].is_punct:
        end -= 1
    if start == end:
        return None
    texts = [t.text for t in doc[start:end]]
    if texts.count("“") > texts.count("”") or texts.count('"') % 2:
        mark = "”" if texts.count("“") > texts.count("”") else '"'
        end = next((t.i + 1 for t in doc[end : line.end] if t.text == mark), end)
    elif texts.count("”") > texts.count("“"):
        start = next((t.i for t in reversed(doc[line.start : start]) if t.text == "“"), start)
    return doc[start:end]


# -- tariff facts -------------------------------------------------------------------

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
# "tariffs on Chinese steel", "duties against Canada", "apply tariffs to US products"
_GOODS_PREPOSITIONS = ("on", "against", "to")
_RATE_PREPOSITIONS = ("to", "by", "at", "of", "from")  # "hikes tariffs to 100%", "tariffs of 25%", "from 10 to 25%"
# Words that split a list of goods or countries: "steel, aluminium and copper", "goods,
# including canola", "four kinds of goods: ...", "such as pork".
_LIST_SEPARATORS = frozenset(", ; : and or & plus including like as such".split())
# Clauses and phrases on a good that tell where it comes from: "steel from Brazil",
# "manufacturers in Canada", "cars made in China", "steel made by Chinese firms".
_ORIGIN_PREPOSITIONS = ("from", "in")
_ORIGIN_VERBS = ("make", "produce", "manufacture", "build", "grow", "ship", "export", "import", "assemble")
# Entity labels (spaCy's) of words that lead a goods phrase without naming the good:
# "$30 billion worth of", "Tesla cars", "the 2018 steel tariffs".
_NOT_GOODS_ENTITIES = frozenset("MONEY CARDINAL PERCENT QUANTITY DATE TIME ORG PERSON GPE NORP ORDINAL".split())
_SELF_NOUNS = ("country", "government", "nation", "administration", "bloc")  # "the country was considering duties"
# Clauses on a measure's verb that name what it hits: "..., hitting products such as boats".
_HITTING_VERBS = ("hit", "target", "cover", "affect", "include")
_HYPOTHETICAL = ("would", "could", "might", "may")
_RATE_CHANGES = ("raised", "reduced", "removed")  # "the tariff would fall to 15 percent" is news, not a guess
# Clauses that say when a measure starts: "to take effect on August 1", "comes into force in May".
_START_VERBS = ("take", "come", "kick", "start", "begin", "enter", "apply")
_QUANTIFIERS = frozenset("all some most many more other certain various additional new such imported foreign".split())


@suggesters.register("tariff_facts.v1")
def suggest_tariff_facts(doc: Doc, schema: Schema, lexicon: Lexicon) -> Suggestions:
    """Tariff facts: each tariff mention (trigger) with who imposes it (imposer) on whom
    (target), on what (products), at what rate and when, and the action taken.

    Imposers and targets are the countries and blocs named for them (a president, a
    ministry or a capital stands for its country; a company for none); products only
    goods (app.core.normalise.is_good), split on lists; the normalised values go in the
    frame's attributes. A mention in a negated or hedged clause, on a line of page
    furniture, or with neither imposer nor target, gives none."""
    roles = ("imposer", "target", "product", "rate", "date", "trigger")
    frame_type = _frame_type(schema, "tariff_fact", roles)
    if frame_type is None:
        return Suggestions()
    triggers = [t for token in doc if (t := _trigger(token, lexicon)) is not None]
    if not triggers:
        return Suggestions()
    info = _DocInfo(doc, schema, lexicon)
    info.triggers = {i for t in triggers for i in range(t.start, t.end)}
    frames = []
    for trigger in triggers:
        if info.furniture(trigger.root):
            continue
        frame = _tariff_fact(trigger, frame_type, info, lexicon)
        if frame is not None:
            frames.append(frame)
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
    prefixes = lexicon.trigger_prefixes.get(lemma)
    for size in (1, 2, 3) if prefixes else ():  # "anti-dumping" is three tokens
        if size <= i and " ".join(doc[i - size : i].text.lower().split()) in prefixes:
            return doc[i - size : i + 1]
    return doc[i : i + 1] if lemma in lexicon.tariff_triggers else None


def _tariff_fact(
    trigger: Span, frame_type: FrameType, info: _DocInfo, lexicon: Lexicon
) -> FrameSuggestion | None:
    """The tariff fact `trigger` states, or None."""
    roles = frame_type.roles
    measure = _measure(trigger.root, lexicon)
    if measure is None or (measure.dep_ == "pobj" and measure.head.lower_ in _TOPIC_PREPOSITIONS):
        return None
    if any(p.dep_ == "prep" and p.lower_ in _LIST_SEPARATORS and any(o.i in info.triggers for o in p.children)
           for p in measure.children):
        return None  # "countermeasures, including tariffs on ...": the tariffs are the fact
    line = info.line(trigger.root)
    chain = _clause_chain(measure, line, lexicon)
    # Clauses the measure itself heads: "tariffs imposed by Ottawa", "tariffs that Canada imposed".
    clauses = [c for c in measure.children if c.dep_ in ("acl", "relcl") and _is_verb(c)]
    if any(_negated(t, lexicon) for t in [measure, *(t for t, _ in chain), *clauses]):
        return None
    if chain and chain[-1][1] == "nsubj" and _hypothetical(chain[-1][0], lexicon):
        return None  # "a tariff on crude oil would push up prices": what a tariff would do
    verbs = [t for t, _ in chain if _is_verb(t)] + clauses

    action = _action(trigger.root, measure, chain, verbs, lexicon, frame_type, info.triggers)
    # Any action word up the clause makes its subject the imposer ("Trump ramps up
    # pressure, including tariffs"), even one that says what happened to something else;
    # one in a clause on the measure only that clause's ("avoided the tariffs that hit China").
    acting = any(_match(lexicon.actions, t) for t, _ in chain) or (
        _action(trigger.root, measure, chain, [], lexicon, frame_type, info.triggers) is not None)
    imposer, target = _parties(measure, chain, clauses, info, roles, lexicon, acting=acting,
                               clause_acting=action is not None)
    products, origins = [], []
    for head in _goods_heads(measure, trigger, chain, verbs, info):
        goods, origin = _goods(head, info, roles)
        products += goods
        origins += origin
    target = target or origins
    for verb in verbs:  # "imposed tariffs on steel from the EU"
        target = target or _origins(verb, trigger, info, roles["target"])
    imposed_by = {code for _, code in imposer}
    target = _unique_codes([t for t in target if t[1] not in imposed_by])  # export duties hit no one else
    rate = _nearest(trigger, _rate_spans(measure, verbs, info, roles["rate"].labels))
    date = _nearest(trigger, _date_spans(measure, chain, verbs, info, roles["date"].labels))
    several = roles["target"].multiple
    frame = _frame(
        frame_type,
        line,
        imposer=[s for s, _ in imposer[:1]],
        target=[s for s, _ in (target if several else target[:1])],
        product=products,
        rate=[rate and _fill(rate, roles["rate"])],
        date=[date and _fill(date, roles["date"])],
        trigger=[_fill(trigger, roles["trigger"])],
        action=action,
    )
    if "imposer" not in frame.roles and "target" not in frame.roles:
        return None
    products_text = [info.text[s.start : s.end] for s in frame.roles.get("product", ())]
    values = FactValues(
        imposer=tuple(code for _, code in imposer[:1]),
        target=tuple(code for _, code in target),
        products=tuple((t, hs_code(t) or "") for t in products_text),
        rate=rate_value(rate.text) if rate is not None else None,
        date=date_value(date.text) if date is not None else None,  # relative ones: app.core.suggesting
    )
    frame.attributes.update(attributes_of(values))
    return frame


def _hypothetical(verb: Token, lexicon: Lexicon) -> bool:
    """Whether a clause the measure is the subject of says what it would do ("would push
    up prices", "could hurt farmers"), not what happens to it ("would fall to 15 percent")."""
    if not any(c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL for c in verb.children):
        return False
    changes_it = lexicon.actions.get(_match(lexicon.actions, verb)) in _RATE_CHANGES
    return not changes_it or any(c.dep_ == "dobj" for c in verb.children)


def _measure(head: Token, lexicon: Lexicon) -> Token | None:
    """The noun that stands for the measure. A trigger that only modifies another noun
    names one if that noun is an action ("tariff hike", "tariff threat"), not otherwise
    ("tariff policy", "tariff war")."""
    if head.dep_ != "compound":
        return head
    return head.head if _match(lexicon.actions, head.head) else None


def _clause_chain(measure: Token, line: Span, lexicon: Lexicon) -> list[tuple[Token, str]]:
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
    while token.dep_ in _CLIMB and token.head.i != token.i and _inside(token.head, line):
        dep, token = token.dep_, token.head
        coordinated = coordinated or dep == "conj"
        if token.dep_ in ("prep", "agent"):
            action = _match(lexicon.actions, token.head)
            answered = action is not None and lexicon.actions[action] == "retaliated"  # "in response to US tariffs"
            if token.lower_ not in _CLIMB_PREPOSITIONS and not coordinated and (action is None or answered):
                break
            continue
        chain.append((token, dep))
        if _is_verb(token) and (_subject(token) is not None or dep == "agent" or token.dep_ == "conj"):
            break
    return chain


def _parties(
    measure: Token,
    chain: list[tuple[Token, str]],
    clauses: list[Token],
    info: _DocInfo,
    roles: dict[str, Role],
    lexicon: Lexicon,
    acting: bool,
    clause_acting: bool,
) -> tuple[list[tuple[SpanSuggestion, str]], list[tuple[SpanSuggestion, str]]]:
    """(imposer, targets) as (filler, country code) from who the measure belongs to: a
    possessor or modifier ("Ottawa's tariffs", "US tariffs", "tariffs from Washington");
    if an action word says something is done to it (`acting`), the agent or subject of
    a clause on it ("tariffs imposed by ...") or of its own clause ("Canada imposed
    tariffs"), not of any verb ("economists criticised the tariffs"). The subject of a
    verb like "face", of a passive ("Canada was exempted from the tariffs"), or of a
    passive the measure is the agent of ("farmers were hit by tariffs"), bears the
    tariff: it is the target. A party is the country or bloc its phrase names ("The bill
    passed by the US Senate" is the United States), none if it names none."""
    imposer_role, target_role = roles["imposer"], roles["target"]
    doc = measure.doc
    imposer = _countries(doc[measure.left_edge.i : measure.i], info, imposer_role)[:1]
    for prep in measure.rights:  # "tariffs by the United States", "tariffs from Washington"
        if not imposer and prep.dep_ == "prep" and prep.lower_ in ("by", "from"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                imposer = _countries(_subtree(obj), info, imposer_role)[:1]
    below = measure
    for noun, arrived_by in chain:  # "Washington's increase in duties", "China's decision to lift tariffs"
        infinitive = arrived_by == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in below.children)
        below = noun
        if not imposer and noun.pos_ == "NOUN" and (_match(lexicon.actions, noun) or infinitive):
            imposer = _countries(doc[noun.left_edge.i : noun.i], info, imposer_role)[:1]
    hit = []
    for verb in clauses:
        subject = _subject(verb)
        if subject is not None and subject.tag_ in ("WDT", "WP"):  # "the tariffs that hit China"
            hit += [c for o in verb.children if o.dep_ == "dobj" for c in _countries(_subtree(o), info, target_role)]
        elif not imposer and clause_acting:
            party = _agent(verb) or _antecedent(subject, lexicon)
            if party is not None:
                imposer = _countries(_subtree(party), info, imposer_role)[:1]
    if not chain or not _is_verb(chain[-1][0]):
        return imposer, hit
    verb, arrived_by = chain[-1]
    if arrived_by in ("nsubj", "csubj"):  # the clause says something about the measure
        return imposer, hit
    if arrived_by == "nsubjpass":  # "Tariffs ... were imposed ... by the United States"
        party, bears = _agent(verb), False
    else:
        subject = _subject(verb)
        if subject is None and verb.dep_ == "conj":  # "... and imposed a 25 percent tariff"
            subject = _subject(verb.head)
        party = _antecedent(subject, lexicon)
        bears = (
            arrived_by == "agent"
            or _bears(chain, lexicon)
            or (subject is not None and subject.dep_ == "nsubjpass" and arrived_by == "prep")
        )
    if party is None:
        return imposer, hit
    if bears:
        for prep in [*verb.children, *measure.children]:  # "pay duties to the United States"
            if not imposer and prep.dep_ == "prep" and prep.lower_ == "to":
                imposer = [c for o in prep.children if o.dep_ == "pobj"
                           for c in _countries(_subtree(o), info, imposer_role)][:1]
        return imposer, _countries(_subtree(party), info, target_role)
    if not imposer and acting:
        imposer = _countries(_subtree(party), info, imposer_role)[:1] or _reporters(party, info, imposer_role, lexicon)
    return imposer, hit


def _bears(chain: list[tuple[Token, str]], lexicon: Lexicon) -> bool:
    """Whether the subject of the measure's clause bears it: "exporters face tariffs",
    "imports are subject to a duty"."""
    verb = chain[-1][0]
    return _match(lexicon.affected_verbs, verb) is not None or any(t.lemma_.lower() == "subject" for t, _ in chain)


def _reporters(noun: Token, info: _DocInfo, role: Role, lexicon: Lexicon) -> list[tuple[SpanSuggestion, str]]:
    """The country of whoever reports a clause whose subject is "her government", "its
    ministry" or "the country": "Mexican President Claudia Sheinbaum said her government
    was preparing tariffs" -> Mexico."""
    standing_for = any(c.dep_ == "poss" and c.pos_ == "PRON" for c in noun.children) or (
        noun.lemma_.lower() in _SELF_NOUNS and any(c.lower_ == "the" for c in noun.children))
    if not standing_for or noun.head.dep_ != "ccomp":
        return []
    said = noun.head.head
    reporter = _subject(said, ("nsubj",)) if _match(lexicon.reporting_verbs, said) else None
    return _countries(_subtree(reporter), info, role)[:1] if reporter is not None else []


def _goods_heads(
    measure: Token, trigger: Span, chain: list[tuple[Token, str]], verbs: list[Token], info: _DocInfo
) -> list[Token]:
    """Heads of the phrases naming what the measure hits: objects of "on"/"against"/"to"
    on the measure, on its "of" phrase ("duties of 10 percent on ..."), or on its verbs;
    a plain noun modifying the trigger ("steel tariffs"); and what is spared from it or
    hit with it ("exempted soybeans from the tariffs", "slapped Canadian steel with
    tariffs")."""
    holders = [measure, *verbs]
    holders += [o for p in measure.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
    # "tariffs on US goods, including bourbon", with "including" hung on the tariffs
    listed = [o for p in measure.children if p.dep_ == "prep" and p.lower_ in _LIST_SEPARATORS
              for o in p.children if o.dep_ == "pobj" and o.i not in info.triggers]
    # "tariffs of 15 percent on coal and gas", parsed with "gas" coordinated with "percent"
    stray = [c for h in holders[len(verbs) + 1 :] for c in h.children
             if c.dep_ == "conj" and c.pos_ == "NOUN" and info.at(c) is None and c.i not in info.triggers]
    heads = stray + listed + [
        obj
        for holder in holders
        for prep in holder.children
        if prep.dep_ == "prep" and prep.lower_ in _GOODS_PREPOSITIONS
        for obj in prep.children
        if obj.dep_ == "pobj" and obj.i not in info.triggers
        and (holder not in verbs or _last_mention_before(obj, info) in (measure.i, None))
    ]
    heads += [c for c in trigger.root.lefts if c.dep_ in ("compound", "nmod") and c.pos_ == "NOUN"
              and c.i not in info.triggers]
    hitting = [c for v in verbs for c in v.children if c.dep_ in ("advcl", "xcomp")]
    hitting += [c for c in measure.children if c.dep_ in ("acl", "relcl")]
    heads += [o for c in hitting if c.lemma_.lower() in _HITTING_VERBS for o in c.children if o.dep_ == "dobj"]
    if chain and _is_verb(chain[-1][0]) and _bears(chain, info.lexicon):
        bearer = _subject(chain[-1][0])  # "exporters of citrus face tariffs", "lumber producers pay duties"
        heads += [o for p in (bearer.children if bearer is not None else ()) if p.lower_ == "of"
                  for o in p.children if o.dep_ == "pobj"]
        heads += [c for c in (bearer.lefts if bearer is not None else ()) if c.dep_ == "compound" and c.pos_ == "NOUN"]
        heads += [bearer] if bearer is not None and bearer.pos_ == "NOUN" else []  # "Brazilian coffee faces ..."
    if trigger.root.head.lower_ in ("from", "with") and chain:  # the object before it
        hit = chain[0][0]
        if _is_verb(hit):
            hit = next((c for c in hit.children if c.dep_ == "dobj"), None)
        if hit is not None and hit.pos_ in ("NOUN", "PROPN") and hit.i not in info.triggers:
            heads.append(hit)
    return heads


def _goods(
    head: Token, info: _DocInfo, roles: dict[str, Role]
) -> tuple[list[SpanSuggestion], list[tuple[SpanSuggestion, str]]]:
    """(products, targets) in a goods phrase: its parts between list words ("Canadian
    goods, including canola, seafood and pork" -> canola, seafood, pork), each without
    its origin words, quantities and company names, kept if it is a good; the countries
    of origin its words or its "from"/"in"/"made in" phrases name are the targets."""
    target_role, product_role = roles["target"], roles["product"]
    doc = head.doc
    kept, cut = _list_region(head, info)
    targets = []
    products = []
    for part in _parts(doc, kept):
        targets += _countries(doc[part[0] : part[-1] + 1], info, target_role)
        product = _product(doc, part, info)
        if product is not None:
            products.append(_fill(product, product_role))
    for token in cut:
        targets += _origins(token, None, info, target_role)
    return products, targets


def _list_region(head: Token, info: _DocInfo) -> tuple[list[int], list[Token]]:
    """(token indices of the phrase `head` heads, with its lists, without clauses and
    prepositional phrases other than "of" and list words; the heads of those left out)."""
    kept, cut = [], []
    stack = [head]
    while stack:
        token = stack.pop()
        if (token.i in info.triggers and token is not head) or token.is_space:
            continue  # another measure's phrase; a line break the parser hung here
        kept.append(token.i)
        for child in token.children:
            if child.dep_ in ("relcl", "acl", "advcl", "ccomp") or (
                child.dep_ == "prep" and child.lower_ not in ("of", *_LIST_SEPARATORS)
            ):
                cut.append(child)
            else:
                stack.append(child)
    return sorted(kept), cut


def _parts(doc: Doc, indices: list[int]) -> list[list[int]]:
    """Runs of adjacent tokens between list words ("such as" and "as well as" too)."""
    parts, current = [], []
    for i in indices:
        if doc[i].lower_ in _LIST_SEPARATORS or (current and i != current[-1] + 1):
            if current:
                parts.append(current)
            current = [] if doc[i].lower_ in _LIST_SEPARATORS else [i]
        else:
            current.append(i)
    if current:
        parts.append(current)
    return parts


def _product(doc: Doc, part: list[int], info: _DocInfo) -> Span | None:
    """The good a list part names, without what leads it ("$30 billion worth of
    American goods" -> "goods", "all steel" -> "steel", "Tesla cars" -> "cars") and
    without a general word after it ("aluminium imports" -> "aluminium"); None if it
    names no good."""
    start, end = part[0], part[-1] + 1
    for i in range(start, end):  # "four kinds of Chinese goods" -> "Chinese goods"
        if doc[i].lower_ == "of" and i + 1 < end:
            start = i + 1
    while start < end:
        token, entity = doc[start], info.entity(doc[start])
        if (
            token.is_punct
            or token.dep_ in ("det", "poss", "case", "predet", "nummod", "quantmod")
            or token.like_num
            or token.lower_ in _QUANTIFIERS
            or (entity is not None and entity.label_ in _NOT_GOODS_ENTITIES)
            or (token.lemma_ == "make" and token.tag_ == "VBN")  # "Chinese-made"
            or country_codes(token.text)
        ):
            start += 1
        else:
            break
    if start >= end:
        return None
    span = doc[start:end]
    if is_good(span.text):
        return span
    if (end - start > 1 and doc[end - 1].lemma_.lower() in info.lexicon.generic_goods
            and hs_code(doc[start : end - 1].text, lexicon_only=True) is not None):
        return doc[start : end - 1]
    return None


def _origins(token: Token, trigger: Span | None, info: _DocInfo, role: Role) -> list[tuple[SpanSuggestion, str]]:
    """Countries a "from"/"in" phrase or a "made in"/"made by" clause under `token` names
    as where goods come from (not the measure itself: "exempted soybeans from the tariffs")."""
    found = []
    phrases = [token] if token.dep_ in ("prep", "acl") else list(token.children)
    for phrase in phrases:
        if phrase.dep_ == "prep" and phrase.lower_ in _ORIGIN_PREPOSITIONS:
            objects = [c for c in phrase.children if c.dep_ == "pobj"]
        elif phrase.dep_ == "acl" and phrase.lemma_.lower() in _ORIGIN_VERBS:
            objects = [o for p in phrase.children if p.dep_ in ("prep", "agent") for o in p.children if o.dep_ == "pobj"]
        else:
            continue
        for obj in objects:
            if trigger is None or not (trigger.start <= obj.i < trigger.end or obj.i in info.triggers):
                kept, _ = _list_region(obj, info)  # "from Canada and Mexico", not "from 150 percent ahead of ..."
                found += [c for run in _runs(kept) for c in _countries(obj.doc[run[0] : run[-1] + 1], info, role)]
    return _unique_codes(found)


def _runs(indices: list[int]) -> list[list[int]]:
    """Sorted token indices cut into runs of adjacent ones."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _countries(span: Span, info: _DocInfo, role: Role) -> list[tuple[SpanSuggestion, str]]:
    """(filler, code) for each country or bloc named in `span`, each once: the entity the
    name is in, under its label if the role takes it ("US President Donald Trump" -> US
    as GPE), else the name's words (NORP for an adjective, else the role's first label)."""
    found = []
    for start, end, code in country_mentions(span.text):
        words = info.doc.char_span(span.start_char + start, span.start_char + end, alignment_mode="expand")
        if words is None:
            continue
        entity = info.entity(words[0])
        if entity is not None and entity.end >= words.end and entity.start <= words.start:
            label = info.at(words[0])[1] if info.at(words[0]) else None
            found.append((_fill(entity, role, [label] if label else []), code))
        else:
            found.append((_fill(words, role, ["NORP"] if words.root.pos_ == "ADJ" else []), code))
    return _unique_codes(found)


def _unique_codes(found: list[tuple[SpanSuggestion, str]]) -> list[tuple[SpanSuggestion, str]]:
    seen: dict[str, tuple[SpanSuggestion, str]] = {}
    for item in found:
        seen.setdefault(item[1], item)
    return list(seen.values())


def _subtree(token: Token) -> Span:
    return token.doc[token.left_edge.i : token.right_edge.i + 1]


def _rate_spans(measure: Token, verbs: list[Token], info: _DocInfo, labels: Iterable[str]) -> list[Span]:
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
        found = _rates([t for t in tokens if _last_mention_before(t, info) in (measure.i, None)], info, labels)
    return found


def _rates(tokens: list[Token], info: _DocInfo, labels: Iterable[str]) -> list[Span]:
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


def _under_other(token: Token, measure: Token, info: _DocInfo) -> bool:
    """Whether `token` is in the phrase of another tariff mention below `measure`."""
    return any(a.i in info.triggers for a in token.ancestors if a.i != measure.i and measure in a.ancestors) or (
        token.i in info.triggers and token.i != measure.i)


def _last_mention_before(token: Token, info: _DocInfo) -> int | None:
    """The head of the last tariff mention before `token` in its sentence, or None."""
    start = token.sent.start
    return max((i for i in info.triggers if start <= i < token.i and token.doc[i].dep_ != "compound"), default=None)


def _date_spans(
    measure: Token, chain: list[tuple[Token, str]], verbs: list[Token], info: _DocInfo, labels: Iterable[str]
) -> list[Span]:
    """Dates in a clause saying when the measure starts ("..., starting April 3", "to
    take effect on August 1"); else in the measure's phrase, above it ("in 2024 when
    Canada ... imposed"), or a modifier of a verb in its clause ("imposed ... in 2017",
    "on Monday"). Not durations ("for one month")."""
    holders = [*(t for t, _ in chain), *verbs]
    starts = [c for h in [measure, *holders] for c in h.children
              if c.dep_ in ("advcl", "xcomp", "relcl", "acl") and c.lemma_.lower() in _START_VERBS]
    found = []
    for tokens in (_modifiers(starts), [*measure.subtree, *measure.ancestors, *_modifiers(holders)]):
        entities = {e[0] for t in tokens if (e := info.at(t)) is not None and e[1] in labels
                    and _last_mention_before(t, info) in (measure.i, None)}
        found = [e for e in entities if date_value(e.text, _ANY_DAY) is not None]
        if found:  # when it starts, rather than when it was announced
            break
    return found


def _modifiers(holders: list[Token]) -> list[Token]:
    """The prepositional and noun-phrase modifiers of `holders`, with their children."""
    return [t for h in holders for c in h.children if c.dep_ in ("prep", "npadvmod") for t in (c, *c.children)]


_ANY_DAY = "2000-01-03"  # a date to tell dates (resolvable against one) from durations


def _nearest(trigger: Span, spans: list[Span]) -> Span | None:
    return min(spans, key=lambda s: abs(s.start - trigger.start), default=None)


def _action(
    head: Token,
    measure: Token,
    chain: list[tuple[Token, str]],
    verbs: list[Token],
    lexicon: Lexicon,
    frame_type: FrameType,
    triggers: set[int],
) -> str | None:
    """What was done, from the words around the measure, innermost first: an adjective
    ("retaliatory tariffs"), the action noun ("tariff hike"), the words up its clause
    to the first verb and the verbs it is the infinitive of ("plans to impose"), their
    modal ("may impose" is proposed) and a phrase like "in retaliation". The outermost
    wins ("plans to impose" is proposed), the default ("imposed") only if no other word
    says more. Words above a noun the measure is one of ("pressure, including tariffs")
    are about that noun."""
    words = [c for c in head.children if c.dep_ == "amod"]
    words += [measure] if measure is not head else []
    keys = []
    previous = below = measure
    for token, _ in chain:
        measure_noun = token.i in triggers or (token.pos_ == "NOUN" and _match(lexicon.actions, token))
        if not measure_noun and any(
            p.dep_ == "prep" and p.lower_ in _LIST_SEPARATORS and below in p.subtree for p in token.children
        ):
            break  # unless it is a measure too: "countermeasures, including tariffs"
        below = token
        if _is_verb(token):
            if _is_verb(previous) and previous.dep_ not in ("xcomp", "pcomp"):  # "retaliated by imposing"
                break
            keys.append(_with_preposition(token, previous, lexicon))
            words.append(token)
            words += [o for p in token.children if p.dep_ == "prep" and p.lower_ == "in"
                      for o in p.children if o.dep_ == "pobj"]  # "in retaliation for"
            words += [c for c in token.children if c.dep_ == "aux"]  # "could raise" is proposed
        else:
            words.append(token)
        previous = token if _is_verb(token) else previous
    words += [v for v in verbs if v.dep_ in ("acl", "relcl")]
    keys += [_match(lexicon.actions, w) for w in words]
    found = [lexicon.actions[k] for k in keys if k]
    if "removed" in found and _lifted_to_a_rate(chain):
        found = ["raised" if a == "removed" else a for a in found]
    change = _rate_change(measure, verbs)
    if change and (not found or set(found) <= {"imposed"}):
        found.append(change)
    default = frame_type.attributes["action"].default if "action" in frame_type.attributes else None
    stronger = [a for a in found if a != default]
    return (stronger or found or [None])[-1]


def _with_preposition(verb: Token, below: Token, lexicon: Lexicon) -> str | None:
    """A lexicon entry of the verb with a preposition: "answer with" when the measure hangs
    off it through "with" ("answered with tariffs"); "put on hold"."""
    lemma = verb.lemma_.lower()
    for prep in (c for c in verb.children if c.dep_ == "prep"):
        keys = [f"{lemma} with"] if prep.lower_ == "with" and below in prep.subtree else []
        keys += [f"{lemma} {prep.lower_} {o.lower_}" for o in prep.children if o.dep_ == "pobj"]
        found = next((k for k in keys if k in lexicon.actions), None)
        if found:
            return found
    return None


def _rate_change(measure: Token, verbs: list[Token]) -> str | None:
    """ "raised" or "reduced" when the clause says what the rate was: "up from 34 percent",
    "down from 25 percent", "to 100 percent from 150 percent"."""
    tokens = [*measure.subtree, *(t for v in verbs for c in v.children if c.dep_ in ("prep", "advmod") for t in c.subtree)]
    for token in tokens:
        if token.lower_ == "from" and token.i > 0 and token.doc[token.i - 1].lower_ in ("up", "down"):
            return "raised" if token.doc[token.i - 1].lower_ == "up" else "reduced"
    values = {}
    for token in tokens:
        if token.lower_ in ("from", "to") and token.dep_ == "prep":
            rate = rate_value(" ".join(t.text for t in token.subtree))
            if rate and rate.endswith("%"):
                values.setdefault(token.lower_, float(rate[:-1]))
    if len(values) == 2 and values["from"] != values["to"]:
        return "raised" if values["to"] > values["from"] else "reduced"
    return None


def _lifted_to_a_rate(chain: list[tuple[Token, str]]) -> bool:
    """ "lifted its tariffs to 125 percent" raises them."""
    return any(
        token.lemma_.lower() == "lift" and any(p.dep_ == "prep" and p.lower_ == "to" for p in token.children)
        for token, _ in chain
    )


# -- shared helpers -----------------------------------------------------------------


class _DocInfo:
    """Lookups on one doc the rules share: entities under their schema labels, lines,
    which lines are page furniture, and where the tariff mentions are."""

    def __init__(self, doc: Doc, schema: Schema, lexicon: Lexicon | None = None):
        self.doc = doc
        self.text = doc.text  # Doc.text joins every token again on each call
        self.lexicon = lexicon
        self.triggers: set[int] = set()  # token indices of tariff mentions
        self._furniture: set[int] | None = None  # first tokens of furniture lines
        # Tokens holding a line break (whitespace other than one space is a token of its own).
        spaces = numpy.flatnonzero(doc.to_array("IS_SPACE"))
        self._breaks = [int(i) for i in spaces if "\n" in doc[i].text]
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
            self._furniture = _furniture_lines(self, self.lexicon.page_furniture if self.lexicon else frozenset())
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


_CREDIT = re.compile(r"\s/\s*[A-Z][\w .&-]{0,30}$")  # a photo credit at the end of a caption: "... / AP"
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


def _furniture_lines(info: _DocInfo, prefixes: frozenset[str]) -> set[int]:
    """First tokens of the lines that are page furniture, not article text: lines that
    start with a furniture phrase ("Related", "Read more:", "Photo:", "SOURCE:"), lines
    after a line that is only such a phrase ("Related articles") up to the next
    sentence, bylines ("By Anna Kowalski, Trade Correspondent"), captions ending in a
    credit ("... / AP"), and lines repeating an earlier one (a headline shown twice)."""
    doc = info.doc
    found, seen, listing = set(), set(), False
    starts = [0, *(b + 1 for b in info._breaks)]
    for start in starts:
        if start >= len(doc):
            continue
        line = info.line(doc[start])
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


def _inside(span: Span | Token, line: Span) -> bool:
    start, end = (span.i, span.i + 1) if isinstance(span, Token) else (span.start, span.end)
    return line.start <= start and end <= line.end


def _frame_type(schema: Schema, name: str, roles: tuple[str, ...]) -> FrameType | None:
    """The schema's frame `name` if it has all of `roles`; a schema without gets no suggestions."""
    frame_type = schema.frames.get(name)
    return frame_type if frame_type and all(r in frame_type.roles for r in roles) else None


def _frame(
    frame_type: FrameType,
    line: Span,
    action: str | None = None,
    **roles: list[SpanSuggestion | None],
) -> FrameSuggestion:
    """A frame of `frame_type` with the given role fillers that lie in `line` (None
    dropped); attributes at their defaults, but `action` if given and allowed."""
    attributes = {name: attr.default for name, attr in frame_type.attributes.items()}
    allowed = frame_type.attributes.get("action")
    if action and allowed and action in allowed.values:
        attributes["action"] = action
    def fits(s: SpanSuggestion | None) -> bool:
        return s is not None and line.start_char <= s.start and s.end <= line.end_char

    fillers = {role: tuple(filter(fits, spans)) for role, spans in roles.items()}
    return FrameSuggestion(frame_type.name, {r: s for r, s in fillers.items() if s}, attributes)


def _fill(span: Span, role: Role, preferred: Iterable[str] = ()) -> SpanSuggestion:
    """`span` as a filler of `role`: labelled with the first of `preferred` the role
    accepts, else the role's default label."""
    label = next((p for p in preferred if p in role.labels), role.labels[0])
    return SpanSuggestion(span.start_char, span.end_char, label)


def _noun_phrase(head: Token) -> Span:
    """The phrase `head` heads, without relative or other clauses and appositions after it."""
    doc, start, end = head.doc, head.left_edge.i, head.i + 1
    for child in head.rights:
        if child.dep_ in ("relcl", "acl", "appos", "advcl", "punct"):
            break
        end = child.right_edge.i + 1
    while start < head.i and doc[start].is_punct:
        start += 1
    return doc[start:end]


def _subject(verb: Token, deps: tuple[str, ...] = ("nsubj", "nsubjpass")) -> Token | None:
    """The verb's subject; of several (a garbled parse), the nearest."""
    subjects = [c for c in verb.children if c.dep_ in deps]
    return min(subjects, key=lambda c: abs(c.i - verb.i), default=None)


def _agent(verb: Token) -> Token | None:
    """The object of "by" in a passive: "imposed by the United States"."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _antecedent(subject: Token | None, lexicon: Lexicon) -> Token | None:
    """A subject that names someone: a noun; the noun a relative pronoun stands for ("the
    ministry, which said ..."); the reporter, for a pronoun in a reported clause ("the
    ministry said it would ..."). Other pronouns need coreference: None."""
    if subject is None or subject.pos_ != "PRON":
        return subject
    verb = subject.head
    if subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        return verb.head
    if subject.tag_ == "PRP" and verb.dep_ == "ccomp" and _match(lexicon.reporting_verbs, verb.head):
        reporter = _subject(verb.head, ("nsubj",))
        if reporter is not None and reporter.pos_ != "PRON":
            return reporter
    return None


def _is_verb(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX")


def _match(words: Iterable[str], token: Token) -> str | None:
    """The lexicon entry `token` matches: "lemma particle" for a phrasal verb ("roll
    back"; a preposition without an object is a particle too: "ramps up pressure"), else
    its lemma."""
    lemma = token.lemma_.lower()
    particle = next(
        (c.lower_ for c in token.children
         if c.dep_ == "prt" or (c.dep_ == "prep" and not c.n_rights) or (c.dep_ == "advmod" and c.lower_ == "back")),
        None,
    )
    if particle and f"{lemma} {particle}" in words:
        return f"{lemma} {particle}"
    return lemma if lemma in words else None


def _is_that(token: Token) -> bool:
    """The complementizer of "argued that ..."."""
    return token.dep_ == "mark" and token.lower_ == "that"


def _has_neg(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _negated(token: Token, lexicon: Lexicon) -> bool:
    """Whether `token` is a negation or hedge cue or has one as a modifier: "do not
    expect", "no tariffs", "unlikely to", "ruled out"."""
    if _match(lexicon.negation_cues, token):
        return True
    return any(
        c.dep_ in ("neg", "det", "advmod", "acomp", "preconj")
        and c.lemma_.lower() in lexicon.negation_cues
        for c in token.children
    )
