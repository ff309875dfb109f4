r"""brat standoff: a name.txt holding the text and a name.ann holding its annotations.

Reading (a folder, walked recursively, or one .ann or .txt file of a pair; a .txt
without a .ann is a document without annotations; the external id is the name):

- T (text-bound) -> a span keyed by its id. Its text must equal the .txt at its
  offsets. Offsets normally count the .txt as it is on disk, CRLF as two
  characters, and are moved onto the normalised text. brat itself reads files
  with universal newlines and so counts CRLF as one (nlplab/brat#853); a file
  whose every T matches only that way is read that way.
- Discontinuous T (`T1\tLabel 0 5;10 15\ttext`): one span from the first
  fragment's start to the last one's end, its fragments in its details.
  Fragments separated only by line breaks are one (brat cannot hold a line
  break inside a fragment), so such a span comes back whole.
- R (`R1\tLabel Arg1:T1 Arg2:T2`) -> FrameData(type, roles={"arg1": [T1], "arg2": [T2]}).
- E (`E1\tType:T5 Role:T1 Role2:T2`) -> FrameData(type, roles) with the trigger in
  role "trigger" (for claims: "cue"); numbered roles (Role2, Role3) fold into
  role "role", in number order. Arguments that are other events (Event-Arg:E4)
  are kept in the frame attributes as "brat:arg:<role>" = "E4 ..." (frame keys).
- A / M (`A1\tNegation E1`, `A1\tConfidence E1 Neutral`) -> frame attributes
  {"negation": "true"} / {"confidence": "Neutral"}; on a T, the span's details
  (names as written).
- N (`N1\tReference T5 Wikipedia:64488\tname`) -> the span's normalizations:
  [{"type", "ref", "text"}]. On an E or R line, N is listed as skipped.
- # notes of any type (`#1\tAnnotatorNotes T1\t...`, `#2\tLemma T1\trun`) -> the
  span's notes {type: text}, frame attributes "brat:note" (AnnotatorNotes) or
  "brat:note:TYPE" (lines joined by LF); a note of the form written below sets
  who-did-what. A note on an A, N or # line is listed as skipped.
- * (`*\tAlias T3 T4 T5`) -> FrameData(key="*1", type="alias", roles={"*": [T3, T4, T5]}).

Names: types, roles and attribute names written all in lower case in NewsGloss
get a capital first letter in brat (tariff_fact <-> Tariff_fact, product <->
Product); other names are kept as they are. Span labels are never changed.

Writing follows brat's own rules (server/src/annotation.py and
verify_annotations.py in nlplab/brat; tests/brat_rules.py checks them without
NewsGloss's reader): one .txt (LF) and .ann per document, named from the
external id (or the document's number); annotation.conf when a schema is given.

- Ids are unique, every reference resolves, and a T line that triggers an event
  is referenced by E lines only: no note, attribute, normalization, relation or
  equivalence points at it.
- Frame types are relations or events per type, the same in every document and
  in annotation.conf: a type is a relation (R lines, under [relations]) when it
  has two roles, neither a trigger, and every frame of it fills each with one
  span (never claims or tariff facts); an equivalence (`*` lines) when its one
  role is "*"; otherwise an event (E lines, under [events]).
- An event's trigger role ("trigger"; "cue" for claims) holding one span that
  triggers only events of this type and has no details of its own makes that
  span's T line the trigger, typed with the event type as brat requires; the E
  line's note then says who made the span and its label ("trigger.label=CUE").
  Any other event gets a T line written only to trigger it, its E line's note
  saying synthetic=1, dropped on reading.
- Every T (not a trigger), E and R gets a note "annotator=... origin=...
  status=..." (values percent-encoded). Attributes become A lines ("true" is
  written binary), normalizations N lines, notes # lines of their type.
- annotation.conf has [entities] [relations] [events] [attributes], allows any
  overlap between entities (NewsGloss spans nest and cross), and declares the
  event arguments and attributes the documents use beyond the schema.
"""

from __future__ import annotations

import functools
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, FrameData, SpanData
from app.core.errors import InputError, ValidationError
from app.core.schema import Role, Schema
from app.core.span_details import NOTE, SpanDetails
from app.core.text import first_line
from app.formats.interop import ORIGINS, STATUSES, SourceText, binary_roles, checked, read_utf8, relation_ends
from app.formats.registry import Format, declare

_TRIGGER_ROLES = {"claim": "cue", "tariff_fact": "trigger"}
_NOTE_KEYS = ("annotator", "origin", "status", "score", "layer", "label", "synthetic")
_TRIGGER_KEY = "trigger."  # a note's fields about an event's trigger span, on the E line
_NOTE = "brat:note"  # frame attribute of AnnotatorNotes; other note types: "brat:note:TYPE"
_EVENT_ARG = "brat:arg:"
_T_DATA = re.compile(r"(\S+) (\d+ \d+(?:;\d+ \d+)*)")
_ARG = re.compile(r"([^\s:]+):([^\s:]+)")
_NUMBERED = re.compile(r"(.*?)(\d*)")


