"""Training on the project's annotations: a label the base pipeline lacks goes from F1 0 to a real F1."""

from __future__ import annotations

import json
import random

import pytest

from app.core.articles import ArticleDraft
from app.core.locations import DEFAULT_MODEL
from app.core.project import Project

pytestmark = pytest.mark.slow

COUNTRIES = ["Canada", "China", "Mexico", "Japan", "India", "Brazil", "Germany", "France", "Korea", "Vietnam"]
GOODS = ["steel", "aluminium", "canola", "pork", "lumber", "soybeans", "cars", "solar panels", "wine", "seafood"]
TRIGGERS = ["tariffs", "duties", "levies", "a tariff", "import duties", "a surcharge"]
SHAPES = [
    "{a} imposed {t} on {g} from {b}.",
    "Officials in {a} said {t} on {g} would stay.",
    "{a} announced new {t} on imports of {g}.",
    "The government of {a} lifted {t} on {b}'s {g} last week.",
    "Exporters in {b} face {t} on {g} sold to {a}.",
]


def corpus(n: int, seed: int) -> list[tuple[str, list[tuple[int, int, str]]]]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        spans, text = [], ""
        for _ in range(3):
            a, b = rnd.sample(COUNTRIES, 2)
            trigger = rnd.choice(TRIGGERS).removeprefix("a ").replace("new ", "")
            sentence = rnd.choice(SHAPES).format(a=a, b=b, t=trigger, g=rnd.choice(GOODS))
            start = len(text) + sentence.index(trigger)
            spans.append((start, start + len(trigger), "TARIFF"))
            text += sentence + " "
        out.append((text.strip(), spans))
    return out


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from app.nlp.training import train_model

    folder = tmp_path_factory.mktemp("train")
    project = Project.open(folder / "p.db", "alice", create=True)
    docs = corpus(90, seed=3)
    report = project.add_articles([ArticleDraft(text=t, title=f"a{i}", origin="gen") for i, (t, _) in enumerate(docs)])
    for (article_id, _), (_, spans) in zip(report.added, docs):
        for start, end, label in spans:
            project.add_span(article_id, start, end, label)
    seen = []
    result = train_model(project, folder / "models", base=DEFAULT_MODEL, epochs=6, name="tariffs-v1",
                         progress=lambda done, total: seen.append((done, total)) or True)
    yield project, result, seen
    project.close()


def test_a_label_the_base_lacks_is_learned(trained):
    project, result, seen = trained
    base, new = result.metrics["base"]["TARIFF"], result.metrics["trained"]["TARIFF"]
    print(json.dumps({"base": base, "trained": new}))  # the figures for the closing note (pytest -s)
    assert base["f1"] == 0.0
    assert new["f1"] >= 0.6 and new["support"] > 10
    assert seen and seen[-1] == (6, 6)


def test_the_model_is_registered_and_suggests_with_schema_labels(trained):
    from app.nlp.engine import SuggestionEngine

    project, result, _ = trained
    (model,) = project.models()
    assert model["name"] == "tariffs-v1" and model["path"] == str(result.path)
    assert model["metrics"]["trained"]["TARIFF"]["f1"] == result.metrics["trained"]["TARIFF"]["f1"]
    engine = SuggestionEngine(project.schema, result.path)
    suggestions = engine.suggest("Ottawa imposed duties on Chinese steel, officials said.")
    assert ("duties", "TARIFF") in {("Ottawa imposed duties on Chinese steel"[s.start:s.end], s.label)
                                    for s in suggestions.spans}
    assert "parser" in engine.nlp.pipe_names  # the base pipeline's parse is kept for claims and facts


def test_cancel_stops_training(tmp_path, trained):
    from app.nlp.training import train_model

    project, _, _ = trained
    result = train_model(project, tmp_path / "models", base=DEFAULT_MODEL, epochs=6, name="stopped",
                         progress=lambda done, total: False)
    assert result.cancelled and not (tmp_path / "models" / "stopped").exists()
    assert [m["name"] for m in project.models()] == ["tariffs-v1"]
