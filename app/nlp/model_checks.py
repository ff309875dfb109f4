"""Which spaCy models can suggest, and whether a text can name one, without loading any.

A model is named by a pipeline package (spaCy finds it when suggestions start; a model trained
in the project goes by such a name too) or by a folder holding a pipeline (its config.cfg).
spaCy itself is imported only to list the installed packages: it takes a second.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.core.locations import DEFAULT_MODEL

PACKAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

_installed: list[str] | None = None


def installed_models() -> list[str]:
    """The installed default model, then any other spaCy pipeline packages installed (found once)."""
    global _installed
    if _installed is None:
        try:
            import spacy.util

            found = sorted(spacy.util.get_installed_models())
        except Exception:  # a broken spaCy install must not keep the choice of a model from opening
            found = []
        _installed = [DEFAULT_MODEL, *(name for name in found if name != DEFAULT_MODEL)]
    return list(_installed)


def model_problem(text: str) -> str | None:
    """Why `text` cannot name a spaCy model (a package name or a model folder), or None."""
    text = text.strip()
    if not text:
        return "Name a spaCy model: an installed pipeline package or a model folder."
    folder = Path(text).expanduser()
    if any(sep in text for sep in ("/", "\\")) or text.startswith(("~", ".")) or folder.is_dir():
        if not folder.is_dir():
            return f"There is no folder {text}."
        return _folder_problem(text, folder / "config.cfg")
    if not PACKAGE_NAME.fullmatch(text):
        return f"{text!r} is not a spaCy package name."
    return None


def _folder_problem(text: str, config: Path) -> str | None:
    """A pipeline folder's config.cfg has an [nlp] section (what spacy.load reads first)."""
    if not config.is_file():
        return f"{text} is not a spaCy model folder: it has no config.cfg."
    try:
        lines = config.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        return f"{config}: cannot be read ({err})."
    if "[nlp]" not in (line.strip() for line in lines):
        return f"{config} is not a spaCy pipeline's config: it has no [nlp] section."
    return None
