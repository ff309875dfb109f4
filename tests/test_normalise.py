"""Normalised values of tariff facts: country codes, HS codes, rates and dates."""

from __future__ import annotations

import pytest

from app.core.normalise import (
    attributes_of, country_codes, country_name, date_value, fact_values, hs_code, hs_headings, is_good,
    rate_value, split_rate,
)


@pytest.mark.parametrize("text, codes", [
    ("US President Donald Trump", ["USA"]),
    ("Justin Trudeau", ["CAN"]),
    ("The White House", ["USA"]),
    ("China’s commerce ministry", ["CHN"]),
    ("Ottawa’s", ["CAN"]),
    ("Brussels", ["EU"]),
    ("the European Union", ["EU"]),
    ("The Kremlin", ["RUS"]),
    ("Chinese-made", ["CHN"]),
    ("Canada and Mexico", ["CAN", "MEX"]),
    ("India, Turkey and Vietnam", ["IND", "TUR", "VNM"]),
    ("New Zealand", ["NZL"]),
    ("South Korea", ["KOR"]),
    ("Tesla", []),  # a company is no country
    ("Harley-Davidson", []),
    ("The executive order", []),
    ("tell us more", []),  # "us" in lower case is a pronoun
])
def test_country_codes(text, codes):
    assert country_codes(text) == codes


def test_country_names_read_back():
    assert country_name("CAN") == "Canada" and country_name("EU") == "European Union"
    assert country_name("KOR") == "South Korea"


@pytest.mark.parametrize("product, code", [
    ("steel", "72"), ("aluminium", "76"), ("aluminum", "76"), ("electric vehicles", "8703"), ("EVs", "8703"),
    ("Chinese-made electric vehicles", "8703"), ("canola", "1205"), ("canola oil", "1514"), ("seafood", "03"),
    ("pork", "0203"), ("rapeseed meal", "2306"), ("pea products", "0713"), ("softwood lumber", "4407"),
    ("handbags", "4202"),  # from the HS headings, not the goods lexicon
    ("textiles", ""),  # a good without one code
])
def test_products_get_hs_codes_that_exist(product, code):
    assert hs_code(product) == code
    assert code == "" or code in hs_headings()


@pytest.mark.parametrize("words", [
    "trade war", "slew", "manufacturers", "per cent", "most countries", "$3 billion list", "customs",
    "trading partners", "rhetoric", "tech giants", "goods", "exports",
])
def test_words_that_are_not_goods(words):
    assert not is_good(words)


def test_every_goods_lexicon_code_is_an_hs_code():
    from app.core.normalise import _goods

    assert {code for code in _goods().values() if code != "-"} <= set(hs_headings())


@pytest.mark.parametrize("text, value", [
    ("25 percent", "25%"), ("25 per cent", "25%"), ("100%", "100%"), ("up to 38 percent", "38%"),
    ("$0.50 per kilogram", "0.5USD/kg"), ("€20 a tonne", "20EUR/t"), ("$30 billion", None), ("2024", None),
])
def test_rates(text, value):
    assert rate_value(text) == value


def test_a_rate_splits_into_number_and_unit():
    assert split_rate("25%") == (25.0, "%") and split_rate("0.5USD/kg") == (0.5, "USD/kg")
    assert split_rate("a lot") is None


@pytest.mark.parametrize("text, iso", [
    ("2024", "2024"), ("in 2017", "2017"), ("September 2019", "2019-09"), ("April 2", "2025-04-02"),
    ("March", "2025-03"), ("Monday", "2025-03-03"), ("on Thursday", "2025-03-06"), ("Friday", "2025-02-28"),
    ("next year", "2026"), ("last year", "2024"), ("next month", "2025-04"), ("yesterday", "2025-03-05"),
])
def test_dates_resolve_against_the_published_date(text, iso):
    assert date_value(text, "2025-03-06") == iso  # a Thursday


def test_relative_dates_without_a_published_date_stay_open():
    assert date_value("Monday") is None and date_value("next year") is None
    assert date_value("June 2024") == "2024-06"


def test_fact_values_prefer_what_the_attributes_say():
    roles = {"imposer": ["Ottawa"], "target": ["Chinese"], "product": ["steel", "aluminium"],
             "rate": ["25 percent"], "date": ["last year"]}
    values = fact_values(roles, "2025-01-10")
    assert (values.imposer, values.target, values.rate, values.date) == (("CAN",), ("CHN",), "25%", "2024")
    assert values.products == (("steel", "72"), ("aluminium", "76"))
    attributes = attributes_of(values)
    assert attributes == {"norm_imposer": "CAN", "norm_target": "CHN", "norm_product": "72,76",
                          "norm_rate": "25%", "norm_date": "2024"}
    edited = fact_values(roles, "2025-01-10", {**attributes, "norm_target": "HKG", "norm_product": "7208,76"})
    assert edited.target == ("HKG",) and edited.products == (("steel", "7208"), ("aluminium", "76"))
    assert all(" " not in v for v in attributes.values())  # brat reads a value up to a space
