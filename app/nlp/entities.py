"""The entities suggester: the pipeline's named entities and scored spans under the schema's labels."""

from __future__ import annotations

from spacy.tokens import Doc

from app.core.schema import Schema
from app.nlp.lexicon import Lexicon
from app.nlp.registry import suggesters
from app.nlp.types import SpanSuggestion, Suggestions


@suggesters.register("entities.v1")
def suggest_entities(doc: Doc, schema: Schema, lexicon: Lexicon) -> Suggestions:
    """The pipeline's entities under their schema labels (Schema.model_labels); unmapped ones
    dropped. A pipeline with a span categorizer (trained by NewsGloss) adds its scored spans.
    Entities carry no score: the small pipeline gives no NER confidences."""
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
