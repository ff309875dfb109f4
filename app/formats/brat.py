r"""brat standoff: a name.txt holding the text and a name.ann holding its annotations.

Reading (a folder, walked recursively, or one .ann or .txt file of a pair; a .txt
without a .ann is a document without annotations; the external id is the name):

- T (text-bound) -> a span keyed by its id. Its text must equal the .txt at its
  offsets. Offsets normally count the .txt as it is on disk, CRLF as two
  characters, and are moved onto the normalised text. brat itself reads files
  with universal newlines and so counts CRLF as one (nlplab/brat#853); a file
  whose every T matches only that way is read that way.
- Discontinuous T (`T1\tLabel 0 5;10 15\ttext`): one span per fragment, same
  label, each with meta {"discontinuous_of": "T1"}; the first fragment's key is
  T1, the others T1.2, T1.3 ... Fragments separated only by line breaks are one
  span (brat cannot hold a line break inside a fragment).
- R (`R1\tLabel Arg1:T1 Arg2:T2`) -> FrameData(type, roles={"arg1": [T1], "arg2": [T2]}).
- E (`E1\tType:T5 Role:T1 Role2:T2`) -> FrameData(type, roles) with the trigger in
  role "trigger" (for claims: "cue"); numbered roles (Role2, Role3) fold into
  role "role", in number order. Arguments that are other events (Event-Arg:E4)
  are kept in the frame attributes as "brat:arg:<role>" = "E4 ..." (frame keys).
- A / M (`A1\tNegation E1`, `A1\tConfidence E1 Neutral`) -> frame attributes
  {"negation": "true"} / {"confidence": "Neutral"}; on a T, span meta["attributes"].
- N (`N1\tReference T5 Wikipedia:64488\tname`) -> span meta["normalizations"]:
  [{"type", "ref", "text"}]; only on T lines.
- # AnnotatorNotes -> span meta["notes"] (a list), frame attributes["brat:note"]
  (lines joined by LF); a note of the form written below sets who-did-what.
- * (`*\tAlias T3 T4 T5`) -> FrameData(key="*1", type="alias", roles={"*": [T3, T4, T5]}).

Names: types, roles and attribute names written all in lower case in NewsGloss
get a capital first letter in brat (tariff_fact <-> Tariff_fact, product <->
Product); other names are kept as they are. Span labels are never changed.

Writing: one .txt (LF) and .ann per document, named from the external id (or
the document's number); annotation.conf from the schema when one is given.
A frame becomes an E line when its trigger role ("trigger"; "cue" for claims)
holds one span: that span's T line takes the event type as its type, as brat
requires, and its note records its own label. A frame of two roles with one
span each and no trigger becomes an R line (not claims or tariff facts, which
are always events). Any other frame becomes an E line whose trigger is a T line
written only for it, marked synthetic=1 in its note and dropped on reading.
Every T, E and R gets a note "annotator=... origin=... status=..." (values
percent-encoded). Frame attributes become A lines ("true" is written binary).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from app.core.articles import ArticleDraft
from app.core.documents import AnnotatedDocument, FrameData, SpanData
from app.core.errors import InputError, ValidationError
from app.core.schema import Role, Schema
from app.core.text import first_line
from app.formats.interop import ORIGINS, STATUSES, SourceText, binary_roles, check_schema, read_utf8

_TRIGGER_ROLES = {"claim": "cue", "tariff_fact": "trigger"}
_NOTE_KEYS = ("annotator", "origin", "status", "score", "layer", "label", "synthetic")
_NOTE = "brat:note"
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
    notes: list[str] = field(default_factory=list)
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
        self.span_ids: set[str] = set()  # T ids read as spans (the key of a T's first fragment is its id)

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
        return AnnotatedDocument(article, spans, frames)

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
            name, ref, *value = line.fields
            attributes = self.targets[self._target(line, ref, "TER")].attributes
            attributes[_from_brat(name)] = value[0] if value else "true"
        for line in self.of_kind("N"):
            if len(line.fields) != 3 or ":" not in line.fields[2]:
                raise self.error("expected 'TYPE TARGET DB:ID'", line)
            kind, ref, reference = line.fields
            entry = {"type": kind, "ref": reference, "text": line.tail or ""}
            self.targets[self._target(line, ref, "T")].normalizations.append(entry)
        for line in self.of_kind("#"):
            if len(line.fields) != 2 or line.fields[0] != "AnnotatorNotes":
                raise self.error("expected 'AnnotatorNotes TARGET', a tab, then the note", line)
            targets = self.targets[self._target(line, line.fields[1], "TER")]
            fields = _provenance_note(line.tail or "")
            if fields is None:
                targets.notes.append(line.tail or "")
            else:
                self._check_provenance(fields, line)
                targets.provenance.update(fields)

    def _check_provenance(self, fields: dict[str, str], line: _Line) -> None:
        if fields["origin"] not in ORIGINS:
            raise self.error(f"origin must be one of {', '.join(ORIGINS)}, not {fields['origin']!r}", line)
        if fields["status"] not in STATUSES:
            raise self.error(f"status must be one of {', '.join(STATUSES)}, not {fields['status']!r}", line)
        try:
            float(fields.get("score", 0))
        except ValueError:
            raise self.error(f"score {fields['score']!r} is not a number", line) from None

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
            meta: dict = {}
            if targets.attributes:
                meta["attributes"] = targets.attributes
            if targets.normalizations:
                meta["normalizations"] = targets.normalizations
            if targets.notes:
                meta["notes"] = targets.notes
            label = targets.provenance.get("label", label)
            self.span_ids.add(line.id)
            for i, (start, end) in enumerate(fragments, start=1):
                key = line.id if i == 1 else f"{line.id}.{i}"
                extra = {"discontinuous_of": line.id} if len(fragments) > 1 else {}
                spans.append(SpanData(key, start, end, label, meta=meta | extra, **self._who(line.id)))
        return spans

    def _t_data(self, line: _Line) -> tuple[str, list[tuple[int, int]]]:
        match = _T_DATA.fullmatch(" ".join(line.fields))
        if match is None:
            raise self.error("expected 'LABEL START END' (fragments separated by ';')", line)
        fragments = [tuple(map(int, part.split())) for part in match.group(2).split(";")]
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
            if targets.notes:
                attributes[_NOTE] = "\n".join(targets.notes)
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
            base, number = _NUMBERED.fullmatch(role).groups()
            if not base:
                raise self.error(f"role {role!r} has no name", line)
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
        if not equals or key not in _NOTE_KEYS or key in fields:
            return None
        fields[key] = unquote(value)
    return fields if {"origin", "status"} <= fields.keys() else None


def _join_line_breaks(fragments: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Fragments in text order, those separated only by line breaks joined into one."""
    joined: list[tuple[int, int]] = []
    for start, end in sorted(fragments):
        if joined and set(text[joined[-1][1] : start]) <= {"\n"} and start >= joined[-1][1]:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _from_brat(name: str) -> str:
    """Tariff_fact -> tariff_fact: a capital followed by lower case only loses its capital."""
    return name[:1].lower() + name[1:] if name[:1].isupper() and name[1:] == name[1:].lower() else name


