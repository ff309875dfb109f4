"""Every importer, fed random bytes, random text, and well-formed files with random offsets.

The property, through app.core.transfer.import_paths (what the command line and
the app call): the import succeeds, adding rows and changing none, with every span
inside its article's text; or it raises a NewsGlossError that names the file, and
the project is exactly as before. Any other exception fails the test. Every example
starts from the same small project (a new copy after each import that worked), so
a failure replays exactly. Offsets go out of range, backwards, below zero, and into
flags, ZWJ emoji, combining marks, CRLF line ends and byte-order marks.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.articles import ArticleDraft
from app.core.errors import NewsGlossError
from app.core.project import Project
from app.core.text import normalize_text
from app.core.transfer import export_path, import_paths

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MORE = settings(FUZZ, max_examples=150)  # for the structured files, where the bugs hide deeper

# Texts already in the project (so imports also meet existing articles and spans), and pieces of new ones:
# astral characters, ZWJ emoji, combining marks, CRLF, lone CR, byte-order marks.
KNOWN = ["China retaliated with tariffs on Canadian canola.\nOttawa answered.",
         "👍🏽 Ottawa 🇨🇦 imposed tariffs on 𝒳 steel; café owners shrugged."]
PIECES = st.sampled_from(["Ottawa", "China", " ", "tariffs", "\n", "\r\n", "\r", "👍🏽", "🇨🇦", "👨‍👩‍👧", "e\u0301",
                          "𝒳", "\t", "\ufeff", "“", "—", ".", "0"])
NEW_TEXT = st.lists(st.one_of(PIECES, st.characters(exclude_categories=("Cs",))), max_size=30).map("".join)
TEXT = st.one_of(st.sampled_from(KNOWN), NEW_TEXT.filter(str.strip))
JUNK = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False), st.text(max_size=5),
                 st.lists(st.integers(), max_size=2))


def often(good: st.SearchStrategy, bad: st.SearchStrategy, odds: int = 3) -> st.SearchStrategy:
    """`good` `odds` times out of `odds` + 1, else `bad` (one_of would merge repeated strategies)."""
    return st.sampled_from([True] * odds + [False]).flatmap(lambda ok: good if ok else bad)


def mostly(good: list, bad: list, odds: int = 3) -> st.SearchStrategy:
    return often(st.sampled_from(good), st.sampled_from(bad), odds)


# Mostly labels and roles that fit each other (GPE imposes, PRODUCT is a product), so that frames get stored.
LABELS = mostly(["GPE", "GPE", "PRODUCT", "ORG", "CUE"], ["NEW_LABEL", "gpe", "", "a b", 7])
FRAME_TYPES = mostly(["tariff_fact", "tariff_fact", "claim"], ["NewType", ""])
RELATION_TYPES = mostly(["NewRelation", "tariff_fact"], [""])  # the news schema has no relation types
ROLES = mostly(["imposer", "target", "product", "claimant"], ["cue", "head", "x"])
POLICIES = st.sampled_from(["fail", "skip", "add"])


def offsets(length: int, junk: bool = True) -> st.SearchStrategy[tuple]:
    """Offsets into a text of `length` code points: mostly a span inside it, else negative, reversed,
    past the end, or (with `junk`) not a number at all."""
    inside = st.integers(0, max(length - 1, 0)).flatmap(
        lambda s: st.tuples(st.just(s), st.integers(s + 1, max(length, s + 1))))
    outside = st.tuples(st.integers(-3, length + 3), st.integers(-3, length + 3))
    return often(inside, st.one_of(outside, st.tuples(JUNK, st.integers(0, length))) if junk else outside, odds=6)


FITS = {"GPE": ["imposer", "target"], "ORG": ["imposer", "claimant"], "PRODUCT": ["product"]}  # in the news schema


def roles_for(draw, labelled: list[tuple]) -> dict[str, list]:
    """Frame roles over (reference, label) pairs: mostly roles their labels fit, now and then any role,
    sometimes naming a span twice."""
    roles: dict[str, list] = {}
    for ref, label in repeat_some(draw, draw(st.lists(st.sampled_from(labelled), max_size=3)) if labelled else []):
        fits = FITS.get(label) if isinstance(label, str) else None
        role = draw(often(st.sampled_from(fits), ROLES, odds=6)) if fits else draw(ROLES)
        roles.setdefault(role, []).append(ref)
    return roles


def repeat_some(draw, items: list) -> list:
    """The items, sometimes with copies of a few of them: the same span twice, or named twice in a role."""
    if items and draw(st.booleans()):
        items = items + draw(st.lists(st.sampled_from(items), min_size=1, max_size=2))
    return items


# ---------------------------------------------------------------- projects


def make_project(path: Path, seeded: bool) -> None:
    """A project file, closed; seeded, it holds the KNOWN articles with spans and a frame."""
    with Project.open(path, "alice", create=True) as project:
        if seeded:
            report = project.add_articles([ArticleDraft(text=t, title=f"Known {i}", origin="fuzz")
                                           for i, t in enumerate(KNOWN)])
            article = report.added[0][0]
            china = project.add_span(article, 0, 5, "GPE")
            at = KNOWN[0].index("canola")
            canola = project.add_span(article, at, at + 6, "PRODUCT")
            project.add_frame(article, "tariff_fact", {"imposer": [china.id], "product": [canola.id]})


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    """Project files to copy for each example: a seeded one, and an empty one for native imports."""
    folder = tmp_path_factory.mktemp("templates")
    make_project(folder / "seeded.db", seeded=True)
    make_project(folder / "empty.db", seeded=False)
    return {"seeded": folder / "seeded.db", "empty": folder / "empty.db"}


def rows(project: Project) -> dict[str, set[str]]:
    return {table: {json.dumps(row, sort_keys=True) for row in found} for table, found in project.dump().items()}


def broken_rows(project: Project) -> list[dict]:
    """Articles whose text Qt would change on showing it, and spans not inside their article's text."""
    dumped = project.dump()
    lengths = {a["id"]: len(a["text"]) for a in dumped["article"]}
    return [a for a in dumped["article"] if a["text"] != normalize_text(a["text"])] + [
        s for s in dumped["span"] if not (isinstance(s["start"], int) and isinstance(s["end"], int)
                                          and 0 <= s["start"] < s["end"] <= lengths[s["article_id"]])]


