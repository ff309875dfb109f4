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

import io
import random
import struct
import tempfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from app.core.documents import AnnotatedDocument
from app.core.errors import ValidationError
from app.core.collector import old_objects_frozen
from app.formats.interop import aligned_doc, blank_english, source_tokens
from app.formats.output import written_whole
from app.formats.registry import Format, declare
from app.formats.selection import non_overlapping

USER_DATA_KEY = "newsgloss_spans"


def write_docbin(docs: Iterable[AnnotatedDocument], out_path: Path, dev_fraction: float = 0.0, seed: int = 0,
                 count: int | None = None) -> dict[str, int]:
    """Write the documents as DocBin file(s), each added as it comes; returns each file written with the
    number of documents in it. A split needs the number of documents first: `count`, or they are listed."""
    if not 0.0 <= dev_fraction < 1.0:
        raise ValidationError(f"dev_fraction must be at least 0 and below 1, not {dev_fraction}")
    out_path = Path(out_path)
    if dev_fraction == 0.0:
        with _DocBinFile(out_path) as train, old_objects_frozen():
            for doc in docs:
                train.add(doc)
        return {str(out_path): train.count}
    if count is None:
        docs = list(docs)
        count = len(docs)
    if count < 2:
        raise ValidationError("splitting off dev data needs at least two documents")
    order = list(range(count))
    random.Random(seed).shuffle(order)
    dev_ids = set(order[:min(max(1, round(count * dev_fraction)), count - 1)])
    if out_path.suffix == ".spacy":
        train_path = out_path.with_name(f"{out_path.stem}-train.spacy")
        dev_path = out_path.with_name(f"{out_path.stem}-dev.spacy")
    else:
        train_path, dev_path = out_path / "train.spacy", out_path / "dev.spacy"
    with _DocBinFile(train_path) as train, _DocBinFile(dev_path) as dev, old_objects_frozen():
        for i, doc in enumerate(docs):
            (dev if i in dev_ids else train).add(doc)
    return {str(train_path): train.count, str(dev_path): dev.count}


