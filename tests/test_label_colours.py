"""The shipped schema's label colours stay apart, as the text view paints them, in both themes
and for colour-blind readers."""

from __future__ import annotations

from itertools import combinations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from app.core.schema import default_schema_path, load_schema
from app.gui.theme import INK_CONTRAST, _contrast, dark_palette, label_ink
from tests.colour_vision import SIMULATIONS, ciede2000, seen

# Smallest CIEDE2000 between any two labels' inks. About 2 is a just noticeable difference
# between patches side by side; 13 labels cannot all be far apart for a dichromat, so the
# floor is lower there (the text view also writes each label's name over its spans).
FLOORS = {"normal": 9.0, "protanope": 5.0, "deuteranope": 5.0}


def test_colour_difference_matches_published_values():
    """Pairs from Sharma, Wu and Dalal's CIEDE2000 test data."""
    assert ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)
    assert ciede2000((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387)) == pytest.approx(1.2644, abs=1e-4)


@pytest.fixture(params=["light", "dark"])
def base(request, qapp) -> str:
    palette = dark_palette() if request.param == "dark" else QApplication.style().standardPalette()
    return palette.color(QPalette.ColorRole.Base).name()


def closest_pair(colours: dict[str, str], base: str, vision: str) -> tuple[tuple[str, str], float]:
    inks = {name: label_ink(colour, base) for name, colour in colours.items()}
    distances = {(a, b): ciede2000(seen(inks[a], vision), seen(inks[b], vision)) for a, b in combinations(inks, 2)}
    closest = min(distances, key=distances.get)
    return closest, distances[closest]


@pytest.mark.parametrize("vision", list(SIMULATIONS))
def test_every_pair_of_label_inks_is_told_apart(base, vision):
    labels = load_schema(default_schema_path()).labels
    assert len(labels) == 13
    pair, distance = closest_pair({name: label.colour for name, label in labels.items()}, base, vision)
    assert distance >= FLOORS[vision], (pair, round(distance, 1))


def test_inks_keep_their_contrast_and_hue(base):
    for label in load_schema(default_schema_path()).labels.values():
        ink = label_ink(label.colour, base)
        assert _contrast(ink, base) >= INK_CONTRAST
        a, b = seen(label.colour, "normal")[1:], seen(ink, "normal")[1:]
        assert abs(a[0] - b[0]) < 12 and abs(a[1] - b[1]) < 12  # only lightness moved (and gamut clipping)


def test_the_colours_shipped_before_fail_the_floors(base):
    """The Tableau set the schema had (GPE green beside DATE olive) is what the floors rule out."""
    old = dict(zip("PERSON ORG GPE LOC NORP PRODUCT DATE RATE EVENT LAW CUE CLAIM TARIFF".split(), (
        "#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#b07aa1", "#9c755f", "#b6992d",
        "#edc948", "#ff9da7", "#8f7fd1", "#d37295", "#56b4e9", "#e15759")))
    assert closest_pair(old, base, "deuteranope")[1] < 1.0
    assert closest_pair(old, "#ffffff", "normal") == (("DATE", "RATE"), pytest.approx(2.3, abs=0.1))