class Scratch:
    """A copy of a template project to import into. While imports fail it is kept (check_import asserts that
    a failed import leaves it exactly as it was); after one that worked, the next import gets a new copy."""

    def __init__(self, template: Path, root: Path):
        self.template, self.root = template, root
        self.path: Path | None = None
        self.project: Project | None = None
        self.rows: dict[str, set[str]] = {}

    def open(self) -> Project:
        if self.project is None:
            self.path = example_folder(self.root) / "project.db"
            shutil.copy(self.template, self.path)
            self.project = Project.open(self.path, "alice")
            self.rows = rows(self.project)
        return self.project

    def close(self) -> None:
        if self.project is not None:
            self.project.close()
            self.project = None


@pytest.fixture
def scratch(templates, tmp_path):
    """Scratch("seeded") or Scratch("empty") for this test, closed after it."""
    made: list[Scratch] = []

    def make(kind: str) -> Scratch:
        made.append(Scratch(templates[kind], tmp_path))
        return made[-1]

    yield make
    for space in made:
        space.close()


def check_import(space: Scratch, fmt: str, path: Path, unknown: str = "fail") -> bool:
    """Import into the scratch project; True if it worked. Asserts the all-or-nothing property either way."""
    project = space.open()
    before = space.rows
    try:
        import_paths(project, fmt, [path], unknown=unknown)
    except NewsGlossError as err:
        assert str(path) in str(err), f"the error does not name {path}: {err}"
        assert "[SQL" not in str(err), f"the error quotes a database statement: {err}"
        assert rows(project) == before, f"a failed import changed the project ({err})"
        return False
    after = rows(project)
    for table, kept in before.items():
        if not (fmt == "native" and table == "label_schema"):  # a native file brings its own schema copies
            assert kept <= after[table], f"an import changed or removed rows of {table}"
    assert broken_rows(project) == []
    space.close()
    with Project.open(space.path, "alice"):  # and the project opens again
        return True


def example_folder(root: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=root))


def one_file(name: str) -> Callable[[Path, bytes], Path]:
    def place(folder: Path, data: bytes) -> Path:
        (folder / name).write_bytes(data)
        return folder / name
    return place


def brat_pair(folder: Path, text: bytes, ann: bytes = b"") -> Path:
    (folder / "doc.txt").write_bytes(text)
    (folder / "doc.ann").write_bytes(ann)
    return folder


