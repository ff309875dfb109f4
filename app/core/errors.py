"""Errors that reach the user. Each names what was wrong and where."""

from __future__ import annotations

from pathlib import Path


class NewsGlossError(Exception):
    """Base of every error NewsGloss reports to a person rather than a traceback."""


class ValidationError(NewsGlossError):
    """A service call was given something the project cannot accept."""


class StaleEditError(ValidationError):
    """An edit was based on a version of a record that has since changed."""


class NotAllowedError(ValidationError):
    """The acting person's role does not let them make this change (another person's layer, gold)."""


class NotFoundError(ValidationError):
    """A record the call names does not exist (any more)."""


class ProjectError(NewsGlossError):
    """A project could not be created or opened."""


class SchemaError(NewsGlossError):
    """A label schema is malformed: names the file and the key."""

    def __init__(self, source: str | Path, key: str, message: str):
        self.source = str(source)
        self.key = key
        self.message = message
        where = f"{self.source}: {key}: " if key else f"{self.source}: "
        super().__init__(where + message)


class InputError(NewsGlossError):
    """An input file is unusable: names the file and, where there is one, the line."""

    def __init__(self, path: str | Path, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")
