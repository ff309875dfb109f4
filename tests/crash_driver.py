"""Annotate a project at random until killed: run by tests/test_crash_safety.py in a subprocess.

    python tests/crash_driver.py service|gui PROJECT ANNOTATOR SEED

Before each change it prints `INTENT {json}`, and once the change is committed
(service) or committed and shown in the window (gui) `ACK {json}`: the same
operation with the id it produced. A change the services refuse prints
`REFUSED {json}`. Every line is flushed at once, so whatever the test has read
was acknowledged before the kill. The operations are the ones the test's model
of the project replays (see test_crash_safety.apply).
"""

from __future__ import annotations

import json
import random
import sys
from typing import Any

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP", "PRODUCT", "DATE", "RATE")
FILLER_ROLES = {"claim": "claimant", "tariff_fact": "imposer"}  # a role each frame type fills with entities
FILLER_LABELS = {"PERSON", "ORG", "GPE", "NORP"}


def say(kind: str, op: dict[str, Any]) -> None:
    print(kind, json.dumps(op, sort_keys=True), flush=True)


def offsets(rng: random.Random, length: int) -> tuple[int, int]:
    start = rng.randrange(length - 1)
    return start, rng.randint(start + 1, min(length, start + 40))


# ------------------------------------------------------------------ services


def choose(rng: random.Random, article: int, length: int, spans: dict[int, str], frames: set[int]) -> dict[str, Any]:
    """The next operation on `article`, whose spans (id -> label) and frames the driver keeps track of itself,
    so that its time goes into the services' writes, where the kill should find it."""
    kinds = ["add_span"] * 4 + ["set_progress", "add_frame"]
    if spans:
        kinds += ["update_span"] * 2 + ["delete_span", "review"] * 2
    if frames:
        kinds += ["delete_frame", "review"]
    kind = rng.choice(kinds)
    if kind == "add_span":
        start, end = offsets(rng, length)
        return {"op": kind, "article": article, "start": start, "end": end, "label": rng.choice(ENTITY_LABELS),
                "status": rng.choice(("accepted", "suggested"))}
    if kind == "update_span":
        span = rng.choice(sorted(spans))
        if rng.random() < 0.5:
            return {"op": kind, "id": span, "label": rng.choice(ENTITY_LABELS)}
        start, end = offsets(rng, length)
        return {"op": kind, "id": span, "start": start, "end": end}
    if kind == "delete_span":
        return {"op": kind, "id": rng.choice(sorted(spans))}
    if kind == "add_frame":
        frame_type = rng.choice(sorted(FILLER_ROLES))
        fillers = sorted(i for i, label in spans.items() if label in FILLER_LABELS)
        roles = {FILLER_ROLES[frame_type]: [rng.choice(fillers)]} if fillers else {}
        return {"op": kind, "article": article, "type": frame_type, "roles": roles,
                "status": rng.choice(("accepted", "suggested"))}
    if kind == "delete_frame":
        return {"op": kind, "id": rng.choice(sorted(frames))}
    if kind == "review":
        chosen = rng.sample(sorted(spans), min(len(spans), rng.randint(1, 2)))
        framed = rng.sample(sorted(frames), min(len(frames), rng.randint(0 if chosen else 1, 1)))
        return {"op": kind, "status": rng.choice(("accepted", "rejected")), "spans": chosen, "frames": framed}
    return {"op": kind, "article": article, "status": rng.choice(("todo", "in_progress", "done"))}


def remember(op: dict[str, Any], spans: dict[int, str], frames: set[int]) -> None:
    """Keep the driver's own record of the article's spans and frames up to date after `op`."""
    if op["op"] in ("add_span", "update_span") and "label" in op:
        spans[op["id"]] = op["label"]
    elif op["op"] == "delete_span":
        del spans[op["id"]]
    elif op["op"] == "add_frame":
        frames.add(op["id"])
    elif op["op"] == "delete_frame":
        frames.discard(op["id"])


def perform(project, op: dict[str, Any]) -> dict[str, Any]:
    """Make the change through the Project service; returns what it produced (the new id)."""
    kind = op["op"]
    suggested = {"origin": "model", "layer": "model"} if op.get("status") == "suggested" else {}
    if kind == "add_span":
        span = project.add_span(op["article"], op["start"], op["end"], op["label"], status=op["status"], **suggested)
        return {"id": span.id}
    if kind == "update_span":
        project.update_span(op["id"], **{k: op[k] for k in ("label", "start", "end") if k in op})
    elif kind == "delete_span":
        project.delete_span(op["id"])
    elif kind == "add_frame":
        frame = project.add_frame(op["article"], op["type"], op["roles"], status=op["status"], **suggested)
        return {"id": frame.id}
    elif kind == "delete_frame":
        project.delete_frame(op["id"])
    elif kind == "review":
        review = project.review(op["status"], op["spans"], op["frames"])
        return {"copies": [[d.kind, d.suggestion_id, d.copy_id] for d in review.decided if d.copy_id is not None]}
    else:
        project.set_progress(op["article"], op["status"])
    return {}


