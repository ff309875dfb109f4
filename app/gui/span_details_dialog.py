"""A small editor for a span's details: attributes, normalizations and notes, one per line.

Fragments (of a discontinuous span) are shown, not edited: moving the span's
boundaries makes it whole again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPlainTextEdit

from app.core.span_details import NOTE, SpanDetails


def details_lines(details: SpanDetails) -> tuple[str, str, str]:
    """Attributes as "name=value", normalizations as "TYPE DB:ID text", notes as "Type: text" lines."""
    attributes = "\n".join(f"{name}={value}" for name, value in details.attributes.items())
    normalizations = "\n".join(f"{n['type']} {n['ref']} {n['text']}".rstrip() for n in details.normalizations)
    notes = "\n".join(f"{kind}: {line}" for kind, text in details.notes.items() for line in text.split("\n"))
    return attributes, normalizations, notes


def parse_details(attributes: str, normalizations: str, notes: str, fragments: list[tuple[int, int]]) -> SpanDetails:
    """The details the three texts of details_lines say; ValueError naming the line that does not fit."""
    parsed_attributes = {}
    for n, line in enumerate(_lines(attributes), start=1):
        name, equals, value = line.partition("=")
        if not equals:
            raise ValueError(f"attribute line {n}: write name=value (value true for a flag)")
        parsed_attributes[name.strip()] = value.strip()
    parsed_normalizations = []
    for n, line in enumerate(_lines(normalizations), start=1):
        parts = line.split(maxsplit=2)
        if len(parts) < 2 or ":" not in parts[1]:
            raise ValueError(f"normalization line {n}: write TYPE DB:ID and, if you like, the name")
        parsed_normalizations.append({"type": parts[0], "ref": parts[1], "text": parts[2] if len(parts) > 2 else ""})
    parsed_notes: dict[str, str] = {}
    for line in _lines(notes):
        kind, colon, text = line.partition(": ")
        if not colon or " " in kind:
            kind, text = NOTE, line
        parsed_notes[kind] = f"{parsed_notes[kind]}\n{text}" if kind in parsed_notes else text
    return SpanDetails(parsed_attributes, parsed_normalizations, parsed_notes, list(fragments))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class SpanDetailsDialog(QDialog):
    def __init__(self, span_text: str, details: SpanDetails, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Span details")
        self.fragments = list(details.fragments)
        attributes, normalizations, notes = details_lines(details)
        self.attributes = QPlainTextEdit(attributes, placeholderText="Negation=true\nConfidence=High")
        self.normalizations = QPlainTextEdit(normalizations, placeholderText="Reference Wikidata:Q956 Beijing")
        self.notes = QPlainTextEdit(notes, placeholderText="a note\nLemma: ministry")
        for edit, name in ((self.attributes, "spanAttributes"), (self.normalizations, "spanNormalizations"),
                           (self.notes, "spanNotes")):
            edit.setObjectName(name)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        shown = QLabel(span_text)
        shown.setTextFormat(Qt.TextFormat.PlainText)  # article text is never HTML
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Span", shown)
        if self.fragments:
            form.addRow("Fragments", QLabel("; ".join(f"{start}-{end}" for start, end in self.fragments)))
        form.addRow("Attributes", self.attributes)
        form.addRow("Normalizations", self.normalizations)
        form.addRow("Notes", self.notes)
        form.addRow(self.error)
        form.addRow(buttons)

    def details(self) -> SpanDetails:
        return parse_details(self.attributes.toPlainText(), self.normalizations.toPlainText(),
                             self.notes.toPlainText(), self.fragments)

    def accept(self) -> None:
        try:
            self.details()
        except ValueError as err:
            self.error.setText(str(err))
            return
        super().accept()
