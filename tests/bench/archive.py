"""A newsroom's archive, as whole processes: import a Prodigy file of many annotated articles, export
the project in every format, each beside its raw baseline, with each process's peak memory.

    python -m tests.bench.archive prodigy FILE ARTICLES WORDS SPANS SEED   write the input file
    python -m tests.bench.archive import-app DB FILE | import-raw DB FILE
    python -m tests.bench.archive export-app DB FORMAT OUT | export-raw DB OUT
    python -m tests.bench.archive count DB FORMAT PATH                     read an export back, print its counts

Each child prints "done" (or its counts) when its work is over, so a row's time is the whole
process: start, imports, work. The import baseline reads the same JSON lines and inserts the same
article and span rows with sqlite3 `executemany`; the export baseline is tests/bench/raw.py's
database -> JSON lines. Every export is read back (imported into a new project; a DocBin read by
spaCy), which must give the same number of articles and spans (a mismatch is a missed floor).
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tests.bench.measure import Row, child_env, run_child

if TYPE_CHECKING:
    from tests.bench.workspace import Workspace

FLOOR_IMPORT_RATIO, FLOOR_IMPORT_MB = 4.0, 600.0
FLOOR_EXPORT_RATIO, FLOOR_EXPORT_MB = 8.0, 500.0
FLOOR_FACTS_NO_FRAMES_S = 0.5
SUFFIXES = {"brat": "", "docbin": ".spacy", "native": ".json", "conll": ".conll"}
LABELS = ("PERSON", "ORG", "GPE", "NORP", "PRODUCT", "DATE", "RATE", "LOC")
WORDS = ("the of and to in said tariff tariffs steel aluminium Ottawa Beijing Washington Canada China minister "
         "trade duties imposed retaliation exports imports government announced talks sector percent Friday").split()
# Every export of spans is read back: by the app's reader of its format (doccano's reads the sequence-labelling
# file too), a DocBin by spaCy's own DocBin (the app imports none). The spans written here never nest,
# so CoNLL and DocBin, which keep one label a token, must give every span back as well.
READ_BACK_AS = {"doccano-spans": "doccano"}


def write_prodigy(path: Path, articles: int, words: int, spans: int, seed: int) -> Path:
    """`articles` texts of `words` words, each with `spans` accepted, non-overlapping spans of one to
    three words, written as Prodigy tasks (text, meta, spans with start/end/label, answer)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(articles):
            text = f"Report {n}: " + " ".join(rnd.choice(WORDS) + ("." if rnd.random() < 0.07 else "")
                                             for _ in range(words))
            bounds = [m.span() for m in re.finditer(r"\S+", text)]
            starts = sorted(rnd.sample(range(2, len(bounds) - 3, 4), spans))
            task = {"text": text, "meta": {"source": "bench", "id": f"report-{n}"}, "answer": "accept",
                    "spans": [{"start": bounds[i][0], "end": bounds[i + rnd.randint(0, 2)][1],
                               "label": rnd.choice(LABELS)} for i in starts]}
            out.write(json.dumps(task) + "\n")
    return path


def run(workspace: Workspace, folder: Path, home: Path, articles: int, words: int, spans: int,
        seed: int) -> tuple[str, list[Row]]:
    from app.formats.registry import export_formats

    env = child_env(home)

    def child(*args, expect: str = "done", timeout: float = 3600):
        return run_child("tests.bench.archive", [str(a) for a in args], env, expect, timeout)

    source = write_prodigy(folder / "archive.jsonl", articles, words, spans, seed)
    app_db, raw_db = workspace.fresh("archive-app"), workspace.fresh("archive-raw")
    imported, raw = child("import-app", app_db, source), child("import-raw", raw_db, source)
    total = articles * spans
    rows = [Row("archive", f"import {articles:,} articles, {total:,} spans (Prodigy)", imported.seconds_to_line,
                raw.seconds_to_line, "s", "json + sqlite3 executemany", max_ratio=FLOOR_IMPORT_RATIO,
                peak_mb=imported.peak_mb, max_peak_mb=FLOOR_IMPORT_MB)]
    baseline = child("export-raw", app_db, folder / "raw.jsonl")
    mismatches = []
    for fmt, carries_spans in [(f.name, "spans" in f.carries) for f in export_formats()]:
        out = folder / f"export{SUFFIXES.get(fmt, '.jsonl')}"
        exported = child("export-app", app_db, fmt, out)
        rows.append(Row("archive", f"export {fmt}", exported.seconds_to_line, baseline.seconds_to_line, "s",
                        "database -> JSON lines", max_ratio=FLOOR_EXPORT_RATIO, peak_mb=exported.peak_mb,
                        max_peak_mb=FLOOR_EXPORT_MB))
        back = carries_spans and _counts(env, workspace.fresh(f"back-{fmt}"), READ_BACK_AS.get(fmt, fmt), out)
        if back and back != (articles, total):
            mismatches.append(f"{fmt} came back as {back[0]:,} articles, {back[1]:,} spans")
    rows.append(_facts_without_frames(workspace, source))
    about = (f"archive: {articles:,} articles of {words} words, {spans} spans each; whole processes; "
             + ("every export of spans read back: same counts" if not mismatches else "MISMATCH: " + "; ".join(mismatches)))
    if mismatches:
        rows.append(Row("archive", "re-imported exports with other counts", len(mismatches), 1, "s",
                        "none allowed", max_value=0))
    return about, rows


