"""The neuron inspector's two pictures: the layer's squishification curve with this neuron's z on it, and the layer as a
matrix, ``a′ = f(W a + b)``, with this neuron's row framed.

Each builds its pyqtgraph items once; ``show_…`` only moves them (``setData`` / ``setImage``), with fixed ranges.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtWidgets import QGraphicsView

from ..core.graph_layout import activation_shade
from ..core.inspection import NeuronReading
from . import theme
from .sum_table import number
from .theme import nice_limit

CURVE_TIP = ("The squishification function of this neuron's layer, the network's own: a = f(z).\n"
             "Blue curve: a for every weighted sum z. Yellow: this neuron's z now (the vertical line), where it meets "
             "the curve (the dot), and the activation a read off across to the left (the horizontal line).\n"
             "Sigmoid squishes any z into 0…1, tanh into −1…1; ReLU keeps a positive z and turns a negative one "
             "into 0. Softmax (the output layer, if chosen) depends on all ten outputs' z: the curve is this output "
             "with the other nine held where they are now.")

MATRIX_TIP = ("The whole layer at once: a′ = f(W a + b).\n"
              "W: one row per neuron of this layer, one column per neuron of the previous layer; each cell a weight "
              "(blue positive, red negative, brighter = larger |w|, scaled to the layer's largest).\n"
              "a (the strip under W, one cell per column of W): the previous layer's activations, black 0 → white "
              "1. b: the biases, coloured like W. a′: this layer's activations, black 0 → white 1.\n"
              "Row j of W times a, plus b_j, squished, is a′_j: the green frames mark this neuron's row, bias and "
              "activation — the sum written out above.")

# where the pieces of the matrix picture sit (view units; y grows downwards, as a matrix is read)
W_RECT = QRectF(0.0, 0.0, 1.0, 1.0)
A_RECT = QRectF(0.0, 1.1, 1.0, 0.12)
B_RECT = QRectF(1.09, 0.0, 0.06, 1.0)
OUT_RECT = QRectF(1.29, 0.0, 0.06, 1.0)
LABEL_PX = 11  # the labels' font size
MARGIN_PX = 16  # room above and below the picture for them


def coloured(values: np.ndarray, low: float, high: float, lut: np.ndarray) -> np.ndarray:
    """``values`` ``(h, w)`` as RGBA ``(h, w, 4)`` through ``lut`` from ``low`` to ``high``: coloured here, an image
    item draws it as it is (given a table, it builds a colour table entry by entry on every frame)."""
    t = (np.clip(values, low, high) - low) / (high - low)
    return lut[np.rint(t * (len(lut) - 1)).astype(np.intp)]


class StillPlot(pg.PlotWidget):
    """A plot that only shows: no mouse panning or zooming, no menu, no auto-range button; explained by ``tip``."""

    def __init__(self, tip: str, minimum_height: int, parent=None):
        super().__init__(parent, background=theme.PLOT_BACKGROUND)
        self.setMenuEnabled(False)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setMinimumHeight(minimum_height)
        self.setToolTip(tip)
        # repaint only what moved (the dot, its guides, a frame) rather than pyqtgraph's default of the whole view
        # every time: it halves what a frame of the inspector costs to paint
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)


class SquishView(StillPlot):
    """The squishification curve a = f(z), this neuron's z marked on it and its a read off it."""

    def __init__(self, parent=None):
        super().__init__(CURVE_TIP, 90, parent)
        item = self.getPlotItem()
        item.setLabel("bottom", "weighted sum z")
        item.setLabel("left", "activation a")
        for side in ("left", "bottom"):
            item.getAxis(side).enableAutoSIPrefix(False)
        # the axes' zero lines, opaque (a translucent grid took 4 of the plot's 5 ms to paint)
        self.zero_lines = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(theme.SQUISH_AXES, width=1))
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(theme.SQUISH_CURVE, width=2))
        self.guides = pg.PlotCurveItem(connect="pairs",
                                       pen=pg.mkPen(theme.READING, width=1, style=Qt.PenStyle.DashLine))
        self.dot = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(theme.READING), pen=pg.mkPen(theme.TEXT))
        self.label = pg.TextItem(color=theme.READING)
        for it in (self.zero_lines, self.curve, self.guides, self.dot, self.label):
            self.addItem(it)
        self._ranges = None
        self._curve = None
        self._marked = None  # (z, a, z range, a range) last marked: the label is placed again when the plot resizes
        self.getPlotItem().vb.sigResized.connect(lambda _vb: self._marked and self._place_label(*self._marked))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(280, 120)  # the dock's column is narrow and short: the plot grows into what is left

    def show_curve(self, z: np.ndarray, a: np.ndarray, z_range: tuple[float, float],
                   a_range: tuple[float, float], weighted_sum: float, activation: float) -> None:
        """Draw the curve ``(z, a)`` over the fixed ranges and mark the point ``(weighted_sum, activation)``."""
        if self._ranges != (z_range, a_range):  # ranges move in round steps only (see core.inspection)
            self._ranges = (z_range, a_range)
            self.setXRange(*z_range, padding=0)
            self.setYRange(*a_range, padding=0)
            self.zero_lines.setData([z_range[0], z_range[1], 0, 0], [0, 0, a_range[0], a_range[1]], connect="pairs")
        if self._curve is None or not (np.array_equal(self._curve[0], z) and np.array_equal(self._curve[1], a)):
            self._curve = (z, a)  # the same curve, frame after frame, unless the range or (softmax) the others move
            self.curve.setData(z, a)
        x0, y0 = z_range[0], a_range[0]
        self.guides.setData([weighted_sum, weighted_sum, weighted_sum, x0],
                            [y0, activation, activation, activation], connect="pairs")
        self.dot.setData([weighted_sum], [activation])
        self.label.setText(f"z = {number(weighted_sum)}\na = {number(activation, sign=False)}")
        self._marked = (weighted_sum, activation, z_range, a_range)
        self._place_label(*self._marked)

    def _place_label(self, z: float, a: float, z_range: tuple[float, float], a_range: tuple[float, float]) -> None:
        """Put the z/a label where it covers no part of the curve: beside the dot if a side has room, else in a
        corner of the plot (the label keeps its size in pixels, so the candidates are measured in pixels too)."""
        vb = self.getPlotItem().vb
        # the view's size of a pixel from the ranges just set (the view box updates its own only when it repaints)
        px_w, px_h = (z_range[1] - z_range[0]) / max(vb.width(), 1.0), (a_range[1] - a_range[0]) / max(vb.height(), 1.0)
        box = self.label.textItem.boundingRect()
        w, h, gap_x, gap_y = box.width() * px_w, box.height() * px_h, 6 * px_w, 3 * px_h
        (z0, z1), (a0, a1) = z_range, a_range
        candidates = [(z - gap_x - w, a + gap_y), (z + gap_x, a - gap_y - h), (z - gap_x - w, a - gap_y - h),
                      (z + gap_x, a + gap_y),  # beside the dot: up-left, down-right, down-left, up-right
                      (z0 + gap_x, a1 - gap_y - h), (z1 - gap_x - w, a0 + gap_y)]  # the plot's top-left, bottom-right
        curve_z, curve_a = self._curve

        def cost(corner: tuple[float, float]) -> tuple[bool, int, bool]:
            x, y = corner
            outside = x < z0 or x + w > z1 or y < a0 or y + h > a1
            under = (curve_z >= x) & (curve_z <= x + w)
            on_curve = int(np.count_nonzero((curve_a[under] >= y) & (curve_a[under] <= y + h)))
            # the dashed guides run from the dot down to the z axis and across to the a axis
            on_guides = (x <= z <= x + w and y <= a) or (y <= a <= y + h and x <= z)
            return outside, on_curve, on_guides

        x, y = min(candidates, key=cost)  # the first of the best: beside the dot if it can be
        self.label.setAnchor((0, 0))  # its top-left corner at (x, y + h): y grows upwards here
        self.label.setPos(x, y + h)


