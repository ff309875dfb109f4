"""Find in the text (/): the keyboard's way to put the selection on a word anywhere in the article.

Enter selects the next match after the cursor (wrapping round; a query in lower case
ignores case, one with a capital letter does not), Shift+Enter stretches the
selection from where it starts to the end of the next match, so a long claim takes two
searches, not a run of Shift+arrows. Either hands the keys back to the text, where a
label's hotkey or a role's number then acts on the selection. Escape goes back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QToolBar

from app.gui.text_view import AnnotatedTextView


class TextFindBar(QToolBar):
    def __init__(self, view: AnnotatedTextView, article_text: Callable[[], str | None], parent=None) -> None:
        super().__init__("Find in text", parent)
        self.setObjectName("textFindBar")
        self.setMovable(False)
        self._view = view
        self._article_text = article_text
        self.edit = QLineEdit()
        self.edit.setObjectName("textFind")
        self.edit.setPlaceholderText("Find in the text: Enter selects the next match, Shift+Enter extends "
                                     "the selection to it, Escape goes back")
        self.edit.installEventFilter(self)
        self.result = QLabel()
        self.result.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
        self.addWidget(QLabel("Find in text: "))
        self.addWidget(self.edit)
        self.addWidget(self.result)
        self.hide()

    def open(self) -> None:
        self.show()
        self.result.clear()
        self.edit.setFocus()
        self.edit.selectAll()  # typing replaces the last search; Enter repeats it

    def eventFilter(self, watched, event) -> bool:
        if watched is self.edit and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
                if event.type() == QEvent.Type.KeyPress:
                    if key == Qt.Key.Key_Escape:
                        self._back()
                    else:
                        self.find(extend=bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
                event.accept()  # the window's Escape (clear selection) must not take it
                return True
        return super().eventFilter(watched, event)

    def find(self, *, extend: bool = False) -> bool:
        """Select (or extend the selection to) the next match after the cursor; False when there is none."""
        text, query = self._article_text(), self.edit.text()
        if not text or not query:
            return False
        # smart case: a query in lower case matches any case, one with a capital only itself
        pattern = re.compile(re.escape(query), re.IGNORECASE if query == query.lower() else 0)
        selection = self._view.selection_range()
        match = pattern.search(text, self._view.cursor_position()) or pattern.search(text)
        if match is None:
            self.result.setText(f"“{query}” is not in the text")
            return False
        start, end = match.span()
        if extend and selection is not None and selection[0] < end:
            start = selection[0]
        self._view.select_range(start, end)
        self._back()
        return True

    def _back(self) -> None:
        self.hide()
        self._view.setFocus()
