"""Normalised values of tariff facts: what a trade analyst filters and counts by.

A tariff fact's imposer and target become ISO 3166-1 alpha-3 codes ("EU" for the
European Union), its products HS chapter or heading codes, its rate a number with
a unit ("25%" ad valorem, "0.5USD/kg" per unit) and its date ISO 8601 ("2024",
"2025-04", "2025-04-02"; relative dates resolved against the article's published
date). They live in the frame's attributes under the names in NORMALISED, next to
the schema's own attributes, so every format that keeps attributes keeps them;
values hold no white space (brat reads an attribute value up to the first space).

Country names come from pycountry and resources/lexicon/countries.tsv (demonyms,
capitals, leaders, bodies); goods from resources/lexicon/goods.tsv and the HS
headings in resources/hs/headings.csv.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import TypeVar

import pycountry

IMPOSER, TARGET, PRODUCT, RATE, DATE = "norm_imposer", "norm_target", "norm_product", "norm_rate", "norm_date"
NORMALISED = (IMPOSER, TARGET, PRODUCT, RATE, DATE)
EU = "EU"
_T = TypeVar("_T")


def is_normalised(name: str) -> bool:
    """Whether a frame attribute holds a normalised value (no schema constrains those)."""
    return name in NORMALISED


# -- countries ---------------------------------------------------------------------

# ISO names that are ordinary words or given names far more often than countries in news.
_AMBIGUOUS_NAMES = {"jersey", "georgia", "jordan", "chad", "guinea", "niger"}


@functools.cache
def _country_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """(case-insensitive pattern, case-sensitive pattern for all-capital names, name -> code)."""
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        for name in (country.name, getattr(country, "common_name", None), getattr(country, "official_name", None)):
            if name and name.lower() not in _AMBIGUOUS_NAMES:
                codes.setdefault(name.lower(), country.alpha_3)
    capitals: dict[str, str] = {}
    for name, code in _table("lexicon/countries.tsv"):
        if name.replace(".", "").isupper():
            capitals[name] = code
        else:
            codes[name.lower()] = code

    def pattern(names: Iterable[str], flags: int) -> re.Pattern[str]:
        alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])", flags)

    return pattern(codes, re.IGNORECASE), pattern(capitals, 0), {**codes, **capitals}


def country_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, code) of each name of a country or bloc in `text`, in order; a name
    inside a longer one is not counted ("New Zealand", not "Zealand")."""
    insensitive, sensitive, codes = _country_patterns()
    found = sorted(
        [(m.start(), m.end(), codes[m.group().lower()]) for m in insensitive.finditer(text)]
        + [(m.start(), m.end(), codes[m.group()]) for m in sensitive.finditer(text)],
        key=lambda m: (m[0], -m[1]),
    )
    mentions: list[tuple[int, int, str]] = []
    for mention in found:
        if not mentions or mention[0] >= mentions[-1][1]:
            mentions.append(mention)
    return mentions


def country_codes(text: str) -> list[str]:
    """The countries and blocs `text` names, in order, each once: "US President Donald
    Trump" -> ["USA"], "Canada and Mexico" -> ["CAN", "MEX"], "Chinese-made" -> ["CHN"]."""
    return list(dict.fromkeys(code for _, _, code in country_mentions(text)))


def country_name(code: str) -> str:
    """The English name of a code: "CAN" -> "Canada", "EU" -> "European Union"."""
    if code == EU:
        return "European Union"
    country = pycountry.countries.get(alpha_3=code)
    return getattr(country, "common_name", None) or country.name if country else code


# -- goods and HS codes ----------------------------------------------------------------

_DETERMINERS = re.compile(r"^(?:(?:the|a|an|all|its|their|some|more|new|other|certain|such)\s+)+", re.I)
# Words in HS descriptions that do not name a good on their own.
_HS_STOP = frozenset(
    "article articles part parts other kind kinds good goods product products thereof use used type types "
    "country war pressure form forms whether not nor excluding including heading chapter similar like "
    "purpose purposes material materials machine machines apparatus equipment".split()
)


@functools.cache
def _goods() -> dict[str, str]:
    return {name: code for name, code in _table("lexicon/goods.tsv")}


@functools.cache
def hs_headings() -> dict[str, str]:
    """HS code (2 or 4 digits) -> description."""
    text = (files("app.resources") / "hs" / "headings.csv").read_text(encoding="utf-8")
    return {row["hscode"]: row["description"] for row in csv.DictReader(text.splitlines())}


@functools.cache
def _hs_words() -> dict[str, str]:
    """A word of the HS headings' descriptions -> the first heading (4 digits) it appears in."""
    words: dict[str, str] = {}
    for code, description in hs_headings().items():
        if len(code) == 4:
            for word in re.findall(r"[a-z]+", description.lower()):
                if word not in _HS_STOP and len(word) > 2:
                    words.setdefault(word, code)
    return words


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 2:
        return word[:-1]
    return word