# format name, and how one input is laid out on disk: a function writing the data and returning what to import
LAYOUTS = {
    "txt": ("articles", one_file("a.txt")),
    "html": ("articles", one_file("a.html")),
    "jsonl": ("articles", one_file("a.jsonl")),
    "prodigy": ("prodigy", one_file("a.jsonl")),
    "conll": ("conll", one_file("a.conll")),
    "doccano": ("doccano", one_file("a.jsonl")),
    "brat-txt": ("brat", brat_pair),
    "brat-ann": ("brat", lambda folder, data: brat_pair(folder, KNOWN[0].encode(), data)),
    "native": ("native", one_file("p.json")),
}


def template_for(fmt: str) -> str:
    return "empty" if fmt == "native" else "seeded"


# ------------------------------------------------------------- unstructured


@pytest.mark.parametrize("layout", LAYOUTS)
def test_random_bytes_import_cleanly_or_not_at_all(layout, scratch, tmp_path):
    fmt, place = LAYOUTS[layout]
    space = scratch(template_for(fmt))

    @FUZZ
    @given(data=st.binary(max_size=400), unknown=POLICIES)
    def check(data, unknown):
        folder = example_folder(tmp_path)
        check_import(space, fmt, place(folder, data), unknown)

    check()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_random_text_imports_cleanly_or_not_at_all(layout, scratch, tmp_path):
    fmt, place = LAYOUTS[layout]
    space = scratch(template_for(fmt))

    @FUZZ
    @given(text=st.one_of(NEW_TEXT, st.text(max_size=200)), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]),
           unknown=POLICIES)
    def check(text, encoding, unknown):
        folder = example_folder(tmp_path)
        data = text.encode(encoding, errors="replace")
        check_import(space, fmt, place(folder, data), unknown)

    check()


# --------------------------------------------------------------- structured


@st.composite
def prodigy_task(draw) -> dict:
    text = draw(TEXT)
    spans = []
    for start, end in draw(st.lists(offsets(len(text)), max_size=4)):
        span = {"start": start, "end": end, "label": draw(LABELS)}
        if draw(st.booleans()) and isinstance(start, int):
            span["text"] = draw(often(st.just(text[start:end]), NEW_TEXT, odds=8))
        spans.append(span)
    spans = repeat_some(draw, spans)
    task = {"text": text, "spans": spans}
    if spans and draw(st.booleans()):
        pick = st.sampled_from(spans)
        task["relations"] = [{"head_span": draw(pick), "child_span": draw(pick), "label": draw(RELATION_TYPES),
                              "head": 0, "child": 0} for _ in range(draw(st.integers(1, 2)))]
    if draw(often(st.just(True), st.just(False))):
        stray = draw(st.sampled_from([-1, len(spans)]))  # not the index of a span
        labelled = [(i, span["label"]) for i, span in enumerate(spans)] + [(stray, "")]
        task["meta"] = {"title": draw(often(NEW_TEXT, JUNK)),
                        "frames": [{"key": i, "type": draw(FRAME_TYPES), "roles": roles_for(draw, labelled)}
                                   for i in range(draw(st.integers(0, 2)))]}
    if draw(st.booleans()):
        task["answer"] = draw(mostly(["accept", "reject", "ignore", None], ["maybe"], odds=8))
    return task


@st.composite
def doccano_record(draw) -> dict:
    text = draw(TEXT)
    record: dict = {"text": text}
    shape = draw(mostly(["entities"], ["label", "annotations"], odds=2))
    pairs = draw(st.lists(offsets(len(text)), max_size=4))
    if shape == "label":
        record["label"] = repeat_some(draw, [[s, e, draw(LABELS)] for s, e in pairs]) \
            + draw(st.lists(st.sampled_from(["POS", "NEG"]), max_size=1))
    elif shape == "entities":
        entities = repeat_some(draw, [{"start_offset": s, "end_offset": e, "label": draw(LABELS)} for s, e in pairs])
        ids = list(range(len(entities))) if draw(often(st.just(True), st.just(False))) else \
            draw(st.lists(st.integers(0, 5), min_size=len(entities), max_size=len(entities)))
        record["entities"] = [entity | {"id": i} for i, entity in zip(ids, entities)]
        ref = often(st.sampled_from(ids), st.integers(0, 6)) if ids else st.integers(0, 6)
        record["relations"] = [{"id": n, "from_id": draw(ref), "to_id": draw(ref), "type": draw(RELATION_TYPES)}
                               for n in range(draw(st.integers(0, 2)))]
        if draw(often(st.just(True), st.just(False))):
            labelled = [(e["id"], e["label"]) for e in record["entities"]] + [(draw(st.integers(0, 6)), "")]
            record["frames"] = [{"key": "f", "type": draw(FRAME_TYPES), "roles": roles_for(draw, labelled)}]
    else:
        record["annotations"] = [{"start_offset": s, "end_offset": e, "label": draw(LABELS),
                                  "user": draw(st.integers(1, 3))} for s, e in pairs]
    return record


