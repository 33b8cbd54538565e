"""The docks that analyse the shown network (what it learned: the confusion matrix and its mistakes; gradient
descent's landscape; the network's dreams), beside the views of the live network: created together, fed by frame
tasks, closed together.

Their heavy work runs in background processes below training's priority (``core.background.LatestJobs``); a
frame only hands them the shown network, and they recompute a few times a second at most while they are visible.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from ..core.background import LatestJobs
from ..core.landscape import Sample
from .dreams_panel import DreamsPanel
from .insight_dock import InsightDock
from .landscape_panel import LandscapePanel
from .widgets import dock


RIGHT_COLUMN = 340  # px: the right-hand docks' width in a new window


class AnalysisDocks(QObject):
    """Owns the landscape and dreams panels, their docks (tabbed beside Backpropagation) and their workers."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.jobs = LatestJobs()  # worker processes start on first use
        self.landscape_panel = LandscapePanel(self.jobs)
        self.dreams_panel = DreamsPanel(self.jobs)
        area = Qt.DockWidgetArea.RightDockWidgetArea
        self.landscape_dock = dock(window, "Gradient descent", "dock-landscape", self.landscape_panel, area)
        self.dreams_dock = dock(window, "Dreams", "dock-dreams", self.dreams_panel, area)
        for d in (self.landscape_dock, self.dreams_dock):
            window.tabifyDockWidget(window.backprop_dock, d)
        self.insight = InsightDock(window, window.run.shown, window.draw_panel.show_labelled,
                                   tab_with=window.backprop_dock)
        window.controls_dock.raise_()
        # the analysis panels would like 600 px: the right-hand column stays as narrow as the Training panel, so
        # the network graph keeps the middle of the window (they draw well at this width, and the dock can grow)
        window.resizeDocks([window.controls_dock], [RIGHT_COLUMN], Qt.Orientation.Horizontal)
        window.weights_panel.view.unit_selected.connect(self.dreams_panel.choose_neuron)

    def data_arrived(self, data) -> None:
        """MNIST is here: the landscape is measured on its first training images (built once)."""
        self.landscape_panel.set_sample(Sample.from_images(data.x_train_sample, data.y_train_sample))
        self.insight.data_arrived(data.x_test, data.y_test)

    def show_shown(self) -> None:
        """A frame task: hand the shown network to the visible panels (they copy it and recompute when due)."""
        run = self.window.run
        net, snap = run.graph_network(), run.shown()
        if net is None:
            return
        if self.landscape_dock.isVisible() and not self.landscape_panel.visibleRegion().isEmpty():
            self.landscape_panel.show_network(net, snap.learning_rate, step=snap.step)
        if self.dreams_dock.isVisible() and not self.dreams_panel.visibleRegion().isEmpty():
            self.dreams_panel.show_network(net)

    def set_palette(self, name: str) -> None:
        """The colour-blind-safe palette, or the standard one."""
        self.dreams_panel.set_palette(name)
        self.insight.set_palette(name)

    def shutdown(self) -> None:
        """Stop the panels' timers and the worker processes."""
        self.landscape_panel.shutdown()
        self.dreams_panel.shutdown()
        self.jobs.close()
