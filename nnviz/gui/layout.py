"""The window's layout that holds: each dock keeps its share of the window as the window is resized.

Qt gives every pixel a window gains to the central widget and takes every pixel it loses from the docks, so after
shrinking to the minimum and growing back the bottom panels stayed squashed and the canvas under 200 px while the
graph took everything — and the saved layout carried that into the next launch. Here each dock's share of the
window's width (and, for the bottom docks, height) is kept: set by the built-in layout, changed when the user drags
a separator, re-applied after every resize, saved between sessions. View → Reset layout puts the built-in layout
back. A saved window geometry that no longer fits a screen is not restored (Qt itself brings a floating dock
back onto a screen).
"""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QDataStream, QEvent, QObject, QRect, Qt, QTimer, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget

from .dock_titles import DockTitles

Area = Qt.DockWidgetArea
#: The built-in shares, "name@area": (share of the window's width, share of its height). Chosen so that at
#: 1600×1000 the canvas's shorter side is over 280 px and the weight images over 150 px tall, and at 1280×760
#: the graph in the middle still has about half the width.
DEFAULT_SHARES: dict[str, tuple[float, float]] = {
    "dock-draw@left": (0.28, 0.0),
    "dock-controls@right": (0.22, 0.0),
    "dock-cost@bottom": (0.56, 0.30),
    "dock-weights@bottom": (0.44, 0.30),
}
_AREAS = {Area.LeftDockWidgetArea: "left", Area.RightDockWidgetArea: "right", Area.TopDockWidgetArea: "top",
          Area.BottomDockWidgetArea: "bottom"}
_TABBED_WITH = {"dock-backprop": "dock-controls", "dock-landscape": "dock-controls", "dock-dreams": "dock-controls",
                "dock-inspector": "dock-controls"}
DEFAULT_SIZE = (1280, 760)
GEOMETRY_MAGIC = 0x1D9D0CB  # the first four bytes of QWidget.saveGeometry's format


class DockProportions(QObject):
    """Keeps the docks of ``window`` at their shares of its size (see the module's docstring)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        # the tabs of the right-hand docks (Training, Backpropagation, …) stand along its edge: four titles do not
        # fit across a 300-pixel dock and were cut to "Tr…", "Backpropa…"
        window.setTabPosition(Area.RightDockWidgetArea, QTabWidget.TabPosition.East)
        self.titles = DockTitles(window)  # six tabs along a 480-pixel column: the long names give way
        self.builtin_state = window.saveState()  # the docks as built: View → Reset layout returns to this
        self.shares: dict[str, tuple[float, float]] = dict(DEFAULT_SHARES)
        self._applied_size = None  # the window's size when the shares were last applied
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.apply)
        window.installEventFilter(self)
        for d in self.docks():
            d.dockLocationChanged.connect(lambda _area: QTimer.singleShot(0, self.remember))

    def docks(self) -> list[QDockWidget]:
        """The window's docks."""
        return self.window.findChildren(QDockWidget)

    def _key(self, d: QDockWidget) -> str:
        return f"{d.objectName()}@{_AREAS.get(self.window.dockWidgetArea(d), 'none')}"

    def _placed(self) -> list[QDockWidget]:
        return [d for d in self.docks() if d.isVisible() and not d.isFloating()]

    def _share(self, d: QDockWidget) -> tuple[float, float] | None:
        share = self.shares.get(self._key(d))
        if share is None and d.objectName() in _TABBED_WITH:  # a tab shares its area with the Training dock
            share = self.shares.get(self._key(d).replace(d.objectName(), _TABBED_WITH[d.objectName()]))
        return share

    # --- Qt's events --------------------------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.window:
            if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
                self._timer.start(0)  # once the window has its new size, after the layout's own pass
            elif event.type() == QEvent.Type.MouseButtonRelease:
                QTimer.singleShot(0, self.remember)  # the end of a drag of a separator between docks
        return False

    # --- shares -----------------------------------------------------------------------------------------------------
    @Slot()
    def apply(self) -> None:
        """Give each dock its share of the window's current size."""
        w, h = self.window.width(), self.window.height()
        self._applied_size = self.window.size()
        widths, heights = [], []
        for d in self._placed():
            share = self._share(d)
            if share is None:
                continue  # a dock somewhere new: it keeps the size Qt gave it until the user sets one
            widths.append((d, round(share[0] * w)))
            if _AREAS.get(self.window.dockWidgetArea(d)) in ("top", "bottom"):
                heights.append((d, round(share[1] * h)))
        for pairs, orientation in ((widths, Qt.Orientation.Horizontal), (heights, Qt.Orientation.Vertical)):
            if pairs:
                self.window.resizeDocks([d for d, _ in pairs], [n for _, n in pairs], orientation)

    @Slot()
    def remember(self) -> None:
        """The user placed the docks: their sizes now become their shares (not at the minimum size, where Qt has
        squeezed them, and not while a resize is being applied)."""
        least = self.window.minimumSizeHint()
        if (self._timer.isActive() or not self.window.isVisible() or self.window.size() != self._applied_size
                or self.window.width() <= least.width() or self.window.height() <= least.height()):
            return  # (a restored layout moving docks before the window is laid out is no choice of the user's)
        w, h = max(self.window.width(), 1), max(self.window.height(), 1)
        for d in self._placed():
            self.shares[self._key(d)] = (round(d.width() / w, 4), round(d.height() / h, 4))

    def reset(self) -> None:
        """View → Reset layout: the built-in docks at their built-in shares."""
        self.window.restoreState(self.builtin_state)
        self.shares = dict(DEFAULT_SHARES)
        self.apply()

    # --- persistence ------------------------------------------------------------------------------------------------
    def to_text(self) -> str:
        """The shares as a JSON string (for the settings file)."""
        return json.dumps(self.shares, sort_keys=True)

    def from_text(self, text: str) -> None:
        """Shares saved by :meth:`to_text`; anything unreadable or out of range keeps the built-in shares."""
        try:
            saved = {str(k): (float(v[0]), float(v[1])) for k, v in json.loads(text).items()}
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            return
        if all(0.0 <= a <= 0.9 and 0.0 <= b <= 0.9 for a, b in saved.values()):
            self.shares = {**DEFAULT_SHARES, **saved}


def fits_a_screen(rect: QRect) -> bool:
    """True if the window frame ``rect`` lies within one screen's available area (a saved geometry from a larger or
    a disconnected monitor does not)."""
    return any(screen.availableGeometry().adjusted(-8, -8, 8, 8).contains(rect)
               for screen in QGuiApplication.screens())


def saved_frame(geometry) -> QRect | None:
    """The window frame recorded in bytes from ``QWidget.saveGeometry`` (None if they are not such bytes)."""
    stream = QDataStream(QByteArray(geometry))
    if stream.readUInt32() != GEOMETRY_MAGIC:
        return None
    stream.readUInt16(), stream.readUInt16()  # the format's version: the frame comes first in every one
    frame = QRect()
    stream >> frame
    return frame if stream.status() == QDataStream.Status.Ok else None


def restore_geometry(window: QMainWindow, geometry) -> None:
    """Put a saved window geometry back only if it fits a screen as it was saved (Qt would squeeze a window from a
    larger or unplugged monitor onto this one, docks and all); otherwise the default size."""
    frame = saved_frame(geometry)
    if frame is None or not fits_a_screen(frame) or not window.restoreGeometry(geometry):
        window.resize(*DEFAULT_SIZE)
