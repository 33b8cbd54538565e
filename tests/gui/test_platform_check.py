"""Before Qt loads: the missing X11 libraries are named with the command that installs them (no Qt needed here)."""

import subprocess
import sys

from nnviz.gui import platform_check as pc


def test_xcb_is_expected_only_where_qt_would_use_it():
    """Linux with an X display and no Wayland session, or QT_QPA_PLATFORM=xcb; never offscreen, Wayland, macOS."""
    assert pc.will_use_xcb({"DISPLAY": ":0"}, "linux")
    assert pc.will_use_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not pc.will_use_xcb({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert not pc.will_use_xcb({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not pc.will_use_xcb({"DISPLAY": ":0", "XDG_SESSION_TYPE": "wayland"}, "linux")
    assert not pc.will_use_xcb({}, "linux")
    assert not pc.will_use_xcb({"DISPLAY": ":0"}, "darwin")


def test_missing_libraries_are_named_with_the_apt_command():
    """With libxcb-cursor and libxcb-icccm absent, the sentence names both and the apt packages that install them."""
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4"}
    text = pc.xcb_problem({"DISPLAY": ":0"}, "linux", loads=lambda name: name not in absent, have_apt=True)
    assert "libxcb-cursor.so.0" in text and "libxcb-icccm.so.4" in text
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in text and "nnviz train" in text


def test_without_apt_the_packages_are_still_named():
    """Elsewhere the hint lists Debian's and Fedora's package names instead of a command."""
    text = pc.xcb_problem({"DISPLAY": ":0"}, "linux", loads=lambda name: "cursor" not in name, have_apt=False)
    assert "libxcb-cursor0" in text and "xcb-util-cursor" in text and "apt install" not in text


def test_nothing_is_said_when_all_is_installed_or_xcb_is_not_used():
    """No false alarms: every library loads, or Qt will not use X11."""
    assert pc.xcb_problem({"DISPLAY": ":0"}, "linux", loads=lambda name: True) is None
    assert pc.xcb_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", loads=lambda name: False) is None


def test_the_check_loads_no_qt():
    """The check runs before Qt is imported (a missing library makes importing Qt's plugin abort the process)."""
    code = ("import sys; from nnviz.gui.platform_check import xcb_problem; xcb_problem(); "
            "sys.exit(any(m.startswith(('PySide6', 'shiboken6')) for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