def _counts(env, db: Path, fmt: str, path: Path) -> tuple[int, int]:
    reply = run_child("tests.bench.archive", ["count", str(db), fmt, str(path)], env, "counted", 3600)
    articles, spans = json.loads(reply.rest)
    return articles, spans


def _facts_without_frames(workspace: Workspace, source: Path) -> Row:
    """facts-jsonl of a project with spans but no frames: the exporter must not read every span."""
    from app.core.project import Project
    from app.core.transfer import export_path, import_paths
    from tests.bench.raw import ANNOTATOR

    db = workspace.fresh("no-frames")
    with Project.open(db, ANNOTATOR) as project:
        import_paths(project, "prodigy", [source])
        out = db.with_suffix(".facts.jsonl")
        start = time.perf_counter()
        export_path(project, "facts-jsonl", out)
        elapsed = time.perf_counter() - start
    return Row("archive", "export facts-jsonl, no frames", elapsed, elapsed, "s", "(a fixed floor)",
               max_value=FLOOR_FACTS_NO_FRAMES_S)


def child(kind: str, *args: str) -> None:
    if kind == "prodigy":
        write_prodigy(Path(args[0]), *map(int, args[1:]))
    elif kind == "import-app":
        from app.core.project import Project
        from app.core.transfer import import_paths
        from tests.bench.raw import ANNOTATOR

        with Project.open(args[0], ANNOTATOR) as project:
            import_paths(project, "prodigy", [Path(args[1])])
    elif kind == "import-raw":
        _raw_import_prodigy(Path(args[0]), Path(args[1]))
    elif kind == "export-app":
        from app.core.project import Project
        from app.core.transfer import export_path
        from tests.bench.raw import ANNOTATOR

        with Project.open(args[0], ANNOTATOR) as project:
            export_path(project, args[1], Path(args[2]))
    elif kind == "export-raw":
        from tests.bench.raw import raw_export_json

        raw_export_json(Path(args[0]), Path(args[1]))
    elif kind == "count" and args[1] == "docbin":
        from spacy.tokens import DocBin
        from spacy.vocab import Vocab

        docs = list(DocBin().from_disk(args[2]).get_docs(Vocab()))
        print("counted", flush=True)
        print(json.dumps([len(docs), sum(len(doc.spans["sc"]) for doc in docs)]), flush=True)
        return
    elif kind == "count":
        from app.core.project import Project
        from app.core.transfer import import_paths
        from tests.bench.raw import ANNOTATOR

        with Project.open(args[0], ANNOTATOR) as project:
            import_paths(project, args[1], [Path(args[2])], unknown="add")
            stats = project.stats()
        print("counted", flush=True)
        print(json.dumps([stats.articles, stats.spans]), flush=True)
        return
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    print("done", flush=True)


def _raw_import_prodigy(db: Path, source: Path) -> None:
    """The least an importer does: parse each line, insert its article and span rows, one transaction."""
    import hashlib

    from tests.bench.raw import ARTICLE_INSERT, ANNOTATOR, _now, raw_connection

    now = _now()
    articles, spans = [], []
    with source.open("rb") as f:
        for n, line in enumerate(f, start=1):
            task = json.loads(line)
            text = task["text"]
            articles.append((n, task["meta"]["id"], text.split("\n", 1)[0][:500], "bench", None, None, text,
                             hashlib.sha256(text.encode("utf-8")).hexdigest(), json.dumps(task["meta"]),
                             f"{source}:{n}", now))
            spans.extend((n, s["start"], s["end"], s["label"], ANNOTATOR, "import", "accepted", now, now, 1)
                         for s in task["spans"])
    conn = raw_connection(db)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(ARTICLE_INSERT, articles)
    conn.executemany('INSERT INTO span (article_id, start, "end", label, layer, origin, status, created_at, '
                     "updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", spans)
    conn.execute("COMMIT")
    conn.close()


if __name__ == "__main__":
    child(*sys.argv[1:])
