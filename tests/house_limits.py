"""The house limits: no class over 400 lines and no function over 60 in app/ (`make lint` runs this).

A class or function past them is split by job; an exception goes in EXCEPTIONS with its reason, so it
is a decision rather than drift.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
CLASS_LINES = 400
FUNCTION_LINES = 60
EXCEPTIONS: dict[str, str] = {}  # "app/module.py:Name": why it stays whole


def oversized(root: Path = APP) -> list[str]:
    """Each class or function under `root` past its limit, as "app/path.py:Name (line N) is L lines, over M"."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                limit = CLASS_LINES
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                limit = FUNCTION_LINES
            else:
                continue
            lines = node.end_lineno - node.lineno + 1
            name = f"{path.relative_to(root.parent).as_posix()}:{node.name}"
            if lines > limit and name not in EXCEPTIONS:
                found.append(f"{name} (line {node.lineno}) is {lines} lines, over {limit}")
    return found


def main() -> int:
    found = oversized()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
