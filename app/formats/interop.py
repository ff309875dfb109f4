"""What the interchange formats (Prodigy, brat, CoNLL, doccano, DocBin) share.

Reading: file bytes to text, JSON records with typed access whose errors name the
file and line, source texts whose offsets are checked and mapped onto the
normalised text, and the who-did-what fields. Writing: JSON lines, the schema
check, frames as JSON, and spaCy tokens that line up with every span.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, FrameData, SpanData, is_tool_attribute
from app.core.errors import InputError, ValidationError
from app.core.schema import Schema
from app.core.span_details import SpanDetails
from app.formats.crlf import normalise_with_offsets
from app.formats.output import written_whole

if TYPE_CHECKING:  # spaCy and numpy load when a document is first tokenised, not when the formats are listed
    import numpy
    from spacy.language import Language
    from spacy.tokens import Doc

ORIGINS = ("human", "model", "rule", "import")
STATUSES = ("suggested", "accepted", "rejected")

_HYPHENS = "-\u2010\u2011"
_HYPHEN = re.compile(f"[{_HYPHENS}]")

# An article whose source file gave its tokens (CoNLL) says so in its meta: its tokens are then
# the pieces of its text between single spaces and line breaks, and exports give those back.
TOKENS_KEY = "tokens"
SPACE_SEPARATED = "space-separated"
_SPACE_SEPARATED_TOKEN = re.compile(r"[^ \n]+")
_JSON_TYPES = {str: "a string", int: "a whole number", float: "a number", dict: "an object", list: "an array"}


# -- reading -------------------------------------------------------------------


def read_utf8(path: Path) -> str:
    """The file's text, strictly UTF-8 and otherwise untouched (a BOM stays: it may count in offsets)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read the file: {err.strerror or err}") from err
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InputError(path, "not valid UTF-8; save the file as UTF-8", line=line) from err


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    for kind, name in _JSON_TYPES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


class Record:
    """A JSON object from a file: typed access whose errors name the file, line and place in the record."""

    def __init__(self, data: Any, path: Path, line: int | None, where: str = ""):
        self.path = path
        self.line = line
        self.where = where
        if not isinstance(data, dict):
            raise self.error(f"expected a JSON object, found {json_type(data)}")
        self.data = data

    def error(self, message: str) -> InputError:
        return InputError(self.path, f"{self.where}: {message}" if self.where else message, line=self.line)

    def get(self, key: str, *kinds: type, default: Any = None) -> Any:
        """data[key] if it has one of `kinds` (true/false is never a number); `default` if absent or null."""
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, kinds):
            expected = " or ".join(_JSON_TYPES[kind] for kind in kinds)
            raise self.error(f'"{key}" must be {expected}, not {json_type(value)}')
        return value

    def require(self, key: str, *kinds: type) -> Any:
        value = self.get(key, *kinds)
        if value is None:
            raise self.error(f'missing "{key}"')
        return value

    def items(self, key: str) -> list[Record]:
        """The objects in the array data[key] (none if absent or null)."""
        return [self.child(item, f"{key}[{i}]") for i, item in enumerate(self.get(key, list, default=[]))]

    def child(self, data: Any, where: str) -> Record:
        return Record(data, self.path, self.line, f"{self.where}.{where}" if self.where else where)


def json_records(path: Path, whole_documents: bool = False) -> Iterator[Record]:
    """The objects of a JSON Lines file, one per non-blank line, read and yielded a line at a time.

    With `whole_documents`, a file that is not JSON Lines may instead hold JSON
    documents spread over several lines (pretty-printed objects, or arrays of
    objects); each record then names the line its document starts on, and such a
    file is read whole. A file that is neither is reported at its first bad line.
    """
    given = 0
    for number, raw in enumerate(_lines(path), start=1):
        if not raw.strip():
            continue
        try:
            record = Record(_parse_line(raw, path, number), path, number)
        except InputError:
            if not whole_documents:
                raise
            records = _whole_documents(read_utf8(path).removeprefix("\ufeff"), path)
            if records is None:
                raise
            # the lines read so far each held one whole document: they are the first records here
            yield from records[given:]
            given = len(records)
            break
        given += 1
        yield record
    if not given:
        raise InputError(path, "the file holds no records")


def _lines(path: Path) -> Iterator[str]:
    """The file's lines (split at LF only, as str.split would), strictly UTF-8, without a leading BOM."""
    try:
        with path.open("rb") as file:
            for number, data in enumerate(file, start=1):
                try:
                    line = data.decode("utf-8")
                except UnicodeDecodeError as err:
                    raise InputError(path, "not valid UTF-8; save the file as UTF-8", line=number) from err
                yield line.removeprefix("\ufeff") if number == 1 else line
    except OSError as err:
        raise InputError(path, f"cannot read the file: {err.strerror or err}") from err


def _parse_line(raw: str, path: Path, line: int) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as err:
        raise InputError(path, f"invalid JSON: {err.msg} (column {err.colno})", line=line) from err


def _whole_documents(text: str, path: Path) -> list[Record] | None:
    """Records from consecutive JSON documents, or None if the text is not that."""
    decoder = json.JSONDecoder()
    records: list[Record] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return records
        line = text.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return None
        for item in value if isinstance(value, list) else [value]:
            records.append(Record(item, path, line))


class SourceText:
    """A text as a file gave it, and its normalised form, with offsets checked and mapped."""

    def __init__(self, raw: str):
        self.raw = raw
        self.text, self.map = normalise_with_offsets(raw)

    def offsets(self, start: Any, end: Any, error: Callable[[str], InputError]) -> tuple[int, int]:
        """(start, end) in the normalised text, for offsets into the raw one; checked first."""
        for name, value in (("start", start), ("end", end)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise error(f"{name} offset must be a whole number, not {json_type(value)}")
        if not 0 <= start < end <= len(self.raw):
            raise error(f"offsets {start}-{end} are not a span inside the text (0-{len(self.raw)})")
        mapped = self.map(start), self.map(end)
        if mapped[0] == mapped[1]:
            raise error(f"offsets {start}-{end} hold only what NewsGloss drops from a text "
                        "(the CR of a CRLF line end, a byte-order mark)")
        return mapped

    def check_text(self, start: int, end: int, given: str, error: Callable[[str], InputError]) -> None:
        """Raise unless `given` is the raw text at start-end."""
        actual = self.raw[start:end]
        if given != actual:
            raise error(f"text {given!r} does not match the text at {start}-{end}: {actual!r}")


def provenance(record: Record, default_status: str) -> dict[str, Any]:
    """annotator, origin, status, score and layer, as keyword arguments for SpanData or FrameData."""
    annotator = record.get("annotator", str, int)
    origin = record.get("origin", str, default="import")
    status = record.get("status", str, default=default_status)
    if origin not in ORIGINS:
        raise record.error(f'"origin" must be one of {", ".join(ORIGINS)}, not {origin!r}')
    if status not in STATUSES:
        raise record.error(f'"status" must be one of {", ".join(STATUSES)}, not {status!r}')
    score = record.get("score", int, float)
    return {
        "annotator": None if annotator is None else str(annotator),
        "origin": origin,
        "status": status,
        "score": None if score is None else float(score),
        "layer": record.get("layer", str),
    }


def frame_from_json(record: Record, resolve: Callable[[Any], str], default_status: str) -> FrameData:
    """A frame from the JSON form frame_json writes; `resolve` turns a span reference into a span key."""
    roles = record.require("roles", dict)
    for role, refs in roles.items():
        if not isinstance(refs, list):
            raise record.error(f'role "{role}" must be an array, not {json_type(refs)}')
    return FrameData(
        key=str(record.require("key", str, int)),
        type=record.require("type", str),
        roles={role: [resolve(ref) for ref in refs] for role, refs in roles.items()},
        attributes=_attributes(record),
        **provenance(record, default_status),
    )


def relation_fields(
    record: Record, ends: tuple[str, str], default_roles: tuple[str, str], default_status: str
) -> dict[str, Any]:
    """FrameData keyword arguments for a relation between the spans `ends`: roles, attributes, who-did-what.

    The roles are `default_roles` unless the record names its own in "roles", as relation_json writes them.
    """
    roles = record.get("roles", list, default=list(default_roles))
    if len(roles) != 2 or not all(isinstance(role, str) for role in roles) or roles[0] == roles[1]:
        raise record.error('"roles" must be an array of two different role names')
    return {
        "roles": {roles[0]: [ends[0]], roles[1]: [ends[1]]},
        "attributes": _attributes(record),
        **provenance(record, default_status),
    }


def _attributes(record: Record) -> dict[str, str]:
    attributes = record.get("attributes", dict, default={})
    for name, value in attributes.items():
        if not isinstance(value, str):
            raise record.error(f'attribute "{name}" must be a string, not {json_type(value)}')
    return dict(attributes)


# -- writing -------------------------------------------------------------------


def provenance_json(item: SpanData | FrameData) -> dict[str, Any]:
    """The who-did-what fields of a span or frame as JSON keys (score and layer only when set)."""
    out: dict[str, Any] = {"annotator": item.annotator, "origin": item.origin, "status": item.status}
    if item.score is not None:
        out["score"] = item.score
    if item.layer is not None:
        out["layer"] = item.layer
    return out


def frame_json(frame: FrameData, ref: Callable[[str], Any]) -> dict[str, Any]:
    """A frame as JSON: key, type, roles (span references made by `ref`), attributes, who-did-what."""
    out: dict[str, Any] = {
        "key": frame.key,
        "type": frame.type,
        "roles": {role: [ref(key) for key in keys] for role, keys in frame.roles.items()},
    }
    if frame.attributes:
        out["attributes"] = dict(frame.attributes)
    return out | provenance_json(frame)


def relation_json(frame: FrameData, default_roles: tuple[str, str]) -> dict[str, Any]:
    """A relation's keys beyond its ends and type: "roles" (unless the default), "attributes", who-did-what."""
    (first, _), (second, _) = relation_ends(frame)
    out: dict[str, Any] = {} if (first, second) == default_roles else {"roles": [first, second]}
    if frame.attributes:
        out["attributes"] = dict(frame.attributes)
    return out | provenance_json(frame)


def span_details_json(details: SpanDetails) -> dict[str, Any]:
    """A span's details as JSON keys, those it has: "attributes", "normalizations", "notes", "fragments"."""
    return {key: value for key, value in details.columns().items() if value is not None}


def span_details(item: Record, source: SourceText, start: int, end: int) -> SpanDetails:
    """The details span_details_json wrote into `item`, for a span at start-end of the normalised text."""
    fragments = []
    for pair in item.get("fragments", list, default=[]):
        if not (isinstance(pair, list) and len(pair) == 2):
            raise item.error(f"a fragment must be [start, end], not {pair!r}")
        fragment_start, fragment_end = pair
        fragments.append(source.offsets(fragment_start, fragment_end, item.error))
    details = SpanDetails(item.get("attributes", dict, default={}), item.get("normalizations", list, default=[]),
                          item.get("notes", dict, default={}), fragments)
    problem = details.problem(start, end)
    if problem:
        raise item.error(problem)
    return details


def binary_roles(frame: FrameData) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """((role, span key), (role, span key)) if the frame has exactly two roles of one span each."""
    filled = [(role, keys) for role, keys in frame.roles.items() if keys]
    if len(filled) != 2 or any(len(keys) != 1 for _, keys in filled):
        return None
    (first, [a]), (second, [b]) = filled
    return (first, a), (second, b)


def relation_ends(frame: FrameData) -> tuple[tuple[str, str], tuple[str, str]]:
    """binary_roles of a frame that a writer has already found to be a relation."""
    pair = binary_roles(frame)
    if pair is None:
        raise ValueError(f"frame {frame.key} is not a relation: binary_roles says which frames are")
    return pair


def write_json_lines(out_path: Path, records: Iterable[dict[str, Any]]) -> None:
    """One JSON object a line, UTF-8, LF line ends, each written as it comes."""
    with written_whole(out_path) as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def checked(docs: Iterable[AnnotatedDocument], schema: Schema | None) -> Iterator[AnnotatedDocument]:
    """The documents, each checked against `schema` (if given) as it passes: see check_schema."""
    for doc in docs:
        check_schema([doc], schema)
        yield doc


def check_schema(docs: Iterable[AnnotatedDocument], schema: Schema | None) -> None:
    """Raise ValidationError unless every label, frame type, role and attribute is in `schema` (if given)."""
    if schema is None:
        return
    for doc in docs:
        where = doc.article.external_id or doc.article.title
        for span in doc.spans:
            if span.label not in schema.labels:
                raise ValidationError(f"{where}: label {span.label!r} is not in schema {schema.name!r}")
        for frame in doc.frames:
            frame_type = schema.frames.get(frame.type)
            if frame_type is None:
                raise ValidationError(f"{where}: frame type {frame.type!r} is not in schema {schema.name!r}")
            for role in frame.roles:
                if role not in frame_type.roles:
                    raise ValidationError(f"{where}: {frame.type} has no role {role!r}")
            for name, value in frame.attributes.items():
                if is_tool_attribute(name):
                    continue
                attribute = frame_type.attributes.get(name)
                if attribute is None or value not in attribute.values:
                    message = f"{frame.type} attribute {name}={value!r} is not in the schema"
                    raise ValidationError(f"{where}: {message}")


# -- tokens --------------------------------------------------------------------


@functools.cache
def blank_english() -> Language:
    """spaCy's blank English pipeline: its tokenizer and vocab, no model."""
    import spacy

    return spacy.blank("en")


def source_tokens(article: ArticleDraft) -> list[tuple[int, int]] | None:
    """(start, end) of each token the article's source file had, if it kept them; else None."""
    if article.meta.get(TOKENS_KEY) != SPACE_SEPARATED:
        return None
    return [match.span() for match in _SPACE_SEPARATED_TOKEN.finditer(article.text)]


def aligned_doc(text: str, spans: Iterable[SpanData], keep_hyphenated: bool = False,
                tokens: Iterable[tuple[int, int]] | None = None) -> Doc:
    """aligned_tokens as a spaCy Doc whose text is `text` (doc.char_span finds every span exactly)."""
    from spacy.tokens import Doc

    aligned = aligned_tokens(text, spans, keep_hyphenated, tokens)
    return Doc(blank_english().vocab, words=[text[start:end] for start, end, _ in aligned],
               spaces=[space for _, _, space in aligned])


def aligned_tokens(text: str, spans: Iterable[SpanData], keep_hyphenated: bool = False,
                   tokens: Iterable[tuple[int, int]] | None = None) -> list[tuple[int, int, bool]]:
    """spaCy blank-English tokens of `text` (or the given `tokens`), cut at every span boundary: (start,
    end, whether a space follows) of each.

    Every span is then a whole number of tokens.
    Tokenizer cuts inside a user-perceived character (an emoji with a skin tone,
    a flag, a letter with a combining accent) are undone, and with
    `keep_hyphenated` those around a hyphen between letters or digits too
    (CoNLL-2003 keeps "re-engineered" and "1996-12-06" whole); span boundaries
    always cut. A single space becomes a token of its own where a span starts on
    it or ends after it.
    """
    import numpy

    spans = list(spans)
    starts = numpy.fromiter((span.start for span in spans), numpy.int64, len(spans))
    ends = numpy.fromiter((span.end for span in spans), numpy.int64, len(spans))
    if tokens is not None:
        token_cuts = numpy.fromiter((cut for token in tokens for cut in token), numpy.int64)
    else:
        from spacy.attrs import IDX, LENGTH

        bounds = blank_english().make_doc(text).to_array([IDX, LENGTH]).astype(numpy.int64)  # no Token objects
        token_cuts = numpy.concatenate([bounds[:, 0], bounds[:, 0] + bounds[:, 1]])
        undone: set[int] = set()
        if keep_hyphenated:  # only cuts beside a hyphen can be inside a hyphenated word
            undone.update(cut for match in _HYPHEN.finditer(text) for cut in match.span()
                          if _inside_hyphenated(text, cut))
        if not text.isascii() and any(map(_may_join, set(text))):  # else no cut is inside a character
            undone.update(cut for cut in token_cuts.tolist() if _inside_cluster(text, cut))
        if undone:
            token_cuts = token_cuts[~numpy.isin(token_cuts, list(undone))]
    points = numpy.sort(numpy.concatenate([numpy.array([0, len(text)]), starts, ends, token_cuts]))
    points = points[numpy.append(True, points[1:] != points[:-1])]
    a, b = points[:-1], points[1:]
    # The pieces a-b between cuts, in arrays (a Python loop over them is most of the time of an export).
    # A single space joins the piece before it as its trailing space unless a span starts on it or ends
    # after it, or that piece is blank (which a piece that took the space before it is, being that space).
    codes = numpy.frombuffer(text.encode("utf-32-le"), numpy.uint32)
    blank = _blank_code_points()
    filled = numpy.zeros(len(text) + 1, numpy.int64)  # how many characters before each place are not blank
    numpy.cumsum(~blank[numpy.minimum(codes, len(blank) - 1)], out=filled[1:])
    span_start, span_end = numpy.zeros(len(text) + 1, bool), numpy.zeros(len(text) + 1, bool)
    span_start[starts] = span_end[ends] = True
    joins = (b == a + 1) & (codes[a] == ord(" ")) & ~span_start[a] & ~span_end[b]
    joins[1:] &= filled[b[:-1]] > filled[a[:-1]]
    joins[:1] = False
    spaced = numpy.zeros_like(joins)
    spaced[:-1] = joins[1:]
    kept = ~joins
    return list(zip(a[kept].tolist(), b[kept].tolist(), spaced[kept].tolist()))


@functools.cache
def _blank_code_points() -> numpy.ndarray:
    """Whether each code point is blank (str.isspace) up to the last that is, and one more that is not."""
    import numpy

    return numpy.array([chr(point).isspace() for point in range(0x3000 + 2)])


def _may_join(char: str) -> bool:
    """Whether `char` can join the character before or after it into one user-perceived character."""
    return not char.isascii() and (char == "\u200d" or unicodedata.category(char) in ("Mn", "Me", "Mc")
                                   or "\U0001f3fb" <= char <= "\U0001f3ff" or "\U000e0020" <= char <= "\U000e007f"
                                   or _regional(char))


def _inside_hyphenated(text: str, i: int) -> bool:
    """Whether `i` is next to a hyphen that joins two letters or digits."""
    for hyphen in (i - 1, i):
        if 0 < hyphen < len(text) - 1 and text[hyphen] in _HYPHENS:
            if text[hyphen - 1].isalnum() and text[hyphen + 1].isalnum():
                return True
    return False


def _inside_cluster(text: str, i: int) -> bool:
    """Whether cutting `text` at `i` would split a user-perceived character (a simplified grapheme rule)."""
    if i <= 0 or i >= len(text):
        return False
    before, after = text[i - 1], text[i]
    if before.isspace() or after.isspace():
        return False  # whitespace is never joined to what is next to it
    if "\u200d" in (before, after) or unicodedata.category(after) in ("Mn", "Me", "Mc"):
        return True
    if "\U0001f3fb" <= after <= "\U0001f3ff" or "\U000e0020" <= after <= "\U000e007f":
        return True  # skin-tone modifier; tag characters of a subdivision flag
    if _regional(before) and _regional(after):
        run = 0
        while i - run - 1 >= 0 and _regional(text[i - run - 1]):
            run += 1
        return run % 2 == 1
    return False


def _regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"
