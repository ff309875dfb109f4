"""What a tariff hits: the goods phrases around a measure, split on lists into products
(only goods: app.core.normalise.is_good), and the countries those goods come from."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from app.core.normalise import country_codes, hs_code, is_good
from app.core.schema import Role
from app.nlp.doc_info import DocInfo
from app.nlp.frame_building import fill
from app.nlp.grammar import Chain, is_verb, subject
from app.nlp.tariff_parties import Party, bears, countries, unique_codes
from app.nlp.types import SpanSuggestion

# Words that split a list of goods or countries: "steel, aluminium and copper", "goods,
# including canola", "four kinds of goods: ...", "such as pork".
LIST_SEPARATORS = frozenset(", ; : and or & plus including like as such".split())
# "tariffs on Chinese steel", "duties against Canada", "apply tariffs to US products"
_GOODS_PREPOSITIONS = ("on", "against", "to")
# Clauses and phrases on a good that tell where it comes from: "steel from Brazil",
# "manufacturers in Canada", "cars made in China", "steel made by Chinese firms".
_ORIGIN_PREPOSITIONS = ("from", "in")
_ORIGIN_VERBS = ("make", "produce", "manufacture", "build", "grow", "ship", "export", "import", "assemble")
# Entity labels (spaCy's) of words that lead a goods phrase without naming the good:
# "$30 billion worth of", "Tesla cars", "the 2018 steel tariffs".
_NOT_GOODS_ENTITIES = frozenset("MONEY CARDINAL PERCENT QUANTITY DATE TIME ORG PERSON GPE NORP ORDINAL".split())
# Clauses on a measure's verb that name what it hits: "..., hitting products such as boats".
_HITTING_VERBS = ("hit", "target", "cover", "affect", "include")
_QUANTIFIERS = frozenset("all some most many more other certain various additional new such imported foreign".split())


def goods_heads(measure: Token, trigger: Span, chain: Chain, verbs: list[Token], info: DocInfo) -> list[Token]:
    """Heads of the phrases naming what the measure hits: objects of "on"/"against"/"to"
    on the measure, on its "of" phrase ("duties of 10 percent on ..."), or on its verbs;
    a plain noun modifying the trigger ("steel tariffs"); and what is spared from it or
    hit with it ("exempted soybeans from the tariffs", "slapped Canadian steel with
    tariffs")."""
    holders = [measure, *verbs]
    holders += [o for p in measure.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
    # "tariffs on US goods, including bourbon", with "including" hung on the tariffs
    listed = [o for p in measure.children if p.dep_ == "prep" and p.lower_ in LIST_SEPARATORS
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
        and (holder not in verbs or info.last_mention_before(obj) in (measure.i, None))
    ]
    heads += [c for c in trigger.root.lefts if c.dep_ in ("compound", "nmod") and c.pos_ == "NOUN"
              and c.i not in info.triggers]
    hitting = [c for v in verbs for c in v.children if c.dep_ in ("advcl", "xcomp")]
    hitting += [c for c in measure.children if c.dep_ in ("acl", "relcl")]
    heads += [o for c in hitting if c.lemma_.lower() in _HITTING_VERBS for o in c.children if o.dep_ == "dobj"]
    return heads + _borne_goods(chain, info) + _spared_goods(trigger, chain, info)


def _borne_goods(chain: Chain, info: DocInfo) -> list[Token]:
    """Goods in the subject that bears the measure: "exporters of citrus face tariffs",
    "lumber producers pay duties", "Brazilian coffee faces ..."."""
    if not (chain and is_verb(chain[-1][0]) and bears(chain, info.lexicon)):
        return []
    bearer = subject(chain[-1][0])
    if bearer is None:
        return []
    heads = [o for p in bearer.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
    heads += [c for c in bearer.lefts if c.dep_ == "compound" and c.pos_ == "NOUN"]
    return heads + ([bearer] if bearer.pos_ == "NOUN" else [])


def _spared_goods(trigger: Span, chain: Chain, info: DocInfo) -> list[Token]:
    """The object before "from"/"with" the measure: "exempted soybeans from the tariffs",
    "slapped Canadian steel with tariffs"."""
    if trigger.root.head.lower_ not in ("from", "with") or not chain:
        return []
    hit: Token | None = chain[0][0]
    if hit is not None and is_verb(hit):
        hit = next((c for c in hit.children if c.dep_ == "dobj"), None)
    if hit is not None and hit.pos_ in ("NOUN", "PROPN") and hit.i not in info.triggers:
        return [hit]
    return []


def goods(head: Token, info: DocInfo, roles: dict[str, Role]) -> tuple[list[SpanSuggestion], list[Party]]:
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
        targets += countries(doc[part[0] : part[-1] + 1], info, target_role)
        product = _product(doc, part, info)
        if product is not None:
            products.append(fill(product, product_role))
    for token in cut:
        targets += origins(token, None, info, target_role)
    return products, targets


def _list_region(head: Token, info: DocInfo) -> tuple[list[int], list[Token]]:
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
                child.dep_ == "prep" and child.lower_ not in ("of", *LIST_SEPARATORS)
            ):
                cut.append(child)
            else:
                stack.append(child)
    return sorted(kept), cut


def _parts(doc: Doc, indices: list[int]) -> list[list[int]]:
    """Runs of adjacent tokens between list words ("such as" and "as well as" too)."""
    parts: list[list[int]] = []
    current: list[int] = []
    for i in indices:
        if doc[i].lower_ in LIST_SEPARATORS or (current and i != current[-1] + 1):
            if current:
                parts.append(current)
            current = [] if doc[i].lower_ in LIST_SEPARATORS else [i]
        else:
            current.append(i)
    if current:
        parts.append(current)
    return parts


def _product(doc: Doc, part: list[int], info: DocInfo) -> Span | None:
    """The good a list part names, without what leads it ("$30 billion worth of
    American goods" -> "goods", "all steel" -> "steel", "Tesla cars" -> "cars") and
    without a general word after it ("aluminium imports" -> "aluminium"); None if it
    names no good."""
    start, end = part[0], part[-1] + 1
    for i in range(start, end):  # "four kinds of Chinese goods" -> "Chinese goods"
        if doc[i].lower_ == "of" and i + 1 < end:
            start = i + 1
    while start < end and _leads(doc[start], info):
        start += 1
    if start >= end:
        return None
    span = doc[start:end]
    if is_good(span.text):
        return span
    if (end - start > 1 and doc[end - 1].lemma_.lower() in info.lexicon.generic_goods
            and hs_code(doc[start : end - 1].text, lexicon_only=True) is not None):
        return doc[start : end - 1]
    return None


def _leads(token: Token, info: DocInfo) -> bool:
    """Whether `token` leads a goods phrase without naming the good: a determiner, a
    number, a quantifier, a company or an amount, an origin ("Chinese-made", "US")."""
    entity = info.entity(token)
    return (
        token.is_punct
        or token.dep_ in ("det", "poss", "case", "predet", "nummod", "quantmod")
        or token.like_num
        or token.lower_ in _QUANTIFIERS
        or (entity is not None and entity.label_ in _NOT_GOODS_ENTITIES)
        or (token.lemma_ == "make" and token.tag_ == "VBN")  # "Chinese-made"
        or bool(country_codes(token.text))
    )


def origins(token: Token, trigger: Span | None, info: DocInfo, role: Role) -> list[Party]:
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
                found += [c for run in _runs(kept) for c in countries(obj.doc[run[0] : run[-1] + 1], info, role)]
    return unique_codes(found)


def _runs(indices: list[int]) -> list[list[int]]:
    """Sorted token indices cut into runs of adjacent ones."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs
