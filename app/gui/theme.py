"""Light and dark palettes. "system" follows the desktop; the others are explicit Fusion palettes,
so they look the same on every platform (and offscreen, for screenshots)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = {"system": Qt.ColorScheme.Unknown, "light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}

_DARK = {
    QPalette.ColorRole.Window: "#2b2b2b",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1e1e1e",
    QPalette.ColorRole.AlternateBase: "#272727",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#3d6fb4",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#333333",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8c8c8c",
    QPalette.ColorRole.Link: "#7fb0ff",
    QPalette.ColorRole.Mid: "#444444",
    QPalette.ColorRole.Dark: "#1a1a1a",
    QPalette.ColorRole.Light: "#4a4a4a",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


def apply_theme(name: str) -> None:
    app = QApplication.instance()
    QGuiApplication.styleHints().setColorScheme(THEMES.get(name, Qt.ColorScheme.Unknown))
    app.setPalette(dark_palette() if name == "dark" else app.style().standardPalette())


# Label text and underlines in a label's colour keep this contrast with the text's background
# (WCAG's 3:1 for graphics and large text; the labels are small capitals over the line).
INK_CONTRAST = 3.0
_WHITE_XYZ = (0.95047, 1.0, 1.08883)


@lru_cache(maxsize=512)
def label_ink(colour: str, base: str) -> str:
    """`colour` ("#rrggbb") made darker on a light `base`, lighter on a dark one, until it has
    INK_CONTRAST with it; only its CIELAB lightness changes, so its hue stays recognisable."""
    lab = _lab(colour)
    lighter = _luminance(base) < 0.5
    ink = colour
    while _contrast(ink, base) < INK_CONTRAST and 0 < lab[0] < 100:
        lab = (lab[0] + (0.5 if lighter else -0.5), lab[1], lab[2])
        ink = _hex(lab)
    return ink


def _linear(colour: str) -> tuple[float, float, float]:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return tuple(channel(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))


def _luminance(colour: str) -> float:
    r, g, b = _linear(colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _lab(colour: str) -> tuple[float, float, float]:
    r, g, b = _linear(colour)
    xyz = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b,
           0.2126729 * r + 0.7151522 * g + 0.0721750 * b,
           0.0193339 * r + 0.1191920 * g + 0.9503041 * b)
    fx, fy, fz = (t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
                  for t in (v / w for v, w in zip(xyz, _WHITE_XYZ)))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def _hex(lab: tuple[float, float, float]) -> str:
    """The sRGB colour nearest a CIELAB one (clipped into the gamut)."""
    fy = (lab[0] + 16) / 116
    x, y, z = ((t ** 3 if t > 6 / 29 else 3 * (6 / 29) ** 2 * (t - 4 / 29)) * w
               for t, w in zip((fy + lab[1] / 500, fy, fy - lab[2] / 200), _WHITE_XYZ))
    linear = (3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
              -0.9692660 * x + 1.8760108 * y + 0.0415560 * z,
              0.0556434 * x - 0.2040259 * y + 1.0572252 * z)
    channels = (12.92 * v if v <= 0.0031308 else 1.055 * v ** (1 / 2.4) - 0.055
                for v in (min(max(v, 0.0), 1.0) for v in linear))
    return "#" + "".join(f"{round(c * 255):02x}" for c in channels)