def read_brat(path: Path) -> list[AnnotatedDocument]:
    """Read a brat folder or one .txt/.ann pair; raises InputError at the first problem."""
    path = Path(path)
    if path.is_dir():
        pairs = _pairs_in(path)
    elif path.suffix in (".ann", ".txt") and path.exists():
        if not path.with_suffix(".txt").exists():
            raise InputError(path, "no .txt file of the same name beside it")
        pairs = [(path.with_suffix(".txt"), path.with_suffix(".ann"))]
    elif not path.exists():
        raise InputError(path, "no such file or folder")
    else:
        raise InputError(path, "expected a brat folder, or a .ann or .txt file")
    return [_Reader(txt, ann).document() for txt, ann in pairs]


def _pairs_in(folder: Path) -> list[tuple[Path, Path]]:
    def visible(p: Path) -> bool:
        return not any(part.startswith(".") for part in p.relative_to(folder).parts)

    texts = sorted(p for p in folder.rglob("*.txt") if visible(p))
    for ann in sorted(p for p in folder.rglob("*.ann") if visible(p)):
        if not ann.with_suffix(".txt").exists():
            raise InputError(ann, "no .txt file of the same name beside it")
    if not texts:
        raise InputError(folder, "no .txt files in the folder")
    return [(txt, txt.with_suffix(".ann")) for txt in texts]


@dataclass
class _Line:
    """One .ann line split into its parts: id, the fields of its middle part, its text tail."""

    number: int
    id: str
    fields: list[str]
    tail: str | None


@dataclass
class _Targets:
    """What the A, N and # lines say about one annotation."""

    attributes: dict[str, str] = field(default_factory=dict)
    normalizations: list[dict[str, str]] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)  # note type -> its lines
    provenance: dict[str, str] = field(default_factory=dict)


