"""The label schema: the shipped news.toml, and the errors a broken schema gets."""

from __future__ import annotations

import pytest

from app.core.errors import SchemaError, ValidationError
from app.core.schema import (
    Attribute,
    Role,
    Schema,
    default_schema_path,
    load_schema,
    parse_schema,
)

SHIPPED = default_schema_path().read_text(encoding="utf-8")

MINI = """\
name = "mini"
[labels.A]
kind = "entity"
colour = "#000000"
"""

ACTIONS = [
    "imposed", "threatened", "raised", "reduced",
    "removed", "retaliated", "proposed", "exempted",
]


@pytest.fixture(scope="module")
def news() -> Schema:
    return load_schema(default_schema_path())


# -- the shipped schema ---------------------------------------------------------


def test_shipped_schema_loads_with_its_exact_text(news):
    assert news.name == "news"
    assert news.version == 1
    assert news.source_text == SHIPPED


def test_shipped_labels_and_kinds(news):
    assert [label.name for label in news.entity_labels()] == [
        "PERSON", "ORG", "GPE", "LOC", "NORP", "PRODUCT", "DATE", "RATE", "EVENT", "LAW",
    ]
    assert [label.name for label in news.evidence_labels()] == ["CUE", "CLAIM", "TARIFF"]
    colours = [label.colour for label in news.labels.values()]
    assert len(set(colours)) == len(colours)
    assert all(label.description for label in news.labels.values())


def test_shipped_hotkeys(news):
    assert news.hotkeys() == {
        "p": "PERSON", "o": "ORG", "g": "GPE", "l": "LOC", "n": "NORP", "r": "PRODUCT",
        "d": "DATE", "t": "RATE", "e": "EVENT", "w": "LAW",
        "c": "CUE", "k": "CLAIM", "f": "TARIFF",
    }


def test_shipped_spacy_map(news):
    assert news.spacy_map() == {
        "PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "LOC",
        "NORP": "NORP", "PRODUCT": "PRODUCT", "DATE": "DATE", "TIME": "DATE",
        "PERCENT": "RATE", "MONEY": "RATE", "EVENT": "EVENT", "LAW": "LAW",
    }
    assert news.label("RATE").spacy == ("PERCENT", "MONEY")


def test_shipped_claim_frame(news):
    claim = news.frame("claim")
    assert list(claim.roles) == ["claimant", "cue", "content"]
    assert claim.roles["claimant"] == Role("claimant", ("PERSON", "ORG", "GPE", "NORP"), False, True)
    assert claim.roles["cue"].labels == ("CUE",)
    assert claim.roles["content"].labels == ("CLAIM",)
    assert claim.attributes == {
        "stance": Attribute("stance", ("unstated", "support", "oppose", "neutral"), "unstated"),
    }


def test_shipped_tariff_fact_frame(news):
    fact = news.frame("tariff_fact")
    assert list(fact.roles) == ["imposer", "target", "product", "rate", "date", "trigger"]
    assert fact.roles["imposer"].labels == ("GPE", "ORG", "PERSON", "NORP")
    assert fact.roles["target"].labels == ("GPE", "NORP", "ORG")
    assert fact.roles["product"] == Role("product", ("PRODUCT",), True, False)
    assert fact.roles["rate"].labels == ("RATE",)
    assert fact.roles["date"].labels == ("DATE",)
    assert fact.roles["trigger"] == Role("trigger", ("TARIFF",), False, False)
    assert [r for r in fact.roles if fact.roles[r].multiple] == ["product"]
    action = fact.attributes["action"]
    assert list(action.values) == ACTIONS
    assert action.default == "imposed"


def test_unknown_label_or_frame_is_a_validation_error(news):
    with pytest.raises(ValidationError, match="PERSONS"):
        news.label("PERSONS")
    with pytest.raises(ValidationError, match="quote"):
        news.frame("quote")


def test_source_text_round_trips(news):
    assert parse_schema(news.source_text, "copy in project") == news


# -- defaults and normalisation -----------------------------------------------------


def test_optional_fields_take_their_defaults():
    schema = parse_schema(
        MINI + '[frames.f]\ncolour = "#ffffff"\n[frames.f.roles.r]\nlabels = ["A"]\n'
        '[frames.f.attributes.x]\nvalues = ["b", "a"]\n',
        "mini.toml",
    )
    assert schema.version == 1
    label = schema.label("A")
    assert (label.hotkey, label.spacy, label.description) == (None, (), "")
    frame = schema.frame("f")
    assert frame.description == ""
    assert frame.roles["r"] == Role("r", ("A",), False, False)
    assert frame.attributes["x"].default == "b"


