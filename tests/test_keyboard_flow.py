"""The whole tagging flow from the keyboard alone: the sample's four tariff facts and three claims, with
their roles, by real key presses on whatever widget has the focus, counted."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core.normalise import fact_values
from app.core.project import Project
from app.core.samples import add_samples

SHIFT, CTRL = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier


class Keyboard:
    """Presses keys where the focus is, as a person does, and counts each press."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def press(self, key, modifiers=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
        for _ in range(times):
            self.qtbot.keyClick(QApplication.focusWidget(), key, modifiers)
            self.count += 1
            QApplication.processEvents()  # as between a person's keys: widgets shown, focus settled

    def type(self, text: str) -> None:
        for character in text:
            self.press(character)

    def find(self, text: str, *, extend: bool = False) -> None:
        """/ text Enter: the next match after the cursor is selected (Shift+Enter: the selection reaches it)."""
        self.press("/")
        self.type(text)
        self.press(Qt.Key.Key_Return, SHIFT if extend else Qt.KeyboardModifier.NoModifier)

    def fill(self, number: int, text: str, *, after: str | None = None, label_key: str | None = None,
             extend_to: str | None = None) -> None:
        """Select the next `text` (after the next `after`; on to the next `extend_to`), tag it first where
        the role's default label is not the right one, and fill role `number` of the chosen frame with it."""
        if after is not None:
            self.find(after)
        self.find(text)
        if extend_to is not None:
            self.find(extend_to, extend=True)
        if label_key is not None:
            self.press(label_key)
        self.press(str(number))


