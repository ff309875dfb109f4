"""The window's undo: one QUndoStack per article, and steps of several commands that are all or nothing."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoGroup, QUndoStack

if TYPE_CHECKING:
    from app.gui.commands import _Command


class UndoSteps:
    def __init__(self, parent: QObject):
        self.group = QUndoGroup(parent)
        self._stacks: dict[int, QUndoStack] = {}
        self.refused = False  # set when the services refuse a command of the current step

    def activate(self, article_id: int) -> None:
        """Undo and Redo act on this article's stack from now on."""
        if article_id not in self._stacks:
            self._stacks[article_id] = QUndoStack(self.group)
        self.group.setActiveStack(self._stacks[article_id])

    def clear(self) -> None:
        """Forget every article's history (the person changed: earlier actions were someone else's)."""
        for stack in self._stacks.values():
            stack.clear()

    def push(self, command: _Command) -> bool:
        """Run a command on the current article's undo stack; False if the services refused it."""
        stack = self.group.activeStack()
        if stack is None:
            return False
        stack.push(command)
        if not command.ok:
            self.refused = True
        return command.ok

    @contextmanager
    def step(self, text: str):
        """Group the commands pushed inside into one undoable step, all or nothing: if the services
        refuse one, those already done are undone and the step leaves the stack (QUndoStack keeps a
        macro whose commands were all dropped, and Edit would offer to undo what never happened)."""
        stack = self.group.activeStack()
        self.refused = False
        stack.beginMacro(text)
        try:
            yield
        finally:
            stack.endMacro()
            if self.refused:
                step = stack.command(stack.index() - 1)
                for child in reversed([step.child(i) for i in range(step.childCount())]):
                    child.undo()
                step.setObsolete(True)
                stack.undo()  # an obsolete command is dropped, not undone again
