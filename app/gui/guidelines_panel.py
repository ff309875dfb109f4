"""The annotation guidelines, shown as Markdown that can neither run, fetch nor navigate.

How it is kept safe:

- Raw HTML is not parsed at all. The Markdown parser (md4c) is run with its NOHTML
  flags (QTextDocument.MarkdownFeature.MarkdownNoHTML), so `<script>`, `<img>`,
  `<style>` and every other tag, block or inline, is shown as the literal text it is.
  This is done in the parser rather than by escaping `<` in the text beforehand:
  escaping would also show up, wrongly, inside code spans and code blocks, and would
  break `<https://…>` autolinks; the parser knows where HTML could start and where not.
- The Markdown is parsed into a scratch document that refuses every resource, and its
  images (`![alt](src)`) are replaced by their alt text in brackets before the text is
  copied into the panel, so the panel never holds an image to load.
- `loadResource` refuses every resource (image, stylesheet, anything) with an empty
  value. Returning None would not do: Qt's QTextDocument then tries the URL itself and
  reads local files. An empty value stops it.
- Links are not followed (setOpenLinks(False), setOpenExternalLinks(False)): a click
  only emits `linkActivated(url)`. `open_web_link` opens http(s) links, and only those,
  in the system browser; the window connects it, so a link opens only when clicked.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QKeySequence,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextDocumentFragment,
    QTextFormat,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextBrowser, QVBoxLayout, QWidget

MARKDOWN_FEATURES = QTextDocument.MarkdownFeature.MarkdownDialectGitHub | QTextDocument.MarkdownFeature.MarkdownNoHTML
WEB_SCHEMES = ("http", "https")


def open_web_link(url: str) -> bool:
    """Open an http(s) link in the system browser; any other scheme is refused (False)."""
    link = QUrl(url)
    if not link.isValid() or link.scheme().lower() not in WEB_SCHEMES or not link.host():
        return False
    return QDesktopServices.openUrl(link)


class _Scratch(QTextDocument):
    """Where Markdown is parsed: it loads no resource, whoever asks."""

    def loadResource(self, kind: int, name: QUrl):  # noqa: N802 - Qt override
        return QByteArray()


def _drop_images(document: QTextDocument) -> None:
    """Replace each image in `document` by "[alt text]" in plain text."""
    images = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.charFormat().isImageFormat():
                alt = fragment.charFormat().property(QTextFormat.Property.ImageAltText)
                images.append((fragment.position(), fragment.length(), str(alt or "image")))
            it += 1
        block = block.next()
    cursor = QTextCursor(document)
    for position, length, alt in reversed(images):
        cursor.setPosition(position)
        cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(f"[{alt}]", QTextCharFormat())


class GuidelinesPanel(QTextBrowser):
    """Read-only Markdown: no HTML, no images, no fetched resources, no navigation."""

    linkActivated = Signal(str)  # a link the person clicked (or pressed Enter on)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("guidelinesPanel")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.document().setDocumentMargin(12)
        self.document().setUndoRedoEnabled(False)
        self.anchorClicked.connect(lambda url: self.linkActivated.emit(url.toString()))

    def set_markdown(self, text: str) -> None:
        """Show `text` as Markdown; raw HTML in it shows as the text it is."""
        scratch = _Scratch()
        scratch.setMarkdown(text, MARKDOWN_FEATURES)
        _drop_images(scratch)
        self.document().clear()
        QTextCursor(self.document()).insertFragment(QTextDocumentFragment(scratch))
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def setMarkdown(self, text: str) -> None:  # noqa: N802 - Qt's name, made safe too
        self.set_markdown(text)

    def loadResource(self, kind: int, name: QUrl):  # noqa: N802 - Qt override
        """Nothing is ever fetched: not remote, not local, not from Qt resources."""
        return QByteArray()

    def find_text(self, text: str, backward: bool = False) -> bool:
        """Select the next (or previous) occurrence of `text`, wrapping around; False if none."""
        if not text:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if self.find(text, flags):
            return True
        cursor = self.textCursor()
        self.moveCursor(QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start)
        if self.find(text, flags):
            return True
        self.setTextCursor(cursor)
        return False


class GuidelinesView(QWidget):
    """The guidelines panel under a find box (Enter: next, Shift+Enter: previous)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("guidelinesView")
        self.panel = GuidelinesPanel(self)
        self.linkActivated = self.panel.linkActivated
        self.find_box = QLineEdit(self)
        self.find_box.setObjectName("guidelinesFind")
        self.find_box.setPlaceholderText("Find in the guidelines")
        self.find_box.setClearButtonEnabled(True)
        self.find_status = QLabel(self)
        self.find_status.setTextFormat(Qt.TextFormat.PlainText)
        self.find_box.textEdited.connect(lambda text: self._find(text, restart=True))
        self.find_box.returnPressed.connect(lambda: self._find(self.find_box.text()))
        previous = QShortcut(QKeySequence("Shift+Return"), self.find_box, context=Qt.ShortcutContext.WidgetShortcut)
        previous.activated.connect(lambda: self._find(self.find_box.text(), backward=True))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.find_box)
        row.addWidget(self.find_status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.panel)

    def set_markdown(self, text: str) -> None:
        self.panel.set_markdown(text)

    def _find(self, text: str, backward: bool = False, restart: bool = False) -> None:
        if restart:  # typing searches again from the top
            self.panel.moveCursor(QTextCursor.MoveOperation.Start)
        found = self.panel.find_text(text, backward)
        self.find_status.setText("" if found or not text else "Not found")
