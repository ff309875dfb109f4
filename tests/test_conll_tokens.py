"""An article imported from CoNLL exports the same tokens and tags: the source's tokenisation is kept,
not redone by spaCy ("3." stays one token, "'m" is not cut into "' m")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.interchange import Selection
from app.core.transfer import export_path, import_paths
from conftest import INTEROP

# Written for this test: tokens spaCy's tokenizer would cut differently, in IOB2.
OWN = """-DOCSTART- -X- O O

I PRP _ O
'm VBP _ O
told VBN _ O
U.S. NNP _ B-GPE
shares NNS _ O
fell VBD _ O
3. CD _ O
`LOST NN _ B-WORK
'' '' _ I-WORK
in IN _ O
1996-12-06 CD _ B-DATE
, , _ O
said VBD _ O
Mr. NNP _ B-PERSON
O'Neill NNP _ I-PERSON
( ( _ O
A$ $ _ O
45.5 CD _ O
) ) _ O
. . _ O

They PRP _ O
can't MD _ O
e-mail VB _ O
N.Y.-based JJ _ B-ORG
firms NNS _ I-ORG
... : _ O
"""


def sentences(path: Path) -> list[list[tuple[str, str]]]:
    """(token, tag) per sentence, read here without NewsGloss; IOB1 tags rewritten as BIO (which exports write)."""
    found, current = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        columns = line.split()
        if not columns or columns[0] == "-DOCSTART-":
            if current:
                found.append(current)
            current = []
            continue
        token, tag = columns[0], columns[-1]
        if tag.startswith("I-") and (not current or current[-1][1][2:] != tag[2:]):
            tag = "B-" + tag[2:]  # IOB1: an entity may start with I-
        current.append((token, tag))
    if current:
        found.append(current)
    return found


@pytest.fixture
def own_file(tmp_path):
    path = tmp_path / "own.conll"
    path.write_text(OWN, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["spacy_ner-token-per-line-conll2003.iob", "wikigold_head288.conll", "own"])
def test_conll_round_trip_keeps_tokens_and_tags(project, tmp_path, own_file, name):
    source = own_file if name == "own" else INTEROP / "conll" / name
    import_paths(project, "conll", [source], unknown="add")
    out = tmp_path / "out.conll"
    export_path(project, "conll", out)
    original, exported = sentences(source), sentences(out)
    assert len(exported) == len(original)
    assert exported == original


def test_the_source_tokens_go_to_prodigy_too_and_a_new_span_inside_a_token_cuts_it(project, tmp_path, own_file):
    import_paths(project, "conll", [own_file], unknown="add")
    (article,) = project.articles()
    text = project.article(article.id).text
    out = tmp_path / "p.jsonl"
    export_path(project, "prodigy", out)
    (task,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert [t["text"] for t in task["tokens"] if t["text"].strip()] == text.split()
    three = text.index("3.")
    project.add_span(article.id, three, three + 1, "RATE")
    export_path(project, "conll", tmp_path / "c.conll", Selection())
    tokens = [token for sentence in sentences(tmp_path / "c.conll") for token in sentence]
    assert ("3", "B-RATE") in tokens and (".", "O") in tokens and ("'m", "O") in tokens
