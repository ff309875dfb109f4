"""Room in each line of the text view: above the glyphs for the spans' labels, below them for
lanes of underlines.

QPlainTextEdit ignores QTextBlockFormat.setLineHeight and block margins: its layout only adds the
font's own leading, 0 for many fonts. But Qt draws superscript text in a font 2/3 the size of its
format's font while the line keeps the full font's ascent and descent. So all text is formatted as
superscript at 1.5x the widget's size: glyphs come out at the widget's size in lines 1.5x as tall,
and the superscript baseline sets them `label_room` pixels below the top of each line (lifting
them `lift` pixels off the tall baseline). One format for the whole document, nothing per span.
(Empty lines keep the plain line height: a shorter gap between paragraphs.) The labels' capitals
fill the label room less a pixel each side; the first lane of underlines takes what is left below
the text.
"""

from __future__ import annotations

import math

from PySide6.QtGui import QFont, QFontMetricsF, QTextCharFormat


def underline_thickness(metrics: QFontMetricsF) -> int:
    """Pixels of an underline at this font."""
    return max(2, round(metrics.lineWidth() * 2))


class LineRoom:
    """The line format for a font (in whole points), and the fonts and room of the labels above the text."""

    def __init__(self, font: QFont, labels_shown: bool) -> None:
        tall = QFont(font)
        if font.pointSize() > 0:
            tall.setPointSize(math.ceil(font.pointSize() * 1.5))
        else:
            tall.setPixelSize(math.ceil(font.pixelSize() * 1.5))
        metrics, tall_metrics = QFontMetricsF(font), QFontMetricsF(tall)
        line = tall_metrics.height() + max(tall_metrics.leading(), 0)
        lane_room = 1 + underline_thickness(metrics)
        label_space = math.floor(line - metrics.height() - lane_room)  # whole pixels keep boxes on the grid
        self.label_room = label_space if labels_shown else 1
        self.label_font = QFont(font)
        self.label_font.setCapitalization(QFont.SmallCaps)
        self.label_font.setWeight(QFont.DemiBold)
        self.label_font.setPixelSize(100)
        cap = QFontMetricsF(self.label_font).capHeight() / 100
        self.label_font.setPixelSize(max(6, math.floor((label_space - 2) / cap)))
        self.role_font = QFont(font)
        self.role_font.setItalic(True)
        self.role_font.setPixelSize(self.label_font.pixelSize() + 1)
        self.lift = tall_metrics.ascent() - metrics.ascent() - self.label_room
        self.line_format = QTextCharFormat()
        self.line_format.setFont(tall, QTextCharFormat.FontPropertiesSpecifiedOnly)
        self.line_format.setVerticalAlignment(QTextCharFormat.AlignSuperScript)
        self.line_format.setSuperScriptBaseline(100 * self.lift / metrics.height())
        self._label_widths: dict[tuple[str, str], float] = {}

    def label_width(self, text: str, role: str) -> float:
        """Width of a label box holding a span's label (may be "") and its role in the chosen frame."""
        if (text, role) not in self._label_widths:
            width = QFontMetricsF(self.label_font).horizontalAdvance(text + " " if text and role else text)
            self._label_widths[text, role] = width + QFontMetricsF(self.role_font).horizontalAdvance(role) + 2
        return self._label_widths[text, role]
