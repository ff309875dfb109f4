"""spaCy training data: documents as .spacy DocBin files (export only).

Each document becomes a Doc tokenised by spaCy's blank English tokenizer, cut
at span boundaries so every span's offsets stay exact (no span is dropped for
misalignment). Every span given is exported, whatever its status (the export's
selection chose them; a DocBin holds no status that spaCy reads, so
transfer.export_path takes one status at a time):

- doc.spans["sc"]: every span, overlaps included (for spancat);
- doc.ents: the non-overlapping ones chosen by selection.non_overlapping (for ner);
- doc.user_data["newsgloss_spans"]: per span of doc.spans["sc"], in the same
  order, {"start", "end", "label", "annotator", "origin", "status"}.

Files: with dev_fraction 0, all documents go to `out_path` itself. With
dev_fraction > 0 they are shuffled (by `seed`) and split: if `out_path` ends in
.spacy, into <stem>-train.spacy and <stem>-dev.spacy beside it; otherwise
`out_path` is a folder holding train.spacy and dev.spacy.
"""

from __future__ import annotations

import random
from pathlib import Path

from spacy.tokens import Doc, DocBin

from app.core.documents import AnnotatedDocument
from app.core.errors import ValidationError
from app.formats.interop import aligned_doc, source_tokens
from app.formats.selection import non_overlapping

USER_DATA_KEY = "newsgloss_spans"


def write_docbin(
    docs: list[AnnotatedDocument], out_path: Path, dev_fraction: float = 0.0, seed: int = 0
) -> dict[str, int]:
    """Write the documents as DocBin file(s); returns each file written with the number of documents in it."""
    if not 0.0 <= dev_fraction < 1.0:
        raise ValidationError(f"dev_fraction must be at least 0 and below 1, not {dev_fraction}")
    spacy_docs = [_spacy_doc(doc) for doc in docs]
    out_path = Path(out_path)
    if dev_fraction == 0.0:
        _save(spacy_docs, out_path)
        return {str(out_path): len(spacy_docs)}
    if len(spacy_docs) < 2:
        raise ValidationError("splitting off dev data needs at least two documents")
    order = list(range(len(spacy_docs)))
    random.Random(seed).shuffle(order)
    n_dev = min(max(1, round(len(order) * dev_fraction)), len(order) - 1)
    dev = [spacy_docs[i] for i in sorted(order[:n_dev])]
    train = [spacy_docs[i] for i in sorted(order[n_dev:])]
    if out_path.suffix == ".spacy":
        train_path = out_path.with_name(f"{out_path.stem}-train.spacy")
        dev_path = out_path.with_name(f"{out_path.stem}-dev.spacy")
    else:
        train_path, dev_path = out_path / "train.spacy", out_path / "dev.spacy"
    _save(train, train_path)
    _save(dev, dev_path)
    return {str(train_path): len(train), str(dev_path): len(dev)}


def _spacy_doc(doc: AnnotatedDocument) -> Doc:
    tokens = aligned_doc(doc.article.text, doc.spans, tokens=source_tokens(doc.article))
    tokens.spans["sc"] = [tokens.char_span(s.start, s.end, label=s.label) for s in doc.spans]
    tokens.ents = [tokens.char_span(s.start, s.end, label=s.label) for s in non_overlapping(doc.spans)]
    tokens.user_data[USER_DATA_KEY] = [
        {
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "annotator": s.annotator,
            "origin": s.origin,
            "status": s.status,
        }
        for s in doc.spans
    ]
    return tokens


def _save(docs: list[Doc], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs, store_user_data=True).to_disk(path)
