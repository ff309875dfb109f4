"""brat's standoff rules, checked without NewsGloss's reader: what brat's parser refuses and its verifier reports.

Written from brat's documentation and from running brat's own code (nlplab/brat,
server/src/annotation.py: TextAnnotations; verify_annotations.py with
projectconfig.py) on exported folders:

- every line is `ID<TAB>...`; ids are T/R/E/A/M/N + a number, # + a number, or `*`, each id once;
- T: `TYPE START END[;START END]...<TAB>TEXT`, TEXT the .txt's fragments joined by one space
  (brat reads the .txt with universal newlines);
- every id an annotation names is defined; an E's trigger is a T of the E's type;
- a T that triggers an event is named by E lines only (brat raises TriggerReferenceError);
- annotation.conf parses: [entities] [relations] [events] [attributes]; a role ending in
  a digit cannot take `*` or `+`;
- types are declared in their section; event and relation arguments are declared roles
  with declared types, and as many as declared; attributes apply to declared types with
  declared values;
- entities whose spans nest, are equal or cross need an <OVERLAP> rule allowing it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ID = re.compile(r"[TRNEAM][0-9]+|#[0-9]+|\*")
T_DATA = re.compile(r"(\S+) ([0-9]+ [0-9]+(?:;[0-9]+ [0-9]+)*)")
ROLE = re.compile(r"(.*?)([?*+]|\{[0-9,]+\})?")


@dataclass
class Conf:
    entities: set[str] = field(default_factory=set)
    relations: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # type -> Arg1/Arg2/specials -> types
    events: dict[str, dict[str, tuple[str, list[str]]]] = field(default_factory=dict)  # type -> role -> (mark, types)
    attributes: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # name -> (targets, values)
    overlap: list[tuple[list[str], list[str], set[str]]] = field(default_factory=list)


def parse_conf(text: str) -> tuple[Conf, list[str]]:
    conf, problems, section = Conf(), [], None
    macros: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        macro = re.fullmatch(r"(<[^>]+>)=(.*)", line)
        if macro:
            macros[macro.group(1)] = macro.group(2).strip()
            continue
        for name, value in macros.items():
            line = line.replace(name, value)
        header = re.fullmatch(r"\[(.*)\]", line)
        if header:
            section = header.group(1)
            if section not in ("entities", "relations", "events", "attributes"):
                problems.append(f"annotation.conf: unexpected section [{section}]")
            continue
        name, *rest = re.split(r"\s+", line, maxsplit=1)
        name, rest = name.lstrip("!"), rest[0] if rest else ""
        args = [part.strip() for part in rest.split(",") if part.strip()]
        pairs = [arg.split(":", 1) for arg in args]
        if any(len(pair) != 2 for pair in pairs):
            problems.append(f"annotation.conf: {line!r}: arguments must be ROLE:TYPES")
            continue
        if section == "entities":
            conf.entities.add(name)
        elif section == "relations":
            spec = {role: types.split("|") for role, types in pairs}
            if name == "<OVERLAP>":
                conf.overlap.append((spec.get("Arg1", []), spec.get("Arg2", []), set(spec.get("<OVL-TYPE>", []))))
            else:
                conf.relations[name] = spec
        elif section == "events":
            roles = {}
            for role, types in pairs:
                base, mark = ROLE.fullmatch(role).groups()
                if mark in ("*", "+") and base[-1:].isdigit():
                    problems.append(f"annotation.conf: arguments ending with a digit cannot be repeated: {role!r}")
                roles[base] = (mark or "", types.split("|"))
            conf.events[name] = roles
        elif section == "attributes":
            spec = dict(pairs)
            if "Arg" not in spec:
                problems.append(f"annotation.conf: attribute {name} without Arg:")
            conf.attributes[name] = (spec.get("Arg", "").split("|"), spec["Value"].split("|") if "Value" in spec else [])
        else:
            problems.append(f"annotation.conf: {line!r} outside a section")
    return conf, problems


@dataclass
class Line:
    number: int
    id: str
    fields: list[str]
    tail: str | None


def _allows(types: list[str], name: str, kind: str) -> bool:
    return name in types or "<ANY>" in types or f"<{kind}>" in types


def check_document(txt: Path, ann: Path, conf: Conf) -> list[str]:
    problems: list[str] = []
    text = txt.read_text(encoding="utf-8")  # universal newlines, as brat reads it
    lines: dict[str, Line] = {}
    others: list[Line] = []
    for number, raw in enumerate(ann.read_text(encoding="utf-8").split("\n"), start=1):
        if not raw.strip():
            continue
        where = f"{ann.name}:{number}"
        id_, tab, rest = raw.partition("\t")
        if not tab or not ID.fullmatch(id_):
            problems.append(f"{where}: bad id or no tab: {raw!r}")
            continue
        middle, tab, tail = rest.partition("\t")
        line = Line(number, id_, middle.split(), tail if tab else None)
        if id_ == "*":
            others.append(line)
        elif id_ in lines:
            problems.append(f"{where}: id {id_} defined twice")
        else:
            lines[id_] = line
    kind = {i: i[0] for i in lines}
    t_type = {}
    spans = {}
    for line in lines.values():
        if line.id[0] == "T":
            match = T_DATA.fullmatch(" ".join(line.fields))
            if match is None:
                problems.append(f"{ann.name}:{line.number}: bad text-bound data")
                continue
            t_type[line.id] = match.group(1)
            fragments = [tuple(map(int, part.split())) for part in match.group(2).split(";")]
            spans[line.id] = fragments
            if any(not s < e <= len(text) for s, e in fragments):
                problems.append(f"{ann.name}:{line.number}: offsets outside the text or empty")
            elif line.tail != " ".join(text[s:e] for s, e in fragments):
                problems.append(f"{ann.name}:{line.number}: text {line.tail!r} is not the .txt's")

    def resolve(line: Line, ref: str) -> str | None:
        if ref not in lines:
            problems.append(f"{ann.name}:{line.number}: {line.id} names {ref}, which is not defined")
            return None
        return ref

    triggers: set[str] = set()
    named_by_non_events: dict[str, str] = {}
    event_type = {i: line.fields[0].partition(":")[0] for i, line in lines.items() if i[0] == "E"}
    for line in lines.values():
        where = f"{ann.name}:{line.number}"
        if line.id[0] == "E":
            head, *args = line.fields
            etype, _, trigger = head.partition(":")
            if resolve(line, trigger) and (kind[trigger] != "T" or t_type.get(trigger) != etype):
                problems.append(f"{where}: trigger {trigger} of {line.id} is not a T of type {etype}")
            triggers.add(trigger)
            if etype not in conf.events:
                problems.append(f"{where}: event type {etype} not in [events]")
                continue
            counts: Counter = Counter()
            for arg in args:
                role, _, ref = arg.partition(":")
                base = re.fullmatch(r"(.*?)[0-9]*", role).group(1)
                counts[base] += 1
                if base not in conf.events[etype]:
                    problems.append(f"{where}: {etype} cannot take a {base} argument")
                elif resolve(line, ref):
                    arg_type = event_type.get(ref) or t_type.get(ref)
                    mark, types = conf.events[etype][base]
                    if not _allows(types, arg_type, "EVENT" if kind[ref] == "E" else "ENTITY"):
                        problems.append(f"{where}: {base} cannot be a {arg_type}")
            for base, (mark, _types) in conf.events[etype].items():
                if counts[base] > 1 and mark not in ("*", "+") and not mark.startswith("{"):
                    problems.append(f"{where}: {etype} cannot take multiple {base} arguments")
                if counts[base] == 0 and mark in ("", "+"):
                    problems.append(f"{where}: {etype} is missing its {base} argument")
        elif line.id[0] == "R":
            rtype, *args = line.fields
            roles = dict(arg.split(":", 1) for arg in args)
            for ref in roles.values():
                if resolve(line, ref):
                    named_by_non_events[ref] = line.id
            spec = conf.relations.get(rtype)
            if spec is None:
                problems.append(f"{where}: relation type {rtype} not in [relations]")
            elif set(roles) != {"Arg1", "Arg2"} and set(roles) != {r for r in spec if not r.startswith("<")}:
                problems.append(f"{where}: {rtype} takes {sorted(spec)}, not {sorted(roles)}")
            else:
                for role, ref in roles.items():
                    if ref in t_type and not _allows(spec.get(role, []), t_type[ref], "ENTITY"):
                        problems.append(f"{where}: {rtype} {role} cannot be a {t_type[ref]}")
        elif line.id[0] in "AM":
            name, ref, *value = line.fields
            if resolve(line, ref):
                named_by_non_events[ref] = line.id
                spec = conf.attributes.get(name)
                target = t_type.get(ref) or event_type.get(ref) or lines[ref].fields[0]
                if spec is None:
                    problems.append(f"{where}: attribute {name} not in [attributes]")
                elif not _allows(spec[0], target, "EVENT" if kind[ref] == "E" else "ENTITY"):
                    problems.append(f"{where}: attribute {name} cannot apply to {target}")
                elif value and value[0] not in spec[1] or not value and spec[1]:
                    problems.append(f"{where}: attribute {name} cannot have value {value}")
        elif line.id[0] in "N#":
            if len(line.fields) < 2:
                problems.append(f"{where}: expected TYPE TARGET")
            elif resolve(line, line.fields[1]):
                named_by_non_events[line.fields[1]] = line.id
        elif line.id[0] == "T":
            if t_type.get(line.id) not in conf.entities | set(conf.events):
                problems.append(f"{where}: text-bound type {t_type.get(line.id)} not in [entities] or [events]")
    for line in others:
        etype, *members = line.fields
        for ref in members:
            if resolve(line, ref):
                named_by_non_events[ref] = "*"
        if "symmetric-transitive" not in conf.relations.get(etype, {}).get("<REL-TYPE>", []):
            problems.append(f"{ann.name}:{line.number}: equivalence {etype} not declared symmetric-transitive")
    for trigger in triggers & set(named_by_non_events):
        problems.append(f"{ann.name}: trigger {trigger} referenced by non-event {named_by_non_events[trigger]}")
    problems += _overlaps(ann, {i: f for i, f in spans.items() if i not in triggers}, t_type, conf)
    return problems


def _overlaps(ann: Path, spans: dict[str, list[tuple[int, int]]], t_type: dict[str, str], conf: Conf) -> list[str]:
    problems = []
    entities = sorted((min(s for s, _ in f), max(e for _, e in f), i) for i, f in spans.items()
                      if t_type[i] in conf.entities)
    for n, (s1, e1, a) in enumerate(entities):
        for s2, e2, b in entities[n + 1:]:
            if s2 >= e1:
                break
            how = "equal" if (s1, e1) == (s2, e2) else "contain" if e2 <= e1 or s1 == s2 else "cross"
            allowed = any(
                (how in kinds or "<ANY>" in kinds)
                and _allows(first, t_type[x], "ENTITY") and _allows(second, t_type[y], "ENTITY")
                for first, second, kinds in conf.overlap for x, y in ((a, b), (b, a)))
            if not allowed:
                problems.append(f"{ann.name}: {t_type[a]} {a} and {t_type[b]} {b} overlap ({how}) "
                                "and annotation.conf has no <OVERLAP> rule for it")
    return problems


def check_folder(folder: Path) -> list[str]:
    """Every problem brat would have with the folder's documents, as lines; [] when brat takes them all."""
    conf_path = folder / "annotation.conf"
    if not conf_path.exists():
        return [f"{folder}: no annotation.conf"]
    conf, problems = parse_conf(conf_path.read_text(encoding="utf-8"))
    for ann in sorted(folder.glob("*.ann")):
        problems += check_document(ann.with_suffix(".txt"), ann, conf)
    return problems