class MatrixView(StillPlot):
    """One layer as ``W · a + b → a′``: W as a heat map, a laid along W's columns, b and a′ as columns; this
    neuron's row framed."""

    def __init__(self, parent=None):
        super().__init__(MATRIX_TIP, 80, parent)
        plot = self.getPlotItem()
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.vb.invertY(True)
        plot.vb.sigResized.connect(self._fit)
        self.w_image, self.a_image, self.b_image, self.out_image = (pg.ImageItem(axisOrder="row-major")
                                                                     for _ in range(4))
        self._grey = theme.activation_lut()
        self._luts: dict[str, np.ndarray] = {}  # each palette's colours for W and b, made once
        for image in (self.w_image, self.a_image, self.b_image, self.out_image):
            plot.addItem(image)
        self.frames = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(theme.SELECTED_ROW, width=2))
        self.frames.setZValue(5)
        plot.addItem(self.frames)
        self.w_label = self._text(W_RECT.center().x(), 0.0, (0.5, 1))
        self.a_label = self._text(A_RECT.center().x(), A_RECT.bottom(), (0.5, 0))
        self.b_label = self._text(B_RECT.center().x(), 0.0, (0.5, 1), "b")
        self.out_label = self._text(OUT_RECT.center().x(), 0.0, (0.5, 1), "a′")
        self._text((W_RECT.right() + B_RECT.left()) / 2, 0.5, (0.5, 0.5), "+")
        self._text((B_RECT.right() + OUT_RECT.left()) / 2, 0.5, (0.5, 0.5), "→")  # f( ): the caption says which

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(280, 100)

    def _text(self, x: float, y: float, anchor: tuple[float, float], text: str = "") -> pg.TextItem:
        t = pg.TextItem(text, color=theme.TEXT, anchor=anchor)
        font = t.textItem.font()
        font.setPixelSize(LABEL_PX)
        t.setFont(font)
        t.setPos(x, y)
        self.addItem(t)
        return t

    def _fit(self, _vb=None) -> None:
        # the labels keep their size in pixels: the picture leaves them a fixed margin of pixels above and below,
        # however short the dock is
        vb = self.getPlotItem().vb
        height = max(vb.height() - 2 * MARGIN_PX, 20.0)
        unit = A_RECT.bottom() / height  # view units per pixel
        vb.setRange(xRange=(-0.01, OUT_RECT.right() + 0.01),
                    yRange=(-MARGIN_PX * unit, A_RECT.bottom() + MARGIN_PX * unit), padding=0)

    def show_layer(self, weights: np.ndarray, biases: np.ndarray, reading: NeuronReading, palette: str) -> None:
        """Draw layer ``reading.layer``: ``weights`` ``(n_out, n_in)``, ``biases`` ``(n_out,)``, the reading's
        inputs and activations, its neuron's row framed; blue/red (or blue/orange) as ``palette`` says."""
        n_out, n_in = weights.shape
        if palette not in self._luts:
            self._luts[palette] = theme.diverging_lut(palette)
        lut = self._luts[palette]
        w_limit = nice_limit(float(np.abs(weights).max()))
        b_limit = nice_limit(float(np.abs(biases).max()))
        inputs = activation_shade(reading.inputs, reading.input_function)[None, :]
        outputs = activation_shade(reading.layer_activations, reading.function)[:, None]
        for image, rgba, rect in ((self.w_image, coloured(weights, -w_limit, w_limit, lut), W_RECT),
                                  (self.a_image, coloured(inputs, 0.0, 1.0, self._grey), A_RECT),
                                  (self.b_image, coloured(biases[:, None], -b_limit, b_limit, lut), B_RECT),
                                  (self.out_image, coloured(outputs, 0.0, 1.0, self._grey), OUT_RECT)):
            image.setImage(rgba, autoLevels=False, rect=rect)
        row = W_RECT.height() / n_out
        top, bottom = reading.index * row, (reading.index + 1) * row
        xs, ys = [], []
        for left, right in ((W_RECT.left(), W_RECT.right()), (B_RECT.left(), B_RECT.right()),
                            (OUT_RECT.left(), OUT_RECT.right())):
            corners = [(left, top), (right, top), (right, bottom), (left, bottom), (left, top)]
            for (x1, y1), (x2, y2) in zip(corners, corners[1:]):
                xs += [x1, x2]
                ys += [y1, y2]
        self.frames.setData(xs, ys, connect="pairs")
        below = "pixels" if reading.layer == 1 else f"layer {reading.layer - 1}"
        for label, text in ((self.w_label, f"W  {n_out}×{n_in}"), (self.a_label, f"a  {n_in} ({below})")):
            if label.toPlainText() != text:  # set once per layer: a text item lays itself out again when set
                label.setText(text)
