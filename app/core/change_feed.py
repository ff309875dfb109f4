"""Other people's changes, as they land in the change log, for a window that polls.

Change-log ids are handed out when a row is written but become visible when its
transaction commits, and on PostgreSQL a later id can commit first. So each poll
reads again the last RESCAN ids below the newest it has seen and reports only the
entries it has not reported yet: a change that commits late is still seen.
"""

from __future__ import annotations

from app.core.project import Project

RESCAN = 500  # ids: far more than can be in flight at once in a team


class ChangeFeed:
    def __init__(self, project: Project):
        self.project = project
        self._newest = project.last_change()
        self._reported: set[int] = set()
        self.poll()  # what is there already is not news

    def poll(self) -> list[tuple[int, str, str, int | None]]:
        """(id, annotator, action, article id) of the changes not reported before, oldest first."""
        fresh = [c for c in self.project.changes_since(max(self._newest - RESCAN, 0)) if c[0] not in self._reported]
        if fresh:
            self._reported.update(c[0] for c in fresh)
            self._newest = max(self._newest, fresh[-1][0])
            self._reported = {i for i in self._reported if i > self._newest - RESCAN}
        return fresh