def one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


@st.composite
def brat_files(draw) -> tuple[str, str]:
    """A .txt and an .ann whose T lines have random offsets, with relations, events, attributes and notes."""
    text = draw(often(TEXT.map(one_line), TEXT))
    label = mostly(["GPE", "ORG", "PERSON", "PRODUCT", "CUE", "CLAIM", "NEW_LABEL"], ["", "a b"], odds=8)
    lines, ids = [], []
    for n in range(1, draw(st.integers(1, 4)) + 1):
        fragments = draw(st.lists(offsets(len(text), junk=False), min_size=1, max_size=2))
        covered = [text[s:e] for s, e in fragments if 0 <= s < e <= len(text)]
        tail = " ".join(covered) if len(covered) == len(fragments) and draw(st.integers(0, 9)) \
            else draw(NEW_TEXT.map(one_line))
        where = ";".join(f"{s} {e}" for s, e in fragments)
        lines.append(f"T{n}\t{draw(label)} {where}\t{tail}")
        ids.append(f"T{n}")
    for n, line in enumerate(repeat_some(draw, list(lines))[len(lines):], start=len(lines) + 1):
        lines.append(f"T{n}\t{line.partition(chr(9))[2]}")  # the same span again under another id
        ids.append(f"T{n}")
    ref = mostly(ids, ["T99", "E1", "R1"], odds=8)
    for n in range(1, draw(st.integers(0, 2)) + 1):
        lines.append(f"R{n}\t{draw(RELATION_TYPES) or 'Rel'} Arg1:{draw(ref)} Arg2:{draw(ref)}")
    labelled = [(f"T{n}", line.split("\t")[1].split(" ")[0]) for n, line in enumerate(lines, start=1)]
    for n in range(1, draw(st.integers(0, 2)) + 1):
        args = " ".join(f"{role.capitalize()}{draw(st.sampled_from(['', '2']))}:{target}"
                        for role, targets in roles_for(draw, labelled).items() for target in targets)
        lines.append(f"E{n}\t{draw(mostly(['Claim', 'Tariff_fact'], ['Other']))}:{draw(ref)} {args}".rstrip())
    if draw(st.booleans()):
        lines.append(f"A1\tNegation {draw(ref)}")
    if draw(st.booleans()):
        note = mostly(["a note", "origin=model status=suggested score=0.5"], ["origin=human status=nope"])
        lines.append(f"#1\tAnnotatorNotes {draw(ref)}\t{draw(note)}")
    lines = draw(st.permutations(lines))
    return text, "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


