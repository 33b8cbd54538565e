"""Qt view of one neuron's arithmetic, live: its weighted sum written out with the real numbers, where that sum lands
on the layer's squishification curve, and the layer as a matrix.

The numbers come from :mod:`nnviz.core.inspection` (held to the network's own forward pass by its tests); this
panel only writes them out and draws them. Built once; :meth:`InspectorPanel.show_neuron` updates every part.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..core.inspection import NeuronReading, activation_range, curve_range, layer_shapes_text, neuron_name, squish_curve
from ..core.network import Network
from .inspector_plots import CURVE_TIP, MATRIX_TIP, MatrixView, SquishView
from .sum_table import SYMBOLS, SumTable, sum_rows

HINT = ("Click a neuron in the network (or a weight image) to see its arithmetic here: its weighted sum with the "
        "real numbers, its squishification, and its layer as a matrix. It follows your drawing, the training and "
        "the timeline.")

SUM_TIP = ("This neuron's weighted sum for the drawing on the canvas, with the shown network's real numbers.\n"
           "Each input's activation a is multiplied by the weight w of its connection; the terms w·a that matter "
           "most (largest |w·a|) are written out, the rest are added up in one line. A blank pixel (a = 0) adds "
           "nothing, whatever its weight.\nThen the bias b is added: z = Σ w·a + b, the weighted sum. Last, the layer's "
           "squishification turns z into the neuron's activation a (the curve below shows how).")


def _label(tip: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setToolTip(tip)
    # wraps to the dock's width instead of widening it (the right-hand column stays narrow)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def squish_note(reading: NeuronReading) -> str:
    """What sets this layer's squishification apart, if anything ('' for a hidden layer: the curve says it)."""
    if reading.function == "softmax":
        return "Softmax reads all ten z's (the curve holds the other nine still); the ten a's add up to 1."
    if reading.is_output:
        return "The output layer squishes with σ too: ten separate scores, each 0…1, not probabilities."
    return ""


def matrix_html(reading: NeuronReading) -> str:
    """The layer's matrix form with this layer's indices and real shapes."""
    l, name = reading.layer, SYMBOLS.get(reading.function, "f")
    return (f"<b>The layer:</b> a<sup>({l})</sup> = {name}(W<sup>({l})</sup> a<sup>({l - 1})</sup> + "
            f"b<sup>({l})</sup>)<br>{layer_shapes_text(reading)}")


class InspectorPanel(QWidget):
    """The neuron inspector: the chosen neuron's weighted sum, squishification curve and layer matrix."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.reading: NeuronReading | None = None  #: what is shown (None: the hint)
        self.title = _label()
        self.sum_text = SumTable()
        self.sum_text.setToolTip(SUM_TIP)
        self.squish_text = _label(CURVE_TIP)
        self.curve = SquishView()
        self.matrix_text = _label(MATRIX_TIP)
        self.matrix = MatrixView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        for widget, stretch in ((self.title, 0), (self.sum_text, 0), (self.squish_text, 0), (self.curve, 3),
                                (self.matrix_text, 0), (self.matrix, 2)):
            layout.addWidget(widget, stretch)
        self.details = (self.sum_text, self.squish_text, self.curve, self.matrix_text, self.matrix)
        self.clear()

    def clear(self, message: str = HINT) -> None:
        """Show ``message`` (by default how to choose a neuron) instead of a neuron."""
        self.reading = None
        self.title.setText(message)
        for widget in self.details:
            widget.hide()

    def show_neuron(self, network: Network, reading: NeuronReading, palette: str = "standard") -> None:
        """Write out and draw ``reading``, a neuron of ``network`` (its weights, biases and squishification)."""
        self.reading = reading
        self.title.setText(f"<b>{neuron_name(reading)}</b>: z = Σ w·a + b")
        self.sum_text.show_rows(sum_rows(reading))
        self.squish_text.setText(squish_note(reading))
        z_range = curve_range(reading)
        z, a = squish_curve(network, reading, *z_range)
        self.curve.show_curve(z, a, z_range, activation_range(reading, *z_range), reading.weighted_sum,
                              reading.activation)
        self.matrix_text.setText(matrix_html(reading))
        layer = reading.layer - 1
        self.matrix.show_layer(np.asarray(network.weights[layer]), np.asarray(network.biases[layer]), reading,
                               palette)
        for widget in self.details:
            widget.setVisible(widget is not self.squish_text or bool(self.squish_text.text()))
