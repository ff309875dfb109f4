"""The main window's actions and menus, as tables: each action's text, keys, tip and what it calls.

Keys are spelled out, not QKeySequence.StandardKey: those differ by platform (Redo is
Ctrl+Shift+Z on X11, Ctrl+Y elsewhere, Quit is nothing offscreen), so a key listed twice
or missing would only show on some desktops.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QToolBar

from app.core.vocabulary import Status
from app.gui.theme import THEMES

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

Keys = str | list[str] | None
# The window's attribute for the action, its text, what it calls (a dotted path from the window,
# or a function of the window), its keys and its status tip.
Row = tuple[str, str, str | Callable[["MainWindow"], object], Keys, str]

EDITING: list[Row] = [
    ("delete_action", "Delete span", "spans.delete_current_span", ["Del", "Backspace"], "Delete the chosen span"),
    ("next_span_action", "Next span", lambda w: w.spans.step_span(1), "]", ""),
    ("prev_span_action", "Previous span", lambda w: w.spans.step_span(-1), "[", ""),
    ("clear_action", "Clear selection", "text_view.clear_selection", "Escape", ""),
    ("next_article_action", "Next article", lambda w: w.step_article(1), "Ctrl+PgDown", ""),
    ("prev_article_action", "Previous article", lambda w: w.step_article(-1), "Ctrl+PgUp", ""),
    ("done_action", "Mark done", "mark_done", "Ctrl+D", "Mark this article done for you"),
    ("search_action", "Search articles", "focus_search", "Ctrl+F", ""),
    ("find_text_action", "Find in text", "text_find.open", "/",
     "Select the next match in the text; Shift+Enter extends the selection"),
    ("snap_action", "Snap selection to tokens", "toggle_snap", "Ctrl+T", ""),
    ("labels_action", "Show labels over spans", "toggle_labels", "Ctrl+Shift+L", "Write each span's label above it"),
    ("bigger_action", "Bigger text", lambda w: w.font_step(1), ["Ctrl+=", "Ctrl++"], ""),
    ("smaller_action", "Smaller text", lambda w: w.font_step(-1), "Ctrl+-", ""),
]
FRAME_ATTRIBUTE: Row = ("frame_attribute_action", "Set the frame's action or stance", "frames.focus_attribute", "F2",
                        "Up and Down then change the chosen frame's attribute")
WORKING: list[Row] = [
    ("import_action", "Import…", "transfer.import_dialog", "Ctrl+I", "Import articles or annotations from other tools"),
    ("export_action", "Export…", "transfer.export_dialog", "Ctrl+E", "Export annotations"),
    ("suggest_action", "Suggest for this article", "suggest.current", "Ctrl+G",
     "Run the spaCy suggesters on this article"),
    ("suggest_selected_action", "Suggest for selected articles", "suggest.selected", None, ""),
    ("suggest_all_action", "Suggest for all articles", "suggest.all_articles", "Ctrl+Shift+G", ""),
    ("train_action", "Train a model…", "suggest.train_dialog", None, "Train NER on the accepted annotations"),
    ("models_action", "Trained models…", "suggest.show_models", None, ""),
    ("dashboard_action", "Statistics", "show_dashboard", "F9",
     "Progress, labels, review decisions and tariff facts, as charts"),
    ("agreement_action", "Agreement…", "show_agreement", "Shift+F9",
     "How far the annotators agree: span F1, kappa, alpha, frame roles"),
    ("accept_action", "Accept suggestion", lambda w: w.review_queue.decide(Status.ACCEPTED), "A", ""),
    ("reject_action", "Reject suggestion", lambda w: w.review_queue.decide(Status.REJECTED), "X", ""),
    ("skip_action", "Skip suggestion", "review_queue.skip", "S", ""),
    ("fix_action", "Fix suggestion to the selection", "review_queue.fix_boundaries", "B", ""),
    ("show_rejected_action", "Show rejected suggestions", "review.toggle_rejected", None, ""),
    ("show_others_action", "Show other annotators' layers", "review.toggle_others", "Ctrl+L",
     "Draw other people's annotations faintly beside yours"),
    ("adjudicate_action", "Adjudicate into gold", "review.toggle_adjudication", "Ctrl+J",
     "Compare the annotators' layers and build the gold layer"),
    ("shortcuts_action", "Keyboard shortcuts", "show_shortcuts", "F1", ""),
    ("guidelines_action", "Annotation guidelines", "show_guidelines", "Shift+F1", ""),
    ("preferences_action", "Preferences…", "show_preferences", "Ctrl+,", ""),
    ("open_action", "Open project…", "open_project_dialog", "Ctrl+O", ""),
    ("open_url_action", "Open shared project…", "open_url_dialog", "Ctrl+Shift+O",
     "Open a project on a database server by its URL"),
    ("new_action", "New project…", "new_project_dialog", "Ctrl+N", ""),
    ("about_action", "About NewsGloss", "about", None, ""),
    ("quit_action", "Quit", "close", "Ctrl+Q", ""),
]
# The actions that work before the window has a project (MainWindow.set_project); the rest wait for it.
WITHOUT_PROJECT = ("open_action", "open_url_action", "new_action", "quit_action", "shortcuts_action", "snap_action",
                   "labels_action", "bigger_action", "smaller_action")
CHECKABLE = ("snap_action", "labels_action", "show_rejected_action", "show_others_action", "adjudicate_action")

# Each menu's items: an action's attribute, "-" a separator, or "@name" a part built below.
MENUS: list[tuple[str, list[str]]] = [
    ("&File", ["new_action", "open_action", "open_url_action", "@recent", "-", "import_action", "export_action",
               "-", "quit_action"]),
    ("&Edit", ["undo_action", "redo_action", "-", "delete_action", "next_span_action", "prev_span_action",
               "clear_action", "find_text_action", "-", "preferences_action"]),
    ("&Annotate", ["@labels", "@frames", "frame_attribute_action"]),
    ("Re&view", ["suggest_action", "suggest_selected_action", "suggest_all_action", "-", "train_action",
                 "models_action", "-", "accept_action", "reject_action", "skip_action", "fix_action"]),
    ("A&rticle", ["next_article_action", "prev_article_action", "done_action", "search_action"]),
    ("&View", ["dashboard_action", "agreement_action", "snap_action", "labels_action", "show_rejected_action",
               "show_others_action", "adjudicate_action", "bigger_action", "smaller_action", "@theme"]),
    ("&Help", ["shortcuts_action", "guidelines_action", "about_action"]),
]


def colour_icon(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


def make_action(window: MainWindow, text: str, slot: Callable[[], object], keys: Keys = None,
                tip: str = "") -> QAction:
    action = QAction(text, window)
    if keys is not None:
        action.setShortcuts([QKeySequence(k) for k in (keys if isinstance(keys, list) else [keys])])
    action.setStatusTip(tip)
    action.triggered.connect(lambda _=False: slot())
    window.addAction(action)
    return action


def _add_rows(window: MainWindow, rows: list[Row]) -> None:
    """The rows' actions; a dotted path is followed when the action fires, as the controllers it
    reaches are made with the project."""
    for name, text, call, keys, tip in rows:
        slot = (lambda c=call: c(window)) if callable(call) else (lambda c=call: attrgetter(c)(window)())
        setattr(window, name, make_action(window, text, slot, keys, tip))


def build_actions(window: MainWindow) -> None:
    """Every action of the window, made in the order the shortcuts list shows them."""
    window.undo_action = window.undo_group.createUndoAction(window, "Undo")
    window.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
    window.redo_action = window.undo_group.createRedoAction(window, "Redo")
    window.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    _add_rows(window, EDITING)
    window.frame_actions = {}  # made with the project's schema, as the label actions are
    window.role_actions = [
        make_action(window, f"Fill role {n} of the chosen frame", lambda n=n: window.frames.fill_role_number(n), str(n))
        for n in range(1, 10)
    ]
    _add_rows(window, [FRAME_ATTRIBUTE])
    window.label_actions = {}
    _add_rows(window, WORKING)
    for name in CHECKABLE:
        getattr(window, name).setCheckable(True)
    window.snap_action.setChecked(window.text_view.snap_to_tokens)
    window.labels_action.setChecked(window.text_view.labels_shown)
    window.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)


def enable_project_actions(window: MainWindow, enabled: bool) -> None:
    """Enable or disable every action of the window that needs its project."""
    free = {id(getattr(window, name)) for name in WITHOUT_PROJECT}
    for action in window.actions():
        if id(action) not in free:
            action.setEnabled(enabled)


def add_frame_actions(window: MainWindow) -> None:
    """One action per frame type of the schema (New tariff fact, Ctrl+Shift+T, and so on), in the
    Annotate menu before the frame attribute."""
    window.frame_actions = {
        name: make_action(window, f"New {name.replace('_', ' ')}", lambda n=name: window.frames.create(n),
                          f"Ctrl+Shift+{name[0].upper()}")
        for name in window.schema.frames
    }
    window.annotate_menu.insertActions(window.frame_attribute_action, list(window.frame_actions.values()))


def add_label_actions(window: MainWindow) -> None:
    """One action per label of the schema, its hotkey tagging the selection: in the Annotate menu
    before the frames, and on the label bar."""
    window.label_actions = {}
    for label in window.schema.labels.values():
        action = make_action(window, f"Tag {label.name}", lambda n=label.name: window.spans.tag(n),
                             label.hotkey.upper() if label.hotkey else None, label.description)
        action.setIcon(colour_icon(label.colour))
        action.setIconText(f"{label.name} ({label.hotkey.upper()})" if label.hotkey else label.name)
        window.label_actions[label.name] = action
    window.annotate_menu.insertActions(window.frames_separator, list(window.label_actions.values()))
    window.label_bar.addActions(list(window.label_actions.values()))


def build_menus(window: MainWindow) -> None:
    bar = window.menuBar()
    for title, items in MENUS:
        menu = bar.addMenu(title)
        for item in items:
            if item == "-":
                menu.addSeparator()
            elif item == "@recent":
                window.recent_menu = menu.addMenu("Open recent")
                window.recent_menu.setObjectName("recentMenu")
                window.recent_menu.aboutToShow.connect(window.fill_recent_menu)
            elif item == "@labels":
                window.annotate_menu = menu
                menu.addActions(list(window.label_actions.values()))
            elif item == "@frames":
                window.frames_separator = menu.addSeparator()
                menu.addActions(list(window.frame_actions.values()))
            elif item == "@theme":
                _build_theme_menu(window, menu.addMenu("Theme"))
            else:
                menu.addAction(getattr(window, item))


def _build_theme_menu(window: MainWindow, menu) -> None:
    window.theme_menu = menu
    current = window.settings.value("theme", "system")
    for name in THEMES:
        action = menu.addAction(name.capitalize())
        action.setCheckable(True)
        action.setChecked(name == current)
        action.triggered.connect(lambda _=False, n=name: window.set_theme(n))


def build_label_bar(window: MainWindow) -> None:
    bar = window.label_bar = QToolBar("Labels")
    bar.setObjectName("labelBar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.addActions(list(window.label_actions.values()))
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)


def shortcut_rows(window: MainWindow) -> list[tuple[str, str]]:
    """Every action that has keys, each key once; the nine role keys share one row."""
    rows = [("Select text", "Mouse drag, Shift+arrows; double-click selects a word")]
    names = {id(window.undo_action): "Undo", id(window.redo_action): "Redo"}  # not "Undo Fill rate"
    for action in window.key_actions():
        if action not in window.role_actions:
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
            rows.append((names.get(id(action), action.text().replace("&", "")), keys))
    rows.append(("Fill role 1–9 of the chosen frame", "1 … 9"))
    rows.append(("Adjudicate: into gold, merge frames, all agreed, out of gold",
                 "Enter, M, Shift+Enter, Delete in the Adjudicate table"))
    rows.append(("Open the article under the cursor", "Arrow keys in the article list"))
    return rows