def test_the_samples_facts_and_claims_are_tagged_from_the_keyboard(make_window, qtbot, tmp_path):
    project = Project.open(tmp_path / "keyboard.db", "alice", create=True)
    add_samples(project)
    win = make_window(project)
    text = win.state.article.text
    keys = Keyboard(qtbot)
    win.text_view.setFocus()

    # China's state media urged Ottawa to pursue ... "strategic autonomy" from the United States
    keys.press("C", CTRL | SHIFT)
    keys.fill(1, "state media", label_key="o")
    keys.fill(2, "urged")
    keys.fill(3, "Ottawa to", extend_to="United States")
    # ... including tariffs on Canadian exports: the US imposes them on Canada
    keys.press("T", CTRL | SHIFT)
    keys.fill(1, "US", after="comes as")
    keys.fill(6, "tariffs")
    keys.fill(2, "Canadian", label_key="n")
    # ... in 2024 when Canada ... imposing a 100 percent tariff on Chinese-made electric vehicles
    keys.press("T", CTRL | SHIFT)
    keys.fill(5, "2024")
    keys.fill(1, "Canada")
    keys.fill(4, "100 percent")
    keys.fill(6, "tariff")
    keys.fill(2, "Chinese", label_key="n")
    keys.fill(3, "electric vehicles")
    # China retaliated with tariffs on Canadian goods, including canola, seafood and pork
    keys.press("T", CTRL | SHIFT)
    keys.fill(1, "China")
    keys.fill(6, "tariffs")
    keys.fill(2, "Canadian", label_key="n")
    for product in ("canola", "seafood", "pork"):
        keys.fill(3, product)
    keys.press(Qt.Key.Key_F2)
    keys.press(Qt.Key.Key_Down, times=5)  # imposed, threatened, raised, reduced, removed, retaliated
    # ... Ottawa's 25 percent tariffs on Chinese steel and aluminium
    keys.press("T", CTRL | SHIFT)
    keys.fill(1, "Ottawa")
    keys.fill(4, "25 percent")
    keys.fill(6, "tariffs")
    keys.fill(2, "Chinese", label_key="n")
    for product in ("steel", "aluminium"):
        keys.fill(3, product)
    # ... the state-owned China Daily argued that Canada's troubles stemmed from ... the United States
    keys.press("C", CTRL | SHIFT)
    keys.fill(1, "China Daily", label_key="o")
    keys.fill(2, "argued")
    keys.fill(3, "Canada", extend_to="United States")
    # The nationalist Global Times echoed the message, saying the "heavy price" ... strategic autonomy
    keys.press("C", CTRL | SHIFT)
    keys.fill(1, "Global Times", label_key="o")
    keys.fill(2, "saying")
    keys.fill(3, "the", extend_to="strategic autonomy")
    print(f"keystrokes: {keys.count}")  # the figure in the README (pytest -s)

    stored = Project.open(tmp_path / "keyboard.db", "bob")  # read back from the project, not the window
    article_id = win.state.article.id
    spans = {s.id: s for s in stored.spans(article_id)}

    def roles(frame) -> dict[str, list[tuple[str, str]]]:
        return {role: [(spans[i].label, text[spans[i].start:spans[i].end]) for i in frame.role(role)]
                for role in stored.schema.frame(frame.type).roles if frame.role(role)}

    frames = sorted(stored.frames(article_id), key=lambda f: f.id)
    assert all(f.annotator == "alice" and f.status == "accepted" for f in frames)
    claims = [roles(f) for f in frames if f.type == "claim"]
    facts = [(f.attributes["action"], roles(f)) for f in frames if f.type == "tariff_fact"]
    assert claims == [
        {"claimant": [("ORG", "state media")], "cue": [("CUE", "urged")],
         "content": [("CLAIM", "Ottawa to pursue what it called “strategic autonomy” from the United States")]},
        {"claimant": [("ORG", "China Daily")], "cue": [("CUE", "argued")],
         "content": [("CLAIM", "Canada’s troubles stemmed from what it called the Trudeau government’s decision "
                               "to “contain China in lockstep with the United States")]},
        {"claimant": [("ORG", "Global Times")], "cue": [("CUE", "saying")],
         "content": [("CLAIM", "the “heavy price” of following US tariff policy may have awakened Canada’s "
                               "sense of strategic autonomy")]},
    ]
    assert facts == [
        ("imposed", {"imposer": [("GPE", "US")], "target": [("NORP", "Canadian")],
                     "trigger": [("TARIFF", "tariffs")]}),
        ("imposed", {"imposer": [("GPE", "Canada")], "target": [("NORP", "Chinese")],
                     "product": [("PRODUCT", "electric vehicles")], "rate": [("RATE", "100 percent")],
                     "date": [("DATE", "2024")], "trigger": [("TARIFF", "tariff")]}),
        ("retaliated", {"imposer": [("GPE", "China")], "target": [("NORP", "Canadian")],
                        "product": [("PRODUCT", "canola"), ("PRODUCT", "seafood"), ("PRODUCT", "pork")],
                        "trigger": [("TARIFF", "tariffs")]}),
        ("imposed", {"imposer": [("GPE", "Ottawa")], "target": [("NORP", "Chinese")],
                     "product": [("PRODUCT", "steel"), ("PRODUCT", "aluminium")], "rate": [("RATE", "25 percent")],
                     "trigger": [("TARIFF", "tariffs")]}),
    ]
    values = [fact_values({role: [t for _, t in fillers] for role, fillers in r.items()}) for _, r in facts]
    assert [(v.imposer, v.target) for v in values] == [
        (("USA",), ("CAN",)), (("CAN",), ("CHN",)), (("CHN",), ("CAN",)), (("CAN",), ("CHN",))]
    assert keys.count == 388  # the figure in the README's annotation window section
    stored.close()


def test_find_in_text_wraps_minds_capitals_and_says_when_nothing_matches(make_window, qtbot, tmp_path):
    project = Project.open(tmp_path / "find.db", "alice", create=True)
    add_samples(project)
    win = make_window(project)
    text = win.state.article.text
    keys = Keyboard(qtbot)
    win.text_view.setFocus()
    keys.find("SOURCE")  # capitals: only itself, near the end
    assert win.text_view.selection_range() == (text.index("SOURCE"), text.index("SOURCE") + 6)
    keys.find("asia")  # lower case: any case, found by wrapping round to the start
    assert win.text_view.selection_range() == (0, 4)
    keys.find("tariff war", extend=True)  # the selection now reaches the end of the next match
    assert win.text_view.selection_range() == (0, text.index("tariff war") + len("tariff war"))
    keys.find("Tariff War")
    assert win.text_find.result.text() == "“Tariff War” is not in the text"
    keys.press(Qt.Key.Key_Escape)  # back to the text, the selection as it was
    assert QApplication.focusWidget() is win.text_view and not win.text_find.isVisible()
    assert win.text_view.selection_range() == (0, text.index("tariff war") + len("tariff war"))
