"""Each failure class of issue 16, on sentences that are in no corpus: the tariff suggester's
facts as a trade analyst reads them (codes, goods, rate, date, action)."""

from __future__ import annotations

import pytest

from app.core.evaluation import suggested_facts
from app.core.schema import default_schema_path, load_schema
from app.nlp.engine import SuggestionEngine


@pytest.fixture(scope="module")
def engine():
    return SuggestionEngine(load_schema(default_schema_path()), suggesters=("tariff_facts.v1",))


def facts(engine, text: str, published: str | None = "2025-06-11") -> set[tuple]:
    """(action, imposer codes, target codes, products, rate, date) of each suggested fact."""
    return {(f.action, " ".join(sorted(f.imposer)), " ".join(sorted(f.target)), " | ".join(sorted(f.products)),
             f.rate, f.date)
            for f in suggested_facts(text, engine.suggest(text).frames, published)}


CASES = {
    "a president, a ministry, a capital and a body stand for their country": [
        ("President Trump slapped a 20 percent tariff on Japanese motorcycles.",
         {("imposed", "USA", "JPN", "motorcycles", "20%", None)}),
        ("India's finance ministry raised duties on Chinese toys.", {("raised", "IND", "CHN", "toys", None, None)}),
        ("Tokyo imposed anti-dumping duties on South Korean steel pipes.",
         {("imposed", "JPN", "KOR", "steel pipes", None, None)}),
        ("The decree, signed by Brazil's president, imposes a 12 percent tariff on Chinese tires.",
         {("imposed", "BRA", "CHN", "tires", "12%", None)}),
    ],
    "words that are not goods give no product": [
        ("Washington slapped a raft of tariffs on many trading partners on Monday.",
         {("imposed", "USA", "", "", None, "2025-06-09")}),
        ("Canada imposed tariffs on American goods amid a rhetoric of annexation.",
         {("imposed", "CAN", "USA", "", None, None)}),
    ],
    "lists are split, after commas, 'including' and a colon; several targets": [
        ("Beijing imposed duties on American beef, pork, chicken and dairy products.",
         {("imposed", "CHN", "USA", "beef | chicken | dairy | pork", None, None)}),
        ("Ottawa retaliated with tariffs on US goods, including bourbon, ketchup and motorcycles.",
         {("retaliated", "CAN", "USA", "bourbon | ketchup | motorcycles", None, None)}),
        ("The EU raised tariffs on three Russian exports: fertiliser, wheat and barley.",
         {("raised", "EU", "RUS", "barley | fertiliser | wheat", None, None)}),
        ("Washington imposed tariffs on Vietnam, Thailand and Cambodia.",
         {("imposed", "USA", "KHM THA VNM", "", None, None)}),
    ],
    "a company is no country unless one is stated": [
        ("US tariffs on Airbus aircraft took effect on Friday.", {("imposed", "USA", "", "aircraft", None, "2025-06-06")}),
        ("The EU set duties on electric cars built in China by Geely.",
         {("imposed", "EU", "CHN", "electric cars", None, None)}),
    ],
    "several measures in one sentence": [
        ("Mexico imposed a 30 percent tariff on Chinese shoes and a 15 percent tariff on Chinese clothing.",
         {("imposed", "MEX", "CHN", "shoes", "30%", None), ("imposed", "MEX", "CHN", "clothing", "15%", None)}),
        ("India retaliated with duties on American almonds after Washington raised its tariffs on Indian steel.",
         {("retaliated", "IND", "USA", "almonds", None, None), ("raised", "USA", "IND", "steel", None, None)}),
    ],
    "page furniture gives no fact": [
        ("Read more: EU slaps tariffs on US jeans\nBy Tom Reyes\nPhoto: A port in Rotterdam after new duties on "
         "Chinese steel. / Reuters\nYou may also like: Japan lifts tariffs on US beef", set()),
        ("Canada imposes tariffs on US steel\nCanada imposes tariffs on US steel\nMore from Trade",
         {("imposed", "CAN", "USA", "steel", None, None)}),
    ],
    "modality, timing, pauses, delays and exemptions give the right action": [
        ("Seoul may impose tariffs on Chinese steel.", {("proposed", "KOR", "CHN", "steel", None, None)}),
        ("The tariffs on Mexican tomatoes will take effect on July 14.",
         {("imposed", "", "MEX", "tomatoes", None, "2025-07-14")}),
        ("Washington paused its tariffs on Canadian potash for 30 days.",
         {("removed", "USA", "CAN", "potash", None, None)}),
        ("Ottawa delayed its surtax on US pharmaceuticals until next year.",
         {("removed", "CAN", "USA", "pharmaceuticals", None, "2026")}),
        ("Mexico was exempted from the US tariffs on tomatoes.", {("exempted", "USA", "MEX", "tomatoes", None, None)}),
        ("Economists said tariffs on Chinese solar panels would raise prices.", set()),
    ],
}


@pytest.mark.parametrize("text, expected", [case for cases in CASES.values() for case in cases],
                         ids=[f"{name[:40]} {i}" for name, cases in CASES.items() for i in range(len(cases))])
def test_failure_class(engine, text, expected):
    assert facts(engine, text) == expected
