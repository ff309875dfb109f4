"""Killed at any moment, a project keeps every change it acknowledged.

tests/crash_driver.py annotates a project at random in a subprocess, through the
Project services or through the main window, and acknowledges each change once
it is committed (in the window: once it is shown). The test kills it with
SIGKILL at a random moment, checks the file with PRAGMA integrity_check, reopens
the project and compares it with a model that replays the acknowledged changes.
The one change in flight at the kill may be there or not, but only whole units
of work of it: never half of one.
"""

from __future__ import annotations

import copy
import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.core.articles import ArticleDraft
from app.core.project import Project
from conftest import REPO

DRIVER = Path(__file__).with_name("crash_driver.py")
ANNOTATOR = "crash"
TEXTS = [
    "China retaliated with tariffs on Canadian canola, seafood and pork. 👍🏽 Ottawa answered with "
    "25 percent tariffs on Chinese steel, and Beijing said the measures violate WTO rules.",
    "🇨🇦 Prime Minister Mark Carney met President Xi Jinping in Beijing on Friday; 𝒳 officials "
    "said talks on electric vehicles and canola would continue next month in Ottawa.",
    "The European Union proposed duties of up to 35 percent on Chinese electric cars. "
    "Germany's carmakers warned that retaliation would hurt exports — naïve café owners shrugged.",
]
SERVICE_OPS = {"add_span", "update_span", "delete_span", "add_frame", "delete_frame", "review", "set_progress"}
READ_TIMEOUT = 60  # seconds without enough acknowledgements before the test gives up


@dataclass
class State:
    """What the project holds, as the test sees it: spans, frames and this annotator's progress."""

    spans: dict[int, dict] = field(default_factory=dict)
    frames: dict[int, dict] = field(default_factory=dict)
    progress: dict[int, str] = field(default_factory=dict)
    gone: dict[int, dict] = field(default_factory=dict)  # deleted spans, for undo to bring back
    accepted: dict[tuple[str, int], int] = field(default_factory=dict)  # (kind, suggestion id) -> the copy
    hidden: dict[tuple[str, int], dict] = field(default_factory=dict)  # the suggestions accepted, out of view

    def view(self) -> tuple:
        return self.spans, self.frames, self.progress


def steps(op: dict) -> list[dict]:
    """An acknowledged operation as the units of work it commits, in order."""
    if op["op"] == "tag":  # the window's tag is one add_span
        return [op | {"op": "add_span", "status": "accepted"}]
    return [op]


def _start(state: State, op: dict) -> None:
    """A person's first annotation moves a to-do article to in progress, in the same unit of work."""
    if op["status"] != "suggested" and state.progress[op["article"]] == "todo":
        state.progress[op["article"]] = "in_progress"


def apply(state: State, op: dict) -> None:
    """One unit of work, as the Project services document it."""
    kind = op["op"]
    if kind == "add_span":
        suggested = op["status"] == "suggested"
        state.spans[op["id"]] = {"article": op["article"], "start": op["start"], "end": op["end"],
                                 "label": op["label"], "status": op["status"],
                                 "layer": "model" if suggested else ANNOTATOR}
        _start(state, op)
    elif kind == "update_span":
        state.spans[op["id"]].update({k: op[k] for k in ("label", "start", "end") if k in op})
    elif kind == "delete_span":
        state.gone[op["id"]] = state.spans.pop(op["id"])
        for frame in state.frames.values():  # the roles it filled lose it
            frame["slots"] = tuple(slot for slot in frame["slots"] if slot[1] != op["id"])
        _taken_back(state, "span", op["id"])
    elif kind == "restore_span":
        state.spans[op["id"]] = state.gone.pop(op["id"])
    elif kind == "add_frame":
        state.frames[op["id"]] = {"article": op["article"], "type": op["type"], "status": op["status"],
                                  "layer": "model" if op["status"] == "suggested" else ANNOTATOR,
                                  "slots": tuple(sorted((role, i) for role, ids in op["roles"].items() for i in ids))}
        _start(state, op)
    elif kind == "delete_frame":
        del state.frames[op["id"]]
        _taken_back(state, "frame", op["id"])
    elif kind == "review":
        _review(state, op)
    elif kind == "set_progress":
        state.progress[op["article"]] = op["status"]
    else:
        raise AssertionError(f"unknown operation {op}")


