"""Overrides pyinstaller-hooks-contrib's hook-spacy: the same, without spaCy's test suite.

spaCy looks up its language classes (spacy.lang.*), pipeline components and
architectures by name at run time, so every submodule and data file is collected.
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

datas = collect_data_files("spacy", excludes=["tests", "**/tests"]) + copy_metadata("spacy")
hiddenimports = collect_submodules("spacy", filter=lambda name: not name.startswith("spacy.tests"))
