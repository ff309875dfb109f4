"""The DocBin export streams each document's columns to disk; its file must still be spaCy's own DocBin bytes
(compressed at another level: compared uncompressed)."""

from __future__ import annotations

import zlib

from spacy.tokens import DocBin

from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, SpanData
from app.formats.docbin import USER_DATA_KEY, write_docbin
from app.formats.interop import aligned_doc
from app.formats.selection import non_overlapping

TEXTS = [
    'Ottawa  raised "steel" duties on Friday.\n\nBeijing\u2019s reply: 25 % on soybeans \u2014 effective now.',
    "Caf\u00e9 owners in Montr\u00e9al say the tariff war \U0001f44d\U0001f3fd costs them; U.S. officials disagree.",
    "A short note from Ottawa.",
]


def documents() -> list[AnnotatedDocument]:
    """Overlapping spans, a span cutting a token, a span starting on a space, several annotators."""
    out = []
    for i, text in enumerate(TEXTS):
        spans = [SpanData("a", 0, 6, "GPE", annotator="ana"), SpanData("b", 0, 13, "ORG", annotator="ben"),
                 SpanData("c", 2, 4, "X", origin="model", status="suggested"), SpanData("d", 6, 9, "Y")]
        out.append(AnnotatedDocument(ArticleDraft(text=text, title=f"t{i}", origin="test"), spans, []))
    return out


def spacys_own(docs: list[AnnotatedDocument]) -> bytes:
    """What DocBin.to_bytes makes of the Docs the module docstring describes."""
    docbin = DocBin(attrs=["ENT_IOB", "ENT_TYPE"], store_user_data=True)
    for doc in docs:
        tokens = aligned_doc(doc.article.text, doc.spans)
        tokens.spans["sc"] = [tokens.char_span(s.start, s.end, label=s.label) for s in doc.spans]
        tokens.ents = [tokens.char_span(s.start, s.end, label=s.label) for s in non_overlapping(doc.spans)]
        tokens.user_data[USER_DATA_KEY] = [{"start": s.start, "end": s.end, "label": s.label, "annotator": s.annotator,
                                            "origin": s.origin, "status": s.status} for s in doc.spans]
        docbin.add(tokens)
    return zlib.decompress(docbin.to_bytes())


def written(path) -> bytes:
    return zlib.decompress(open(path, "rb").read())


def test_the_streamed_file_is_the_bytes_of_spacys_docbin(tmp_path):
    docs = documents()
    assert write_docbin(docs, tmp_path / "news.spacy") == {str(tmp_path / "news.spacy"): 3}
    assert written(tmp_path / "news.spacy") == spacys_own(docs)


def test_an_empty_export_and_a_split_are_spacys_bytes_too(tmp_path):
    write_docbin([], tmp_path / "none.spacy")
    assert written(tmp_path / "none.spacy") == spacys_own([])
    docs = documents()
    files = write_docbin(docs, tmp_path / "split.spacy", dev_fraction=0.4, seed=3)
    assert files == {str(tmp_path / "split-train.spacy"): 2, str(tmp_path / "split-dev.spacy"): 1}
    texts = {doc.article.text: doc for doc in docs}
    for path in files:
        vocab = aligned_doc("x", []).vocab
        in_file = [texts[d.text] for d in DocBin().from_disk(path).get_docs(vocab)]
        assert written(path) == spacys_own(in_file)


def test_a_failed_export_leaves_no_file(tmp_path):
    def failing():
        yield from documents()[:2]
        raise RuntimeError("the database went away")

    try:
        write_docbin(failing(), tmp_path / "news.spacy")
    except RuntimeError:
        pass
    assert list(tmp_path.iterdir()) == []
