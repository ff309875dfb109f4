"""Before Qt opens a window on X11: name the system libraries its xcb plugin lacks.

Without them Qt aborts with "Could not load the Qt platform plugin xcb" and a long
list of plugin names, which tells a newcomer nothing about what to install. The
plugin's linked libraries are found with `ldd`; libxcb-cursor is loaded by Qt at
run time (Qt 6.5 and newer), so it is looked up on its own.
"""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
from pathlib import Path

# Loaded with dlopen by Qt, so ldd does not list it.
_LOADED_AT_RUN_TIME = ("libxcb-cursor.so.0",)
_NOT_FOUND = re.compile(r"^\s*(\S+\.so[.\d]*)\s+=>\s+not found", re.MULTILINE)


def wants_xcb(environ=os.environ) -> bool:
    """Whether Qt will try its X11 plugin: Linux, no other platform asked for, no Wayland session."""
    if not sys.platform.startswith("linux"):
        return False
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform:
        return platform.split(";")[0].split(":")[0] == "xcb"
    return environ.get("XDG_SESSION_TYPE") != "wayland" or not environ.get("WAYLAND_DISPLAY")


def debian_package(soname: str) -> str:
    """The Debian package that ships a shared library, by Debian's naming rule.

    libxcb-icccm.so.4 -> libxcb-icccm4; libxkbcommon-x11.so.0 -> libxkbcommon-x11-0 (a name
    that ends in a digit takes a dash before the version).
    """
    stem, _, version = soname.partition(".so")
    version = version.lstrip(".").split(".")[0]
    if not version:
        return stem
    return f"{stem}-{version}" if stem[-1].isdigit() else f"{stem}{version}"


def missing_in_ldd_output(output: str) -> list[str]:
    """The libraries that `ldd` reports as not found, each once, in order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(output)))


def xcb_plugin() -> Path:
    import PySide6

    return Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"


def missing_xcb_libraries() -> list[str]:
    """The shared libraries Qt's xcb plugin needs that this system lacks (empty when all are there)."""
    plugin = xcb_plugin()
    missing: list[str] = []
    if plugin.exists():
        try:
            output = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            output = ""  # no ldd: Qt will say what is wrong itself
        missing = missing_in_ldd_output(output)
    for name in _LOADED_AT_RUN_TIME:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def xcb_problem() -> str | None:
    """A one-line message naming the packages to install, or None when Qt's xcb plugin can load."""
    if not wants_xcb():
        return None
    missing = missing_xcb_libraries()
    if not missing:
        return None
    packages = " ".join(dict.fromkeys(debian_package(name) for name in missing))
    return (f"Qt cannot open a window: this system lacks {', '.join(missing)}; "
            f"install them with: sudo apt-get install {packages}")
