"""How the text view marks its spans: a fill under an accepted entity; over the text an
underline in the span's lane (solid, dashed for a suggestion, dotted for evidence), a dashed
outline round a suggestion, brackets round evidence, and a box round the current span.

Lines are drawn in a span's ink: its label colour at a readable contrast with the background.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from app.core.vocabulary import Status
from app.gui.highlights import Highlight
from app.gui.line_room import underline_thickness
from app.gui.span_painting import Piece
from app.gui.theme import label_ink

FILL_ALPHA = 70
FAINT_ALPHA = 80


class Inks:
    """The ink of each span's lines and label, worked out once per colour for one background."""

    def __init__(self, base: QColor) -> None:
        self._base = base.name()
        self._inks: dict[tuple[str, bool], QColor] = {}

    def __call__(self, h: Highlight) -> QColor:
        if (h.colour, h.faint) not in self._inks:
            self._inks[h.colour, h.faint] = colour = QColor(label_ink(h.colour, self._base))
            if h.faint:
                colour.setAlpha(FAINT_ALPHA)
        return self._inks[h.colour, h.faint]

    def of_colour(self, colour: str) -> QColor:
        """The ink of a colour that is no span's (a frame's)."""
        return QColor(label_ink(colour, self._base))


def paint_fills(painter: QPainter, pieces: list[Piece]) -> None:
    """The translucent fill under accepted entities of the person's own layer (drawn before the text)."""
    for p in pieces:
        if p.span.kind == "entity" and p.span.status == Status.ACCEPTED and not p.span.faint:
            fill = QColor(p.span.colour)
            fill.setAlpha(FILL_ALPHA)
            painter.fillRect(p.rect, fill)


def paint_marks(painter: QPainter, pieces: list[Piece], ink: Inks, metrics: QFontMetricsF,
                current: int | None, current_colour: QColor) -> None:
    """Underlines, outlines and brackets over the text; the current span boxed in `current_colour` on top."""
    thickness = underline_thickness(metrics)
    pitch = thickness + 1
    boxed = []
    for p in pieces:
        h, r = p.span, p.rect
        colour = QColor(ink(h))
        suggested = h.status == Status.SUGGESTED
        style = Qt.DashLine if suggested else Qt.DotLine if h.kind == "evidence" else Qt.SolidLine
        y = round(p.baseline + metrics.descent()) + 1 + p.lane * pitch + thickness / 2
        painter.setPen(QPen(colour, thickness, style, Qt.FlatCap))
        painter.drawLine(QLineF(r.left(), y, r.right(), y))
        if h.kind == "evidence":
            colour.setAlpha(110 if suggested else 170)
            _outline(painter, p, QPen(colour, 1.5), brackets=True)
        elif suggested:
            _outline(painter, p, QPen(colour, 1, Qt.DashLine))
        if h.id == current:
            boxed.append(p)
    for p in boxed:
        _outline(painter, p, QPen(current_colour, 2))


def _outline(painter: QPainter, p: Piece, pen: QPen, brackets: bool = False) -> None:
    """A box around the piece, open where the span wraps; as brackets, sides with short ticks."""
    r = p.rect.adjusted(0.5, 0.5, -0.5, -0.5)
    lines = []
    for x, inward, side in ((r.left(), 1, p.opens), (r.right(), -1, p.closes)):
        if side:
            lines.append(QLineF(x, r.top(), x, r.bottom()))
            if brackets:
                tick = inward * min(4.0, r.width() / 2)
                lines += [QLineF(x, r.top(), x + tick, r.top()), QLineF(x, r.bottom(), x + tick, r.bottom())]
    if not brackets:
        lines += [QLineF(r.topLeft(), r.topRight()), QLineF(r.bottomLeft(), r.bottomRight())]
    painter.setPen(pen)
    painter.drawLines(lines)
