"""What was done with a tariff (the tariff fact's action attribute): imposed, raised,
threatened, proposed, removed..., from the lexicon's action words around the measure."""

from __future__ import annotations

from spacy.tokens import Token

from app.core.normalise import rate_value
from app.core.schema import FrameType
from app.nlp.grammar import Chain, is_verb, match
from app.nlp.lexicon import Lexicon
from app.nlp.tariff_goods import LIST_SEPARATORS


def action(
    head: Token,
    measure: Token,
    chain: Chain,
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
        measure_noun = token.i in triggers or (token.pos_ == "NOUN" and match(lexicon.actions, token))
        if not measure_noun and any(
            p.dep_ == "prep" and p.lower_ in LIST_SEPARATORS and below in p.subtree for p in token.children
        ):
            break  # unless it is a measure too: "countermeasures, including tariffs"
        below = token
        if is_verb(token):
            if is_verb(previous) and previous.dep_ not in ("xcomp", "pcomp"):  # "retaliated by imposing"
                break
            keys.append(_with_preposition(token, previous, lexicon))
            words.append(token)
            words += [o for p in token.children if p.dep_ == "prep" and p.lower_ == "in"
                      for o in p.children if o.dep_ == "pobj"]  # "in retaliation for"
            words += [c for c in token.children if c.dep_ == "aux"]  # "could raise" is proposed
        else:
            words.append(token)
        previous = token if is_verb(token) else previous
    words += [v for v in verbs if v.dep_ in ("acl", "relcl")]
    keys += [match(lexicon.actions, w) for w in words]
    found = [lexicon.actions[k] for k in keys if k]
    if "removed" in found and _lifted_to_a_rate(chain):
        found = ["raised" if a == "removed" else a for a in found]
    change = _rate_change(measure, verbs)
    if change and (not found or set(found) <= {"imposed"}):
        found.append(change)
    default = frame_type.attributes["action"].default if "action" in frame_type.attributes else None
    said = [a for a in found if a != default] or found
    return said[-1] if said else None


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
    values: dict[str, float] = {}
    for token in tokens:
        if token.lower_ in ("from", "to") and token.dep_ == "prep":
            rate = rate_value(" ".join(t.text for t in token.subtree))
            if rate and rate.endswith("%"):
                values.setdefault(token.lower_, float(rate[:-1]))
    if len(values) == 2 and values["from"] != values["to"]:
        return "raised" if values["to"] > values["from"] else "reduced"
    return None


def _lifted_to_a_rate(chain: Chain) -> bool:
    """ "lifted its tariffs to 125 percent" raises them."""
    return any(
        token.lemma_.lower() == "lift" and any(p.dep_ == "prep" and p.lower_ == "to" for p in token.children)
        for token, _ in chain
    )