def _review(state: State, op: dict) -> None:
    """A decision on the model's suggestions is the person's own: the suggestion they accept leaves their
    view and their copy (its id acknowledged) joins their layer; one they reject is rejected for them.
    Their own rows change status in place. Accepting a frame accepts its fillers still open for them."""
    tables = {"span": state.spans, "frame": state.frames}
    copies = {(kind, suggestion): copy for kind, suggestion, copy in op.get("copies", [])}
    chosen = [("span", i) for i in op["spans"]]
    if op["status"] == "accepted":
        chosen += [("span", i) for f in op["frames"] if f in state.frames for _, i in state.frames[f]["slots"]
                   if i in state.spans and state.spans[i]["status"] == "suggested"]
    chosen += [("frame", i) for i in op["frames"]]
    for kind, row_id in chosen:
        row = tables[kind].get(row_id)
        if row is None or row["status"] == op["status"]:
            continue  # decided on already (an accepted suggestion is out of their view)
        if row["layer"] != "model":
            row["status"] = op["status"]
        elif op["status"] == "rejected":
            row["status"] = "rejected"
        else:
            state.hidden[kind, row_id] = tables[kind].pop(row_id)
            state.accepted[kind, row_id] = copy = copies[kind, row_id]
            tables[kind][copy] = row | {"status": "accepted", "layer": ANNOTATOR}
            if kind == "frame":  # its fillers are the person's copies of the suggested ones
                row = tables[kind][copy]
                row["slots"] = tuple(sorted((role, state.accepted.get(("span", i), i)) for role, i in row["slots"]))


def _taken_back(state: State, kind: str, deleted: int) -> None:
    """Deleting the copy of an accepted suggestion takes the acceptance back: the suggestion is open again."""
    for key, copy_id in list(state.accepted.items()):
        if key[0] == kind and copy_id == deleted:
            del state.accepted[key]
            getattr(state, f"{kind}s")[key[1]] = state.hidden.pop(key) | {"status": "suggested"}


def replay(state: State, lines: list[str]) -> tuple[list[str], dict | None]:
    """Apply the acknowledged operations; returns their kinds and the operation in flight, if any."""
    acked, pending = [], None
    for line in lines:
        kind, _, body = line.partition(" ")
        op = json.loads(body)
        if kind == "INTENT":
            pending = op
        elif kind == "ACK":
            for step in steps(op):
                apply(state, step)
            acked.append(op["op"])
            pending = None
        else:
            assert kind == "REFUSED", line
            pending = None
    return acked, pending


def outcomes(before: State, pending: dict | None, actual: State) -> list[State]:
    """What the project may hold: the acknowledged state, or it plus a first part of the operation in flight."""
    found = [before]
    if pending is None:
        return found
    op = dict(pending)
    if op["op"] in ("add_span", "tag", "add_frame"):  # its id is the one new id, if it committed
        table = "frames" if op["op"] == "add_frame" else "spans"
        new = getattr(actual, table).keys() - getattr(before, table).keys()
        if len(new) != 1:
            return found
        op["id"] = new.pop()
    elif op["op"] == "review":  # the copies it made, if it committed, are the project's
        op["copies"] = [[kind, suggestion, copy] for (kind, suggestion), copy in actual.accepted.items()]
    state = before
    for step in steps(op):
        state = copy.deepcopy(state)
        apply(state, step)
        found.append(state)
    return found


def snapshot(path: Path) -> State:
    """The project as reopened by the app after the crash."""
    state = State()
    with Project.open(path, ANNOTATOR) as project:
        state.accepted = {(d.kind, d.suggestion_id): d.copy_id for d in project.decisions() if d.copy_id is not None}
        for article in project.articles():
            state.progress[article.id] = article.progress
            for s in project.spans(article.id, include_rejected=True):
                state.spans[s.id] = {"article": s.article_id, "start": s.start, "end": s.end, "label": s.label,
                                     "status": s.status, "layer": s.layer}
            for f in project.frames(article.id, include_rejected=True):
                state.frames[f.id] = {"article": f.article_id, "type": f.type, "status": f.status,
                                      "layer": f.layer, "slots": tuple(sorted((s.role, s.span_id) for s in f.slots))}
    return state


