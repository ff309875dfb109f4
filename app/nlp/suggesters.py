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
from collections.abc import Iterable

import numpy
from spacy.tokens import Doc, Span, Token

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
    "xcomp advcl acomp compound npadvmod".split()
)
# Prepositions that tie a mention to the verb above ("retaliated with tariffs", "in
# imposing", "exempted ... from the tariffs"); others start an adjunct whose verb is
# about something else ("vows to protect interests after the tariff threat").
_CLIMB_PREPOSITIONS = ("with", "including", "in", "by", "from", "of")
_TARGET_PREPOSITIONS = ("on", "against")  # "tariffs on Chinese steel", "duties against Canada"
_LIST_PREPOSITIONS = ("including", "as", "like")  # "goods, including canola", "such as pork"
_RATE_PREPOSITIONS = ("to", "by", "at", "of")  # "hikes tariffs to 100%", "tariffs of 25%"


@suggesters.register("tariff_facts.v1")
def suggest_tariff_facts(doc: Doc, schema: Schema, lexicon: Lexicon) -> Suggestions:
    """Tariff facts: each tariff mention (trigger) with who imposes it (imposer) on whom
    (target), on what (products), at what rate and when, and the action taken. A mention
    in a negated or hedged clause, or with neither imposer nor target, gives none."""
    roles = ("imposer", "target", "product", "rate", "date", "trigger")
    frame_type = _frame_type(schema, "tariff_fact", roles)
    if frame_type is None:
        return Suggestions()
    info: _DocInfo | None = None
    frames = []
    for token in doc:
        trigger = _trigger(token, lexicon)
        if trigger is not None:
            info = info or _DocInfo(doc, schema)
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
    if measure is None:
        return None
    line = info.line(trigger.root)
    chain = _clause_chain(measure, line)
    # Clauses the measure itself heads: "tariffs imposed by Ottawa", "tariffs that Canada imposed".
    clauses = [c for c in measure.children if c.dep_ in ("acl", "relcl") and _is_verb(c)]
    if any(_negated(t, lexicon) for t in [measure, *(t for t, _ in chain), *clauses]):
        return None
    verbs = [t for t, _ in chain if _is_verb(t)] + clauses

    action = _action(trigger.root, measure, chain, verbs, lexicon, frame_type)
    imposer, target = _parties(measure, chain, clauses, info, roles, lexicon, acting=action is not None)
    products = []
    for noun in _goods_nouns(measure, trigger, chain, verbs, info, lexicon):
        origin, goods = _goods(noun, info, roles, lexicon)
        target = target or origin
        products += goods
    rate = _nearest(trigger, info, roles["rate"].labels, _rate_tokens(measure, verbs))
    date = _nearest(trigger, info, roles["date"].labels, _date_tokens(measure, chain, verbs))
    frame = _frame(
        frame_type,
        line,
        imposer=[imposer],
        target=[target],
        product=products,
        rate=[rate and _fill(rate, roles["rate"])],
        date=[date and _fill(date, roles["date"])],
        trigger=[_fill(trigger, roles["trigger"])],
        action=action,
    )
    return frame if "imposer" in frame.roles or "target" in frame.roles else None


def _measure(head: Token, lexicon: Lexicon) -> Token | None:
    """The noun that stands for the measure. A trigger that only modifies another noun
    names one if that noun is an action ("tariff hike", "tariff threat"), not otherwise
    ("tariff policy", "tariff war")."""
    if head.dep_ != "compound":
        return head
    return head.head if _match(lexicon.actions, head.head) else None