def _to_brat(name: str) -> str:
    """tariff_fact -> Tariff_fact: an all-lower-case name gets a capital first letter."""
    return name[:1].upper() + name[1:] if name == name.lower() else name


# -- writing --------------------------------------------------------------------


def write_brat(docs: list[AnnotatedDocument], out_dir: Path, schema: Schema | None = None) -> None:
    """Write name.txt and name.ann per document into `out_dir` (see the module docstring).

    With a schema, the docs are checked against it and annotation.conf is written too.
    """
    check_schema(docs, schema)
    files = {}
    for name, doc in zip(_file_names(docs), docs):
        files[f"{name}.txt"] = doc.article.text
        files[f"{name}.ann"] = _Writer(doc).ann()
    if schema is not None:
        files["annotation.conf"] = annotation_conf(schema)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (out_dir / name).write_text(content, encoding="utf-8", newline="\n")


def _file_names(docs: list[AnnotatedDocument]) -> list[str]:
    """A distinct, safe file name per document: its external id, else its number."""
    names: list[str] = []
    for i, doc in enumerate(docs, start=1):
        base = re.sub(r"[^\w.-]+", "_", doc.article.external_id or "").strip("._") or f"{i:04d}"
        name, n = base, 1
        while name.lower() in (existing.lower() for existing in names):
            n += 1
            name = f"{base}-{n}"
        names.append(name)
    return names


