"""The Prodigy export formats each task's tokens itself: every line must still be what json.dumps writes."""

from __future__ import annotations

import json

from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, SpanData
from app.formats.prodigy import read_prodigy, write_prodigy

TEXTS = [
    'She said "no" to the C:\\tariffs\\draft\tplan.',
    "Line one\u2028line two \x07 and a bell; \U0001f1e8\U0001f1e6 flags, caf\u00e9  double  spaces ",
    "  Leading blanks and a new line\n\nthen Ottawa.",
]


def test_each_line_is_json_dumps_of_its_task_and_its_tokens_tile_the_text(tmp_path):
    docs = [AnnotatedDocument(ArticleDraft(text=text, title=f"t{i}", origin="test"),
                              [SpanData("a", 4, 8, "X", annotator="ana"), SpanData("b", 2, 12, "Y", status="rejected")],
                              []) for i, text in enumerate(TEXTS)]
    write_prodigy(docs, tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").split("\n")
    assert lines.pop() == ""
    for text, line in zip(TEXTS, lines, strict=True):
        task = json.loads(line)
        assert json.dumps(task, ensure_ascii=False) == line
        assert list(task) == ["text", "tokens", "spans", "relations", "answer", "meta", "_input_hash", "_task_hash"]
        assert task["text"] == text
        assert "".join(t["text"] + " " * t["ws"] for t in task["tokens"]) == text
        assert [t["id"] for t in task["tokens"]] == list(range(len(task["tokens"])))
        for span in task["spans"]:
            first, last = task["tokens"][span["token_start"]], task["tokens"][span["token_end"]]
            assert (first["start"], last["end"]) == (span["start"], span["end"])
    back = read_prodigy(tmp_path / "out.jsonl")
    assert [(d.article.text, [(s.start, s.end, s.label, s.status) for s in d.spans]) for d in back] == [
        (text, [(4, 8, "X", "accepted"), (2, 12, "Y", "rejected")]) for text in TEXTS]
