"""spaCy training data: documents as .spacy DocBin files (export only).

Each document becomes a Doc tokenised by spaCy's blank English tokenizer, cut
at span boundaries so every span's offsets stay exact (no span is dropped for
misalignment). Every span given is exported, whatever its status (the export's
selection chose them; a DocBin holds no status that spaCy reads, so
core.transfer.export_path takes one status at a time):

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
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.documents import AnnotatedDocument
from app.core.errors import ValidationError
from app.formats.interop import aligned_doc, source_tokens
from app.formats.output import written_whole
from app.formats.registry import Format, declare
from app.formats.selection import non_overlapping

if TYPE_CHECKING:  # spaCy loads when a DocBin is first made, not when the formats are listed
    from spacy.tokens import Doc, DocBin

USER_DATA_KEY = "newsgloss_spans"


def write_docbin(docs: Iterable[AnnotatedDocument], out_path: Path, dev_fraction: float = 0.0, seed: int = 0,
                 count: int | None = None) -> dict[str, int]:
    """Write the documents as DocBin file(s), each added as it comes; returns each file written with the
    number of documents in it. A split needs the number of documents first: `count`, or they are listed."""
    if not 0.0 <= dev_fraction < 1.0:
        raise ValidationError(f"dev_fraction must be at least 0 and below 1, not {dev_fraction}")
    out_path = Path(out_path)
    if dev_fraction == 0.0:
        train = _bin()
        for doc in docs:
            train.add(_spacy_doc(doc))
        _save(train, out_path)
        return {str(out_path): len(train)}
    if count is None:
        docs = list(docs)
        count = len(docs)
    if count < 2:
        raise ValidationError("splitting off dev data needs at least two documents")
    order = list(range(count))
    random.Random(seed).shuffle(order)
    dev_ids = set(order[:min(max(1, round(count * dev_fraction)), count - 1)])
    train, dev = _bin(), _bin()
    for i, doc in enumerate(docs):
        (dev if i in dev_ids else train).add(_spacy_doc(doc))
    if out_path.suffix == ".spacy":
        train_path = out_path.with_name(f"{out_path.stem}-train.spacy")
        dev_path = out_path.with_name(f"{out_path.stem}-dev.spacy")
    else:
        train_path, dev_path = out_path / "train.spacy", out_path / "dev.spacy"
    _save(train, train_path)
    _save(dev, dev_path)
    return {str(train_path): len(train), str(dev_path): len(dev)}


def _bin() -> DocBin:
    """A DocBin of what the documents have: tokens, their spacing and the entities (no tags, lemmas or
    parses, which a blank tokenizer does not make: a third of the memory of spaCy's default columns)."""
    from spacy.tokens import DocBin

    return DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=True)


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


def _save(docbin: DocBin, path: Path) -> None:
    with written_whole(path, "wb") as out:
        out.write(docbin.to_bytes())


DOCBIN = declare(Format(
    "docbin", "spaCy DocBin", (".spacy",), "documents", frozenset({"spans", "annotators", "overlaps"}), splits=True,
    why_not={"status": "spaCy's doc.ents and doc.spans carry no status", "frames": "a DocBin holds spans only"},
    writer=write_docbin,
    about="docbin: spaCy training data, every span in doc.spans[\"sc\"] and the ones that do not overlap in "
          "doc.ents; --dev-fraction splits off a dev set."))
