"""What the text view writes over its spans: each span's label above it, and the chosen
frame's role fillers connected to its trigger by arcs named for their roles.

Geometry first (place_labels, frame_links: plain functions of the visible pieces, so tests
can check them), then painting. Everything here sees only the pieces of visible blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from app.core.annotations import FrameRecord
from app.core.schema import Schema
from app.core.vocabulary import Status
from app.gui.highlights import Highlight

LABEL_HALO_ALPHA = 215  # the base colour behind a label, over underlines of the line above


class Piece(NamedTuple):
    """The part of one span on one visual line, in viewport coordinates."""

    span: Highlight
    lane: int
    rect: QRectF  # the glyph box: ascent to descent
    baseline: float
    opens: bool  # the span starts on this line
    closes: bool  # the span ends on this line


class LabelBox(NamedTuple):
    """What is written over a span's first piece, and where."""

    span: Highlight
    text: str  # the label, or "" when labels are hidden
    role: str  # the span's role in the chosen frame, or ""
    rect: QRectF
    row: int  # 0 just above the text, 1 above that...


@dataclass(frozen=True)
class FrameLinks:
    """A frame to draw: arcs from the `anchor` span (its trigger or cue) to each filler."""

    colour: str  # "#rrggbb"
    anchor: int  # span id
    fillers: tuple[tuple[str, int], ...]  # (role, span id), the anchor's own role left out


def links_for(schema: Schema, frame: FrameRecord) -> FrameLinks | None:
    """The arcs of a frame: from its first filled role taking only evidence (a tariff fact's
    trigger, a claim's cue), else from its first filled role, to every other filler."""
    frame_type = schema.frames.get(frame.type)
    if frame_type is None:
        return None
    filled = [(role, span_id) for role in frame_type.roles for span_id in frame.role(role)]
    if not filled:
        return None

    def evidence(role: str) -> bool:
        labels = [schema.labels.get(name) for name in frame_type.roles[role].labels]
        return all(label is not None and label.kind == "evidence" for label in labels)

    anchor = next((f for f in filled if evidence(f[0])), filled[0])
    return FrameLinks(frame_type.colour, anchor[1], tuple(f for f in filled if f != anchor))


class Link(NamedTuple):
    """One arc: from the anchor's top to a filler's top (or towards the edge it lies beyond)."""

    role: str
    span_id: int
    start: QPointF
    end: QPointF
    apex: float  # y of the arc's highest point
    anchor_shown: bool  # False: the anchor is outside the visible blocks, `start` is on an edge
    filler_shown: bool  # False: likewise for the filler and `end`


def label_text(span: Highlight) -> str:
    """A suggestion's label ends in "?": not yet anyone's decision."""
    return span.label + ("?" if span.status == Status.SUGGESTED else "")


def place_labels(pieces: list[Piece], width_of: Callable[[str, str], float], row_height: float,
                 roles: Mapping[int, str], right: float, with_labels: bool = True, gap: float = 3.0) -> list[LabelBox]:
    """A box above the first piece of each span (with labels hidden, of each role filler only)
    holding its label and its role in the chosen frame, left-aligned with it (but not past
    `right`); boxes that would touch on one visual line stack upwards, each taking the lowest
    row free where it starts."""
    opening = sorted((p for p in pieces if p.opens and (with_labels or p.span.id in roles)),
                     key=lambda p: (p.baseline, p.rect.left(), -p.rect.width()))
    boxes: list[LabelBox] = []
    row_ends: list[float] = []
    line = None
    for p in opening:
        if p.baseline != line:
            line, row_ends = p.baseline, []
        text, role = label_text(p.span) if with_labels else "", roles.get(p.span.id, "")
        width = width_of(text, role)
        left = max(min(p.rect.left(), right - width), 0.0)
        row = next((r for r, end in enumerate(row_ends) if end + gap <= left), len(row_ends))
        if row == len(row_ends):
            row_ends.append(0.0)
        row_ends[row] = left + width
        bottom = p.rect.top() - row * row_height
        boxes.append(LabelBox(p.span, text, role, QRectF(left, bottom - row_height, width, row_height), row))
    return boxes


