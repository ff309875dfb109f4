"""The team in the window: who is acting and in which role, and other people's changes coming in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from app.core.change_feed import ChangeFeed
from app.core.errors import NewsGlossError
from app.core.vocabulary import Role

if TYPE_CHECKING:
    from app.core.project import Project
    from app.gui.main_window import MainWindow

POLL_MS = 2000  # how often the window looks for other people's changes


def take_role(project: Project, role: Role | str) -> str | None:
    """Give the acting person `role` unless it is theirs already; why not, in words, if refused
    (only a reviewer gives roles once the project has one)."""
    if project.role() == role:
        return None
    try:
        project.set_role(project.annotator, role)
    except NewsGlossError as err:
        return str(err)
    return None


class TeamController:
    def __init__(self, window: MainWindow):
        self.window = window
        self.who = QLabel()
        self.who.setToolTip("Every change you make is recorded under this name; Edit > Preferences… changes it")
        self.show_who()
        self.changes = ChangeFeed(window.project)
        self.poll_timer = QTimer(window)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self.poll_changes)
        self.poll_timer.start()

    def role(self) -> Role:
        return Role.REVIEWER if self.window.state.layers.reviewer else Role.ANNOTATOR

    def show_who(self) -> None:
        self.who.setText(f"{self.window.project.annotator} ({self.role().value})")

    def switch(self, annotator: str | None, role: Role | str | None) -> None:
        """Act as another person, or in another role: their view, their history, their progress."""
        window, state = self.window, self.window.state
        if annotator is not None:
            window.project.annotator = annotator
        if role is not None and (why := take_role(window.project, role)):
            window.refuse(why)
        state.identity_changed()
        if not state.layers.adjudicating:
            window.adjudicate_action.setChecked(False)
        self.show_who()
        window.undo.clear()  # earlier actions were someone else's
        if state.article is not None:
            state.open(state.article.id)  # what they see, and how faintly, follows the role
        window.reload_articles_keeping_current()

    def poll_changes(self) -> None:
        """Bring other people's changes in: the open article reloads if they touched it (only what
        changed is redrawn), and the article list updates the rows of the articles they touched."""
        window = self.window
        others = [c for c in self.changes.poll() if c[1] != window.project.annotator]
        if not others:
            return
        if any(action == "import" for _, _, action, _ in others):  # new articles: the list grows
            window.reload_articles_keeping_current()
        else:
            for article in window.project.articles({a for _, _, _, a in others if a is not None}):
                window.articles.model.update_article(article.id, spans=article.spans, frames=article.frames)
        here = sorted({who for _, who, _, article in others if article == window.state.article_id})
        if here:
            window.state.refresh()
            window.statusBar().showMessage(f"Updated with changes by {', '.join(here)}", 5000)

    def stop(self) -> None:
        self.poll_timer.stop()
