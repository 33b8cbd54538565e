"""Tab titles that fit: each tabbed dock shows its full name where its tab bar has room, a shorter one where not.

Six docks share the right-hand column (Training, Backpropagation, Neuron, Gradient descent, Dreams, What the
network learned). Their tabs stand along its edge, but at 1280×760 the column is about 480 px tall and the six
full names need about 650: Qt then cuts every title to "T…", "N…". Rather than fixed abbreviations everywhere,
the longest names give way one step at a time ("What the network learned" → "What it learned" → "Learned"),
only as far as this window's tab bar needs; maximised, every full name shows. A shortened tab shows its full name
when hovered (Qt's dock tab bars show tooltips only while their titles are cut, so this one does it itself), and
the View menu's entry keeps the full name.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar, QToolTip

#: each dock's names, longest first (the first is its full name; docks not listed keep their title)
NAMES: dict[str, tuple[str, ...]] = {
    "dock-backprop": ("Backpropagation", "Backprop"),
    "dock-landscape": ("Gradient descent", "Descent"),
    "dock-insight": ("What the network learned", "What it learned", "Learned"),
}


class DockTitles(QObject):
    """Keeps the tabs of ``window``'s docks readable (see the module's docstring)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fit)
        window.installEventFilter(self)
        for d in window.findChildren(QDockWidget):
            for signal in (d.dockLocationChanged, d.topLevelChanged, d.visibilityChanged):
                signal.connect(self.later)

    def names(self, d: QDockWidget) -> tuple[str, ...]:
        """``d``'s names, its full name first."""
        return NAMES.get(d.objectName(), (d.windowTitle(),))

    @Slot()
    def later(self) -> None:
        """Fit the titles once Qt has laid the docks out again."""
        self._timer.start(0)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.window and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.later()
        elif isinstance(obj, QTabBar) and event.type() == QEvent.Type.ToolTip:
            i = obj.tabAt(event.pos())
            if i >= 0 and obj.tabToolTip(i) != obj.tabText(i):  # a shortened name: say the full one
                QToolTip.showText(event.globalPos(), obj.tabToolTip(i), obj, obj.tabRect(i))
                return True
        return False

    @Slot()
    def fit(self) -> None:
        """For every tab bar of the window: the longest names each shortened by one step, the one that gains the
        most first, until the bar's tabs fit its length (full names again wherever they fit)."""
        docks = {d.windowTitle(): d for d in self.window.findChildren(QDockWidget)}
        for bar in self.window.findChildren(QTabBar):
            if bar.parent() is not self.window or not bar.isVisible():
                continue  # (tab bars inside panels are theirs; hidden ones are left over from earlier layouts)
            tabbed = [docks.get(bar.tabText(i)) for i in range(bar.count())]
            if None in tabbed:
                continue  # not the docks' bar
            self._fit_bar(bar, tabbed)
            bar.installEventFilter(self)  # (once: Qt installs an object's filter on a widget only once)

    def _fit_bar(self, bar: QTabBar, tabbed: list[QDockWidget]) -> None:
        vertical = bar.shape() in (QTabBar.Shape.RoundedEast, QTabBar.Shape.RoundedWest,
                                   QTabBar.Shape.TriangularEast, QTabBar.Shape.TriangularWest)
        hint, room = bar.sizeHint(), bar.height() if vertical else bar.width()
        metrics = bar.fontMetrics()
        # what the bar would need with every full name: its hint for the titles now, each swapped for the full one
        need = (hint.height() if vertical else hint.width()) + sum(
            metrics.horizontalAdvance(self.names(d)[0]) - metrics.horizontalAdvance(d.windowTitle()) for d in tabbed)
        step = {d: 0 for d in tabbed}
        while need > room:
            gains = [(metrics.horizontalAdvance(self.names(d)[step[d]])
                      - metrics.horizontalAdvance(self.names(d)[step[d] + 1]), i)
                     for i, d in enumerate(tabbed) if step[d] + 1 < len(self.names(d))]
            if not gains:
                break  # as short as they go: Qt cuts what still does not fit
            gain, i = max(gains)
            step[tabbed[i]] += 1
            need -= gain
        renamed = False
        for i, d in enumerate(tabbed):
            full, title = self.names(d)[0], self.names(d)[step[d]]
            if d.windowTitle() != title:
                d.setWindowTitle(title)
                d.toggleViewAction().setText(full)  # (Qt renames the View menu's entry after the dock)
                renamed = True
            bar.setTabToolTip(i, full)
        if renamed:  # Qt gives a renamed tab its title as tooltip as it lays the bar out: the full name after that
            self.later()