def product_key(text: str) -> str:
    """A product's text as compared: lower case, one space between words, no leading
    determiner ("The  Steel" -> "steel")."""
    return _DETERMINERS.sub("", " ".join(text.split()).lower())


def hs_code(product: str, lexicon_only: bool = False) -> str | None:
    """The HS code of a product phrase, or None if it names no good: the longest name of
    the goods lexicon at its end ("Chinese-made electric vehicles" -> 8703), else (unless
    `lexicon_only`) the first HS heading whose description holds its last word
    ("handbags" -> 4202). "" for a good the lexicon knows without a single code ("textiles")."""
    words = [w for w in re.split(r"[\s/]+", product_key(product)) if w]
    goods = _goods()
    for start in range(len(words)):
        tail = words[start:]
        for name in (" ".join(tail), " ".join([*tail[:-1], _singular(tail[-1])])):
            if name in goods:
                return "" if goods[name] == "-" else goods[name]
    if words and not lexicon_only:
        last = re.sub(r"[^a-z]", "", words[-1])
        return _hs_words().get(last) or _hs_words().get(_singular(last))
    return None


def is_good(product: str) -> bool:
    """Whether a phrase names goods (is in the goods lexicon or the HS headings)."""
    return hs_code(product) is not None


# -- rates ---------------------------------------------------------------------------

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_PERCENT = re.compile(_NUMBER + r"\s*(?:%|per\s*cent\b|percent\b|pct\b)", re.I)
_CURRENCIES = {"$": "USD", "us$": "USD", "c$": "CAD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_UNITS = {"kilogram": "kg", "kg": "kg", "kilo": "kg", "tonne": "t", "ton": "t", "t": "t", "metric ton": "t",
          "pound": "lb", "lb": "lb", "litre": "l", "liter": "l", "l": "l", "unit": "unit", "vehicle": "unit",
          "barrel": "bbl", "gallon": "gal", "bushel": "bu"}
_PER_UNIT = re.compile(
    r"(us\$|c\$|\$|€|£|¥)\s*" + _NUMBER + r"\s*(?:cents?\s*)?(?:a|an|per|/)\s*(metric ton|[a-z]+)\b", re.I
)
_RATE_VALUE = re.compile(r"^(-?\d+(?:\.\d+)?)(%|[A-Z]{3}/[a-z]+)$")


def rate_value(text: str) -> str | None:
    """A rate as "25%" (ad valorem) or "0.5USD/kg" (an amount per unit); None for an
    amount that is no rate ("$30 billion" of goods)."""
    percents = _PERCENT.findall(text)
    if percents:  # "10 to 15 percent", "from 10 percent to 25 percent": the last
        return f"{_number(percents[-1])}%"
    match = _PER_UNIT.search(text)
    if match:
        unit = _UNITS.get(_singular(match.group(3).lower()))
        if unit:
            return f"{_number(match.group(2))}{_CURRENCIES[match.group(1).lower()]}/{unit}"
    return None


def split_rate(value: str) -> tuple[float, str] | None:
    """ "25%" -> (25.0, "%"); "0.5USD/kg" -> (0.5, "USD/kg"); None if it is neither."""
    match = _RATE_VALUE.match(value)
    return (float(match.group(1)), match.group(2)) if match else None


def _number(text: str) -> str:
    return f"{float(text.replace(',', '.')):g}"


# -- dates ---------------------------------------------------------------------------

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}


def date_value(text: str, published: str | dt.date | None = None) -> str | None:
    """A date phrase as ISO 8601 at the precision it states: "2024", "March 2025" ->
    "2025-03", "April 2" -> "2025-04-02". Relative ones ("on Monday", "next year",
    "last month", "yesterday") and ones without a year are resolved against
    `published` (a weekday is the last one on or before it); without it they give None."""
    words = re.findall(r"[a-z]+|\d+", text.lower())
    base = _as_date(published)
    year = next((int(w) for w in words if len(w) == 4 and w.isdigit() and 1900 < int(w) < 2100), None)
    month = next((_MONTHS[w] for w in words if w in _MONTHS), None)
    day = next((int(w) for w in words if w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 31), None)
    if month is not None:
        year = year or (base.year if base else None)
        if year is None:
            return None
        if day is not None and day <= calendar.monthrange(year, month)[1]:
            return f"{year:04d}-{month:02d}-{day:02d}"
        return f"{year:04d}-{month:02d}"
    if year is not None:
        return f"{year:04d}"
    if base is None:
        return None
    for word, step in (("last", -1), ("next", 1), ("this", 0)):
        if word in words and "year" in words:
            return f"{base.year + step:04d}"
        if word in words and "month" in words:
            month0 = base.month - 1 + step
            return f"{base.year + month0 // 12:04d}-{month0 % 12 + 1:02d}"
    for word, days in (("today", 0), ("yesterday", -1), ("tomorrow", 1)):
        if word in words:
            return (base + dt.timedelta(days=days)).isoformat()
    weekday = next((_WEEKDAYS[w] for w in words if w in _WEEKDAYS), None)
    if weekday is not None:
        return (base - dt.timedelta(days=(base.weekday() - weekday) % 7)).isoformat()
    return None


