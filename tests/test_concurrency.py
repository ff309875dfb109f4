"""Several processes writing one SQLite project at once lose nothing and never fail on a lock.

Each writer, under its own annotator name, adds spans, relabels them and sets its
progress in a tight loop, all starting at the same moment, while this process
keeps reading the project as the app would. Writers begin IMMEDIATE and wait on
the busy timeout (app/store/engine.py), so every write must succeed.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time

from app.core.articles import ArticleDraft
from app.core.project import Project
from conftest import REPO

WRITES = 200  # per writer
WRITERS = ("ann", "bob", "cho")
WRITER = """
import json, random, sys
from app.core.project import Project

path, annotator, seed, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
project = Project.open(path, annotator)
lengths = {a.id: a.chars for a in project.articles()}
print("READY", flush=True)
sys.stdin.readline()  # all writers start together
spans, progress = {}, {}
for i in range(count):
    article = rng.choice(sorted(lengths))
    if i % 4 == 3:
        status = rng.choice(["todo", "in_progress", "done"])
        project.set_progress(article, status)
        progress[article] = status
    elif i % 4 == 2 and spans:
        span = project.update_span(rng.choice(sorted(spans)), label=rng.choice(["GPE", "ORG", "PERSON"]))
        spans[span.id] = [span.article_id, span.start, span.end, span.label]
    else:
        start = rng.randrange(lengths[article] - 1)
        span = project.add_span(article, start, rng.randint(start + 1, lengths[article]), "NORP")
        spans[span.id] = [span.article_id, span.start, span.end, span.label]
        if progress.get(article, "todo") == "todo":  # a first annotation starts the article
            progress[article] = "in_progress"
print(json.dumps({"spans": spans, "progress": progress}), flush=True)
"""
TEXTS = ["Ottawa imposed tariffs on Chinese steel and aluminium.", "👍🏽 Beijing answered with duties on canola.",
         "The European Union weighed its response; café owners in Brussels shrugged."]


def test_writers_in_several_processes_lose_nothing(tmp_path):
    path = tmp_path / "shared.db"
    with Project.open(path, "setup", create=True) as project:
        project.add_articles([ArticleDraft(text=t, title=t[:20], origin="concurrency") for t in TEXTS])
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(seed), str(WRITES)], cwd=REPO,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for seed, name in enumerate(WRITERS)]
    for writer in writers:
        assert writer.stdout.readline() == "READY\n", writer.communicate()[1]
    started = time.monotonic()
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()
    reads = 0
    with Project.open(path, "reader") as reader:  # the app, open on the same file, reading all along
        while any(w.poll() is None for w in writers):
            for article in reader.articles():
                reader.spans(article.id)
            reads += 1
    elapsed = time.monotonic() - started
    results = {}
    for name, writer in zip(WRITERS, writers):
        out, err = writer.communicate(timeout=60)
        assert writer.returncode == 0 and "locked" not in err, f"{name} failed:\n{err}"
        results[name] = json.loads(out)
    assert reads > 0

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()
    with Project.open(path, "reader") as project:
        stored = {s.id: s for article in project.articles() for s in project.spans(article.id)}
        log = project.change_log()
        for name, result in results.items():
            mine = {int(i): fields for i, fields in result["spans"].items()}
            assert {i: [stored[i].article_id, stored[i].start, stored[i].end, stored[i].label]
                    for i in mine if i in stored} == mine, f"{name}'s spans were lost or changed"
            assert {i for i, s in stored.items() if s.annotator == name} == set(mine)
            actions = [c["action"] for c in log if c["annotator"] == name]
            assert len(actions) - actions.count("progress.set") == WRITES - WRITES // 4  # span writes
            assert actions.count("progress.set") >= WRITES // 4  # set by hand, or by a first annotation
            with Project.open(path, name) as own:
                assert {a: own.progress(int(a)) for a in result["progress"]} == result["progress"]
    print(f"{len(WRITERS)} writers x {WRITES} writes in {elapsed:.2f} s "
          f"({len(WRITERS) * WRITES / elapsed:.0f} writes/s), {reads} full reads meanwhile")