@st.composite
def conll_lines(draw) -> str:
    token = st.one_of(st.sampled_from(["Ottawa", "China", "👍🏽", "e\u0301", "-DOCSTART-", "."]),
                      st.text(st.characters(exclude_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=4))
    tag = mostly(["O", "B-GPE", "I-GPE", "B-ORG", "I-NEW_LABEL", "I-PRODUCT"], ["B-", "X-Y", "b-gpe"])
    line = st.one_of(st.tuples(token, tag).map(" ".join), st.tuples(token, st.just("NNP"), tag).map("\t".join),
                     st.sampled_from(["", "-DOCSTART- -X- O O", "lonely"]))
    return "\n".join(draw(st.lists(line, min_size=1, max_size=12)))


@st.composite
def article_lines(draw) -> str:
    fields = {"id": mostly(["a1", 7], [True, 1.5]), "title": mostly(["Tariffs"], [3, ""]),
              "published": mostly(["2024-05-01", "2024-05-01T10:00:00+02:00"], ["May 1", 2024]),
              "meta": mostly([{"k": 1}], [[], "m", {"extra": 1}]), "source": mostly(["Wire"], [{}]),
              "other": JUNK}
    records = []
    for _ in range(draw(st.integers(1, 3))):
        record = {"text": draw(often(TEXT, JUNK, odds=6))}
        for key, values in fields.items():
            if draw(st.booleans()):
                record[key] = draw(values)
        records.append(json.dumps(record, ensure_ascii=draw(st.booleans())))
    return "\n".join(records)


def jsonl(records: list[dict]) -> str:
    return "\n".join(json.dumps(record, ensure_ascii=False) for record in records)


STRUCTURED = {
    "prodigy": (st.lists(prodigy_task(), min_size=1, max_size=3).map(jsonl), "prodigy", one_file("a.jsonl")),
    "doccano": (st.lists(doccano_record(), min_size=1, max_size=3).map(jsonl), "doccano", one_file("a.jsonl")),
    "conll": (conll_lines(), "conll", one_file("a.conll")),
    "articles": (article_lines(), "articles", one_file("a.jsonl")),
}


@pytest.mark.parametrize("name", STRUCTURED)
def test_well_formed_files_with_random_offsets_import_cleanly_or_not_at_all(name, scratch, tmp_path):
    content, fmt, place = STRUCTURED[name]
    space = scratch("seeded")

    @MORE
    @given(text=content, unknown=POLICIES)
    def check(text, unknown):
        folder = example_folder(tmp_path)
        check_import(space, fmt, place(folder, text.encode("utf-8")), unknown)

    check()


def test_brat_with_random_offsets_imports_cleanly_or_not_at_all(scratch, tmp_path):
    space = scratch("seeded")

    @MORE
    @given(files=brat_files(), unknown=POLICIES)
    def check(files, unknown):
        folder = example_folder(tmp_path)
        text, ann = files
        check_import(space, "brat", brat_pair(folder, text.encode(), ann.encode()), unknown)

    check()


# ------------------------------------------------------------------- native


@pytest.fixture(scope="module")
def native_file(templates, tmp_path_factory) -> dict:
    """The seeded project as a native document, to damage."""
    out = tmp_path_factory.mktemp("native") / "p.json"
    with Project.open(templates["seeded"], "alice") as project:
        export_path(project, "native", out)
    return json.loads(out.read_text(encoding="utf-8"))


@st.composite
def damaged(draw, document: dict) -> dict:
    """The native document with a few random changes: offsets, ids, missing keys, wrong types, repeated rows."""
    document = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(1, 3))):
        table = draw(st.sampled_from(["span", "span", "frame", "frame_slot", "article", "annotator",
                                      "article_progress", "label_schema", "change_log"]))
        if not document[table]:
            continue
        row = draw(st.sampled_from(document[table]))
        action = draw(st.sampled_from(["offsets", "offsets", "value", "drop", "repeat"]))
        if action == "offsets" and table == "span":
            length = len(document["article"][0]["text"])
            row["start"], row["end"] = draw(offsets(length))
        elif action == "value":
            row[draw(st.sampled_from(sorted(row)))] = draw(st.one_of(JUNK, st.integers(-2, 200)))
        elif action == "drop":
            del row[draw(st.sampled_from(sorted(row)))]
        elif action == "repeat":
            document[table].append(dict(row))
    return document


def test_damaged_native_files_restore_cleanly_or_not_at_all(native_file, scratch, tmp_path):
    space = scratch("empty")

    @MORE
    @given(document=damaged(native_file))
    def check(document):
        folder = example_folder(tmp_path)
        path = one_file("p.json")(folder, json.dumps(document).encode())
        check_import(space, "native", path)

    check()


def test_the_undamaged_native_file_restores(native_file, scratch, tmp_path):
    """The damaged files above start from a file that does restore."""
    path = one_file("p.json")(tmp_path, json.dumps(native_file).encode())
    assert check_import(scratch("empty"), "native", path)


def test_a_span_over_only_the_cr_of_a_crlf_is_refused_clearly(tmp_path):
    """Found by the fuzzing above: it was refused as a span "at 0-0" lying "outside the text (0-7)"."""
    path = one_file("a.jsonl")(tmp_path, json.dumps({"text": "\r\nOttawa", "label": [[0, 1, "GPE"]]}).encode())
    with Project.open(tmp_path / "p.db", "alice", create=True) as project:
        with pytest.raises(NewsGlossError, match=r"a\.jsonl, line 1: label\[0\]: offsets 0-1 hold only what "
                                                 r"NewsGloss drops from a text \(the CR of a CRLF line end"):
            import_paths(project, "doccano", [path])


def test_a_text_that_begins_with_two_byte_order_marks_is_stored_without_them(tmp_path):
    """Qt drops one leading mark each time it is given text: a mark left in the stored text would shift
    every highlight after it (the text view refuses such text outright)."""
    path = one_file("a.jsonl")(tmp_path, json.dumps({"text": "\ufeff\ufeffOttawa imposed tariffs."}).encode())
    with Project.open(tmp_path / "p.db", "alice", create=True) as project:
        import_paths(project, "articles", [path])
        assert project.article(1).text == "Ottawa imposed tariffs."
