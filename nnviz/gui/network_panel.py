"""The network graph with its options: how many input edges to draw per first-layer neuron, and the thinning note."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from .network_view import DEFAULT_INPUT_EDGES, NetworkView


class NetworkPanel(QWidget):
    """Wraps :class:`NetworkView` with its K box, its note and its colour key, the way WeightsPanel wraps
    WeightsView."""

    options_changed = Signal()  #: the picture must be redrawn (K changed)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = NetworkView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Input edges drawn per first-layer neuron:"))
        self.edges_spin = QSpinBox()
        self.edges_spin.setRange(1, 784)
        self.edges_spin.setValue(DEFAULT_INPUT_EDGES)
        self.edges_spin.setToolTip("Each first-layer neuron has 784 incoming weights, one per pixel. Show only "
                                   "the strongest K of each to see which pixels matter most (784 = all).")
        bar.addWidget(self.edges_spin)
        self.thinning_label = QLabel()
        self.thinning_label.setToolTip("Qt draws about 700 lines a millisecond: to keep the window responsive the "
                                       "graph draws at most a few thousand edges, each neuron's strongest. Set "
                                       "784 to see every input edge as one picture.")
        bar.addWidget(self.thinning_label)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.addWidget(self.view.legend)
        layout.addWidget(self.view, 1)
        self.edges_spin.valueChanged.connect(self._on_edges)
        self.view.set_input_edges(self.edges_spin.value())

    @Slot(int)
    def _on_edges(self, k: int) -> None:
        self.view.set_input_edges(k)
        self.options_changed.emit()

    def input_edges(self) -> int:
        """K: the input edges drawn per first-layer neuron."""
        return self.edges_spin.value()

    def set_input_edges(self, k: int) -> None:
        """Set K (clamped to 1…784)."""
        self.edges_spin.setValue(int(k))

    def show_network(self, network, x, forward=None) -> None:
        """Draw ``network`` reading ``x`` (or a given forward pass), and update the thinning note."""
        if forward is None:
            self.view.show_network(network, x)
        else:
            self.view.show_network(network, x, forward)
        note = self.view.thinning_note()
        if note != self.thinning_label.text():
            self.thinning_label.setText(note)
