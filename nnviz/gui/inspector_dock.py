"""The neuron inspector as a dock of the main window ("Neuron", tabbed in the right-hand column), wired to the clicks.

A click on a neuron in the graph or on a weight image chooses the neuron and brings the dock to the front (unless
the user closed it, or is reading the Backpropagation tab, whose overlay on the graph would end);
:meth:`NeuronInspector.inspect` does the same from code (the guided tour). The main window only constructs it
(with its docks) and adds :meth:`NeuronInspector.show_shown` to its frame tasks: each frame hands it
the shown network (``run.graph_network()``, so it follows the timeline's cursor and the training) and the canvas's
drawing. While the dock cannot be seen nothing is computed.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QDockWidget

from ..core.inspection import read_neuron
from .inspector import InspectorPanel
from .widgets import dock


def in_front(d: QDockWidget) -> bool:
    """``d`` can be seen: open, and not a tab behind another (such a dock still says it is visible; what it shows
    of itself, its title, is then nothing)."""
    return d.isVisible() and not d.visibleRegion().isEmpty()


class NeuronInspector(QObject):
    """Owns the inspector panel and its dock; sets ``window.inspector_dock``. Layers are numbered as in the graph's
    selection (1 … L; 0, the input, has no weighted sum)."""

    inspected = Signal(int, int)  #: (layer, neuron) clicked or asked for; (−1, −1) when the choice is cleared

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.panel = InspectorPanel()
        self.dock = dock(window, "Neuron", "dock-inspector", self.panel, Qt.DockWidgetArea.RightDockWidgetArea,
                         scrolling=True)
        self.dock.setToolTip("The neuron you clicked, worked out with the real numbers")
        window.tabifyDockWidget(window.backprop_dock, self.dock)
        window.inspector_dock = self.dock
        self.chosen: tuple[int, int] | None = None  #: (layer, neuron) to show
        self._drawn: tuple | None = None  # (network, chosen, palette, drawing) last shown
        self._sizes: tuple[int, ...] | None = None  # the architecture last shown
        window.network_view.neuron_selected.connect(self._clicked)
        window.weights_panel.view.unit_selected.connect(self._clicked)
        self.dock.visibilityChanged.connect(self._on_visibility)

    # --- choosing ---------------------------------------------------------------------------------------------
    def inspect(self, layer: int, index: int) -> None:
        """Show neuron ``index`` of layer ``layer`` (1 … L): selected in the graph and the weight images too, the dock
        opened and in front; (−1, −1) clears."""
        self.window.network_view.select(layer, index)
        self.window.weights_panel.view.select(layer, index)
        if layer >= 1:
            self.dock.show()
        self._choose(layer, index, bring_forward=True)

    @Slot(int, int)
    def _clicked(self, layer: int, index: int) -> None:
        # A click brings the dock forward, but does not reopen it once the user has closed it, nor push the
        # Backpropagation tab away: its overlay on the graph (the one being clicked) lasts only while it is open.
        closed = not self.dock.toggleViewAction().isChecked()
        self._choose(layer, index, bring_forward=not closed and not in_front(self.window.backprop_dock))

    def _choose(self, layer: int, index: int, bring_forward: bool) -> None:
        chosen = (int(layer), int(index)) if layer >= 1 else None
        previous, self.chosen = self.chosen, chosen
        if chosen != previous:
            self._sizes = None  # chosen on the network shown now, whatever its architecture
        if chosen is not None or previous is not None:  # every neuron inspected, and the end of an inspection
            self.inspected.emit(*(chosen or (-1, -1)))
        if chosen is not None and bring_forward:
            self.dock.raise_()
        self.show_shown()

    # --- drawing ----------------------------------------------------------------------------------------------
    @Slot()
    def show_shown(self) -> None:
        """A frame task: the chosen neuron of the shown network, for the canvas's drawing (only while visible)."""
        panel = self.panel
        if not in_front(self.dock):
            return  # closed, or a tab behind another: drawn when it shows (see _on_visibility)
        w = self.window
        net = w.run.graph_network()
        if net is None:
            self._drawn = None
            panel.clear("No network to inspect yet.")
            return
        new_architecture = self._sizes is not None and net.sizes != self._sizes
        self._sizes = net.sizes
        layer, index = self.chosen or (1, 0)
        if self.chosen is not None and (new_architecture or layer >= len(net.sizes) or index >= net.sizes[layer]):
            # the graph cleared its selection when the architecture changed, and so does the inspector (or inspect()
            # asked for a neuron this network does not have)
            self._choose(-1, -1, bring_forward=False)
            return
        drawing = np.asarray(w.draw_panel.canvas.network_input(), np.float32)
        palette = w.network_view.palette_name  # the graph's colours (View → colour-blind safe)
        drawn = self._drawn
        if (drawn is not None and drawn[0] is net and drawn[1:3] == (self.chosen, palette)
                and np.array_equal(drawn[3], drawing)):
            return  # nothing changed (another view's option marked the frame)
        self._drawn = (net, self.chosen, palette, drawing)
        if self.chosen is None:
            panel.clear()
        else:
            panel.show_neuron(net, read_neuron(net, drawing, *self.chosen), palette)

    @Slot(bool)
    def _on_visibility(self, visible: bool) -> None:
        if visible:  # after this turn of the event loop: the panel is then shown and laid out
            QTimer.singleShot(0, self.show_shown)
