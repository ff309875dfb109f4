"""A temporary folder of project files for the benchmarks, each a copy of one empty project."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.core.project import Project
from tests.bench.raw import ANNOTATOR


class Workspace:
    """Copies of one empty project file (made once by the migrations), so every run starts
    from the same empty tables; projects opened here are closed by `close`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.template = folder / "empty.db"
        with Project.open(self.template, ANNOTATOR, create=True) as project:
            self.schema = project.schema
        self._runs = 0
        self._opened: list[Project] = []

    def fresh(self, name: str) -> Path:
        """A new copy of the empty project file."""
        self._runs += 1
        path = self.folder / f"{name}-{self._runs}.db"
        shutil.copyfile(self.template, path)
        return path

    def project(self, name: str) -> Project:
        """A new empty project, open."""
        project = Project.open(self.fresh(name), ANNOTATOR)
        self._opened.append(project)
        return project

    def close(self) -> None:
        while self._opened:
            self._opened.pop().close()