def test_hotkeys_are_lower_case():
    schema = parse_schema(MINI + 'hotkey = "P"\n', "mini.toml")
    assert schema.label("A").hotkey == "p"
    assert schema.hotkeys() == {"p": "A"}


def test_a_schema_without_frames_is_fine():
    assert parse_schema(MINI, "mini.toml").frames == {}


# -- broken schemas -----------------------------------------------------------------


def shipped_with(old: str, new: str, count: int = 1) -> str:
    """The shipped text with (the first `count` of) `old` replaced by `new`."""
    assert old in SHIPPED, old
    return SHIPPED.replace(old, new, count)


BROKEN = {
    "missing name": (shipped_with('name = "news"\n', ""), "name", "missing"),
    "empty name": (shipped_with('name = "news"', 'name = " "'), "name", "empty"),
    "version as string": (shipped_with("version = 1", 'version = "1"'), "version", "integer"),
    "version zero": (shipped_with("version = 1", "version = 0"), "version", "1 or more"),
    "unknown top-level key": (shipped_with("version = 1", "verison = 1"), "verison", "version"),
    "labels not a table": (MINI.split("[labels.A]")[0] + 'labels = "A"\n', "labels", "table"),
    "no labels": ('name = "x"\n[labels]\n', "labels", "no labels"),
    "label name with a backslash": (
        shipped_with("[labels.PERSON]", '[labels."PER\\\\SON"]'), 'labels."PER\\SON"', "bad name",
    ),
    "label name with space": (
        shipped_with("[labels.PERSON]", '[labels."BIG PERSON"]'), 'labels."BIG PERSON"', "bad name",
    ),
    "colour misspelt": (
        shipped_with('colour = "#4477aa"', 'color = "#4477aa"'),
        "labels.PERSON.color",
        "unknown key, expected one of kind, colour, hotkey, spacy, description (did you mean 'colour'?)",
    ),
    "missing colour": (shipped_with('colour = "#4477aa"\n', ""), "labels.PERSON.colour", "missing"),
    "bad colour": (shipped_with('"#4477aa"', '"blue"'), "labels.PERSON.colour", "#rrggbb"),
    "short colour": (shipped_with('"#4477aa"', '"#4e7"'), "labels.PERSON.colour", "#rrggbb"),
    "bad kind": (shipped_with('kind = "entity"', 'kind = "thing"'), "labels.PERSON.kind", "entity or evidence"),
    "kind as bool": (shipped_with('kind = "entity"', "kind = true"), "labels.PERSON.kind", "got a boolean"),
    "two-letter hotkey": (shipped_with('hotkey = "p"', 'hotkey = "pp"'), "labels.PERSON.hotkey", "single character"),
    "empty hotkey": (shipped_with('hotkey = "p"', 'hotkey = ""'), "labels.PERSON.hotkey", "single character"),
    "space hotkey": (shipped_with('hotkey = "p"', 'hotkey = " "'), "labels.PERSON.hotkey", "single character"),
    "duplicate hotkey": (shipped_with('hotkey = "o"', 'hotkey = "p"'), "labels.ORG.hotkey", "PERSON"),
    "duplicate hotkey other case": (
        shipped_with('hotkey = "o"', 'hotkey = "P"'), "labels.ORG.hotkey", "hotkey of PERSON",
    ),
    "spaCy label mapped twice": (
        shipped_with('spacy = ["LOC", "FAC"]', 'spacy = ["LOC", "FAC", "GPE"]'),
        "labels.LOC.spacy",
        "'GPE' is already mapped to GPE",
    ),
    "spaCy label listed twice": (
        shipped_with('spacy = ["LOC", "FAC"]', 'spacy = ["LOC", "LOC"]'), "labels.LOC.spacy", "twice",
    ),
    "spaCy as string": (shipped_with('spacy = ["LAW"]', 'spacy = "LAW"'), "labels.LAW.spacy", "array"),
    "spaCy item not a string": (shipped_with('spacy = ["LAW"]', "spacy = [1]"), "labels.LAW.spacy", "item 1"),
    "frame name with space": (
        SHIPPED.replace("[frames.claim", '[frames."a claim"'), 'frames."a claim"', "no spaces",
    ),
    "frame field misspelt": (
        shipped_with('description = "Someone says', 'descripton = "Someone says'),
        "frames.claim.descripton",
        "did you mean 'description'?",
    ),
    "frame without colour": (
        shipped_with('colour = "#0072b2"\n', ""), "frames.claim.colour", "missing",
    ),
    "frame without roles": (
        MINI + '[frames.f]\ncolour = "#ffffff"\n', "frames.f.roles", "missing",
    ),
    "frame with empty roles": (
        MINI + '[frames.f]\ncolour = "#ffffff"\nroles = {}\n', "frames.f.roles", "at least one role",
    ),
    "bad role name": (
        shipped_with("[frames.claim.roles.cue]", '[frames.claim.roles."the cue"]'),
        'frames.claim.roles."the cue"',
        "no spaces",
    ),
    "role label unknown": (
        shipped_with('labels = ["PRODUCT"]', 'labels = ["PRODUCTS"]'),
        "frames.tariff_fact.roles.product.labels",
        "unknown label 'PRODUCTS'",
    ),
    "role labels empty": (
        shipped_with('labels = ["CUE"]', "labels = []"), "frames.claim.roles.cue.labels", "at least one",
    ),
    "role labels a string": (
        shipped_with('labels = ["CLAIM"]', 'labels = "CLAIM"'),
        "frames.claim.roles.content.labels",
        "expected an array, got a string",
    ),
    "role labels repeated": (
        shipped_with('labels = ["RATE"]', 'labels = ["RATE", "RATE"]'),
        "frames.tariff_fact.roles.rate.labels",
        "twice",
    ),
    "role multiple as string": (
        shipped_with("multiple = true", 'multiple = "yes"'),
        "frames.tariff_fact.roles.product.multiple",
        "expected a boolean, got a string",
    ),
    "role required as integer": (
        shipped_with("required = true", "required = 1"),
        "frames.claim.roles.claimant.required",
        "expected a boolean, got an integer",
    ),
    "role field misspelt": (
        shipped_with("multiple = true", "multi = true"),
        "frames.tariff_fact.roles.product.multi",
        "unknown key",
    ),
    "bad attribute name": (
        shipped_with("[frames.claim.attributes.stance]", '[frames.claim.attributes."the stance"]'),
        'frames.claim.attributes."the stance"',
        "no spaces",
    ),
    "attribute named like a role": (
        shipped_with("[frames.claim.attributes.stance]", "[frames.claim.attributes.cue]"),
        "frames.claim.attributes.cue",
        "role",
    ),
    "attribute default not a value": (
        shipped_with('default = "imposed"', 'default = "levied"'),
        "frames.tariff_fact.attributes.action.default",
        "'levied' is not one of the values",
    ),
    "attribute values repeated": (
        shipped_with('"imposed", "threatened"', '"imposed", "imposed"'),
        "frames.tariff_fact.attributes.action.values",
        "'imposed' is listed twice",
    ),
    "attribute values empty": (
        shipped_with('values = ["unstated", "support", "oppose", "neutral"]', "values = []"),
        "frames.claim.attributes.stance.values",
        "at least one",
    ),
    "attribute without values": (
        shipped_with('values = ["unstated", "support", "oppose", "neutral"]\n', ""),
        "frames.claim.attributes.stance.values",
        "missing",
    ),
}


@pytest.mark.parametrize("text, key, message", BROKEN.values(), ids=BROKEN.keys())
def test_broken_schema_names_file_and_key(text, key, message):
    with pytest.raises(SchemaError) as caught:
        parse_schema(text, "broken.toml")
    assert caught.value.source == "broken.toml"
    assert caught.value.key == key
    assert str(caught.value).startswith(f"broken.toml: {key}: ")
    assert message in caught.value.message


def test_toml_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\n\n[labels.A\nkind = "entity"\n', encoding="utf-8")
    with pytest.raises(SchemaError) as caught:
        load_schema(path)
    assert str(caught.value).startswith(f"{path}: invalid TOML")
    assert "line 3" in str(caught.value)


def test_unreadable_files_name_the_file(tmp_path):
    missing = tmp_path / "missing.toml"
    with pytest.raises(SchemaError, match="missing.toml"):
        load_schema(missing)
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('name = "café"\n'.encode("latin-1"))
    with pytest.raises(SchemaError, match="latin1.toml: not UTF-8"):
        load_schema(latin1)
