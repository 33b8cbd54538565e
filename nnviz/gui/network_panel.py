"""The network graph with its controls: the K box (input edges per first-layer neuron), the thinning note, the key."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QLabel, QSizePolicy, QSpinBox, QWidget

from ..core.graph_layout import DEFAULT_INPUT_EDGES
from ..core.network import Network
from .network_view import NetworkView
from .widgets import controls_above


class NetworkPanel(QWidget):
    """The graph (``view``) under a bar with the K box and the note saying what a large network leaves out."""

    input_edges_changed = Signal(int)  #: K, whenever it changes (to remember it between sessions)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = NetworkView()
        self.legend = self.view.legend  # the view keeps it current; it sits here, above the graph
        self.edges_spin = QSpinBox()
        self.edges_spin.setRange(1, 784)
        self.edges_spin.setValue(DEFAULT_INPUT_EDGES)
        self.edges_spin.setToolTip("Each first-layer neuron has 784 incoming weights, one per pixel. Show only "
                                   "the strongest K of each to see which pixels matter most (784 = all).")
        self.thinning_label = QLabel()
        # the note wraps into the room the bar has left: it must never widen the panel (and so the window)
        self.thinning_label.setWordWrap(True)
        self.thinning_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.thinning_label.setToolTip("Qt draws about 700 lines a millisecond: to keep the window responsive the "
                                       "graph draws at most a few thousand edges, each neuron's strongest. Set "
                                       "784 to see every input edge as one picture.")
        controls = [QLabel("Input edges drawn per first-layer neuron:"), self.edges_spin, self.thinning_label]
        controls_above(self, controls, self.legend, self.view, spacing=0)  # the key right on top of the graph
        self.edges_spin.valueChanged.connect(self._on_edges_changed)

    def show_network(self, network: Network, x: np.ndarray, forward=None) -> None:
        """Draw a frame (see :meth:`NetworkView.show_network`) and say whether the graph had to leave edges out."""
        self.view.show_network(network, x, forward)
        self._update_note()

    def set_input_edges(self, k: int) -> None:
        """Set K, the strongest input edges drawn per first-layer neuron (784 = all), as if typed in the box."""
        self.edges_spin.setValue(int(k))

    def input_edges(self) -> int:
        """K, as in the box."""
        return self.edges_spin.value()

    @Slot(int)
    def _on_edges_changed(self, k: int) -> None:
        self.view.set_input_edges(k)
        self._update_note()
        self.input_edges_changed.emit(k)

    def _update_note(self) -> None:
        note = self.view.thinning_note()
        if note != self.thinning_label.text():  # a new text re-lays out the bar: only when it changes
            self.thinning_label.setText(note)
