"""Which interchange formats NewsGloss reads and writes, by name.

Readers and writers are named, not imported, so that listing the formats (for
the command line's --help, a file dialog) does not load spaCy.
"""

from __future__ import annotations

from importlib import import_module
from typing import Callable

# Readers yield documents as they read them (brat's gives a list), so an import holds a batch, not a file.
READERS = {
    "prodigy": "app.formats.prodigy:iter_prodigy",
    "brat": "app.formats.brat:read_brat",
    "conll": "app.formats.conll:iter_conll",
    "doccano": "app.formats.doccano:iter_doccano",
}
WRITERS = {
    "prodigy": "app.formats.prodigy:write_prodigy",
    "brat": "app.formats.brat:write_brat",
    "conll": "app.formats.conll:write_conll",
    "doccano": "app.formats.doccano:write_doccano",
    "doccano-spans": "app.formats.doccano:write_doccano_spans",
    "docbin": "app.formats.docbin:write_docbin",
}
FRAME_EXPORTS = ("facts-jsonl", "facts-csv", "claims-jsonl")
IMPORT_FORMATS = ("articles", *READERS, "native")
EXPORT_FORMATS = (*WRITERS, "native", *FRAME_EXPORTS)
# What a file dialog offers for each format: its description and file patterns; brat is a folder.
FILE_FILTERS = {
    "articles": "Articles (*.txt *.html *.htm *.jsonl)",
    "prodigy": "Prodigy JSONL (*.jsonl)",
    "brat": "brat standoff folder",
    "conll": "CoNLL IOB (*.conll *.iob *.txt)",
    "doccano": "doccano JSONL (*.jsonl *.json)",
    "doccano-spans": "doccano sequence-labelling JSONL (*.jsonl)",
    "docbin": "spaCy DocBin (*.spacy)",
    "native": "NewsGloss project (*.json)",
    "facts-jsonl": "Tariff facts JSONL (*.jsonl)",
    "facts-csv": "Tariff facts CSV, one row per fact and product (*.csv)",
    "claims-jsonl": "Claims JSONL (*.jsonl)",
}


def resolve(name: str) -> Callable:
    module, function = name.split(":")
    return getattr(import_module(module), function)
