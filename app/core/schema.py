"""The label schema: span labels, and the frames (claims, tariff facts) built from them.

A schema is a TOML file; resources/schemas/news.toml is the default and documents the
format. parse_schema checks it strictly: every SchemaError names the file and the
dotted key at fault.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from app.core.errors import SchemaError, ValidationError

LABEL_KINDS = ("entity", "evidence")

# Names from other tools (brat's "Person", doccano's "12", "Org-Arg2") must fit too,
# so any name without white space, control characters, quotes or backslashes goes.
_NAME = re.compile(r"[^\s\x00-\x1f\"'\\]{1,100}")
_NAME_RULE = "names have no spaces, quotes, backslashes or control characters (at most 100 characters)"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TYPE_NAMES = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a float",
    list: "an array",
    dict: "a table",
}


@dataclass(frozen=True)
class Label:
    """A span label. `hotkey` is lower case, or None."""

    name: str
    kind: str  # "entity" or "evidence"
    colour: str  # "#rrggbb"
    hotkey: str | None
    spacy: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Role:
    """A slot in a frame, filled by spans carrying one of `labels` (the first is the default)."""

    name: str
    labels: tuple[str, ...]
    multiple: bool
    required: bool


@dataclass(frozen=True)
class Attribute:
    """A closed-choice property of a frame."""

    name: str
    values: tuple[str, ...]
    default: str


@dataclass(frozen=True)
class FrameType:
    """A kind of frame: named roles filled by spans, plus attributes."""

    name: str
    description: str
    colour: str
    roles: dict[str, Role]
    attributes: dict[str, Attribute]


@dataclass(frozen=True)
class Schema:
    """A parsed schema. `source_text` is the exact TOML it came from."""

    name: str
    version: int
    labels: dict[str, Label]
    frames: dict[str, FrameType]
    source_text: str

    def label(self, name: str) -> Label:
        """The label called `name`; ValidationError if there is none."""
        try:
            return self.labels[name]
        except KeyError:
            raise ValidationError(f"schema {self.name!r} has no label {name!r}") from None

    def frame(self, name: str) -> FrameType:
        """The frame type called `name`; ValidationError if there is none."""
        try:
            return self.frames[name]
        except KeyError:
            raise ValidationError(f"schema {self.name!r} has no frame {name!r}") from None

    def spacy_map(self) -> dict[str, str]:
        """spaCy NER label -> schema label name."""
        return {ent: label.name for label in self.labels.values() for ent in label.spacy}

    def model_labels(self) -> dict[str, str]:
        """A pipeline's entity label -> schema label: the spaCy mapping, and the schema's own
        names (a pipeline trained by NewsGloss predicts those)."""
        return {name: name for name in self.labels} | self.spacy_map()

    def hotkeys(self) -> dict[str, str]:
        """Hotkey (lower case) -> label name, for labels that have one."""
        return {label.hotkey: label.name for label in self.labels.values() if label.hotkey}

    def entity_labels(self) -> tuple[Label, ...]:
        """Labels of kind "entity", in schema order."""
        return tuple(label for label in self.labels.values() if label.kind == "entity")

    def evidence_labels(self) -> tuple[Label, ...]:
        """Labels of kind "evidence", in schema order."""
        return tuple(label for label in self.labels.values() if label.kind == "evidence")


def default_schema_path() -> Path:
    """The news.toml shipped with NewsGloss."""
    return Path(str(files("app.resources") / "schemas" / "news.toml"))


def load_schema(path: str | Path) -> Schema:
    """Read and parse the UTF-8 schema file at `path`."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise SchemaError(path, "", f"cannot read the file: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise SchemaError(path, "", f"not UTF-8 text (byte {e.start})") from None
    return parse_schema(text, str(path))