class _Writer:
    """The .ann text of one document."""

    def __init__(self, doc: AnnotatedDocument):
        self.doc = doc
        self.text = doc.article.text
        self.spans = {span.key: span for span in doc.spans}
        self.counts: dict[str, int] = defaultdict(int)
        self.lines: dict[str, list[str]] = defaultdict(list)  # id kind -> its lines
        self.tid: dict[str, str] = {}  # span key -> T id
        self.groups = self._groups()
        self.first = {span.key: group[0].key for group in self.groups for span in group}
        self.trigger_types = self._trigger_types()

    def new_id(self, kind: str) -> str:
        self.counts[kind] += 1
        return f"{kind}{self.counts[kind]}"

    def ann(self) -> str:
        for group in self.groups:
            self._textbound(group)
        frame_ids = {frame.key: self._frame_id(frame) for frame in self.doc.frames}
        for frame in self.doc.frames:
            self._frame(frame, frame_ids)
        return "".join(line + "\n" for kind in "TER*AN#" for line in self.lines[kind])

    def _groups(self) -> list[list[SpanData]]:
        """Spans as T lines will hold them: the fragments of a discontinuous span together."""
        groups: dict[tuple, list[SpanData]] = {}
        for span in self.doc.spans:
            whole = span.meta.get("discontinuous_of")
            groups.setdefault((whole, span.label) if whole else (span.key,), []).append(span)
        return sorted(groups.values(), key=lambda group: min(span.start for span in group))

    def _trigger(self, frame: FrameData) -> str | None:
        """The span key of the frame's trigger, if its trigger role holds exactly one span."""
        keys = frame.roles.get(_TRIGGER_ROLES.get(frame.type, "trigger"), [])
        return keys[0] if len(keys) == 1 else None

    def _trigger_types(self) -> dict[str, str]:
        """First span key of a group -> the event type its T line takes (from the first frame it triggers)."""
        types: dict[str, str] = {}
        for frame in self.doc.frames:
            trigger = self._trigger(frame)
            if trigger is not None:
                types.setdefault(self.first[trigger], _to_brat(frame.type))
        return types

    def _real_trigger(self, frame: FrameData) -> str | None:
        """The frame's trigger span if its T line can trigger the event (its type is the event type)."""
        trigger = self._trigger(frame)
        if trigger is not None and self.trigger_types.get(self.first[trigger]) == _to_brat(frame.type):
            return trigger
        return None

    def _frame_id(self, frame: FrameData) -> str:
        if set(frame.roles) == {"*"}:
            return "*"
        if frame.type in _TRIGGER_ROLES or self._real_trigger(frame) is not None or binary_roles(frame) is None:
            return self.new_id("E")
        return self.new_id("R")

    # -- lines ------------------------------------------------------------------

    def _textbound(self, group: list[SpanData]) -> None:
        span = group[0]
        tid = self.new_id("T")
        label = self.trigger_types.get(span.key) or _name(span.label, "label")
        self._t_line(tid, label, sorted(part for member in group for part in self._fragments(member)))
        for member in group:
            self.tid[member.key] = tid
        self._who(tid, span, label=span.label if label != span.label else None)
        for name, value in span.meta.get("attributes", {}).items():
            self._attribute(tid, name, value)
        for entry in span.meta.get("normalizations", []):
            self.lines["N"].append(f"{self.new_id('N')}\t{entry['type']} {tid} {entry['ref']}\t{entry['text']}")
        for note in span.meta.get("notes", []):
            self._note(tid, note)

    def _fragments(self, span: SpanData) -> list[tuple[int, int]]:
        """The span's extent cut at line breaks, which a .ann line cannot hold."""
        parts = [
            (span.start + match.start(), span.start + match.end())
            for match in re.finditer(r"[^\n]+", self.text[span.start : span.end])
        ]
        if not parts:
            raise ValidationError(f"span {span.key} holds nothing but line breaks")
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
        if fid[0] == "R":
            args = [f"{_name(_to_brat(role), 'role')}:{self.tid[key]}" for role, key in binary_roles(frame)]
        else:
            args = self._event_args(frame, frame_ids)
            frame_type = f"{frame_type}:{args.pop(0)}"
        self.lines[fid[0]].append(f"{fid}\t{frame_type} {' '.join(args)}".rstrip())
        for name, value in frame.attributes.items():
            if name == _NOTE:
                for note in value.split("\n"):
                    self._note(fid, note)
            elif not name.startswith(_EVENT_ARG):
                self._attribute(fid, name, value)
        self._who(fid, frame)

    def _event_args(self, frame: FrameData, frame_ids: dict[str, str]) -> list[str]:
        """The trigger's T id (written for the frame if need be), then Role:ID arguments."""
        trigger = self._real_trigger(frame)
        trigger_role = _TRIGGER_ROLES.get(frame.type, "trigger") if trigger else None
        args = [self.tid[trigger] if trigger else self._synthetic_trigger(frame)]
        for role, keys in frame.roles.items():
            if role != trigger_role:
                args += _numbered(role, [self.tid[key] for key in keys])
        for name, value in frame.attributes.items():
            if name.startswith(_EVENT_ARG):
                refs = [frame_ids.get(ref, "") for ref in value.split()]
                if not all(ref.startswith("E") for ref in refs):
                    raise ValidationError(f"frame {frame.key}: {name} must name frames written as events")
                args += _numbered(name.removeprefix(_EVENT_ARG), refs)
        return args

    def _synthetic_trigger(self, frame: FrameData) -> str:
        """A T line only to trigger the frame: over its trigger span's first line, else its first filler's."""
        filled = [keys for keys in frame.roles.values() if keys]
        keys = frame.roles.get(_TRIGGER_ROLES.get(frame.type, "trigger")) or (filled[0] if filled else None)
        if not keys:
            raise ValidationError(f"frame {frame.key} has no spans, so brat cannot hold it")
        tid = self.new_id("T")
        self._t_line(tid, _to_brat(frame.type), self._fragments(self.spans[keys[0]])[:1])
        self._note(tid, "origin=import status=accepted synthetic=1")
        return tid

    def _attribute(self, target: str, name: str, value: str) -> None:
        name = _name(_to_brat(name), "attribute name")
        if "\n" in value:
            raise ValidationError(f"attribute {name} of {target}: a value cannot hold a line break")
        tail = "" if value == "true" else f" {value}"
        self.lines["A"].append(f"{self.new_id('A')}\t{name} {target}{tail}")

    def _note(self, target: str, note: str) -> None:
        self.lines["#"].append(f"{self.new_id('#')}\tAnnotatorNotes {target}\t{note}")

    def _who(self, target: str, item: SpanData | FrameData, label: str | None = None) -> None:
        """The note saying who made `item`, how, its status (and the span label a trigger's type hides)."""
        fields = {
            "annotator": item.annotator,
            "origin": item.origin,
            "status": item.status,
            "score": None if item.score is None else repr(item.score),
            "layer": item.layer,
            "label": label,
        }
        self._note(target, " ".join(f"{key}={quote(value, safe='')}" for key, value in fields.items() if value))


