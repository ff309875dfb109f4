"""Who imposes a tariff and on whom: the countries and blocs a measure's clause names as
imposer and target (a president, a ministry or a capital stands for its country; a
company for none)."""

from __future__ import annotations

from spacy.tokens import Span, Token

from app.core.normalise import country_mentions
from app.core.schema import Role
from app.nlp.doc_info import DocInfo
from app.nlp.frame_building import fill
from app.nlp.grammar import Chain, agent, antecedent, is_verb, match, subject, subtree
from app.nlp.lexicon import Lexicon
from app.nlp.types import SpanSuggestion

Party = tuple[SpanSuggestion, str]  # a role filler and the country code it names

_SELF_NOUNS = ("country", "government", "nation", "administration", "bloc")  # "the country was considering duties"


def parties(
    measure: Token,
    chain: Chain,
    clauses: list[Token],
    info: DocInfo,
    roles: dict[str, Role],
    acting: bool,
    clause_acting: bool,
) -> tuple[list[Party], list[Party]]:
    """(imposer, targets) from who the measure belongs to: a possessor or modifier
    ("Ottawa's tariffs", "US tariffs", "tariffs from Washington"); if an action word says
    something is done to it (`acting`), the agent or subject of a clause on it ("tariffs
    imposed by ...") or of its own clause ("Canada imposed tariffs"), not of any verb
    ("economists criticised the tariffs"). The subject of a verb like "face", of a
    passive ("Canada was exempted from the tariffs"), or of a passive the measure is the
    agent of ("farmers were hit by tariffs"), bears the tariff: it is the target. A party
    is the country or bloc its phrase names ("The bill passed by the US Senate" is the
    United States), none if it names none."""
    imposer_role, target_role = roles["imposer"], roles["target"]
    imposer = _owner(measure, chain, info, imposer_role)
    imposer, hit = _clause_parties(clauses, imposer, info, roles, clause_acting)
    if not chain or not is_verb(chain[-1][0]):
        return imposer, hit
    verb, arrived_by = chain[-1]
    party, bearing = _subject_party(verb, arrived_by, chain, info.lexicon)
    if party is None:
        return imposer, hit
    if bearing:
        return imposer or _paid_to(verb, measure, info, imposer_role), countries(subtree(party), info, target_role)
    if not imposer and acting:
        imposer = countries(subtree(party), info, imposer_role)[:1] or _reporters(party, info, imposer_role)
    return imposer, hit


def _owner(measure: Token, chain: Chain, info: DocInfo, role: Role) -> list[Party]:
    """The imposer the measure's own phrase names: "Ottawa's tariffs", "tariffs by the
    United States", "Washington's increase in duties", "China's decision to lift tariffs"."""
    doc = measure.doc
    imposer = countries(doc[measure.left_edge.i : measure.i], info, role)[:1]
    for prep in measure.rights:  # "tariffs by the United States", "tariffs from Washington"
        if not imposer and prep.dep_ == "prep" and prep.lower_ in ("by", "from"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                imposer = countries(subtree(obj), info, role)[:1]
    below = measure
    for noun, arrived_by in chain:
        infinitive = arrived_by == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in below.children)
        below = noun
        if not imposer and noun.pos_ == "NOUN" and (match(info.lexicon.actions, noun) or infinitive):
            imposer = countries(doc[noun.left_edge.i : noun.i], info, role)[:1]
    return imposer


def _clause_parties(
    clauses: list[Token], imposer: list[Party], info: DocInfo, roles: dict[str, Role], clause_acting: bool
) -> tuple[list[Party], list[Party]]:
    """(imposer, targets) with what the clauses on the measure add: the objects of "the
    tariffs that hit China"; the agent or subject of an acting one ("tariffs imposed by
    Ottawa") if no imposer is known yet."""
    hit = []
    for verb in clauses:
        found = subject(verb)
        if found is not None and found.tag_ in ("WDT", "WP"):  # "the tariffs that hit China"
            hit += [c for o in verb.children if o.dep_ == "dobj" for c in countries(subtree(o), info, roles["target"])]
        elif not imposer and clause_acting:
            party = agent(verb) or antecedent(found, info.lexicon)
            if party is not None:
                imposer = countries(subtree(party), info, roles["imposer"])[:1]
    return imposer, hit


def _subject_party(verb: Token, arrived_by: str, chain: Chain, lexicon: Lexicon) -> tuple[Token | None, bool]:
    """(the party of the measure's clause, whether it bears the measure); no party when the
    clause says something about the measure ("the tariffs hurt farmers")."""
    if arrived_by in ("nsubj", "csubj"):
        return None, False
    if arrived_by == "nsubjpass":  # "Tariffs ... were imposed ... by the United States"
        return agent(verb), False
    found = subject(verb)
    if found is None and verb.dep_ == "conj":  # "... and imposed a 25 percent tariff"
        found = subject(verb.head)
    bearing = (
        arrived_by == "agent"
        or bears(chain, lexicon)
        or (found is not None and found.dep_ == "nsubjpass" and arrived_by == "prep")
    )
    return antecedent(found, lexicon), bearing


def _paid_to(verb: Token, measure: Token, info: DocInfo, role: Role) -> list[Party]:
    """Whom a measure is paid to: "pay duties to the United States"."""
    for prep in [*verb.children, *measure.children]:
        if prep.dep_ == "prep" and prep.lower_ == "to":
            found = [c for o in prep.children if o.dep_ == "pobj" for c in countries(subtree(o), info, role)][:1]
            if found:
                return found
    return []


def bears(chain: Chain, lexicon: Lexicon) -> bool:
    """Whether the subject of the measure's clause bears it: "exporters face tariffs",
    "imports are subject to a duty"."""
    verb = chain[-1][0]
    return match(lexicon.affected_verbs, verb) is not None or any(t.lemma_.lower() == "subject" for t, _ in chain)


def _reporters(noun: Token, info: DocInfo, role: Role) -> list[Party]:
    """The country of whoever reports a clause whose subject is "her government", "its
    ministry" or "the country": "Mexican President Claudia Sheinbaum said her government
    was preparing tariffs" -> Mexico."""
    standing_for = any(c.dep_ == "poss" and c.pos_ == "PRON" for c in noun.children) or (
        noun.lemma_.lower() in _SELF_NOUNS and any(c.lower_ == "the" for c in noun.children))
    if not standing_for or noun.head.dep_ != "ccomp":
        return []
    said = noun.head.head
    reporter = subject(said, ("nsubj",)) if match(info.lexicon.reporting_verbs, said) else None
    return countries(subtree(reporter), info, role)[:1] if reporter is not None else []


def countries(span: Span, info: DocInfo, role: Role) -> list[Party]:
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
            labelled = info.at(words[0])
            found.append((fill(entity, role, [labelled[1]] if labelled else []), code))
        else:
            found.append((fill(words, role, ["NORP"] if words.root.pos_ == "ADJ" else []), code))
    return unique_codes(found)


def unique_codes(found: list[Party]) -> list[Party]:
    """The first party of each country code."""
    seen: dict[str, Party] = {}
    for item in found:
        seen.setdefault(item[1], item)
    return list(seen.values())