def frame_links(links: FrameLinks, pieces: list[Piece], labels: list[LabelBox], spans: Mapping[int, Highlight],
                visible: tuple[int, int], area: QRectF, rise: float) -> list[Link]:
    """An arc per filler, from the top of the anchor (its label, if written) to the top of the
    filler, rising `rise` above the higher of the two but not past the top of `area`. `pieces`
    are those of the visible blocks, covering code points [visible[0], visible[1]); an end outside
    them is put on the top or bottom edge of `area`, as the span lies before or after; a filler
    with both ends outside is skipped."""
    tops = {box.span.id: box.rect for box in labels}
    first: dict[int, Piece] = {}
    for p in sorted(pieces, key=lambda p: (p.rect.top(), p.rect.left())):
        first.setdefault(p.span.id, p)

    def point(span_id: int, x: float) -> QPointF | None:
        """The top centre of the span's first visible piece, else a point on the edge it lies beyond."""
        if span_id in first:
            rect = first[span_id].rect
            return QPointF(rect.center().x(), tops[span_id].top() if span_id in tops else rect.top())
        span = spans.get(span_id)
        if span is None or visible[0] <= span.start < visible[1]:
            return None  # gone, or not drawn (rejected)
        return QPointF(x, area.top() if span.start < visible[0] else area.bottom())

    result = []
    for role, span_id in links.fillers:
        if links.anchor in first:
            start = point(links.anchor, 0.0)
            end = point(span_id, start.x())
        elif span_id in first:
            end = point(span_id, 0.0)
            start = point(links.anchor, end.x())
        else:
            continue
        if start is None or end is None:
            continue
        apex = max(min(start.y(), end.y()) - rise, area.top() + 1)
        result.append(Link(role, span_id, start, end, apex, links.anchor in first, span_id in first))
    return result


def paint_links(painter: QPainter, links: list[Link], colour: QColor) -> None:
    """Each arc, with an arrowhead on a filler that can be seen (dashed when an end cannot)."""
    painter.save()
    painter.setRenderHint(QPainter.Antialiasing, True)
    painter.setBrush(Qt.NoBrush)
    for link in links:
        s, e = link.start, link.end
        path = QPainterPath(s)
        path.cubicTo(QPointF(s.x(), link.apex), QPointF(e.x(), link.apex), e)
        both = link.anchor_shown and link.filler_shown
        painter.setPen(QPen(colour, 1.5, Qt.SolidLine if both else Qt.DashLine))
        painter.drawPath(path)
        if link.filler_shown:
            head = QPainterPath(e)
            head.lineTo(e.x() - 3.5, e.y() - 6)
            head.lineTo(e.x() + 3.5, e.y() - 6)
            head.closeSubpath()
            painter.fillPath(head, colour)
    painter.restore()


def paint_labels(painter: QPainter, boxes: list[LabelBox], fonts: tuple[QFont, QFont],
                 ink: Callable[[Highlight], QColor], role_ink: QColor | None, halo: QColor) -> None:
    """Each box on a halo of the background (over underlines of the line above): the label in
    the span's ink and small capitals, then the role in the frame's ink and italics."""
    label_font, role_font = fonts
    label_metrics = QFontMetricsF(label_font)
    halo = QColor(halo)
    halo.setAlpha(LABEL_HALO_ALPHA)
    painter.setFont(label_font)
    for box in boxes:
        painter.fillRect(box.rect, halo)
        baseline = QPointF(box.rect.left() + 1, box.rect.bottom() - (box.rect.height() - label_metrics.capHeight()) / 2)
        if box.text:
            painter.setPen(ink(box.span))
            painter.drawText(baseline, box.text)
            baseline += QPointF(label_metrics.horizontalAdvance(box.text + " "), 0)
        if box.role and role_ink is not None:
            painter.setFont(role_font)
            painter.setPen(role_ink)
            painter.drawText(baseline, box.role)
            painter.setFont(label_font)