def _as_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# -- a fact's values -----------------------------------------------------------------


@dataclass(frozen=True)
class FactValues:
    """A tariff fact's normalised values; products as (text, HS code or "") pairs."""

    imposer: tuple[str, ...] = ()
    target: tuple[str, ...] = ()
    products: tuple[tuple[str, str], ...] = ()
    rate: str | None = None
    date: str | None = None


def fact_values(roles: Mapping[str, list[str]], published: str | dt.date | None = None,
                attributes: Mapping[str, str] | None = None) -> FactValues:
    """The values of a fact whose role fillers have the texts `roles` (role -> texts, in
    order): those its normalised `attributes` state, the rest read off the texts."""
    given = attributes or {}
    imposer = _codes(given.get(IMPOSER)) or tuple(_first(country_codes(t) for t in roles.get("imposer", [])) or ())
    target = _codes(given.get(TARGET)) or tuple(dict.fromkeys(
        c for t in roles.get("target", []) for c in country_codes(t)))
    texts = roles.get("product", [])
    codes = given[PRODUCT].split(",") if given.get(PRODUCT) else [hs_code(t) or "" for t in texts]
    products = tuple((t, codes[i] if i < len(codes) else "") for i, t in enumerate(texts))
    rate = given.get(RATE) or _first(rate_value(t) for t in roles.get("rate", []))
    date = given.get(DATE) or _first(date_value(t, published) for t in roles.get("date", []))
    return FactValues(imposer, tuple(target), products, rate, date)


def attributes_of(values: FactValues) -> dict[str, str]:
    """`values` as frame attributes: only those that are known, without white space."""
    found = {
        IMPOSER: ",".join(values.imposer),
        TARGET: ",".join(values.target),
        PRODUCT: ",".join(code for _, code in values.products) if any(c for _, c in values.products) else "",
        RATE: values.rate or "",
        DATE: values.date or "",
    }
    return {name: value for name, value in found.items() if value}


def _codes(value: str | None) -> tuple[str, ...]:
    return tuple(c for c in value.split(",") if c) if value else ()


def _first(values: Iterable[_T | None]) -> _T | None:
    """The first value that is not empty."""
    return next((v for v in values if v), None)


def _table(name: str) -> list[tuple[str, str]]:
    """The "name<TAB>value" rows of a resource file, # comments and blank lines skipped."""
    rows = []
    for line in (files("app.resources") / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].rstrip()
        if line.strip():
            name_, _, value = line.partition("\t")
            rows.append((name_.strip(), value.strip()))
    return rows


# -- checking edited values ------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def check_normalised(name: str, value: str | None) -> None:
    """ValidationError unless `value` is a well-formed value of the normalised attribute
    `name` (None or "" clears it): known country codes, HS codes of the nomenclature, a
    rate such as "25%" or "0.5USD/kg", an ISO 8601 date."""
    from app.core.errors import ValidationError

    if value is None or value == "":
        return
    if not isinstance(value, str):
        raise ValidationError(f"{name}: {value!r} is not text")
    if name in (IMPOSER, TARGET):
        for code in value.split(","):
            if code != EU and pycountry.countries.get(alpha_3=code) is None:
                raise ValidationError(f"{name}: {code!r} is not an ISO 3166-1 alpha-3 code (nor EU)")
    elif name == PRODUCT:
        for code in value.split(","):
            if code and code not in hs_headings() and not (len(code) == 6 and code[:4] in hs_headings()):
                raise ValidationError(f"{name}: {code!r} is not an HS chapter, heading or subheading")
    elif name == RATE:
        if split_rate(value) is None:
            raise ValidationError(f"{name}: {value!r} is not a rate such as 25% or 0.5USD/kg")
    elif name == DATE:
        try:
            if not _ISO_DATE.match(value):
                raise ValueError
            dt.date.fromisoformat({4: value + "-01-01", 7: value + "-01"}.get(len(value), value))
        except ValueError:
            raise ValidationError(f"{name}: {value!r} is not an ISO 8601 date (2025, 2025-04, 2025-04-02)") from None