def _clause_chain(measure: Token, line: Span) -> list[tuple[Token, str]]:
    """(token, dependency it was reached by) from the measure up to the verb whose subject
    governs it, within its line, prepositions left out. The last entry is that verb, if
    it was reached."""
    chain = []
    token = measure
    while token.dep_ in _CLIMB and token.head.i != token.i and _inside(token.head, line):
        dep, token = token.dep_, token.head
        if token.dep_ in ("prep", "agent"):
            if token.lower_ not in _CLIMB_PREPOSITIONS:
                break
            continue
        chain.append((token, dep))
        if _is_verb(token) and _subject(token) is not None:
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
) -> tuple[SpanSuggestion | None, SpanSuggestion | None]:
    """(imposer, target) from who the measure belongs to: a possessor or modifier
    ("Ottawa's tariffs", "US tariffs", "tariffs from Washington"); if an action word says
    something is done to it (`acting`), the agent or subject of a clause on it ("tariffs
    imposed by ...") or of its own clause ("Canada imposed tariffs"), not of any verb
    ("economists criticised the tariffs"). The subject of a verb like "face", or of a
    passive the measure is the agent of ("farmers were hit by tariffs"), bears the
    tariff: it is the target."""
    imposer_role, target_role = roles["imposer"], roles["target"]
    imposer = target = None
    modifiers = info.within(measure.left_edge.i, measure.i, imposer_role.labels)
    modifiers += [  # "tariffs by the United States", "tariffs from Washington"
        e
        for prep in measure.rights
        if prep.dep_ == "prep" and prep.lower_ in ("by", "from")
        for obj in prep.children
        if obj.dep_ == "pobj" and (e := info.at(obj)) is not None and e[1] in imposer_role.labels
    ]
    if modifiers:
        imposer = _pick(modifiers, imposer_role)
    if imposer is None and acting:
        for verb in clauses:
            party = _agent(verb) or _antecedent(_subject(verb), lexicon)
            if party is not None:
                imposer = _party(party, info, imposer_role)
                break
    if not chain or not _is_verb(chain[-1][0]):
        return imposer, target
    verb, arrived_by = chain[-1]
    if arrived_by in ("nsubj", "csubj"):  # the clause says something about the measure
        return imposer, target
    if arrived_by == "nsubjpass":  # "Tariffs ... were imposed ... by the United States"
        party, bears = _agent(verb), False
    else:
        party = _antecedent(_subject(verb), lexicon)
        bears = arrived_by == "agent" or _match(lexicon.affected_verbs, verb) is not None
    if party is not None and bears:
        target = _party(party, info, target_role, fallback=False)
    elif party is not None and imposer is None and acting:
        imposer = _party(party, info, imposer_role)
    return imposer, target


