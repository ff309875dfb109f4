"""The benchmark command runs end to end at small sizes, as CI runs it: `python -m tests.bench --quick`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.formats.registry import export_formats
from conftest import REPO

SECTIONS = {"text view", "window", "import", "export", "suggest", "agreement", "startup", "memory"}


def bench(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    figures = tmp_path / "figures.json"
    env = dict(os.environ, HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-m", "tests.bench", *args, "--json", str(figures)], cwd=REPO,
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    return result, json.loads(figures.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    return bench(tmp_path_factory.mktemp("bench"), "--quick")


def test_every_section_measures_newsgloss_and_its_baseline(quick):
    _, figures = quick
    rows = figures["rows"]
    assert {r["section"] for r in rows} == SECTIONS
    for r in rows:
        assert r["newsgloss"] > 0 and r["baseline"] > 0, r
        assert r["ratio"] == pytest.approx(r["newsgloss"] / r["baseline"])
    exported = [r["what"] for r in rows if r["section"] == "export"]
    assert [w.rsplit(" as ", 1)[1] for w in exported] == [f.name for f in export_formats()]


def test_the_table_shows_every_figure_and_marks_missed_floors(quick):
    result, figures = quick
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("section"))
    assert lines[header].split()[:6] == ["section", "what", "NewsGloss", "baseline", "ratio", "floor"]
    table = lines[header + 1: header + 1 + len(figures["rows"])]
    for line, r in zip(table, figures["rows"], strict=True):
        assert r["what"] in line and f"{r['ratio']:.2f}x" in line
        limit_missed = ((r["max_ratio"] is not None and r["ratio"] > r["max_ratio"])
                        or (r["max_value"] is not None and r["newsgloss"] > r["max_value"])
                        or (r["max_over"] is not None and r["newsgloss"] - r["baseline"] > r["max_over"])
                        or (r["max_peak_mb"] is not None and r["peak_mb"] > r["max_peak_mb"]))
        assert r["missed"] == limit_missed
        assert ("MISSED" in line) == r["missed"]
    assert result.returncode == (1 if any(r["missed"] for r in figures["rows"]) else 0)


def test_only_and_size_flags_choose_what_runs(tmp_path):
    result, figures = bench(tmp_path, "--quick", "--only", "import", "--articles", "7")
    assert figures["sections"] == ["import"]
    assert [r["what"].split(" ", 1)[0] for r in figures["rows"]] == ["7", "7"]
    assert "7 articles from .jsonl" in result.stdout
