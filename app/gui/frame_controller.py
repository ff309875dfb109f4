"""Frames in the window: making them, and the rules by which the number keys fill their roles.

A role is filled from what the person chose in the text: the selection, else the span they
clicked. A selection the window made itself (to show a review item, a frame or a table row) is
no choice, so the number keys never fill a role from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.gui import commands
from app.gui.span_painting import links_for

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

CHOOSE_A_FRAME = "Choose or create a frame first (Ctrl+Shift+C, Ctrl+Shift+T)"


class FrameController:
    def __init__(self, window: MainWindow):
        self.window = window
        self.state = window.state
        self._showing = False  # the window is selecting text to show something, not the person
        self._shown_not_chosen = False  # the text selection shows a review item or frame: no role source
        self._clicked_span: int | None = None  # the span clicked in the text, until the cursor moves

    def span_clicked(self, span_id: int) -> None:
        """A click on a span in the text chooses it as the source of the next role."""
        self._clicked_span = span_id
        self.update_role_hint()

    def connect_editor(self) -> None:
        """Wire the window's frame editor (made anew when an import grows the schema)."""
        editor = self.window.frame_editor
        editor.createRequested.connect(self.create)
        editor.fillRequested.connect(self.fill_role)
        editor.clearRequested.connect(self.clear_role)
        editor.attributeChosen.connect(self.set_attribute)
        editor.deleteRequested.connect(self._delete)
        editor.jumpRequested.connect(self.jump_to_frame)
        editor.currentFrameChanged.connect(lambda _id: self.update_role_hint())
        editor.currentFrameChanged.connect(self._show_frame_links)

    def _delete(self, frame_id: int) -> None:
        self.window.undo.push(commands.DeleteFrame(self.state, frame_id))

    def create(self, frame_type: str) -> None:
        if self.state.article is None:
            return
        command = commands.AddFrame(self.state, frame_type)
        if self.window.undo.push(command):
            self.window.frame_editor.set_current(command.frame.id)
            self.window.statusBar().showMessage(
                f"New {frame_type.replace('_', ' ')}: fill its roles with the number keys 1–"
                f"{len(self.window.schema.frame(frame_type).roles)}", 5000)

    def fill_role_number(self, number: int) -> None:
        frame_id = self.window.frame_editor.current_frame_id()
        if frame_id is None:
            self.window.statusBar().showMessage(CHOOSE_A_FRAME, 4000)
            return
        frame_type = self.state.frames[frame_id].type
        roles = list(self.window.schema.frame(frame_type).roles)
        if number > len(roles):
            self.window.statusBar().showMessage(
                f"A {frame_type.replace('_', ' ')} has {len(roles)} roles: keys 1–{len(roles)}", 4000)
            return
        self.fill_role(frame_id, roles[number - 1])

    def _role_source(self) -> tuple[int, int] | None:
        """The text the number keys fill a role from: the text selection, else the span clicked in
        the text; None when the person has chosen nothing there (a selection the window made to
        show a review item or a frame is no choice)."""
        if self._shown_not_chosen:
            return None
        selection = self.window.text_view.selection_range()
        if selection is not None:
            return selection
        span = self.state.spans.get(self._clicked_span)
        return None if span is None else (span.start, span.end)

    def _filler(self, role, source: tuple[int, int]) -> tuple[int | None, str] | str:
        """What `role` (a schema role) would be filled with from `source`: (the span's id, or None for
        a new span; its label), or why it cannot be, in words."""
        clicked = self.state.spans.get(self._clicked_span)
        if clicked is not None and self.window.text_view.selection_range() is None:
            if clicked.label not in role.labels:
                return f"takes {' or '.join(role.labels)}, not {clicked.label}"
            return clicked.id, clicked.label
        fitting = [s for s in self.state.spans.values() if (s.start, s.end) == source and s.label in role.labels]
        return (fitting[0].id, fitting[0].label) if fitting else (None, role.labels[0])

    def focus_attribute(self) -> None:
        if not self.window.frame_editor.focus_attributes():
            self.window.statusBar().showMessage(CHOOSE_A_FRAME, 4000)

    def _snippet(self, start: int, end: int) -> str:
        text = self.state.article.text[start:end].replace("\n", " ")
        return text if len(text) <= 40 else text[:39] + "…"

    def update_role_hint(self) -> None:
        """Tell, beside the frame, what the number keys would fill now."""
        editor = self.window.frame_editor
        frame_id = editor.current_frame_id()
        if frame_id is None or frame_id not in self.state.frames:
            editor.set_hint("")
            return
        source = self._role_source()
        if source is None:
            editor.set_hint("Number keys fill this frame's roles: first select the text or click a span")
            return
        quoted = f"“{self._snippet(*source)}”"
        using, making, refused = [], [], []
        roles = self.window.schema.frame(self.state.frames[frame_id].type).roles
        for number, (role_name, role) in enumerate(roles.items(), start=1):
            filler = self._filler(role, source)
            key = f"{number} {role_name}"
            if isinstance(filler, str):
                refused.append(key)
            elif filler[0] is None:
                making.append(f"{key} ({filler[1]})")
            else:
                using.append(key)
        lines = [f"{', '.join(using)} ← {quoted}"] if using else []
        if making:
            lines.append(f"{', '.join(making)} ← {quoted}, a new span")
        if refused:  # only a clicked span can be of a label a role does not take
            lines.append(f"{', '.join(refused)}: do not take {self.state.spans[self._clicked_span].label}")
        editor.set_hint("\n".join(lines))

    def text_choice_changed(self, *_args) -> None:
        """The person moved the cursor or the selection: what they chose before no longer counts."""
        if not self._showing:
            self._shown_not_chosen = False
            self._clicked_span = None
        self.update_role_hint()

    def show(self, select, *args) -> None:
        """Select text to show the person something (a review item, a frame, a table row)."""
        self._showing = True
        try:
            select(*args)
        finally:
            self._showing = False
        self._shown_not_chosen = True
        self._clicked_span = None
        self.update_role_hint()

    def fill_role(self, frame_id: int, role_name: str) -> None:
        """Fill a role from the text the person chose: a span there, or a new span over the selection."""
        window = self.window
        frame = self.state.frames[frame_id]
        role = window.schema.frame(frame.type).roles[role_name]
        source = self._role_source()
        if source is None:
            window.statusBar().showMessage(f"Not filled: select the {role_name} in the text, or click its span", 6000)
            return
        filler = self._filler(role, source)
        if isinstance(filler, str):
            window.statusBar().showMessage(f"Not filled: {role_name} {filler}; select the text to make a "
                                           f"{role.labels[0]} span", 6000)
            return
        span_id, label = filler
        start, end = source
        with window.undo.step(f"Fill {role_name}"):
            if span_id is None:
                add = commands.AddSpan(self.state, start, end, label)
                if not window.undo.push(add):
                    return
                span_id = add.span.id
            fillers = frame.role(role_name) + [span_id] if role.multiple else [span_id]
            if span_id not in frame.role(role_name):
                window.undo.push(commands.SetRoles(self.state, frame_id, {role_name: fillers}, f"Fill {role_name}"))
        if not window.undo.refused:
            window.text_view.clear_selection()  # the next role is chosen afresh, never filled from this one
            window.statusBar().showMessage(f"{role_name} ← “{self._snippet(start, end)}”", 4000)
        window.frame_editor.set_current(frame_id)

    def clear_role(self, frame_id: int, role_name: str) -> None:
        self.window.undo.push(commands.SetRoles(self.state, frame_id, {role_name: []}, f"Clear {role_name}"))

    def set_attribute(self, frame_id: int, name: str, value: str) -> None:
        if self.state.frames[frame_id].attributes.get(name) != value:
            self.window.undo.push(commands.SetAttribute(self.state, frame_id, name, value))

    def jump_to_frame(self, frame_id: int) -> None:
        spans = [self.state.spans[i] for s in self.state.frames[frame_id].slots
                 for i in [s.span_id] if i in self.state.spans]
        if spans:
            self.show(self.window.text_view.select_range, min(s.start for s in spans), max(s.end for s in spans))
            self.window.text_view.setFocus()

    def _show_frame_links(self, frame_id: int) -> None:
        """The chosen frame's fillers joined to its trigger in the text."""
        frame = self.state.frames.get(frame_id)
        self.window.text_view.set_frame_links(None if frame is None else links_for(self.window.schema, frame))

    def refresh(self) -> None:
        used = {s.span_id for f in self.state.frames.values() for s in f.slots}
        texts = {i: self.state.span_text(i) for i in used if i in self.state.spans}
        self.window.frame_editor.set_frames(self.state.frames, texts)

