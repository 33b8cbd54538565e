"""The insight panel as a dock of the main window: created, fed the shown snapshot's network, given the test set.

So the main window wires it in a few lines: construct it, call ``show_shown`` from a frame task, ``data_arrived``
when MNIST is loaded, ``set_palette`` with the other views. The panel paces itself (a few measurements a second at
most, within a small share of the window's time); while the dock is closed nothing is built or measured.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget

from .insight_panel import InsightPanel


class InsightDock(QObject):
    """Owns the insight panel and its dock ("What the network learned").

    ``shown()`` returns the snapshot under the timeline's cursor (anything with a ``network()`` method, or None);
    ``on_example(image, label)`` receives a clicked gallery image (the Draw panel's ``show_labelled``); the dock is
    added to ``area`` and, if ``tab_with`` is a dock, tabbed beside it.
    """

    def __init__(self, window, shown: Callable[[], object], on_example: Callable[[object, int], None],
                 area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea,
                 tab_with: QDockWidget | None = None):
        super().__init__(window)
        self.panel = InsightPanel()
        self.dock = QDockWidget("What the network learned", window)
        self.dock.setObjectName("dock-insight")  # how the saved window layout finds it again
        self.dock.setWidget(self.panel)
        window.addDockWidget(area, self.dock)
        if tab_with is not None:
            window.tabifyDockWidget(tab_with, self.dock)
        self._shown = shown
        self._drawn = None  # the snapshot handed to the panel last
        self.panel.example_chosen.connect(on_example)
        self.dock.visibilityChanged.connect(self._on_visibility)

    def data_arrived(self, x_test, y_test) -> None:
        """The test set to measure on: uint8 images ``(n, 28, 28)`` and their labels ``(n,)``."""
        self.panel.set_test_set(x_test, y_test)

    @Slot()
    def show_shown(self) -> None:
        """A frame task: hand the shown snapshot's network to the panel, if it is new and the panel can be seen."""
        snap = self._shown()
        if snap is None or snap is self._drawn or self.panel.visibleRegion().isEmpty():
            return  # nothing new, or nobody looking (closed, or a tab behind another: that is 'visible', off screen): picked up when it shows
        self._drawn = snap
        self.panel.show_insight(snap.network())

    @Slot(bool)
    def _on_visibility(self, visible: bool) -> None:
        if visible:  # after this turn of the event loop: the panel is then shown and laid out
            QTimer.singleShot(0, self.show_shown)

    def set_palette(self, name: str) -> None:
        """The colour-blind-safe palette, or the standard one."""
        self.panel.set_palette(name)