def parse_schema(text: str, source: str) -> Schema:
    """Parse and check schema TOML; `source` names it in errors (usually the file path)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SchemaError(source, "", f"invalid TOML: {e}") from None
    return _Parser(source).schema(data, text)


def _type_name(value: Any) -> str:
    """How a message names the TOML type of `value`."""
    return _TYPE_NAMES.get(type(value), "a date/time")


def _join(key: str, name: str) -> str:
    """`key` extended by `name`, quoted as TOML would need it."""
    part = name if _BARE_KEY.fullmatch(name) else '"' + name.replace('"', '\\"') + '"'
    return f"{key}.{part}" if key else part


class _Parser:
    """Turns the tables tomllib read into a Schema, raising SchemaError at the first fault."""

    def __init__(self, source: str):
        self.source = source

    def error(self, key: str, message: str) -> SchemaError:
        return SchemaError(self.source, key, message)

    # -- generic checks ---------------------------------------------------------

    def expect(self, value: Any, kind: type, key: str) -> Any:
        """`value` if it is exactly of TOML type `kind` (a boolean is not an integer)."""
        if type(value) is not kind:
            raise self.error(key, f"expected {_TYPE_NAMES[kind]}, got {_type_name(value)}")
        return value

    def fields(self, value: Any, key: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
        """`value` as a table holding every `required` key and nothing beyond `optional`."""
        self.expect(value, dict, key)
        allowed = (*required, *optional)
        for name in value:
            if name not in allowed:
                message = f"unknown key, expected one of {', '.join(allowed)}"
                close = difflib.get_close_matches(name, allowed, n=1)
                if close:
                    message += f" (did you mean {close[0]!r}?)"
                raise self.error(_join(key, name), message)
        for name in required:
            if name not in value:
                raise self.error(_join(key, name), "missing")
        return value

    def get(self, table: dict[str, Any], key: str, name: str, kind: type, default: Any = None) -> Any:
        """table[name], checked to be of `kind`, or `default` if absent."""
        if name not in table:
            return default
        return self.expect(table[name], kind, _join(key, name))

    def colour(self, table: dict[str, Any], key: str) -> str:
        value = self.get(table, key, "colour", str)
        if not _COLOUR.fullmatch(value):
            raise self.error(_join(key, "colour"), f'{value!r} is not a colour; write "#rrggbb"')
        return value

    def strings(self, table: dict[str, Any], key: str, name: str, allow_empty: bool = False) -> tuple[str, ...]:
        """An array of distinct, non-empty strings."""
        key = _join(key, name)
        items = self.expect(table.get(name, []), list, key)
        if not items and not allow_empty:
            raise self.error(key, "must list at least one value")
        for i, item in enumerate(items, 1):
            if type(item) is not str:
                raise self.error(key, f"item {i}: expected a string, got {_type_name(item)}")
            if not item.strip():
                raise self.error(key, f"item {i} is empty")
            if item in items[: i - 1]:
                raise self.error(key, f"{item!r} is listed twice")
        return tuple(items)

    def names(self, value: Any, key: str, pattern: re.Pattern[str], rule: str) -> dict[str, Any]:
        """A table whose keys must all match `pattern` (`rule` says how, for the message)."""
        table = self.expect(value, dict, key)
        for name in table:
            if not pattern.fullmatch(name):
                raise self.error(_join(key, name), f"bad name: {rule}")
        return table

    # -- schema parts -----------------------------------------------------------

    def schema(self, data: dict[str, Any], text: str) -> Schema:
        self.fields(data, "", ("name", "labels"), ("version", "frames"))
        name = self.get(data, "", "name", str)
        if not name.strip():
            raise self.error("name", "must not be empty")
        version = self.get(data, "", "version", int, 1)
        if version < 1:
            raise self.error("version", f"must be 1 or more, got {version}")
        labels = self.labels(data["labels"])
        frames = self.frames(data.get("frames", {}), labels)
        return Schema(name, version, labels, frames, text)

    def labels(self, value: Any) -> dict[str, Label]:
        table = self.names(value, "labels", _NAME, _NAME_RULE)
        if not table:
            raise self.error("labels", "no labels; add a [labels.NAME] table")
        labels: dict[str, Label] = {}
        hotkeys: dict[str, str] = {}  # lower-case hotkey -> label
        spacy: dict[str, str] = {}  # spaCy label -> label
        for name, body in table.items():
            key = _join("labels", name)
            self.fields(body, key, ("kind", "colour"), ("hotkey", "spacy", "description"))
            kind = self.get(body, key, "kind", str)
            if kind not in LABEL_KINDS:
                raise self.error(f"{key}.kind", f"{kind!r}: expected entity or evidence")
            colour = self.colour(body, key)
            hotkey = self.get(body, key, "hotkey", str)
            if hotkey is not None:
                if len(hotkey) != 1 or hotkey.isspace() or not hotkey.isprintable():
                    raise self.error(f"{key}.hotkey", f"{hotkey!r} is not a single character")
                hotkey = hotkey.lower()
                if hotkey in hotkeys:
                    raise self.error(
                        f"{key}.hotkey", f"{hotkey!r} is already the hotkey of {hotkeys[hotkey]}"
                    )
                hotkeys[hotkey] = name
            ents = self.strings(body, key, "spacy", allow_empty=True)
            for ent in ents:
                if ent in spacy:
                    raise self.error(
                        f"{key}.spacy", f"spaCy label {ent!r} is already mapped to {spacy[ent]}"
                    )
                spacy[ent] = name
            description = self.get(body, key, "description", str, "")
            labels[name] = Label(name, kind, colour, hotkey, ents, description)
        return labels

    def frames(self, value: Any, labels: dict[str, Label]) -> dict[str, FrameType]:
        frames: dict[str, FrameType] = {}
        for name, body in self.names(value, "frames", _NAME, _NAME_RULE).items():
            key = _join("frames", name)
            self.fields(body, key, ("colour", "roles"), ("description", "attributes"))
            colour = self.colour(body, key)
            description = self.get(body, key, "description", str, "")
            roles = self.roles(body["roles"], f"{key}.roles", labels)
            attributes = self.attributes(body.get("attributes", {}), f"{key}.attributes")
            for attr in attributes:
                if attr in roles:
                    raise self.error(f"{key}.attributes.{attr}", "name already used by a role")
            frames[name] = FrameType(name, description, colour, roles, attributes)
        return frames

    def roles(self, value: Any, key: str, labels: dict[str, Label]) -> dict[str, Role]:
        table = self.names(value, key, _NAME, _NAME_RULE)
        if not table:
            raise self.error(key, "a frame needs at least one role")
        roles: dict[str, Role] = {}
        for name, body in table.items():
            role_key = _join(key, name)
            self.fields(body, role_key, ("labels",), ("multiple", "required"))
            allowed = self.strings(body, role_key, "labels")
            for label in allowed:
                if label not in labels:
                    raise self.error(
                        f"{role_key}.labels",
                        f"unknown label {label!r}, expected one of {', '.join(labels)}",
                    )
            multiple = self.get(body, role_key, "multiple", bool, False)
            required = self.get(body, role_key, "required", bool, False)
            roles[name] = Role(name, allowed, multiple, required)
        return roles

    def attributes(self, value: Any, key: str) -> dict[str, Attribute]:
        attributes: dict[str, Attribute] = {}
        for name, body in self.names(value, key, _NAME, _NAME_RULE).items():
            attr_key = _join(key, name)
            self.fields(body, attr_key, ("values",), ("default",))
            values = self.strings(body, attr_key, "values")
            default = self.get(body, attr_key, "default", str, values[0])
            if default not in values:
                raise self.error(
                    f"{attr_key}.default",
                    f"{default!r} is not one of the values {', '.join(values)}",
                )
            attributes[name] = Attribute(name, values, default)
        return attributes