def run_services(path: str, annotator: str, seed: int) -> None:
    from app.core.errors import NewsGlossError
    from app.core.project import Project

    rng = random.Random(seed)
    project = Project.open(path, annotator)
    lengths = {a.id: a.chars for a in project.articles()}
    spans = {a: {s.id: s.label for s in project.spans(a, include_rejected=True)} for a in lengths}
    frames = {a: {f.id for f in project.frames(a, include_rejected=True)} for a in lengths}
    while True:
        article = rng.choice(sorted(lengths))
        op = choose(rng, article, lengths[article], spans[article], frames[article])
        say("INTENT", op)
        try:
            op |= perform(project, op)
        except NewsGlossError as err:
            say("REFUSED", op | {"error": str(err)})
            continue
        remember(op, spans[article], frames[article])
        say("ACK", op)


# ----------------------------------------------------------------------- app


def run_app(path: str, annotator: str, seed: int) -> None:
    """The same through the main window's own actions; an ACK only once the window shows the change."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.core.project import Project
    from app.gui.main_window import MainWindow

    rng = random.Random(seed)
    app = QApplication([])
    project = Project.open(path, annotator)
    settings = QSettings(f"{path}.settings.ini", QSettings.Format.IniFormat)
    win = MainWindow(project, settings)
    win.show()
    app.processEvents()
    view = win.text_view
    article_ids = [a.id for a in project.articles()]
    undo: dict[str, Any] | None = None  # what undoing the last command would do, as an operation

    def shown() -> dict[int, tuple[int, int, str]]:
        app.processEvents()
        return {h.id: (h.start, h.end, h.label) for h in view.highlights()}

    def progress_shown(article: int) -> str:
        model = win.articles.model
        return next(model.article(r).progress for r in range(model.rowCount()) if model.article(r).id == article)

    while True:
        article = win.state.article_id
        spans = dict(win.state.spans)
        kinds = ["tag"] * 4 + ["switch", "done"]
        kinds += (["relabel", "delete"] * 2 if spans else []) + (["undo"] * 2 if undo else [])
        kind = rng.choice(kinds)
        if kind == "switch":
            win.open_article(rng.choice(article_ids))
            continue
        if kind == "tag":
            start, end = offsets(rng, len(win.state.article.text))
            label = rng.choice(ENTITY_LABELS)
            op = {"op": "tag", "article": article, "start": start, "end": end, "label": label}
            say("INTENT", op)
            view.clear_selection()
            view.select_range(start, end)
            win.label_actions[label].trigger()
            new = view.current_span_id()
            assert shown()[new] == (start, end, label) and progress_shown(article) != "todo"
            op["id"] = new
            undo = {"op": "delete_span", "id": new}
        elif kind == "relabel":
            span = spans[rng.choice(sorted(spans))]
            label = rng.choice([name for name in ENTITY_LABELS if name != span.label])
            op = {"op": "update_span", "id": span.id, "label": label}
            say("INTENT", op)
            view.clear_selection()
            view.select_span(span.id)
            win.label_actions[label].trigger()
            assert shown()[span.id] == (span.start, span.end, label)
            undo = {"op": "update_span", "id": span.id, "label": span.label}
        elif kind == "delete":
            span_id = rng.choice(sorted(spans))
            op = {"op": "delete_span", "id": span_id}
            say("INTENT", op)
            view.clear_selection()
            view.select_span(span_id)
            win.delete_action.trigger()
            assert span_id not in shown()
            undo = {"op": "restore_span", "id": span_id}
        elif kind == "done":
            before = win.state.progress()
            if before == "done":
                continue
            op = {"op": "set_progress", "article": article, "status": "done"}
            say("INTENT", op)
            win.done_action.trigger()
            assert progress_shown(article) == "done"
            undo = {"op": "set_progress", "article": article, "status": before}
        else:
            op, undo = undo, None
            say("INTENT", op)
            win.undo_action.trigger()
            now = shown()
            if op["op"] == "delete_span":
                assert op["id"] not in now
            elif op["op"] == "restore_span":
                assert op["id"] in now
            elif op["op"] == "update_span":
                assert now[op["id"]][2] == op["label"]
            else:
                assert progress_shown(op["article"]) == op["status"]
        say("ACK", op)


if __name__ == "__main__":
    mode, project_path, who, seed_text = sys.argv[1:]
    (run_services if mode == "service" else run_app)(project_path, who, int(seed_text))
