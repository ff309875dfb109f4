"""Writing an export's file so that it appears whole or not at all."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def written_whole(out_path: Path, mode: str = "w") -> Iterator[IO]:
    """A file to write `out_path` through (text: UTF-8, LF line ends), at a temporary name beside it until
    the block ends without error: an export stopped or failed half way leaves no half-written file."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    part = out_path.with_name(out_path.name + ".part")
    try:
        with part.open(mode) if "b" in mode else part.open(mode, encoding="utf-8", newline="\n") as out:
            yield out
        part.replace(out_path)
    finally:
        part.unlink(missing_ok=True)
