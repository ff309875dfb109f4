"""A desktop without Qt's X11 libraries gets one line naming the packages to install, not a Qt abort."""

from __future__ import annotations

import pytest

from app.gui import launch, platform_check
from app.gui.platform_check import debian_package, missing_in_ldd_output, wants_xcb

# What ldd printed for PySide6's libqxcb.so on a fresh Debian 12 desktop image (trimmed).
LDD_ON_A_FRESH_DESKTOP = """\
\tlinux-vdso.so.1 (0x00007ffc5b1f2000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f0c1c400000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f0c1c3d0000)
\tlibxcb-icccm.so.4 => not found
\tlibxkbcommon-x11.so.0 => not found
"""


def test_ldd_output_names_each_missing_library_once():
    assert missing_in_ldd_output(LDD_ON_A_FRESH_DESKTOP) == [
        "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxkbcommon-x11.so.0"]


@pytest.mark.parametrize("soname, package", [
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libxcb-render-util.so.0.0.0", "libxcb-render-util0"),
])
def test_libraries_map_to_the_debian_packages_that_ship_them(soname, package):
    assert debian_package(soname) == package


@pytest.mark.parametrize("environ, wanted", [
    ({}, True),
    ({"QT_QPA_PLATFORM": "xcb"}, True),
    ({"QT_QPA_PLATFORM": "offscreen"}, False),
    ({"QT_QPA_PLATFORM": "wayland;xcb"}, False),
    ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"XDG_SESSION_TYPE": "x11"}, True),
])
def test_only_an_x11_start_is_checked(environ, wanted):
    assert wants_xcb(environ) is wanted


def test_missing_libraries_stop_the_start_with_one_line_naming_the_packages(monkeypatch, capsys):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(platform_check, "missing_xcb_libraries",
                        lambda: ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"])
    assert launch.run_app(None, "alice") == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("newsgloss: error: Qt cannot open a window")
    assert err.endswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0")


def test_this_machine_is_checked_without_error():
    """The real check runs ldd on the installed plugin; whatever it finds, it names libraries."""
    assert all(".so" in name for name in platform_check.missing_xcb_libraries())
