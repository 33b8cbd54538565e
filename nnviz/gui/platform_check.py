"""Before Qt starts on Linux: are the system libraries its X11 (xcb) platform plugin needs installed?

Qt's pip wheels bring Qt itself but not the X11 libraries its xcb plugin links to; on a minimal system
(``libxcb-cursor0``, ``libxcb-icccm4`` … missing) Qt prints a cryptic "could not load the Qt platform plugin"
and aborts the process. This module finds the missing ones first, with ``dlopen`` (the loader Qt itself would
use), and says which package installs each. It imports no Qt: it must run before Qt is loaded.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
from collections.abc import Callable, Mapping

#: the shared libraries the xcb plugin and QtGui load (from the plugin's NEEDED entries), and the Debian/Ubuntu
#: package that provides each
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
}


def will_use_xcb(env: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether Qt will pick its X11 plugin: on Linux, ``QT_QPA_PLATFORM`` unset or ``xcb``, and no Wayland session
    (or ``xcb`` asked for explicitly)."""
    env = os.environ if env is None else env
    if not (platform or sys.platform).startswith("linux"):
        return False
    asked = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if asked:
        return asked == "xcb"
    wayland = env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE", "") == "wayland"
    return bool(env.get("DISPLAY")) and not wayland


def _loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def missing_libraries(loads: Callable[[str], bool] | None = None) -> list[str]:
    """The libraries of :data:`XCB_LIBRARIES` the system's loader cannot find (``loads(name)`` tries one)."""
    loads = loads or _loads
    return [name for name in XCB_LIBRARIES if not loads(name)]


def install_hint(missing: list[str], have_apt: bool | None = None) -> str:
    """What to run to install ``missing``: an ``apt`` command where there is apt, else the libraries' names."""
    if have_apt is None:
        have_apt = shutil.which("apt-get") is not None
    packages = sorted({XCB_LIBRARIES[name] for name in missing})
    if have_apt:
        return f"install them with: sudo apt install {' '.join(packages)}"
    return (f"install the packages that provide them (on Debian and Ubuntu: {' '.join(packages)}; "
            "on Fedora: xcb-util-cursor xcb-util-wm xcb-util-image xcb-util-keysyms xcb-util-renderutil "
            "libxkbcommon-x11)")


def xcb_problem(env: Mapping[str, str] | None = None, platform: str | None = None,
                loads: Callable[[str], bool] | None = None, have_apt: bool | None = None) -> str | None:
    """One sentence saying which libraries Qt's X11 plugin lacks and how to install them, or None if all is well
    (or Qt will not use X11)."""
    if not will_use_xcb(env, platform):
        return None
    missing = missing_libraries(loads)
    if not missing:
        return None
    return (f"the window cannot open: Qt's X11 platform plugin needs {', '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} not installed; {install_hint(missing, have_apt)} "
            "(meanwhile `nnviz train` works from the terminal)")
