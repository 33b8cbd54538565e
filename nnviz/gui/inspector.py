"""Qt view of one neuron's arithmetic, live: its weighted sum written out with the real numbers, where that sum lands
on the layer's squishification curve, and the layer as a matrix.

The numbers come from :mod:`nnviz.core.inspection` (held to the network's own forward pass by its tests); this
panel only writes them out and draws them. Built once; :meth:`InspectorPanel.show_neuron` updates every part.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..core.inspection import (NeuronReading, activation_range, curve_range, input_name, layer_shapes_text,
                               neuron_name, squish_curve)
from ..core.network import Network
from .inspector_plots import CURVE_TIP, MATRIX_TIP, MatrixView, SquishView, number

SYMBOLS = {"sigmoid": "σ", "softmax": "softmax", "relu": "ReLU", "tanh": "tanh"}  # how the formulas name them
HINT = ("Click a neuron in the network (or a weight image) to see its arithmetic here: its weighted sum with the "
        "real numbers, its squishification, and its layer as a matrix. It follows your drawing, the training and "
        "the timeline.")

SUM_TIP = ("This neuron's weighted sum for the drawing on the canvas, with the shown network's real numbers.\n"
           "Each input's activation a is multiplied by the weight w of its connection; the terms w·a that matter "
           "most (largest |w·a|) are written out, the rest are added up in one line. A blank pixel (a = 0) adds "
           "nothing, whatever its weight.\nThen the bias b is added: z = Σ w·a + b, the number the squishification "
           "below turns into the neuron's activation.")


def _label(tip: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setToolTip(tip)
    # wraps to the dock's width instead of widening it (the right-hand column stays narrow)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def sum_html(reading: NeuronReading) -> str:
    """The weighted sum as an HTML table: the largest terms, the rest in one line, + b, = z."""
    cell = "<td align=right>{}</td>"
    rows = ["<tr><td><i>input</i></td><td align=right><i>w</i></td><td></td><td align=right><i>a</i></td><td></td>"
            "<td align=right><i>w·a</i></td></tr>"]
    for t in reading.terms:
        rows.append(f"<tr><td>{input_name(reading, t.index)}</td>{cell.format(number(t.weight))}<td>&nbsp;×</td>"
                    f"{cell.format(number(t.activation, sign=False))}<td>&nbsp;=</td>"
                    f"{cell.format(number(t.product))}</tr>")
    blank = "blank pixels" if reading.layer == 1 else "inactive neurons"
    if reading.rest_count:
        zeros = (f" (all 0: {blank})" if reading.rest_zeros == reading.rest_count else
                 f" ({reading.rest_zeros} are 0)" if reading.rest_zeros else "")
        more = "smaller " if reading.terms else ""
        rows.append(f"<tr><td colspan=5>+ {reading.rest_count} {more}terms{zeros}</td>"
                    f"{cell.format(number(reading.rest_sum))}</tr>")
    rows.append(f"<tr><td colspan=5>+ b (the bias)</td>{cell.format(number(reading.bias))}</tr>")
    rows.append(f"<tr><td colspan=5><b>= z</b> (the weighted sum)</td>"
                f"<td align=right><b>{number(reading.weighted_sum)}</b></td></tr>")
    return "<table cellspacing=0 cellpadding=0 width=100%>" + "".join(rows) + "</table>"


def squish_html(reading: NeuronReading) -> str:
    """How a follows from z, with the numbers, and what sets this layer's function apart."""
    f, z, a, j = reading.function, number(reading.weighted_sum), number(reading.activation, sign=False), reading.index
    if f == "softmax":
        shift = number(reading.softmax_shift, sign=False)
        return (f"<b>a = exp(z{subscript(j)}) / Σₖ exp(zₖ) = {a}</b><br>Unlike σ, softmax reads all ten "
                f"outputs' z: the curve holds the other nine fixed (a σ shifted by {shift}). The ten a's add up to 1.")
    formula = {"relu": f"max(0, {z})", "tanh": f"tanh({z})"}.get(f, f"σ({z})")
    name = SYMBOLS.get(f, f)
    text = f"<b>a = {name}(z) = {formula} = {a}</b>"
    if reading.is_output:
        text += "<br>The output layer squishes with σ too: ten separate scores, each 0…1, not probabilities."
    return text


def subscript(n: int) -> str:
    """``n`` in subscript digits (z₃)."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


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
        self.sum_text = _label(SUM_TIP)
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
        self.sum_text.setText(sum_html(reading))
        self.squish_text.setText(squish_html(reading))
        z_range = curve_range(reading)
        z, a = squish_curve(network, reading, *z_range)
        self.curve.show_curve(z, a, z_range, activation_range(reading, *z_range), reading.weighted_sum,
                              reading.activation)
        self.matrix_text.setText(matrix_html(reading))
        layer = reading.layer - 1
        self.matrix.show_layer(np.asarray(network.weights[layer]), np.asarray(network.biases[layer]), reading,
                               palette)
        for widget in self.details:
            widget.show()
