"""The claims suggester: a reporting verb (cue), who it attributes the claim to (claimant)
and what is claimed (content), read off the dependency parse. Scores are None: the rules
have no calibrated ones."""

from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from app.core.schema import Schema
from app.nlp.doc_info import DocInfo, inside
from app.nlp.frame_building import fill, frame, frame_type_with
from app.nlp.grammar import antecedent, has_neg, is_that, match, noun_phrase, subject
from app.nlp.lexicon import Lexicon
from app.nlp.registry import suggesters
from app.nlp.types import FrameSuggestion, Suggestions


@suggesters.register("claims.v1")
def suggest_claims(doc: Doc, schema: Schema, lexicon: Lexicon) -> Suggestions:
    """Claims: a reporting verb (cue), who it attributes the claim to (claimant) and what
    is claimed (content). A negated cue ("did not say") gives none."""
    frame_type = frame_type_with(schema, "claim", ("claimant", "cue", "content"))
    if frame_type is None:
        return Suggestions()
    roles = frame_type.roles
    info: DocInfo | None = None
    frames: list[FrameSuggestion] = []
    for verb in doc:
        if verb.pos_ != "VERB" or not match(lexicon.reporting_verbs, verb) or has_neg(verb):
            continue
        speaker = _speaker(verb, lexicon)
        if speaker is None:
            continue
        info = info or DocInfo(doc, schema, lexicon)
        line = info.line(verb)
        content = _content(verb, speaker, line)
        if content is None or not (inside(speaker, line) and inside(content, line)):
            continue
        # The claimant is the whole phrase ("the state-owned China Daily"); its label that
        # of the entity it is or contains, the head's first.
        found = info.within(speaker.start, speaker.end)
        found.sort(key=lambda e: not (e[0].start <= speaker.root.i < e[0].end))
        claimant = fill(speaker, roles["claimant"], [label for _, label in found] + ["ORG"])
        frames.append(
            frame(
                frame_type,
                line,
                claimant=[claimant],
                cue=[fill(doc[verb.i : verb.i + 1], roles["cue"])],
                content=[fill(content, roles["content"])],
            )
        )
    return Suggestions.of_frames(frames)


def _speaker(verb: Token, lexicon: Lexicon) -> Span | None:
    """Whom a reporting verb attributes the claim to: the agent of a passive, else its
    subject; for a participle or conjunct with neither ("..., saying ...", "... and
    warned ..."), the subject of the clause it hangs off. Most pronouns need
    coreference: they give None (see grammar.antecedent)."""
    while True:
        for child in verb.children:
            if child.dep_ == "agent":
                return next((noun_phrase(c) for c in child.children if c.dep_ == "pobj"), None)
        found = subject(verb, ("nsubj",))
        if found is not None:
            noun = antecedent(found, lexicon)
            return noun_phrase(noun) if noun is not None else None
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
    while start < end and (doc[start].is_punct or is_that(doc[start])):
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
