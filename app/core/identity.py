"""Who is annotating: one stored name that the app and the command line both read, and the
rules every name obeys.

It lives in a small JSON file in the user's config folder (no Qt needed to read it): the app's
first-run dialog and Edit > Preferences write it. For one run, `--annotator` and then
$NEWSGLOSS_ANNOTATOR override it.
"""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import platformdirs

from app.core.errors import NewsGlossError
from app.core.vocabulary import NOT_PEOPLE

ENV_ANNOTATOR = "NEWSGLOSS_ANNOTATOR"
ANNOTATOR_MAX = 100  # the store's limit on annotator names (app/store/models.py)


def annotator_problem(name: str) -> str | None:
    """Why `name` (less outer whitespace) cannot be an annotator's name, or None.

    A name is someone's layer and is written into every export, so it is one line of printable
    text, fits the store, and is not a layer that holds no person's work (the model's, gold).
    """
    name = name.strip()
    if not name:
        return "Enter your name: every change you make is recorded under it."
    if len(name) > ANNOTATOR_MAX:
        return f"A name has at most {ANNOTATOR_MAX} characters; this one has {len(name)}."
    odd = next((c for c in name if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp")), None)
    if odd is not None:
        return f"A name is one line of printable text; this one holds U+{ord(odd):04X}."
    if name in NOT_PEOPLE:
        return f"{name!r} is the name of a layer that holds no person's work; choose another name."
    return None


def identity_path() -> Path:
    return Path(platformdirs.user_config_dir("NewsGloss", appauthor=False)) / "identity.json"


def stored_annotator() -> str | None:
    """The stored name, or None before anyone has given one."""
    path = identity_path()
    try:
        name = json.loads(path.read_text(encoding="utf-8")).get("annotator")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, AttributeError) as err:
        raise NewsGlossError(f"{path}: cannot read who is annotating ({err}); fix or delete the file") from err
    return (name.strip() or None) if isinstance(name, str) else None


def store_annotator(name: str) -> None:
    path = identity_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"annotator": name.strip()}) + "\n", encoding="utf-8")


def chosen_annotator(option: str | None = None) -> str | None:
    """`--annotator`, else $NEWSGLOSS_ANNOTATOR, else the stored name; None if there is none.

    A name that breaks the rules of annotator_problem is refused, naming where it came from."""
    for source, name in (("--annotator", option), (f"${ENV_ANNOTATOR}", os.environ.get(ENV_ANNOTATOR))):
        if name:
            return _checked(source, name)
    stored = stored_annotator()
    return None if stored is None else _checked(str(identity_path()), stored)


def _checked(source: str, name: str) -> str:
    problem = annotator_problem(name)
    if problem is not None:
        raise NewsGlossError(f"{source}: {problem}")
    return name.strip()
