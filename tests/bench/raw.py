"""The baselines: the same rows written or read with nothing but sqlite3 and json.

No NewsGloss module is imported here, so a child process that runs a baseline
(tests/bench/memory.py) holds only what the baseline needs. Connections are set up
as the app sets up its own (app/store/engine.py) and write into a copy of the
same empty project file: the same tables, constraints and indexes.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.documents import AnnotatedDocument

ANNOTATOR = "bench"


def raw_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("busy_timeout = 10000", "foreign_keys = ON", "journal_mode = WAL", "synchronous = FULL"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _now() -> str:
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")


def _article_row(record: dict, origin: str) -> tuple:
    text = record["text"]
    meta = {k: v for k, v in record.items() if k not in ("id", "title", "source", "url", "published", "text")}
    return (record.get("id"), record.get("title") or text.split("\n", 1)[0], record.get("source"), record.get("url"),
            record.get("published"), text, hashlib.sha256(text.encode("utf-8")).hexdigest(),
            json.dumps(meta), origin, _now())


ARTICLE_INSERT = ("INSERT INTO article (id, external_id, title, source, url, published, text, content_hash, meta, "
                  "imported_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
LOG_INSERT = ("INSERT INTO change_log (at, annotator, action, article_id, subject, subject_id, data) "
              "VALUES (?, ?, ?, ?, ?, ?, ?)")


def raw_import_jsonl(db: Path, jsonl: Path) -> None:
    """Read the .jsonl file with the json module; insert the article rows and one change-log row."""
    with jsonl.open("rb") as f:
        records = [json.loads(line) for line in f if line.strip()]
    rows = [(n, *_article_row(r, f"{jsonl}:{n}")) for n, r in enumerate(records, start=1)]
    conn = raw_connection(db)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(ARTICLE_INSERT, rows)
    conn.execute(LOG_INSERT, (_now(), ANNOTATOR, "import", None, "article", None,
                              json.dumps({"added": [r[0] for r in rows], "files": [str(jsonl)]})))
    conn.execute("COMMIT")
    conn.close()


def raw_insert_documents(db: Path, docs: list[AnnotatedDocument]) -> None:
    """The article, annotator, span, frame, frame-slot and change-log rows that importing the
    documents makes, with ids numbered here, in one transaction."""
    now = _now()
    annotators = {name: i for i, name in enumerate(sorted({s.annotator for d in docs for s in d.spans if s.annotator}
                                                           | {f.annotator for d in docs for f in d.frames
                                                              if f.annotator}), start=1)}
    articles, spans, frames, slots, log = [], [], [], [], []
    for article_id, doc in enumerate(docs, start=1):
        a = doc.article
        articles.append((article_id, a.external_id, a.title, a.source, a.url, a.published, a.text,
                         hashlib.sha256(a.text.encode("utf-8")).hexdigest(), json.dumps(a.meta), a.origin, now))
        ids = {}
        for s in doc.spans:
            ids[s.key] = len(spans) + 1
            spans.append((ids[s.key], article_id, s.start, s.end, s.label, s.layer or s.annotator or ANNOTATOR,
                          annotators.get(s.annotator), s.origin, s.status, s.score, now, now, 1))
        for f in doc.frames:
            frames.append((len(frames) + 1, article_id, f.type, json.dumps(f.attributes),
                           f.layer or f.annotator or ANNOTATOR, annotators.get(f.annotator), f.origin, f.status,
                           f.score, now, now, 1))
            slots.extend((len(frames), role, ids[key], position)
                         for role, keys in f.roles.items() for position, key in enumerate(keys))
        log.append((now, ANNOTATOR, "import.annotations", article_id, "article", article_id,
                    json.dumps({"from": a.origin, "spans": len(doc.spans)})))
    conn = raw_connection(db)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO annotator (id, name, role, created_at) VALUES (?, ?, 'annotator', ?)",
                     [(i, name, now) for name, i in annotators.items()])
    conn.executemany(ARTICLE_INSERT, articles)
    conn.executemany('INSERT INTO span (id, article_id, start, "end", label, layer, annotator_id, origin, status, '
                     "score, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", spans)
    conn.executemany("INSERT INTO frame (id, article_id, type, attributes, layer, annotator_id, origin, status, score, "
                     "created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", frames)
    conn.executemany("INSERT INTO frame_slot (frame_id, role, span_id, position) VALUES (?, ?, ?, ?)", slots)
    conn.executemany(LOG_INSERT, log)
    conn.execute("COMMIT")
    conn.close()


def raw_export_json(db: Path, out: Path) -> None:
    """Every article with its accepted spans and frames (and their fillers), read in three queries,
    as one JSON line an article."""
    conn = raw_connection(db)
    spans, frames = defaultdict(list), defaultdict(dict)
    for article_id, span_id, start, end, label, name, origin in conn.execute(
            'SELECT s.article_id, s.id, s.start, s."end", s.label, a.name, s.origin FROM span s '
            "LEFT JOIN annotator a ON a.id = COALESCE(s.reviewed_by, s.annotator_id) "
            "WHERE s.status = 'accepted' ORDER BY s.article_id, s.start, s.\"end\", s.id"):
        spans[article_id].append({"id": span_id, "start": start, "end": end, "label": label,
                                  "annotator": name, "origin": origin})
    for article_id, frame_id, ftype, attributes, role, span_id in conn.execute(
            "SELECT f.article_id, f.id, f.type, f.attributes, fs.role, fs.span_id FROM frame f "
            "JOIN frame_slot fs ON fs.frame_id = f.id WHERE f.status = 'accepted' "
            "ORDER BY f.article_id, f.id, fs.role, fs.position"):
        frame = frames[article_id].setdefault(frame_id, {"id": frame_id, "type": ftype,
                                                         "attributes": json.loads(attributes), "roles": {}})
        frame["roles"].setdefault(role, []).append(span_id)
    with out.open("w", encoding="utf-8") as f:
        for article_id, title, text in conn.execute("SELECT id, title, text FROM article ORDER BY id"):
            record = {"id": article_id, "title": title, "text": text, "spans": spans[article_id],
                      "frames": list(frames[article_id].values())}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    conn.close()