class _DocBinFile:
    """A .spacy file written as documents come: what DocBin.to_bytes makes of a DocBin of them all, but
    compressed by zlib at its fastest level (DocBin reads any; spaCy's default level took a fifth of the time).

    DocBin holds every document until the end and its add() is slow (a Token object per token for its
    strings; srsly looks up its entry points on every msgpack_dumps): here each document's columns go to
    temporary files, and at the end its msgpack map is written through zlib, column after column. The
    DocBin keeps tokens, their spacing and the entities (no tags, lemmas or parses, which a blank
    tokenizer does not make: a third of the memory of spaCy's default columns) and the user data.
    """

    _LISTS = ("tokens", "spaces", "span_groups", "user_data")

    def __init__(self, path: Path):
        from spacy import attrs  # spaCy loads when a DocBin is written, not when the formats are listed
        from spacy.tokens import DocBin
        from srsly import msgpack

        self.ids = attrs
        self.path = path
        self.attrs: list[int | str] = list(DocBin(attrs=["ENT_IOB", "ENT_TYPE"]).attrs)  # ORTH first, as DocBin
        self.vocab = blank_english().vocab
        self.packer = msgpack.Packer(use_bin_type=True)
        self.count = 0
        self.lengths: list[int] = []
        self.strings: set[str] = set()
        self.parts: dict[str, IO[bytes]] = {}

    def __enter__(self) -> _DocBinFile:
        self.parts = {name: tempfile.TemporaryFile() for name in self._LISTS}
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            if kind is None:
                self._save()
        finally:
            for part in self.parts.values():
                part.close()

    def add(self, doc: AnnotatedDocument) -> None:
        """What DocBin.add keeps of a Doc of `doc`'s aligned tokens (aligned_doc) with every span in
        spans["sc"], the non-overlapping ones (selection.non_overlapping) as its entities, and user data."""
        import numpy  # loaded on writing, not when the formats are listed

        tokens = aligned_doc(doc.article.text, doc.spans, tokens=source_tokens(doc.article))
        starts = tokens.to_array(self.ids.IDX)  # every span starts and ends where a token starts (or at the end)
        places = {(s.start, s.end): range_ for s, range_ in zip(doc.spans, zip(
            numpy.searchsorted(starts, [s.start for s in doc.spans]).tolist(),
            numpy.searchsorted(starts, [s.end for s in doc.spans]).tolist()))}
        strings = self.vocab.strings
        columns = tokens.to_array(self.attrs)
        # The entities' columns as Doc.ents sets them (quicker than Span objects): B(egin) 3, I(nside) 1, O(ut) 2
        iob, kind = columns[:, self.attrs.index(self.ids.ENT_IOB)], columns[:, self.attrs.index(self.ids.ENT_TYPE)]
        iob[:] = 2
        for s in non_overlapping(doc.spans):
            first, after = places[s.start, s.end]
            iob[first], iob[first + 1:after], kind[first:after] = 3, 1, strings.add(s.label)
        self.parts["tokens"].write(columns.tobytes())
        self.parts["spaces"].write(tokens.to_array(self.ids.SPACY).astype(bool).tobytes())
        self.lengths.append(len(tokens))
        # DocBin's strings: each token's text, norm, entity type (a span label) and its empty tag, lemma, parse
        self.strings.update(map(strings.__getitem__, numpy.unique(tokens.to_array([self.ids.ORTH, self.ids.NORM, self.ids.TAG]))))
        self.strings.update(s.label for s in doc.spans)
        group = [struct.pack(">QQQllll", 0, 0, strings.add(s.label), *places[s.start, s.end], s.start, s.end)
                 for s in doc.spans]  # as SpanGroup.to_bytes packs a span: id, kb_id, label, tokens, offsets
        group_bytes = self.packer.pack({"name": "sc", "attrs": {}, "spans": group})
        self.parts["span_groups"].write(self.packer.pack(self.packer.pack({group_bytes: ["sc"]})))
        self.parts["user_data"].write(self.packer.pack(self.packer.pack({USER_DATA_KEY: _user_data(doc)})))
        self.count += 1

    def _save(self) -> None:
        import numpy

        pack = self.packer.pack
        compressor = zlib.compressobj(1)
        with written_whole(self.path, "wb") as out:
            def put(data: bytes) -> None:
                out.write(compressor.compress(data))

            def put_bin(part: IO[bytes]) -> None:
                put(_bin_header(part.seek(0, io.SEEK_END)))
                part.seek(0)
                while chunk := part.read(1 << 20):
                    put(chunk)

            put(self.packer.pack_map_header(10) + pack("version") + pack("0.1") + pack("attrs") + pack(self.attrs))
            put(pack("tokens"))
            put_bin(self.parts["tokens"])
            put(pack("spaces"))
            put_bin(self.parts["spaces"])
            put(pack("lengths") + pack(numpy.asarray(self.lengths, dtype="int32").tobytes()))
            put(pack("strings") + pack(sorted(self.strings)))
            put(pack("cats") + self.packer.pack_array_header(self.count) + pack({}) * self.count)
            put(pack("flags") + self.packer.pack_array_header(self.count)
                + pack({"has_unknown_spaces": False}) * self.count)
            for name in ("span_groups", "user_data"):
                put(pack(name) + self.packer.pack_array_header(self.count))
                self.parts[name].seek(0)
                while chunk := self.parts[name].read(1 << 20):
                    put(chunk)
            out.write(compressor.flush())


def _bin_header(size: int) -> bytes:
    """msgpack's header of `size` bytes of binary data."""
    if size < 1 << 8:
        return b"\xc4" + struct.pack(">B", size)
    if size < 1 << 16:
        return b"\xc5" + struct.pack(">H", size)
    return b"\xc6" + struct.pack(">I", size)


def _user_data(doc: AnnotatedDocument) -> list[dict]:
    """doc.user_data[USER_DATA_KEY]: who did what, per span of doc.spans["sc"]."""
    return [
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


DOCBIN = declare(Format(
    "docbin", "spaCy DocBin", (".spacy",), "documents", frozenset({"spans", "annotators", "overlaps"}), splits=True,
    why_not={"status": "spaCy's doc.ents and doc.spans carry no status", "frames": "a DocBin holds spans only"},
    writer=write_docbin,
    about="docbin: spaCy training data, every span in doc.spans[\"sc\"] and the ones that do not overlap in "
          "doc.ents; --dev-fraction splits off a dev set."))