def differences(expected: State, actual: State) -> str:
    lines = []
    for name in ("spans", "frames", "progress"):
        want, got = getattr(expected, name), getattr(actual, name)
        for key in sorted(want.keys() | got.keys()):
            if want.get(key) != got.get(key):
                lines.append(f"{name} {key}: acknowledged {want.get(key)}, found {got.get(key)}")
    return "\n".join(lines)


def new_project(path: Path) -> State:
    with Project.open(path, ANNOTATOR, create=True) as project:
        report = project.add_articles([ArticleDraft(text=t, title=f"Article {i}", origin="crash-test")
                                       for i, t in enumerate(TEXTS)])
    return State(progress={article_id: "todo" for article_id, _ in report.added})


def complete_lines(buffer: bytes) -> list[str]:
    """The lines the driver finished writing; a line cut off by the kill was never acknowledged."""
    return [line.decode() for line in buffer.split(b"\n")[:-1]]


def run_until_killed(mode: str, path: Path, seed: int, acks: int, delay: float, log: Path) -> list[str]:
    """Start the driver, wait for `acks` acknowledgements, wait `delay` seconds more, SIGKILL it."""
    with log.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, str(DRIVER), mode, str(path), ANNOTATOR, str(seed)],
                                stdout=subprocess.PIPE, stderr=stderr, cwd=REPO)
    try:
        fd, buffer = proc.stdout.fileno(), b""
        deadline = time.monotonic() + READ_TIMEOUT
        while sum(line.startswith("ACK ") for line in complete_lines(buffer)) < acks:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"{complete_lines(buffer)[-3:]} after {READ_TIMEOUT} s; stderr:\n{log.read_text()}"
            if select.select([fd], [], [], remaining)[0]:
                chunk = os.read(fd, 65536)
                assert chunk, f"the driver stopped by itself (exit {proc.wait()}):\n{log.read_text()}"
                buffer += chunk
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
        buffer += proc.stdout.read()  # acknowledged before the kill, read after it
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    return complete_lines(buffer)


def check_file(path: Path) -> None:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.close()


def kill_and_check(mode: str, path: Path, state: State, seed: int, acks: int, delay: float,
                   tmp_path: Path) -> tuple[State, list[str]]:
    lines = run_until_killed(mode, path, seed, acks, delay, tmp_path / f"driver-{mode}-{seed}.log")
    acknowledged = copy.deepcopy(state)
    acked, pending = replay(acknowledged, lines)
    assert len(acked) >= acks
    check_file(path)
    actual = snapshot(path)
    allowed = outcomes(acknowledged, pending, actual)
    matches = [s for s in allowed if s.view() == actual.view()]
    assert matches, (f"seed {seed}, killed during {pending}:\n{differences(acknowledged, actual)}")
    return matches[-1], acked


def test_service_layer_killed_five_times_keeps_every_acknowledged_change(tmp_path):
    path = tmp_path / "crash.db"
    state = new_project(path)
    rng = random.Random(8)
    done: list[str] = []
    for round_number, seed in enumerate((101, 202, 303, 404, 505)):
        # the first round starts from a new project, so its first 60 operations are the same on every run,
        # and they include every kind; later rounds start wherever the kill before them left the project
        acks = 60 if round_number == 0 else rng.randint(10, 40)
        state, acked = kill_and_check("service", path, state, seed, acks, rng.uniform(0, 0.03), tmp_path)
        done += acked
    assert SERVICE_OPS <= set(done), f"never acknowledged: {SERVICE_OPS - set(done)}"
    assert not list(tmp_path.glob("*.before-migration.db"))  # a crash is not a migration


def test_app_killed_while_annotating_keeps_every_change_it_showed(tmp_path):
    path = tmp_path / "app.db"
    state = new_project(path)
    state, acked = kill_and_check("gui", path, state, 7, 30, 0.01, tmp_path)
    # from a new project the window's first 30 actions are the same on every run: tag, relabel, delete,
    # undo a delete (the span comes back under its id), mark done
    assert {"tag", "update_span", "delete_span", "restore_span", "set_progress"} <= set(acked), acked
    assert state.spans
