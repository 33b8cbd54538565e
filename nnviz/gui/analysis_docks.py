"""The docks that analyse the shown network (what it learned: the confusion matrix and its mistakes; gradient
descent's landscape; the network's dreams), beside the views of the live network: created together, fed by frame
tasks, closed together.

Their heavy work runs in background processes below training's priority (``core.background.LatestJobs``); a
frame only hands them the shown network, and they recompute a few times a second at most while they are visible.

The two weights mapped in Gradient descent are chosen in the live views: a click on an edge of the graph, or a
Ctrl+click on a pixel of a weight image, picks that weight and raises the dock; both views mark the chosen two.
The whole-network surface follows the timeline's recording: the run's path up to the moment shown.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Slot

from ..core.background import LatestJobs
from ..core.landscape import Sample
from ..core.surface import recorded_path
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
        graph, images = window.network_view, window.weights_panel.view
        graph.edge_clicked.connect(self.weight_clicked)
        images.weight_clicked.connect(self.weight_clicked)
        self.landscape_panel.marked.connect(graph.mark_weights)
        self.landscape_panel.marked.connect(images.mark_weights)
        self._path_key, self._path = None, None  # the recorded path, made again only when the recording changes
        # asked for when a surface is computed, not per frame: a paused window gets no frames, and the surface
        # opened then must still lie on the run's path
        self.landscape_panel.path_source = self.recorded_path

    def data_arrived(self, data) -> None:
        """MNIST is here: the landscape is measured on its first training images (built once)."""
        self.landscape_panel.set_sample(Sample.from_images(data.x_train_sample, data.y_train_sample))
        self.insight.data_arrived(data.x_test, data.y_test)

    def show_shown(self) -> None:
        """A frame task: hand the shown network to the visible panels (they copy it and recompute when due)."""
        if self.landscape_dock.isVisible() and not self.landscape_panel.visibleRegion().isEmpty():
            self._show_landscape()
        net = self.window.run.graph_network()
        if net is not None and self.dreams_dock.isVisible() and not self.dreams_panel.visibleRegion().isEmpty():
            self.dreams_panel.show_network(net)

    def _show_landscape(self) -> None:
        """The shown network to the landscape (which asks :meth:`recorded_path` for the run's path when it needs it)."""
        run = self.window.run
        net, snap = run.graph_network(), run.shown()
        if net is not None:
            self.landscape_panel.show_network(net, snap.learning_rate, step=snap.step)

    def recorded_path(self):
        """The run's path up to the moment shown, from the timeline's recording: ≤ 64 checkpoints ``(k, n_params)``
        and their steps ``(k,)`` (made again only when the recording or the cursor changed), or None."""
        run = self.window.run
        store = run.recording
        if store is None or not len(store):
            return None
        key = (id(store), store.version, run.timeline.generation, run.cursor)
        if key != self._path_key:
            self._path_key, self._path = key, recorded_path(store, run.cursor)
        return self._path

    @Slot(int, int, int)
    def weight_clicked(self, layer: int, j: int, k: int) -> None:
        """A weight picked in the graph or a weight image: into the two-weight map, which comes to the front."""
        self.landscape_dock.show()
        self.landscape_dock.raise_()
        self.landscape_panel.tabs.setCurrentIndex(0)
        self._show_landscape()  # the panel knows the network shown even if its dock was hidden until now
        self.landscape_panel.choose_weight(layer, j, k)

    def set_palette(self, name: str) -> None:
        """The colour-blind-safe palette, or the standard one."""
        self.dreams_panel.set_palette(name)
        self.insight.set_palette(name)

    def shutdown(self) -> None:
        """Stop the panels' timers and the worker processes."""
        self.landscape_panel.shutdown()
        self.dreams_panel.shutdown()
        self.jobs.close()
