"""CoNLL-2003 style NER files: one token a line, entities as IOB tags.

A line is `TOKEN [COLUMNS ...] TAG`, columns separated by spaces or tabs; the
first column is the token and the last its tag (O, B-TYPE or I-TYPE); any
columns between (POS, chunk) are ignored. A blank line ends a sentence and a
`-DOCSTART-` line a document (lines before the first one are a document too).

Reading accepts IOB1 (CoNLL-2003: I- may start an entity; B- only starts one
right after an entity of the same type) and BIO/IOB2 (every entity starts with
B-). CoNLL keeps no whitespace, so a document's text is rebuilt: tokens joined
by single spaces, sentences by "\\n". Offsets are into that text, and the
article's meta says its tokens are the pieces between spaces (interop.TOKENS_KEY).

Writing: BIO tags, 4 columns (`token _ _ TAG`), one `-DOCSTART- -X- O O` per
document. An article read from CoNLL gives back its own tokens (cut only where
a span added since starts or ends inside one). Other articles' tokens come from
spaCy's blank English tokenizer, cut at span boundaries and keeping hyphenated
words whole (as CoNLL-2003 does). A line break ends a sentence, other
whitespace is dropped. Every span given is tagged, whatever its status (the
export's selection chose them; tags hold no status, so core.transfer.export_path
takes one status at a time), but tags cannot nest: selection.non_overlapping
picks the spans to tag. A span across a line break comes back as two spans.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, SpanData
from app.core.errors import InputError, ValidationError
from app.core.schema import Schema
from app.core.text import first_line
from app.formats.decoding import decode_bytes
from app.formats.interop import SPACE_SEPARATED, TOKENS_KEY, aligned_tokens, checked, source_tokens
from app.formats.output import written_whole
from app.formats.registry import Format, declare
from app.formats.selection import non_overlapping

_DOCSTART = "-DOCSTART-"
_COLUMNS = re.compile(r"[ \t]+")
_TAG = re.compile(r"O|([BI])-(\S+)")


class _Builder:
    """One document's text and spans, token by token."""

    def __init__(self, line: int):
        self.line = line
        self.sentences: list[str] = []
        self.tokens: list[str] = []
        self.offset = 0  # where the next token starts
        self.end = 0  # where the last token ended
        self.spans: list[SpanData] = []
        self.open: tuple[int, str] | None = None  # start and type of the entity being read

    def token(self, token: str, tag: re.Match[str]) -> None:
        """Add a token with its tag (matched by _TAG)."""
        prefix, label = tag.groups()
        if self.tokens:
            self.offset += 1  # the space before it
        if prefix is None or prefix == "B" or self.open is None or self.open[1] != label:
            self._close()
        if prefix is not None and self.open is None:
            self.open = (self.offset, label)
        self.tokens.append(token)
        self.offset += len(token)
        self.end = self.offset

    def sentence_break(self) -> None:
        self._close()
        if self.tokens:
            self.sentences.append(" ".join(self.tokens))
            self.tokens = []
            self.offset += 1  # the "\n"

    def _close(self) -> None:
        if self.open is not None:
            start, label = self.open
            self.spans.append(SpanData(f"s{len(self.spans)}", start, self.end, label))
            self.open = None

    def document(self, path: Path) -> AnnotatedDocument | None:
        self.sentence_break()
        if not self.sentences:
            return None
        text = "\n".join(self.sentences)
        article = ArticleDraft(text=text, title=first_line(text), origin=str(path), line=self.line,
                               meta={TOKENS_KEY: SPACE_SEPARATED})
        return AnnotatedDocument(article, self.spans)


def read_conll(path: Path, encoding: str | None = None) -> list[AnnotatedDocument]:
    """Read a CoNLL file into documents (in `encoding` if given); raises InputError naming the line at the first problem."""
    return list(iter_conll(path, encoding))


def iter_conll(path: Path, encoding: str | None = None) -> Iterator[AnnotatedDocument]:
    """read_conll's documents, each yielded when the line after it is read (the file is decoded whole,
    as its encoding is judged from all of it)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read the file: {err.strerror or err}") from err
    text = decode_bytes(data, path, encoding=encoding)
    del data
    builder, given = _Builder(1), 0
    for number, line in enumerate(io.StringIO(text), start=1):
        columns = _COLUMNS.split(line.rstrip("\n").strip(" \t"))
        if columns == [""]:
            builder.sentence_break()
        elif columns[0] == _DOCSTART:
            if (doc := builder.document(path)) is not None:
                given += 1
                yield doc
            builder = _Builder(number)
        elif len(columns) < 2:
            raise InputError(path, f"expected a token and a tag, found only {columns[0]!r}", line=number)
        elif (tag := _TAG.fullmatch(columns[-1])) is None:
            raise InputError(path, f"tag {columns[-1]!r} is not O, B-TYPE or I-TYPE", line=number)
        else:
            builder.token(columns[0], tag)
    if (doc := builder.document(path)) is not None:
        given += 1
        yield doc
    if not given:
        raise InputError(path, "the file holds no tokens")


def write_conll(docs: Iterable[AnnotatedDocument], out_path: Path, schema: Schema | None = None) -> None:
    """Write the documents as BIO-tagged CoNLL as they come (see the module docstring); each checked against
    `schema` if given."""
    with written_whole(out_path) as out:
        for doc in checked(docs, schema):
            out.write(f"{_DOCSTART} -X- O O\n\n")
            out.write(_sentences(doc))


def _sentences(doc: AnnotatedDocument) -> str:
    """The document's tokens and tags, a blank line after each sentence."""
    out: list[str] = []
    text = doc.article.text
    aligned = aligned_tokens(text, doc.spans, keep_hyphenated=True, tokens=source_tokens(doc.article))
    tokens = [text[start:end] for start, end, _ in aligned]
    first = {start: i for i, (start, _, _) in enumerate(aligned)}  # a span's first token, and the one after it
    first.update({end: i + 1 for i, (_, end, _) in enumerate(aligned)})
    tags = ["O"] * len(tokens)
    for span in non_overlapping(doc.spans):
        if not span.label or any(char.isspace() for char in span.label):
            raise ValidationError(f"label {span.label!r} cannot be a CoNLL tag: it is empty or has a space")
        words = [i for i in range(first[span.start], first[span.end]) if not tokens[i].isspace()]
        for i in words:
            tags[i] = ("B-" if i == words[0] else "I-") + span.label
    sentence: list[str] = []
    for token, tag in zip(tokens, tags):
        if not token.isspace():
            if tag.startswith("I-") and not sentence:
                tag = "B-" + tag[2:]
            sentence.append(f"{token} _ _ {tag}\n")
        elif "\n" in token and sentence:
            out.append("".join(sentence) + "\n")
            sentence = []
    if sentence:
        out.append("".join(sentence) + "\n")
    return "".join(out)


CONLL = declare(Format(
    "conll", "CoNLL IOB", (".conll", ".iob", ".txt"), "documents", frozenset({"spans"}), encodings=True,
    why_not={"status": "CoNLL tags carry no status", "frames": "CoNLL holds entities only",
             "overlaps": "CoNLL tags cannot nest"},
    reader=iter_conll, writer=write_conll,
    about="conll: one token a line with its BIO tag, a blank line after each sentence."))
