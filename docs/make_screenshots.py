"""Make the screenshots in docs/: every main view, on the sample article, offscreen.

    .venv/bin/python docs/make_screenshots.py

Builds a throwaway project from the sample article, tags a few things by hand,
runs the suggesters, and grabs each view at 1400x900 (light theme; the
annotation window also dark).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.project import Project  # noqa: E402
from app.core.samples import add_samples  # noqa: E402
from app.core.suggesting import suggest_articles  # noqa: E402
from app.gui.main_window import DEFAULT_SIZE, MainWindow  # noqa: E402
from app.gui.theme import apply_theme  # noqa: E402
from app.gui.welcome import WelcomePage  # noqa: E402
from app.nlp.engine import SuggestionEngine  # noqa: E402

HAND_TAGS = [("Canadian Prime Minister Mark Carney", "PERSON"), ("China’s state media", "ORG"),
             ("urged", "CUE"), ("Ottawa", "GPE"), ("25 percent", "RATE"), ("tariffs", "TARIFF"),
             ("steel", "PRODUCT"), ("aluminium", "PRODUCT")]
# Where a phrase first occurs in the tariff fact's sentence rather than earlier
IN_CONTEXT = {"Ottawa": "Ottawa’s", "tariffs": "tariffs on Chinese steel"}


def settle(app: QApplication) -> None:
    for _ in range(8):
        app.processEvents()


def grab(app: QApplication, widget, name: str) -> None:
    widget.resize(*DEFAULT_SIZE)
    widget.show()
    settle(app)
    widget.grab().save(str(DOCS / name), "PNG")
    print("wrote", DOCS / name)


def grab_adjudication(app: QApplication, window: MainWindow, path: Path, article: int, text: str) -> None:
    """bob tags the article too, partly differently; alice (the reviewer) adjudicates the agreed spans."""
    with Project.open(path, "bob") as bob:
        for phrase, label in [("Canadian Prime Minister Mark Carney", "PERSON"), ("China’s state media", "ORG"),
                              ("Ottawa", "GPE"), ("25 percent", "RATE"), ("steel", "PRODUCT"), ("Beijing", "GPE")]:
            start = text.index(phrase) if phrase != "Ottawa" else text.index("Ottawa’s")
            bob.add_span(article, start, start + len(phrase), label)
    window.poll_changes()
    window.adjudicate_action.trigger()
    window.adjudication.adopt_agreed()
    settle(app)
    grab(app, window, "adjudication.png")
    window.adjudicate_action.trigger()
    window.show_agreement()
    window._agreement.stop()
    settle(app)
    window._agreement.hide()
    grab(app, window._agreement, "agreement.png")


def main() -> None:
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    folder = Path(tempfile.mkdtemp())
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    project = Project.open(folder / "docs.db", "alice", create=True)
    add_samples(project)
    article = project.articles()[0].id
    text = project.article(article).text
    spans = {}
    for phrase, label in HAND_TAGS:
        start = text.index(IN_CONTEXT.get(phrase, phrase))
        spans[phrase] = project.add_span(article, start, start + len(phrase), label).id
    fact = project.add_frame(article, "tariff_fact", {
        "imposer": [spans["Ottawa"]], "rate": [spans["25 percent"]], "trigger": [spans["tariffs"]],
        "product": [spans["steel"], spans["aluminium"]]}).id
    for _ in suggest_articles(project, SuggestionEngine(project.schema), [article]):
        pass

    apply_theme("light")
    window = MainWindow(project, settings, keep_layout=False)
    window.open_article(article)
    window.frame_editor.set_current(fact)  # its fillers joined to its trigger in the text
    trigger = text.index(IN_CONTEXT["tariffs"])
    window.text_view.select_range(trigger, trigger)
    window.text_view.centerCursor()
    grab(app, window, "annotation-window.png")
    window.annotations.parentWidget().raise_()
    window.findChild(type(window.guidelines_dock), "reviewDock").raise_()
    grab(app, window, "review-queue.png")
    window.guidelines_dock.raise_()
    grab(app, window, "guidelines.png")
    window.show_dashboard()
    window._dashboard.hide()
    grab(app, window._dashboard, "statistics.png")
    apply_theme("dark")
    settle(app)
    grab(app, window, "annotation-window-dark.png")
    apply_theme("light")
    settle(app)
    grab_adjudication(app, window, folder / "docs.db", article, text)
    welcome = WelcomePage()
    welcome.set_recent([str(folder / "docs.db")])
    grab(app, welcome, "welcome.png")
    window.close()
    project.close()


if __name__ == "__main__":
    main()
