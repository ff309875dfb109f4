"""Overrides pyinstaller-hooks-contrib's hook-thinc: the same, without thinc's test suite."""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules, copy_metadata

datas = collect_data_files("thinc", excludes=["tests", "**/tests"]) + copy_metadata("thinc")
hiddenimports = collect_submodules("thinc", filter=lambda name: ".tests" not in name)