def _goods_nouns(
    measure: Token,
    trigger: Span,
    chain: list[tuple[Token, str]],
    verbs: list[Token],
    info: _DocInfo,
    lexicon: Lexicon,
) -> list[Token]:
    """Nouns naming what the measure hits: objects of "on"/"against" on the measure, on
    its "of" phrase ("duties of 10 percent on ..."), or on its verbs; a plain noun
    modifying the trigger ("steel tariffs"); and what is spared from it or hit with it
    ("exempted soybeans from the tariffs", "slapped Canadian steel with tariffs")."""
    holders = [measure, *verbs]
    holders += [o for p in measure.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
    nouns = [
        obj
        for holder in holders
        for prep in holder.children
        if prep.dep_ == "prep" and prep.lower_ in _TARGET_PREPOSITIONS
        for obj in prep.children
        if obj.dep_ == "pobj" and obj.i not in range(trigger.start, trigger.end)
    ]
    nouns += [
        c
        for c in trigger.root.lefts
        if c.dep_ == "compound" and c.pos_ == "NOUN"
        and info.at(c) is None and not _match(lexicon.actions, c)
    ]
    if trigger.root.head.lower_ in ("from", "with") and chain:  # the object before it
        hit = chain[0][0]
        if _is_verb(hit):
            hit = next((c for c in hit.children if c.dep_ == "dobj"), None)
        if hit is not None and hit.pos_ in ("NOUN", "PROPN"):
            nouns.append(hit)
    return nouns


def _goods(
    noun: Token, info: _DocInfo, roles: dict[str, Role], lexicon: Lexicon
) -> tuple[SpanSuggestion | None, list[SpanSuggestion]]:
    """(target, products) in a goods phrase and its conjuncts: "Chinese steel and
    aluminium" is Chinese, [steel, aluminium]; "China" is a target alone; "Canadian goods,
    including canola, seafood and pork" is Canadian with the listed products, since
    "goods" is too general to be one; "imports from China" is China."""
    target_role, product_role = roles["target"], roles["product"]
    target, products = None, []
    for item in [noun, *noun.conjuncts]:
        entity = info.at(item)
        if entity is not None:
            if entity[1] in target_role.labels:
                target = target or _fill(entity[0], target_role, [entity[1]])
            if entity[1] not in product_role.labels:
                continue  # a date, rate, place...: neither
        origin, start = None, item.left_edge.i
        for token in item.doc[item.left_edge.i : item.i]:
            found = info.at(token)
            if found is not None and found[1] in target_role.labels:
                origin, start = found, token.i + 1
            elif token.i == start and (
                token.dep_ in ("det", "poss", "case", "predet", "nummod")
                or token.is_punct
                or (token.lemma_ == "make" and token.tag_ == "VBN")  # "Chinese-made"
            ):
                start += 1
        if origin is not None:
            target = target or _fill(origin[0], target_role, [origin[1]])
        for prep in item.children:
            if prep.lower_ == "from":  # "imports from China"
                source = next((info.at(o) for o in prep.children if o.dep_ == "pobj"), None)
                if source is not None and source[1] in target_role.labels:
                    target = target or _fill(source[0], target_role, [source[1]])
            elif prep.lower_ in _LIST_PREPOSITIONS:
                products += [
                    _fill(_product_phrase(o), product_role)
                    for obj in prep.children
                    if obj.dep_ == "pobj"
                    for o in [obj, *obj.conjuncts]
                ]
        if item.lemma_.lower() not in lexicon.generic_goods:
            products.append(_fill(item.doc[start : item.i + 1], product_role))
    return target, products


def _product_phrase(noun: Token) -> Span:
    """A listed product, without determiners: "the pork" -> "pork"."""
    doc, start = noun.doc, noun.left_edge.i
    while start < noun.i and (doc[start].is_punct or doc[start].dep_ in ("det", "poss", "case")):
        start += 1
    return doc[start : noun.i + 1]


def _rate_tokens(measure: Token, verbs: list[Token]) -> list[Token]:
    """Where a rate may be: in the measure's phrase ("25 percent tariffs", "tariffs of
    25%") or a "to/by/at/of" phrase of its verbs ("hikes tariffs to 100%")."""
    tokens = list(measure.subtree)
    for verb in verbs:
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lower_ in _RATE_PREPOSITIONS:
                tokens += prep.subtree
    return tokens


def _date_tokens(measure: Token, chain: list[tuple[Token, str]], verbs: list[Token]) -> list[Token]:
    """Where a date may be: the measure's phrase, above it ("in 2024 when Canada ...
    imposed"), or a modifier of a verb in its clause ("imposed ... in 2017", "on Monday")."""
    tokens = [*measure.subtree, *measure.ancestors]
    for holder in [*(t for t, _ in chain), *verbs]:
        for child in holder.children:
            if child.dep_ in ("prep", "npadvmod"):
                tokens += [child, *child.children]
    return tokens


def _action(
    head: Token,
    measure: Token,
    chain: list[tuple[Token, str]],
    verbs: list[Token],
    lexicon: Lexicon,
    frame_type: FrameType,
) -> str | None:
    """What was done, from the words around the measure, innermost first: an adjective
    ("retaliatory tariffs"), the action noun ("tariff hike"), the words up its clause. The
    outermost wins ("plans to impose" is proposed), the default ("imposed") only if no
    other word says more."""
    words = [c for c in head.children if c.dep_ == "amod"]
    words += [measure] if measure is not head else []
    words += [t for t, _ in chain] + [v for v in verbs if v.dep_ in ("acl", "relcl")]
    found = [lexicon.actions[k] for k in (_match(lexicon.actions, w) for w in words) if k]
    default = frame_type.attributes["action"].default if "action" in frame_type.attributes else None
    stronger = [a for a in found if a != default]
    return (stronger or found or [None])[-1]


# -- shared helpers -----------------------------------------------------------------


class _DocInfo:
    """Lookups on one doc the rules share: entities under their schema labels, and lines."""

    def __init__(self, doc: Doc, schema: Schema):
        self.doc = doc
        # Tokens holding a line break (whitespace other than one space is a token of its own).
        spaces = numpy.flatnonzero(doc.to_array("IS_SPACE"))
        self._breaks = [int(i) for i in spaces if "\n" in doc[i].text]
        model_labels = schema.model_labels()
        self._at: dict[int, tuple[Span, str]] = {}
        for ent in doc.ents:
            if ent.label_ in model_labels:
                for i in range(ent.start, ent.end):
                    self._at[i] = (ent, model_labels[ent.label_])

    def at(self, token: Token) -> tuple[Span, str] | None:
        """(entity, schema label) of the entity `token` is in, or None."""
        return self._at.get(token.i)

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


def _pick(entities: list[tuple[Span, str]], role: Role) -> SpanSuggestion:
    """The entity whose label comes first in the role's labels ("US President Donald
    Trump" -> US: a state imposes tariffs, its leader acts for it)."""
    span, label = min(entities, key=lambda e: role.labels.index(e[1]))
    return _fill(span, role, [label])


def _party(noun: Token, info: _DocInfo, role: Role, fallback: bool = True) -> SpanSuggestion | None:
    """The party a noun phrase stands for: its entity the role prefers, else (if
    `fallback`) the phrase itself as ORG ("the government")."""
    phrase = _noun_phrase(noun)
    found = info.within(phrase.start, phrase.end, role.labels)
    if found:
        return _pick(found, role)
    return _fill(phrase, role, ["ORG"]) if fallback else None


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
        (c.lower_ for c in token.children if c.dep_ == "prt" or (c.dep_ == "prep" and not c.n_rights)),
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


def _nearest(
    trigger: Span, info: _DocInfo, labels: Iterable[str], tokens: Iterable[Token]
) -> Span | None:
    """Of the entities with a label in `labels` among `tokens`, the one nearest `trigger`."""
    found = {e[0] for t in tokens if (e := info.at(t)) is not None and e[1] in labels}
    return min(found, key=lambda e: abs(e.start - trigger.start), default=None)