def _numbered(role: str, refs: list[str]) -> list[str]:
    """Role:A Role2:B Role3:C, the brat way of giving one role several fillers."""
    name = _name(_to_brat(role), "role")
    if name[-1].isdigit():
        raise ValidationError(f"event role {role!r} cannot end in a digit: brat reads it as a number")
    return [f"{name}{i if i > 1 else ''}:{ref}" for i, ref in enumerate(refs, start=1)]


def _name(name: str, what: str) -> str:
    if not name or ":" in name or any(char.isspace() for char in name):
        raise ValidationError(f"{what} {name!r} cannot be written to brat: it is empty or holds a space or ':'")
    return name


# -- annotation.conf --------------------------------------------------------------


def annotation_conf(schema: Schema) -> str:
    """brat's annotation.conf for `schema`: labels as entities, frames as events or relations, attributes.

    A frame type is a relation if it has two single roles, no trigger role and is
    neither a claim nor a tariff fact; otherwise an event, whose trigger role
    (trigger; cue for claims) is not listed as an argument. Optional roles get
    "?", repeatable ones "*" (or "+" when required).
    """
    relations, events = [], []
    attributes: dict[str, tuple[list[str], list[str]]] = {}
    for frame in schema.frames.values():
        trigger_role = _TRIGGER_ROLES.get(frame.name, "trigger")
        args = [role for role in frame.roles.values() if role.name != trigger_role]
        name = _to_brat(frame.name)
        single = trigger_role not in frame.roles and len(args) == 2 and not any(role.multiple for role in args)
        if frame.name not in _TRIGGER_ROLES and single:
            relations.append(f"{name}\t" + ", ".join(_conf_arg(role, "") for role in args))
        else:
            events.append(f"{name}\t" + ", ".join(_conf_arg(role, _repeat(role)) for role in args))
        for attribute in frame.attributes.values():
            types, values = attributes.setdefault(_to_brat(attribute.name), ([], []))
            types.append(_to_brat(frame.name))
            values.extend(value for value in attribute.values if value not in values)
    sections = {
        "entities": list(schema.labels),
        "relations": relations,
        "events": events,
        "attributes": [
            f"{name}\tArg:{'|'.join(types)}, Value:{'|'.join(values)}"
            for name, (types, values) in attributes.items()
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