class _Reader:
    """One .txt/.ann pair into a document: lines are read first, so ids may be used before they are defined."""

    def __init__(self, txt: Path, ann: Path):
        self.txt, self.ann = txt, ann
        self.source = SourceText(read_utf8(txt))
        if not self.source.text.strip():
            raise InputError(txt, "file is empty")
        text = read_utf8(ann).removeprefix("\ufeff") if ann.exists() else ""
        self.lines: dict[str, _Line] = {}
        self.equivs: list[_Line] = []
        for number, raw in enumerate(text.split("\n"), start=1):
            if raw.strip():
                self._add(self._split(raw.rstrip("\r"), number))
        self.targets: dict[str, _Targets] = defaultdict(_Targets)
        self.span_ids: set[str] = set()  # T ids read as spans
        self.skipped: list[str] = []  # what cannot be represented, for the import's report

    def error(self, message: str, line: _Line | int) -> InputError:
        return InputError(self.ann, message, line=line if isinstance(line, int) else line.number)

    def _split(self, raw: str, number: int) -> _Line:
        id_, tab, rest = raw.partition("\t")
        if not tab or not id_:
            raise self.error("expected an id, a tab, then the annotation", number)
        middle, tab, tail = rest.partition("\t")
        return _Line(number, id_, middle.split(), tail if tab else None)

    def _add(self, line: _Line) -> None:
        if line.id[0] not in "TREAMN#*":
            raise self.error(f"unknown annotation type {line.id!r}", line)
        if not line.fields:
            raise self.error(f"{line.id} is empty", line)
        if line.id == "*":
            self.equivs.append(line)
        elif line.id in self.lines:
            first = self.lines[line.id].number
            raise self.error(f"id {line.id} is used twice (first on line {first})", line)
        else:
            self.lines[line.id] = line

    def of_kind(self, kinds: str) -> list[_Line]:
        return [line for line in self.lines.values() if line.id[0] in kinds]

    def document(self) -> AnnotatedDocument:
        self._read_modifiers()
        spans = self._spans()
        frames = self._frames()
        text = self.source.text
        article = ArticleDraft(text, first_line(text), str(self.txt), external_id=self.txt.stem)
        return AnnotatedDocument(article, spans, frames, skipped=self.skipped)

    def skip(self, line: _Line, why: str) -> None:
        self.skipped.append(f"{self.ann.name} line {line.number}: {line.id} {' '.join(line.fields)}: {why}")

    # -- A, M, N, # -------------------------------------------------------------

    def _target(self, line: _Line, ref: str, kinds: str) -> str:
        target = self.lines.get(ref)
        if target is None:
            raise self.error(f"{line.id} refers to {ref}, which is not defined", line)
        if target.id[0] not in kinds:
            raise self.error(f"{line.id} cannot refer to {ref}", line)
        return ref

    def _read_modifiers(self) -> None:
        for line in self.of_kind("AM"):
            if len(line.fields) not in (2, 3) or (line.tail or "").strip():
                raise self.error("expected 'NAME TARGET' or 'NAME TARGET VALUE'", line)
            name, ref, *given = line.fields
            attributes = self.targets[self._target(line, ref, "TER")].attributes
            attributes[name if ref[0] == "T" else _from_brat(name)] = _from_brat_value(given[0]) if given else "true"
        for line in self.of_kind("N"):
            if len(line.fields) != 3 or ":" not in line.fields[2]:
                raise self.error("expected 'TYPE TARGET DB:ID'", line)
            kind, ref, reference = line.fields
            if self._target(line, ref, "TER")[0] != "T":
                self.skip(line, "a normalization of an event or relation has no place in NewsGloss")
                continue
            entry = {"type": kind, "ref": reference, "text": line.tail or ""}
            self.targets[ref].normalizations.append(entry)
        for line in self.of_kind("#"):
            if len(line.fields) != 2:
                raise self.error("expected 'TYPE TARGET', a tab, then the note", line)
            kind, ref = line.fields
            if self._target(line, ref, "TERAMN#")[0] not in "TER":
                self.skip(line, "a note on an attribute, normalization or note has no place in NewsGloss")
                continue
            targets = self.targets[ref]
            fields = _provenance_note(line.tail or "") if kind == NOTE else None
            if fields is None:
                targets.notes.setdefault(kind, []).append(line.tail or "")
            else:
                self._check_provenance(fields, line)
                targets.provenance.update(fields)
        for line in self.of_kind("E"):  # an event's note speaks for its trigger's span too
            trigger = line.fields[0].partition(":")[2]
            fields = self.targets[line.id].provenance if trigger in self.lines else {}
            for key, value in fields.items():
                if key.startswith(_TRIGGER_KEY):
                    self.targets[trigger].provenance.setdefault(key.removeprefix(_TRIGGER_KEY), value)
            if fields.get("synthetic") == "1":
                self.targets[trigger].provenance["synthetic"] = "1"

    def _check_provenance(self, fields: dict[str, str], line: _Line) -> None:
        for prefix in ("", _TRIGGER_KEY):
            origin, status = fields.get(prefix + "origin", "import"), fields.get(prefix + "status", "accepted")
            if origin not in ORIGINS:
                raise self.error(f"origin must be one of {', '.join(ORIGINS)}, not {origin!r}", line)
            if status not in STATUSES:
                raise self.error(f"status must be one of {', '.join(STATUSES)}, not {status!r}", line)
            try:
                float(fields.get(prefix + "score", 0))
            except ValueError:
                raise self.error(f"score {fields[prefix + 'score']!r} is not a number", line) from None

    def _who(self, ref: str) -> dict:
        fields = self.targets[ref].provenance
        score = fields.get("score")
        return {
            "annotator": fields.get("annotator"),
            "origin": fields.get("origin", "import"),
            "status": fields.get("status", "accepted"),
            "score": None if score is None else float(score),
            "layer": fields.get("layer"),
        }

    def _synthetic(self, ref: str) -> bool:
        return self.targets[ref].provenance.get("synthetic") == "1"

    # -- T ----------------------------------------------------------------------

    def _spans(self) -> list[SpanData]:
        lines = self.of_kind("T")
        parsed = {line.id: self._t_data(line) for line in lines}
        placed = self._place(lines, parsed)
        spans = []
        for line in lines:
            if self._synthetic(line.id):
                continue
            label, _ = parsed[line.id]
            fragments = _join_line_breaks(placed[line.id], self.source.text)
            targets = self.targets[line.id]
            notes = {kind: "\n".join(lines) for kind, lines in targets.notes.items()}
            details = SpanDetails(targets.attributes, targets.normalizations, notes,
                                  fragments if len(fragments) > 1 else [])
            label = targets.provenance.get("label", label)
            self.span_ids.add(line.id)
            start, end = fragments[0][0], fragments[-1][1]
            spans.append(SpanData(line.id, start, end, label, details=details, **self._who(line.id)))
        return spans

    def _t_data(self, line: _Line) -> tuple[str, list[tuple[int, int]]]:
        match = _T_DATA.fullmatch(" ".join(line.fields))
        if match is None:
            raise self.error("expected 'LABEL START END' (fragments separated by ';')", line)
        fragments = [(int(start), int(end)) for start, end in (part.split() for part in match.group(2).split(";"))]
        for start, end in fragments:
            if start >= end:
                raise self.error(f"offsets {start}-{end}: the start must come before the end", line)
        return match.group(1), fragments

    def _place(self, lines: list[_Line], parsed: dict) -> dict[str, list[tuple[int, int]]]:
        """Fragments in the normalised text: offsets into the .txt as on disk, else as brat counts them."""
        source = self.source
        try:
            return self._check_texts(lines, parsed, source.raw, source.map)
        except InputError as err:
            if source.raw == source.text:
                raise
            first_error = err
        try:
            return self._check_texts(lines, parsed, source.text, lambda offset: offset)
        except InputError:
            raise first_error from None

    def _check_texts(
        self, lines: list[_Line], parsed: dict, text: str, to_normalised: Callable[[int], int]
    ) -> dict[str, list[tuple[int, int]]]:
        """Fragments mapped by `to_normalised`, once every T's text is `text` at its offsets."""
        placed = {}
        for line in lines:
            _, fragments = parsed[line.id]
            where = ";".join(f"{start}-{end}" for start, end in fragments)
            if any(end > len(text) for _, end in fragments):
                raise self.error(f"offsets {where} are outside the .txt ({len(text)} characters)", line)
            actual = " ".join(text[start:end] for start, end in fragments)
            if line.tail is not None and line.tail != actual:
                raise self.error(f"text {line.tail!r} does not match the .txt at {where}: {actual!r}", line)
            placed[line.id] = [(to_normalised(start), to_normalised(end)) for start, end in fragments]
        return placed

    # -- E, R, * ------------------------------------------------------------------

    def _frames(self) -> list[FrameData]:
        frames = []
        for line in self.of_kind("ER"):
            frame_type, roles, attributes = self._event(line) if line.id[0] == "E" else self._relation(line)
            targets = self.targets[line.id]
            attributes |= targets.attributes
            for kind, lines in targets.notes.items():
                attributes[_NOTE if kind == NOTE else f"{_NOTE}:{kind}"] = "\n".join(lines)
            frames.append(FrameData(line.id, frame_type, roles, attributes, **self._who(line.id)))
        for i, line in enumerate(self.equivs, start=1):
            if len(line.fields) < 3:
                raise self.error("expected 'TYPE ID ID ...'", line)
            members = [self._span_key(line, ref) for ref in line.fields[1:]]
            frames.append(FrameData(f"*{i}", _from_brat(line.fields[0]), {"*": members}))
        return frames

    def _span_key(self, line: _Line, ref: str) -> str:
        self._target(line, ref, "T")
        if ref not in self.span_ids:
            raise self.error(f"{line.id} refers to {ref}, which is only a trigger written for an event", line)
        return ref

    def _args(self, line: _Line, fields: list[str]) -> list[tuple[str, str]]:
        args = []
        for item in fields:
            match = _ARG.fullmatch(item)
            if match is None:
                raise self.error(f"expected ROLE:ID, got {item!r}", line)
            args.append((match.group(1), match.group(2)))
        return args

    def _event(self, line: _Line) -> tuple[str, dict[str, list[str]], dict[str, str]]:
        if (line.tail or "").strip():
            raise self.error("unexpected text after the event's arguments", line)
        [(event_type, trigger), *args] = self._args(line, line.fields)
        frame_type = _from_brat(event_type)
        roles: dict[str, list[str]] = {}
        self._target(line, trigger, "T")
        if not self._synthetic(trigger):
            roles[_TRIGGER_ROLES.get(frame_type, "trigger")] = [self._span_key(line, trigger)]
        numbered: dict[str, list[tuple[int, str]]] = defaultdict(list)
        events: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for role, ref in args:
            numbered_role = _NUMBERED.fullmatch(role)
            if numbered_role is None or not numbered_role[1]:
                raise self.error(f"role {role!r} has no name", line)
            base, number = numbered_role.groups()
            place = (int(number or 1), ref)
            if self._target(line, ref, "TE")[0] == "E":
                events[_from_brat(base)].append(place)
            else:
                numbered[_from_brat(base)].append((place[0], self._span_key(line, ref)))
        for role, places in numbered.items():
            roles.setdefault(role, []).extend(key for _, key in sorted(places, key=_first))
        attributes = {
            _EVENT_ARG + role: " ".join(ref for _, ref in sorted(places, key=_first))
            for role, places in events.items()
        }
        return frame_type, roles, attributes

    def _relation(self, line: _Line) -> tuple[str, dict[str, list[str]], dict[str, str]]:
        if len(line.fields) != 3 or (line.tail or "").strip():
            raise self.error("expected 'TYPE ROLE:ID ROLE:ID'", line)
        args = self._args(line, line.fields[1:])
        roles = {_from_brat(role): [self._span_key(line, ref)] for role, ref in args}
        if len(roles) != 2:
            raise self.error("the two arguments of a relation need different roles", line)
        return _from_brat(line.fields[0]), roles, {}


