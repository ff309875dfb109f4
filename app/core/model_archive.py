"""A trained model's folder packed for the project database, and unpacked into the user's cache.

A shared project's members each run NewsGloss on their own machine, so a model
one of them trains travels inside the project: its folder as a gzip-compressed
tar. A member's first use unpacks it into their cache, in a folder named for the
model and the archive's checksum, so a changed archive never reuses a stale copy.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tarfile
import tempfile
from pathlib import Path

import platformdirs

from app.core.errors import ValidationError

MAX_ARCHIVE_BYTES = 200 * 1024 * 1024  # what a project database is asked to hold for one model


class _Limited(io.BytesIO):
    """A buffer that refuses to grow past `limit` bytes, so an oversized model stops packing early."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data) -> int:
        if self.tell() + len(data) > self.limit:
            raise OverflowError
        return super().write(data)


def pack(folder: Path, name: str, limit: int | None = None) -> tuple[bytes, str]:
    """The folder as gzip-compressed tar bytes, and their SHA-256; a clear error when over `limit`."""
    limit = MAX_ARCHIVE_BYTES if limit is None else limit
    if not folder.is_dir():
        raise ValidationError(f"model {name!r}: {folder} is not a folder")
    buffer = _Limited(limit)
    try:
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            for path in sorted(folder.rglob("*")):
                tar.add(path, arcname=path.relative_to(folder).as_posix(), recursive=False)
    except OverflowError:
        raise ValidationError(
            f"model {name!r} is more than {_mb(limit)} packed, the most a project stores for one model; "
            f"it was not registered (it stays in {folder}); train on fewer labels or a smaller base model"
        ) from None
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest()


def cache_folder(model_id: int, checksum: str) -> Path:
    """Where this machine keeps the unpacked model: the user's cache, keyed by model id and checksum."""
    cache = Path(platformdirs.user_cache_dir("NewsGloss", appauthor=False)) / "models"
    return cache / f"{model_id}-{checksum[:16]}"


def unpack(data: bytes, checksum: str, target: Path) -> Path:
    """Unpack an archive into `target` (made whole or not at all); the archive must match its checksum."""
    if hashlib.sha256(data).hexdigest() != checksum:
        raise ValidationError(f"the stored model for {target.name} is damaged (its checksum does not match)")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            tar.extractall(staging, filter="data")
        staging.rename(target)
    except OSError:
        if not target.is_dir():  # another process did not unpack it meanwhile
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"
