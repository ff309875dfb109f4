"""The projects opened lately, most recent first, kept in QSettings under "recent_projects"."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

KEY = "recent_projects"
LIMIT = 8


def is_url(location: str) -> bool:
    """A database URL rather than a file path (the test project_url uses)."""
    return "://" in location


def normalized(location: str | Path) -> str:
    """A file path made absolute (so "a.db" and "./a.db" are one project); a URL without its password
    (settings never keep one)."""
    text = str(location).strip()
    if not is_url(text):
        return str(Path(text).expanduser().resolve()) if text else text
    from app.store.engine import without_password  # SQLAlchemy: not before the first window, for a file

    return without_password(text)


def display_name(location: str) -> str:
    """How a list shows a location: a URL without its password."""
    if not is_url(location):
        return location
    from app.store.engine import shown_location

    return shown_location(location)


def short_name(location: str) -> str:
    """How a title names a project: a file's name, a URL without its password."""
    return display_name(location) if is_url(location) else Path(location).name


class RecentProjects:
    def __init__(self, settings: QSettings):
        self.settings = settings

    def _stored(self) -> list[str]:
        value = self.settings.value(KEY)
        if value is None:
            return []
        if isinstance(value, str):  # an INI file gives back a one-item list as a string
            value = [value]
        return [str(item) for item in value if str(item).strip()]

    def add(self, location: str | Path) -> None:
        """Put `location` first; it appears once, and the list keeps the last LIMIT that still exist."""
        text = normalized(location)
        if not text:
            return
        rest = [item for item in self.items() if item != text]
        self.settings.setValue(KEY, [text, *rest][:LIMIT])

    def items(self) -> list[str]:
        """Most recent first, at most LIMIT: URLs (without passwords a list kept before had), and files
        that still exist."""
        found = dict.fromkeys(normalized(item) for item in self._stored())
        return [item for item in found if is_url(item) or Path(item).is_file()][:LIMIT]

    def remove(self, location: str | Path) -> None:
        text = normalized(location)
        self.settings.setValue(KEY, [item for item in self._stored() if normalized(item) != text])

    def clear(self) -> None:
        self.settings.remove(KEY)
