"""Other people's changes, as they land in the change log, for a window that polls.

Change-log ids are handed out when a row is written but become visible when its
transaction commits, and on PostgreSQL a later id can commit first. So each poll
asks for the ids above the newest it has seen and for the ids below it that it has
not seen yet (up to RESCAN below): a change that commits late is still reported,
once. An id left unseen is a transaction that never committed, or one still open.
"""

from __future__ import annotations

from app.core.project import Project

RESCAN = 500  # ids: far more than can be in flight at once in a team


class ChangeFeed:
    def __init__(self, project: Project):
        self.project = project
        self._newest = project.last_change()
        there = {c[0] for c in project.changes_since(max(self._newest - RESCAN, 0))}
        self._unseen = set(range(max(self._newest - RESCAN, 0) + 1, self._newest)) - there  # not committed yet

    def poll(self) -> list[tuple[int, str, str, int | None]]:
        """(id, annotator, action, article id) of the changes not reported before, oldest first."""
        fresh = self.project.changes_since(self._newest, self._unseen)
        if fresh:
            newest = max(self._newest, fresh[-1][0])
            self._unseen |= set(range(self._newest + 1, newest))
            self._unseen -= {c[0] for c in fresh}
            self._newest = newest
            self._unseen = {i for i in self._unseen if i > newest - RESCAN}
        return fresh
