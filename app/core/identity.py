"""Who is annotating: one stored name that the app and the command line both read.

It lives in a small JSON file in the user's config folder (no Qt needed to read it): the app's
first-run dialog and Edit > Preferences write it. For one run, `--annotator` and then
$NEWSGLOSS_ANNOTATOR override it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

from app.core.errors import NewsGlossError

ENV_ANNOTATOR = "NEWSGLOSS_ANNOTATOR"


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
    """`--annotator`, else $NEWSGLOSS_ANNOTATOR, else the stored name; None if there is none."""
    return option or os.environ.get(ENV_ANNOTATOR) or stored_annotator()
