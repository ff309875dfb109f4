"""Export in every format against reading the same records with sqlite3 and writing them with json.

Each format goes through app.core.transfer.export_path, the code behind
`newsgloss export` and File > Export, with the default selection (accepted
annotations). The baseline reads every article with its accepted spans and
frames (with their role fillers) in three queries and writes one JSON line per
article: the least any exporter has to do.
"""

from __future__ import annotations

from pathlib import Path

from app.core.interchange import Selection
from app.core.project import Project
from app.core.transfer import export_path
from app.formats.registry import export_formats
from tests.bench.measure import Row, seconds
from tests.bench.raw import raw_export_json

SUFFIXES = {"brat": "", "docbin": ".spacy", "native": ".json", "conll": ".conll"}


def run(project: Project, db: Path, folder: Path, repeat: int) -> list[Row]:
    outputs = iter(range(10**9))

    def target(fmt: str) -> Path:
        return folder / f"{fmt}-{next(outputs)}{SUFFIXES.get(fmt, '.jsonl')}"

    articles = [a.id for a in project.articles()]
    one = Selection(article_ids=frozenset(articles[:1]))
    rows = []
    baseline = seconds(lambda out: raw_export_json(db, out), repeat, lambda: target("raw"))
    for fmt in [f.name for f in export_formats()]:
        if fmt != "native":  # which takes no selection, and has nothing to load
            export_path(project, fmt, target(fmt), one)  # untimed: loads the writer's modules (spaCy for some)
        rows.append(Row("export", f"{len(articles):,} articles as {fmt}",
                        seconds(lambda out: export_path(project, fmt, out), repeat, lambda: target(fmt)),
                        baseline, "s", "sqlite3 + json lines"))
    return rows
