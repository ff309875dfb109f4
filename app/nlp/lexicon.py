"""The word lists the suggesters match against, read from resources/lexicon/.

The lists are data, not code: resources/lexicon/README.md describes each file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from app.core.errors import NewsGlossError


class LexiconError(NewsGlossError):
    """A lexicon file is missing or malformed."""


@dataclass(frozen=True)
class Lexicon:
    """Lower-case lemmas; two-word entries are "verb particle" ("roll back")."""

    reporting_verbs: frozenset[str]
    tariff_triggers: frozenset[str]  # heads that mention a tariff on their own
    trigger_prefixes: dict[str, frozenset[str]]  # head -> prefixes that widen the mention
    actions: dict[str, str]  # word -> tariff_fact action
    negation_cues: frozenset[str]
    generic_goods: frozenset[str]
    affected_verbs: frozenset[str]
    page_furniture: frozenset[str]  # how lines of page furniture begin ("related", "read more")

    @classmethod
    def load(cls, folder: str | Path | Traversable | None = None) -> Lexicon:
        """Read the lexicon in `folder` (default: the one shipped as app.resources/lexicon)."""
        root = files("app.resources") / "lexicon" if folder is None else folder
        root = Path(root) if isinstance(root, str) else root
        triggers = _words(root, "tariff_triggers.txt")
        prefixes: dict[str, set[str]] = {}
        for entry in triggers:
            prefix, _, head = entry.rpartition(" ")
            if prefix:
                prefixes.setdefault(head, set()).add(prefix)
        return cls(
            reporting_verbs=_words(root, "reporting_verbs.txt"),
            tariff_triggers=frozenset(t for t in triggers if " " not in t),
            trigger_prefixes={head: frozenset(p) for head, p in prefixes.items()},
            actions=_actions(root, "tariff_actions.toml"),
            negation_cues=_words(root, "negation_cues.txt"),
            generic_goods=_words(root, "generic_goods.txt"),
            affected_verbs=_words(root, "affected_verbs.txt"),
            page_furniture=_words(root, "page_furniture.txt"),
        )


def _read(root: Path | Traversable, name: str) -> str:
    try:
        return (root / name).read_text(encoding="utf-8")
    except OSError as e:
        raise LexiconError(f"cannot read lexicon file {name} in {root}: {e}") from None


def _words(root: Path | Traversable, name: str) -> frozenset[str]:
    """One entry a line, lower-cased; blank lines and # comments skipped."""
    lines = (line.split("#", 1)[0].strip().lower() for line in _read(root, name).splitlines())
    return frozenset(" ".join(line.split()) for line in lines if line)


def _actions(root: Path | Traversable, name: str) -> dict[str, str]:
    """`action = [words]` tables turned round into word -> action."""
    try:
        table = tomllib.loads(_read(root, name))
    except tomllib.TOMLDecodeError as e:
        raise LexiconError(f"lexicon file {name}: invalid TOML: {e}") from None
    actions: dict[str, str] = {}
    for action, words in table.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise LexiconError(f"lexicon file {name}: {action} must be a list of strings")
        for word in words:
            word = " ".join(word.lower().split())
            if word in actions:
                raise LexiconError(
                    f"lexicon file {name}: {word!r} is listed under {actions[word]} and {action}"
                )
            actions[word] = action
    return actions