def _first(pair: tuple[int, str]) -> int:
    return pair[0]


def _provenance_note(note: str) -> dict[str, str] | None:
    """The fields of a who-did-what note ("annotator=a origin=human status=accepted"), or None."""
    fields = {}
    for word in note.split(" "):
        key, equals, value = word.partition("=")
        if not equals or key.removeprefix(_TRIGGER_KEY) not in _NOTE_KEYS or key in fields:
            return None
        fields[key] = unquote(value)
    return fields if {"origin", "status"} <= fields.keys() else None


def _join_line_breaks(fragments: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Fragments in text order, those that overlap or are separated only by line breaks joined into one."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(fragments):
        if joined and set(text[joined[-1][1] : start]) <= {"\n"}:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _from_brat(name: str) -> str:
    """Tariff_fact -> tariff_fact: a capital followed by lower case only loses its capital."""
    return name[:1].lower() + name[1:] if name[:1].isupper() and name[1:] == name[1:].lower() else name


def _to_brat(name: str) -> str:
    """tariff_fact -> Tariff_fact: an all-lower-case name gets a capital first letter."""
    return name[:1].upper() + name[1:] if name == name.lower() else name


# annotation.conf separates an attribute's arguments with commas, so a value that lists several
# codes ("CAN,MEX", a tariff fact's normalised targets) is written with semicolons instead.
def _to_brat_value(value: str) -> str:
    return value.replace(",", ";")


def _from_brat_value(value: str) -> str:
    return value.replace(";", ",")


# -- writing --------------------------------------------------------------------

_RELATION, _EQUIV, _EVENT = "relation", "equivalence", "event"


def write_brat(docs: Iterable[AnnotatedDocument], out_dir: Path, schema: Schema | None = None) -> None:
    """Write name.txt and name.ann per document into `out_dir` as the documents come (see the module docstring).

    With a schema, each document is checked against it and annotation.conf is written last, declaring
    what the documents used. How brat holds a frame type (relation or event) can depend on every frame
    of it: a document with a frame of a type that may yet be either waits for the end, the others are
    written at once (the shipped schema's claims and tariff facts are always events).
    """
    out_dir = Path(out_dir)
    part = out_dir.with_name(out_dir.name + ".part")  # moved into out_dir when whole: a failed export leaves nothing
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(parents=True)
    use, names, waiting = _FrameUse(schema), _FileNames(), []

    def write(name: str, content: str) -> None:
        (part / name).write_text(content, encoding="utf-8", newline="\n")

    try:
        for doc in checked(docs, schema):
            use.add(doc)
            name = names.next(doc)
            write(f"{name}.txt", doc.article.text)
            if all(frame.type in use.settled for frame in doc.frames):
                write(f"{name}.ann", _Writer(doc, use.kinds()).ann())
            else:
                waiting.append((name, doc))
        kinds = use.kinds()
        for name, doc in waiting:
            write(f"{name}.ann", _Writer(doc, kinds).ann())
        if schema is not None:
            write("annotation.conf", _conf(schema, use))
        out_dir.mkdir(parents=True, exist_ok=True)
        for path in part.iterdir():
            path.replace(out_dir / path.name)
    finally:
        shutil.rmtree(part, ignore_errors=True)


class _FileNames:
    """A distinct, safe file name per document: its external id, else its number."""

    def __init__(self):
        self.taken: set[str] = set()  # in lower case: names that differ in case alone clash on some systems

    def next(self, doc: AnnotatedDocument) -> str:
        base = re.sub(r"[^\w.-]+", "_", doc.article.external_id or "").strip("._") or f"{len(self.taken) + 1:04d}"
        name, n = base, 1
        while name.lower() in self.taken:
            n += 1
            name = f"{base}-{n}"
        self.taken.add(name.lower())
        return name


class _FrameUse:
    """What brat's kinds and annotation.conf depend on in the documents seen so far: per frame type the
    roles its frames fill and whether each frame could be a relation; event arguments that are other
    events; attributes used beyond the schema."""

    def __init__(self, schema: Schema | None):
        self.schema = schema
        self.roles: dict[str, set[str]] = defaultdict(set)
        self.binary: dict[str, bool] = {}
        self.event_args: dict[str, dict[str, None]] = defaultdict(dict)  # frame type -> roles filled by events
        self.attributes: dict[str, tuple[list[str], list[str]]] = {}  # brat name -> (what it applies to, values)
        # frame types whose kind no frame still to come can change
        self.settled = {name for name in (schema.frames if schema is not None else ()) if self._kind(name) != _RELATION}

    def add(self, doc: AnnotatedDocument) -> None:
        for span in doc.spans:
            for name, value in span.details.attributes.items():
                self.declare(name, "<ENTITY>", [value])
        for frame in doc.frames:
            self.roles[frame.type].update(frame.roles)
            self.binary[frame.type] = (self.binary.get(frame.type, True) and binary_roles(frame) is not None
                                       and not any(map(_is_event_arg, frame.attributes)))
            if not self.binary[frame.type] and self.roles[frame.type] != {"*"}:
                self.settled.add(frame.type)  # an event now, whatever follows
            for name, value in frame.attributes.items():
                if _is_event_arg(name):
                    self.event_args[frame.type][name.removeprefix(_EVENT_ARG)] = None
                elif self.schema is not None and _note_type(name) is None and name not in getattr(
                        self.schema.frames.get(frame.type), "attributes", {}):
                    self.declare(_to_brat(name), _to_brat(frame.type), [_to_brat_value(value)])

    def declare(self, name: str, target: str, values: Sequence[str]) -> None:
        targets, known = self.attributes.setdefault(name, ([], []))
        targets.extend([target] if target not in targets else [])
        known.extend(value for value in values if value not in known)

    def kinds(self) -> dict[str, str]:
        """Frame type -> how brat holds all its frames: as relations, equivalences or events."""
        return {name: self._kind(name)
                for name in dict.fromkeys([*(self.schema.frames if self.schema is not None else ()), *self.roles])}

    def _kind(self, name: str) -> str:
        ftype = self.schema.frames.get(name) if self.schema is not None else None
        roles = list(ftype.roles) if ftype is not None else sorted(self.roles[name])
        if roles == ["*"]:
            return _EQUIV
        if (name in _TRIGGER_ROLES or _TRIGGER_ROLES.get(name, "trigger") in roles or len(roles) != 2
                or not self.binary.get(name, True)):
            return _EVENT
        return _RELATION


def _is_event_arg(name: str) -> bool:
    return name.startswith(_EVENT_ARG)


def _note_type(attribute: str) -> str | None:
    """The brat note type a frame attribute holds ("brat:note" -> AnnotatorNotes), or None."""
    if attribute == _NOTE:
        return NOTE
    return attribute.removeprefix(_NOTE + ":") if attribute.startswith(_NOTE + ":") else None


class _Writer:
    """The .ann text of one document."""

    def __init__(self, doc: AnnotatedDocument, kinds: dict[str, str]):
        self.doc, self.kinds = doc, kinds
        self.text = doc.article.text
        self.spans = {span.key: span for span in doc.spans}
        self.counts: dict[str, int] = defaultdict(int)
        self.lines: dict[str, list[str]] = defaultdict(list)  # id kind -> its lines
        self.tid: dict[str, str] = {}  # span key -> T id
        self.triggers = self._triggers()

    def new_id(self, kind: str) -> str:
        self.counts[kind] += 1
        return f"{kind}{self.counts[kind]}"

    def ann(self) -> str:
        for span in sorted(self.doc.spans, key=lambda span: span.start):
            self._textbound(span)
        frame_ids = {frame.key: self._frame_id(frame) for frame in self.doc.frames}
        for frame in self.doc.frames:
            self._frame(frame, frame_ids)
        return "".join(line + "\n" for kind in "TER*AN#" for line in self.lines[kind])

    def _trigger(self, frame: FrameData) -> str | None:
        """The span key of an event's trigger, if its trigger role holds exactly one span."""
        keys = frame.roles.get(_TRIGGER_ROLES.get(frame.type, "trigger"), [])
        return keys[0] if len(keys) == 1 and self.kinds[frame.type] == _EVENT else None

    def _triggers(self) -> dict[str, str]:
        """Span key -> the event type its T line takes: spans that trigger events of one type, fill no
        other role and have no attributes, normalizations or notes (brat lets nothing else refer to them)."""
        uses: dict[str, set[str]] = defaultdict(set)  # the event types it triggers, "" for another role
        for frame in self.doc.frames:
            trigger = self._trigger(frame)
            trigger_role = _TRIGGER_ROLES.get(frame.type, "trigger")
            for role, keys in frame.roles.items():
                for key in keys:
                    uses[key].add(_to_brat(frame.type) if (role, key) == (trigger_role, trigger) else "")
        return {key: types.pop() for key, types in uses.items()
                if len(types) == 1 and "" not in types and not _said_about(self.spans[key])}

    def _frame_id(self, frame: FrameData) -> str:
        kind = self.kinds[frame.type]
        return "*" if kind == _EQUIV else self.new_id("R" if kind == _RELATION else "E")

    # -- lines ------------------------------------------------------------------

    def _textbound(self, span: SpanData) -> None:
        tid = self.new_id("T")
        self.tid[span.key] = tid
        event_type = self.triggers.get(span.key)
        extents = span.details.fragments or [(span.start, span.end)]
        self._t_line(tid, event_type or _name(span.label, "label"),
                     sorted(part for start, end in extents for part in self._fragments(span.key, start, end)))
        if event_type is not None:
            return  # what brat would refuse on a trigger goes on the events it triggers
        self._who(tid, span)
        for name, value in span.details.attributes.items():
            self._attribute(tid, name, value)
        for entry in span.details.normalizations:
            self.lines["N"].append(f"{self.new_id('N')}\t{entry['type']} {tid} {entry['ref']}\t{entry['text']}")
        for kind, text in span.details.notes.items():
            for note in text.split("\n"):
                self._note(tid, note, kind)

    def _fragments(self, key: str, start: int, end: int) -> list[tuple[int, int]]:
        """The extent start-end cut at line breaks, which a .ann line cannot hold."""
        parts = [(start + match.start(), start + match.end()) for match in re.finditer(r"[^\n]+", self.text[start:end])]
        if not parts:
            raise ValidationError(f"span {key} holds nothing but line breaks")
        return parts

    def _t_line(self, tid: str, label: str, fragments: list[tuple[int, int]]) -> None:
        offsets = ";".join(f"{start} {end}" for start, end in fragments)
        text = " ".join(self.text[start:end] for start, end in fragments)
        self.lines["T"].append(f"{tid}\t{label} {offsets}\t{text}")

    def _frame(self, frame: FrameData, frame_ids: dict[str, str]) -> None:
        fid = frame_ids[frame.key]
        frame_type = _name(_to_brat(frame.type), "frame type")
        if fid == "*":
            members = " ".join(self.tid[key] for key in frame.roles["*"])
            self.lines["*"].append(f"*\t{frame_type} {members}")
            return
        about_trigger: dict[str, str | None] = {}
        if fid[0] == "R":
            args = [f"{_name(_to_brat(role), 'role')}:{self.tid[key]}" for role, key in relation_ends(frame)]
        else:
            args, about_trigger = self._event_args(frame, frame_ids)
            frame_type = f"{frame_type}:{args.pop(0)}"
        self.lines[fid[0]].append(f"{fid}\t{frame_type} {' '.join(args)}".rstrip())
        for name, value in frame.attributes.items():
            kind = _note_type(name)
            if kind is not None:
                for note in value.split("\n"):
                    self._note(fid, note, kind)
            elif not _is_event_arg(name):
                self._attribute(fid, _to_brat(name), value)
        self._who(fid, frame, about_trigger)

    def _event_args(self, frame: FrameData, frame_ids: dict[str, str]) -> tuple[list[str], dict[str, str | None]]:
        """The trigger's T id (written for the frame if need be), then Role:ID arguments; and what the
        E line's note says about the trigger."""
        trigger = self._trigger(frame)
        if trigger is not None and self.triggers.get(trigger) == _to_brat(frame.type):
            span = self.spans[trigger]
            label = span.label if span.label != _to_brat(frame.type) else None
            args, about_trigger = [self.tid[trigger]], _who_fields(span, label, prefix=_TRIGGER_KEY)
            trigger_role = _TRIGGER_ROLES.get(frame.type, "trigger")
        else:
            args, about_trigger, trigger_role = [self._synthetic_trigger(frame)], {"synthetic": "1"}, None
        for role, keys in frame.roles.items():
            if role != trigger_role:
                args += _numbered(role, [self.tid[key] for key in keys])
        for name, value in frame.attributes.items():
            if _is_event_arg(name):
                refs = [frame_ids.get(ref, "") for ref in value.split()]
                if not all(ref.startswith("E") for ref in refs):
                    raise ValidationError(f"frame {frame.key}: {name} must name frames written as events")
                args += _numbered(name.removeprefix(_EVENT_ARG), refs)
        return args, about_trigger

    def _synthetic_trigger(self, frame: FrameData) -> str:
        """A T line only to trigger the frame: over its trigger span's first line, else its first filler's."""
        filled = [keys for keys in frame.roles.values() if keys]
        keys = frame.roles.get(_TRIGGER_ROLES.get(frame.type, "trigger")) or (filled[0] if filled else None)
        if not keys:
            raise ValidationError(f"frame {frame.key} has no spans, so brat cannot hold it")
        span = self.spans[keys[0]]
        tid = self.new_id("T")
        self._t_line(tid, _to_brat(frame.type), self._fragments(span.key, span.start, span.end)[:1])
        return tid

    def _attribute(self, target: str, name: str, value: str) -> None:
        name = _name(name, "attribute name")
        if "\n" in value:
            raise ValidationError(f"attribute {name} of {target}: a value cannot hold a line break")
        tail = "" if value == "true" else f" {_to_brat_value(value)}"
        self.lines["A"].append(f"{self.new_id('A')}\t{name} {target}{tail}")

    def _note(self, target: str, note: str, kind: str = NOTE) -> None:
        self.lines["#"].append(f"{self.new_id('#')}\t{_name(kind, 'note type')} {target}\t{note}")

    def _who(self, target: str, item: SpanData | FrameData, extra: dict[str, str | None] | None = None) -> None:
        """The note saying who made `item`, how, its status (and, on an E line, the same of its trigger)."""
        fields = _who_fields(item) | (extra or {})
        self._note(target, " ".join(f"{key}={_quoted(value)}" for key, value in fields.items() if value))


def _said_about(span: SpanData) -> bool:
    """Whether the span has attributes, normalizations or notes: lines that point at its T line."""
    return bool(span.details.attributes or span.details.normalizations or span.details.notes)


def _who_fields(item: SpanData | FrameData, label: str | None = None, prefix: str = "") -> dict[str, str | None]:
    fields = {
        "annotator": item.annotator,
        "origin": item.origin,
        "status": item.status,
        "score": None if item.score is None else repr(item.score),
        "layer": item.layer,
        "label": label,
    }
    return {prefix + key: value for key, value in fields.items()}


def _numbered(role: str, refs: list[str]) -> list[str]:
    """Role:A Role2:B Role3:C, the brat way of giving one role several fillers."""
    name = _name(_to_brat(role), "role")
    if name[-1].isdigit():
        raise ValidationError(f"event role {role!r} cannot end in a digit: brat reads it as a number")
    return [f"{name}{i if i > 1 else ''}:{ref}" for i, ref in enumerate(refs, start=1)]


@functools.lru_cache(maxsize=4096)
def _quoted(value: str) -> str:
    """The value percent-encoded (who-did-what values repeat: one encoding each)."""
    return quote(value, safe="")


@functools.lru_cache(maxsize=4096)  # labels, roles and types repeat on every line
def _name(name: str, what: str) -> str:
    if not name or ":" in name or any(char.isspace() for char in name):
        raise ValidationError(f"{what} {name!r} cannot be written to brat: it is empty or holds a space or ':'")
    return name


# -- annotation.conf --------------------------------------------------------------

# NewsGloss spans may nest, share boundaries and cross: brat must allow it between any entities.
_OVERLAP = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"


def annotation_conf(schema: Schema, docs: Iterable[AnnotatedDocument] = ()) -> str:
    """brat's annotation.conf for `schema` and the documents written with it.

    Labels are entities; frame types relations, equivalences or events as the
    documents are written (see the module docstring). An event's trigger role is
    listed as an optional argument, for events that get a written trigger; optional
    roles get "?", repeatable ones "*" (or "+" when required). Event arguments that
    are other events, span attributes and frame attributes are declared as used.
    """
    use = _FrameUse(schema)
    for doc in docs:
        use.add(doc)
    return _conf(schema, use)


def _conf(schema: Schema, use: _FrameUse) -> str:
    """annotation.conf for `schema` and what the documents written used (see annotation_conf)."""
    kinds = use.kinds()
    relations, events = [_OVERLAP], []
    for frame in schema.frames.values():
        name = _to_brat(frame.name)
        kind = kinds[frame.name]
        if kind == _EQUIV:
            labels = "|".join(frame.roles["*"].labels)
            relations.append(f"{name}\tArg1:{labels}, Arg2:{labels}, <REL-TYPE>:symmetric-transitive")
        elif kind == _RELATION:
            relations.append(f"{name}\t" + ", ".join(_conf_arg(role, "") for role in frame.roles.values()))
        else:
            trigger_role = _TRIGGER_ROLES.get(frame.name, "trigger")
            args = [_conf_arg(role, "*" if role.name == trigger_role else _repeat(role)) for role in frame.roles.values()]
            args += [f"{_to_brat(role)}*:<EVENT>" for role in use.event_args[frame.name]]
            events.append(f"{name}\t{', '.join(args)}" if args else name)
        for attribute in frame.attributes.values():
            use.declare(_to_brat(attribute.name), name, attribute.values)
    sections = {
        "entities": list(schema.labels),
        "relations": relations,
        "events": events,
        "attributes": [
            f"{name}\tArg:{'|'.join(targets)}" + ("" if values == ["true"] else f", Value:{'|'.join(values)}")
            for name, (targets, values) in use.attributes.items()
        ],
    }
    header = f"# brat annotation.conf for the NewsGloss schema {schema.name!r} (version {schema.version})\n"
    body = "".join(f"\n[{name}]\n" + "".join(line + "\n" for line in lines) for name, lines in sections.items())
    return header + body


def _conf_arg(role: Role, suffix: str) -> str:
    return f"{_to_brat(role.name)}{suffix}:{'|'.join(role.labels)}"


def _repeat(role: Role) -> str:
    if role.multiple:
        return "+" if role.required else "*"
    return "" if role.required else "?"


BRAT = declare(Format(
    "brat", "brat standoff folder", (".ann",), "documents",
    frozenset({"spans", "frames", "status", "annotators", "details", "overlaps"}), folder=True,
    reader=read_brat, writer=write_brat,
    about="brat: a folder of .txt and .ann pairs and an annotation.conf; frames as events, relations "
          "and equivalences."))
