"""Reading spaCy's dependency parse (ClearNLP labels, as in its English pipelines):
subjects, agents, phrases, lexicon matches and negation."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Span, Token

from app.nlp.lexicon import Lexicon

Chain = list[tuple[Token, str]]  # (token, the dependency it was reached by) up from a word to its clause


def noun_phrase(head: Token) -> Span:
    """The phrase `head` heads, without relative or other clauses and appositions after it."""
    doc, start, end = head.doc, head.left_edge.i, head.i + 1
    for child in head.rights:
        if child.dep_ in ("relcl", "acl", "appos", "advcl", "punct"):
            break
        end = child.right_edge.i + 1
    while start < head.i and doc[start].is_punct:
        start += 1
    return doc[start:end]


def subtree(token: Token) -> Span:
    """The whole phrase under `token`."""
    return token.doc[token.left_edge.i : token.right_edge.i + 1]


def subject(verb: Token, deps: tuple[str, ...] = ("nsubj", "nsubjpass")) -> Token | None:
    """The verb's subject; of several (a garbled parse), the nearest."""
    subjects = [c for c in verb.children if c.dep_ in deps]
    return min(subjects, key=lambda c: abs(c.i - verb.i), default=None)


def agent(verb: Token) -> Token | None:
    """The object of "by" in a passive: "imposed by the United States"."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def antecedent(noun: Token | None, lexicon: Lexicon) -> Token | None:
    """A subject that names someone: a noun; the noun a relative pronoun stands for ("the
    ministry, which said ..."); the reporter, for a pronoun in a reported clause ("the
    ministry said it would ..."). Other pronouns need coreference: None."""
    if noun is None or noun.pos_ != "PRON":
        return noun
    verb = noun.head
    if noun.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        return verb.head
    if noun.tag_ == "PRP" and verb.dep_ == "ccomp" and match(lexicon.reporting_verbs, verb.head):
        reporter = subject(verb.head, ("nsubj",))
        if reporter is not None and reporter.pos_ != "PRON":
            return reporter
    return None


def is_verb(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX")


def match(words: Iterable[str], token: Token) -> str | None:
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


def is_that(token: Token) -> bool:
    """The complementizer of "argued that ..."."""
    return token.dep_ == "mark" and token.lower_ == "that"


def has_neg(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def negated(token: Token, lexicon: Lexicon) -> bool:
    """Whether `token` is a negation or hedge cue or has one as a modifier: "do not
    expect", "no tariffs", "unlikely to", "ruled out"."""
    if match(lexicon.negation_cues, token):
        return True
    return any(
        c.dep_ in ("neg", "det", "advmod", "acomp", "preconj")
        and c.lemma_.lower() in lexicon.negation_cues
        for c in token.children
    )
