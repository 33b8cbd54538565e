"""Qt view of what each hidden neuron "looks for": its incoming weights as 28×28 images, all units in one mosaic.

A diverging colour map centred on zero (positive and negative in the graph's colours), each unit's bias as a strip
under its tile. Colours are scaled per unit (each tile to its own largest |w|, so a pattern keeps its contrast
however large the weights grow) or shared (one symmetric range for all, on the colour bar, to compare units). The
whole mosaic is one image item built with NumPy, so 100 units cost about as much as 16; the grid is chosen for the
largest tiles in rows filled evenly (16 units: 8 + 8 or 4 × 4, never 7 + 7 + 2).

Deeper layers have no pixels of their own; their tiles show the product of the weight matrices down to the input
(``W_l ⋯ W_1``): a linear approximation of what would excite them, labelled as such. Their raw incoming weights
are shown as a strip of cells under each tile.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSizePolicy, QWidget

from ..core.network import Network
from . import theme
from .fast_image import FastImageItem
from .frames import keep
from .theme import nice_limit
from .widgets import controls_above

SIDE = 28
GAP = 2  # pixels between tiles
BIAS_ROWS = 2  # height of the bias strip under each tile
TITLE_HEIGHT = 45  # px the two-line title takes above the tiles
COLOUR_BAR_WIDTH = 70  # px the colour bar and its labels take beside them


def effective_weights(network: Network, layer: int) -> np.ndarray:
    """Input-space images of layer ``layer``'s units: ``W_l ⋯ W_1``, shape ``(n_l, 784)`` (layer 1: the weights)."""
    w = network.weights[0]
    for l in range(1, layer):
        w = network.weights[l] @ w
    return w


def balanced_grid(n: int, width: float, height: float, tile_w: float, tile_h: float) -> tuple[int, int]:
    """(columns, rows) for ``n`` tiles of ``tile_w × tile_h`` in a ``width × height`` area: the largest tiles.

    Grids that divide ``n`` evenly (16: 16×1, 8×2, 4×4, 2×8, 1×16) are preferred; one with a short last row wins
    only if its tiles are half as large again, and its last row must be at least half full (13: 5 + 5 + 3; never
    7 + 7 + 2 for 16).
    """
    def scale(grid: tuple[int, int]) -> float:
        cols, rows = grid
        return min(width / (cols * tile_w), height / (rows * tile_h))

    grids = {(math.ceil(n / rows), rows) for rows in range(1, n + 1)}  # each row count, with its fewest columns
    even = max((g for g in grids if g[0] * g[1] == n), key=scale)
    uneven = [(c, r) for c, r in grids if c * r != n and 2 * (n - c * (r - 1)) >= c]
    best = max(uneven, key=scale, default=even)
    return best if scale(best) > 1.5 * scale(even) else even


class WeightsView(pg.GraphicsLayoutWidget):
    """Every unit of a hidden layer as an image of its incoming weights, in a grid that reflows."""

    unit_selected = Signal(int, int)  #: (layer, unit) clicked; (−1, −1) clears
    #: Ctrl+click on one weight's cell: (layer, j, k), the weight into unit j from input (or neuron) k; k = n_in is
    #: unit j's bias (its strip). A plain click keeps selecting units; the Ctrl key makes it a pick of one weight.
    weight_clicked = Signal(int, int, int)
    network: Network | None = None  # (on the class too: pyqtgraph's constructor already sends a resize event)
    colorbar = None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground(theme.PLOT_BACKGROUND)
        self.title = self.addLabel("", row=0, col=0, colspan=2, color=theme.TEXT)
        self.vb = self.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, enableMenu=False, invertY=True)
        self.image = FastImageItem(axisOrder="row-major")
        self.vb.addItem(self.image)
        self.palette_name = "standard"
        # no right-click colour-map menu: the palette is the View menu's (standard or colour-blind safe)
        self.colorbar = pg.ColorBarItem(values=(-1, 1), colorMap=self._colormap(), interactive=False, width=12,
                                        label="weight", colorMapMenu=False)
        self.addItem(self.colorbar, row=1, col=1)
        self.colorbar.setImageItem(self.image)
        self.frame = pg.QtWidgets.QGraphicsRectItem()
        self.frame.setPen(pg.mkPen(theme.ACCURACY, width=2))
        self.frame.hide()
        self.vb.addItem(self.frame)
        self.chosen: list[tuple[int, int, int]] = []  # weights chosen for Gradient descent, framed where shown
        self.chosen_frames = [pg.QtWidgets.QGraphicsRectItem() for _ in range(2)]
        for item in self.chosen_frames:
            item.setPen(pg.mkPen(theme.CHOSEN, width=2))
            item.setZValue(5)
            item.hide()
            self.vb.addItem(item)
        self.hover = pg.TextItem(color=theme.TEXT, anchor=(0, 1), fill=pg.mkBrush(theme.on_background(230)))
        self.hover.setZValue(10)
        self.hover.hide()
        self.vb.addItem(self.hover)
        self.layer = 1
        self.times_input = False
        self.per_unit = False  # each tile to its own largest |w| (True) or one range for all (False)
        self.network: Network | None = None
        self.input = np.zeros(784, np.float32)
        self.selected: int | None = None
        self.columns = 4
        self._framed = None
        self._title = ""
        self._bar_limit = None
        self._drawn = None  # (layer, × input, own scales, size) the mosaic was last made for
        self._params_drawn: np.ndarray | None = None  # ...and the weights and input it showed
        self._input_drawn: np.ndarray | None = None
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.setToolTip("")
        # big enough to read 16 tiles (two rows of eight, each 28-pixel image about 45 px) in a short, wide dock;
        # small enough that the window with every dock open still fits a 1024×768 screen
        self.setMinimumSize(300, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(520, 260)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(300, 150)

    # --- settings ------------------------------------------------------------------------------------------
    def _colormap(self) -> pg.ColorMap:
        lut = theme.diverging_lut(self.palette_name)
        return pg.ColorMap(np.linspace(0, 1, len(lut)), lut)

    def set_palette(self, name: str) -> None:
        """Standard or colour-blind-safe colours (as in the graph)."""
        self.palette_name = name
        self.colorbar.setColorMap(self._colormap())  # also recolours the image it is linked to

    def set_layer(self, layer: int) -> None:
        """Show hidden layer ``layer`` (1 = first)."""
        self.layer = int(layer)
        self.selected = None
        self.frame.hide()
        self._redraw()

    @Slot(bool)
    def set_times_input(self, on: bool) -> None:
        """Show weight × current input: which pixels push each unit up (positive) or down for this digit."""
        self.times_input = bool(on)
        self._label_colour_bar()
        self._redraw()

    @Slot(bool)
    def set_per_unit(self, on: bool) -> None:
        """Scale each tile's colours to its own largest |value| (True), or all tiles to one range (False)."""
        self.per_unit = bool(on)
        self._label_colour_bar()
        self._redraw()

    def _label_colour_bar(self) -> None:
        what, short = ("weight × input", "w × x") if self.times_input else ("weight", "w")
        # the label runs along the bar: in a short dock the long one was cut at both ends ("eight ÷ unit's ma")
        texts = [f"{what} ÷ unit's max", f"{short} ÷ unit's max", "÷ unit's max"] if self.per_unit else [what, short]
        room = self.colorbar.geometry().height() - 16
        metrics = QFontMetrics(self.font())
        text = next((t for t in texts if metrics.horizontalAdvance(t) <= room), texts[-1])
        if self.colorbar.getAxis("left").labelText != text:
            self.colorbar.getAxis("left").setLabel(text)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Reflow the tiles for the new shape (also while paused, when no frame comes)."""
        super().resizeEvent(event)
        if not self.closed:  # closing clears the scene, then resizes: nothing left to draw
            if self.colorbar is not None:
                self._label_colour_bar()
            self._redraw()

    # --- per frame ------------------------------------------------------------------------------------------
    def show_network(self, network: Network, x: np.ndarray) -> None:
        """Draw the weights of ``network`` (and, for the × input mode, input ``x``)."""
        self.network = network
        self.input = np.asarray(x, np.float32).reshape(-1)
        hidden = len(network.sizes) - 2
        if not 1 <= self.layer <= max(hidden, 1):
            self.layer = 1
        self._redraw()

    def tiles(self) -> np.ndarray:
        """The images shown, ``(n_units, 28, 28)``, before colouring."""
        w = effective_weights(self.network, self.layer)
        if self.times_input:
            w = w * self.input[None, :]
        return w.reshape(-1, SIDE, SIDE)

    def _grid(self, n: int) -> tuple[int, int]:
        width, height = max(self.width() - COLOUR_BAR_WIDTH, 1), max(self.height() - TITLE_HEIGHT, 1)
        return balanced_grid(n, width, height, SIDE + GAP, SIDE + BIAS_ROWS + self._strip_rows() + GAP)

    def tile_rect(self, unit: int) -> QRectF:
        """Where unit ``unit``'s tile sits in image coordinates."""
        r, c = divmod(unit, self.columns)
        h = SIDE + BIAS_ROWS + self._strip_rows() + GAP
        return QRectF(c * (SIDE + GAP), r * h, SIDE, SIDE + BIAS_ROWS + self._strip_rows())

    def _strip_rows(self) -> int:
        return 0 if self.layer == 1 else 2

    def _unchanged(self) -> bool:
        """The mosaic would be what is shown (a stroke without × input, a paused network's frame): remember what
        is drawn now, and say whether it was already."""
        net, state = self.network, (self.layer, self.times_input, self.per_unit, self.width(), self.height())
        same = (state == self._drawn and self._params_drawn is not None
                and self._params_drawn.shape == net.params.shape and np.array_equal(self._params_drawn, net.params)
                and (not self.times_input or np.array_equal(self._input_drawn, self.input)))
        if not same:
            self._drawn = state
            self._params_drawn = keep(self._params_drawn, net.params)
            self._input_drawn = keep(self._input_drawn, self.input)
        return same

    def _redraw(self) -> None:
        net = self.network
        if net is None or len(net.sizes) < 3 or self._unchanged():
            return
        tiles = self.tiles()
        n = len(tiles)
        self.columns, rows = self._grid(n)
        strip = self._strip_rows()
        th = SIDE + BIAS_ROWS + strip
        mosaic = np.full((rows * (th + GAP) - GAP, self.columns * (SIDE + GAP) - GAP), np.nan, np.float32)
        if self.per_unit:  # each tile to its own largest |value|: the colours read the same however large it grows
            tiles = tiles / np.maximum(np.abs(tiles).max(axis=(1, 2), keepdims=True), 1e-12)
            lim = 1.0
        else:
            lim = nice_limit(float(np.abs(tiles).max()))
        bias = net.biases[self.layer - 1]
        bias_scaled = bias / (float(np.abs(bias).max()) or 1.0) * lim  # own scale, same colours
        raw_in = net.weights[self.layer - 1]
        raw_scaled = raw_in / (float(np.abs(raw_in).max()) or 1.0) * lim
        strip_index = np.arange(SIDE) * raw_in.shape[1] // SIDE
        for j in range(n):
            r, c = divmod(j, self.columns)
            y, x = r * (th + GAP), c * (SIDE + GAP)
            mosaic[y : y + SIDE, x : x + SIDE] = tiles[j]
            mosaic[y + SIDE : y + SIDE + BIAS_ROWS, x : x + SIDE] = bias_scaled[j]
            if strip:  # raw incoming weights of a deeper unit, one cell each across the tile's width
                mosaic[y + SIDE + BIAS_ROWS : y + th, x : x + SIDE] = raw_scaled[j][strip_index]
        self.image.setImage(np.nan_to_num(mosaic, nan=0.0), levels=(-lim, lim), autoLevels=False)
        if self._bar_limit != lim:  # the colour bar re-lays out its ticks on every change: only when needed
            self._bar_limit = lim
            self.colorbar.setLevels((-lim, lim))
        if self._framed != mosaic.shape:  # the range changes only when the grid does
            self._framed = mosaic.shape
            self.vb.setRange(QRectF(0, 0, mosaic.shape[1], mosaic.shape[0]), padding=0.02)
        what = "weights" if self.layer == 1 else "W·…·W₁"
        extra = " × current input" if self.times_input else ""
        # Two short lines: a title does not wrap, and one long line would stretch the layout past a narrow
        # dock's edge, cutting off the last column of tiles and the colour bar.
        title = (f"hidden layer {self.layer}: each unit's {what}{extra}<br>"
                 + ("strip below: bias" if self.layer == 1 else
                    "a linear approximation of what excites it · strips: bias, raw incoming weights"))
        if title != self._title:  # relayout only when the words change; the scale is on the colour bar
            self._title = title
            self.title.setText(title)
        if self.selected is not None and self.selected < n:
            self.frame.setRect(self.tile_rect(self.selected).adjusted(-1, -1, 1, 1))
            self.frame.show()
        self._frame_chosen()

    # --- selection and hover --------------------------------------------------------------------------------
    def unit_at(self, x: float, y: float) -> int | None:
        """The unit whose tile covers image point (x, y)."""
        if self.network is None:
            return None
        th = SIDE + BIAS_ROWS + self._strip_rows()
        c, r = int(x // (SIDE + GAP)), int(y // (th + GAP))
        if x < 0 or y < 0 or c >= self.columns or x - c * (SIDE + GAP) >= SIDE or y - r * (th + GAP) >= th:
            return None
        j = r * self.columns + c
        return j if j < self.network.sizes[self.layer] else None

    def weight_at(self, x: float, y: float) -> tuple[int, int, int] | None:
        """The one weight ``(layer, j, k)`` whose cell covers image point (x, y): a pixel of a first-layer tile
        (k = its index), a bias strip (k = n_in), a cell of a deeper unit's strip of raw incoming weights; None
        elsewhere (a deeper tile's pixels are a product of weights, not one)."""
        j = self.unit_at(x, y)
        if j is None:
            return None
        top = self.tile_rect(j).topLeft()
        c, r = int(x - top.x()), int(y - top.y())
        n_in = self.network.sizes[self.layer - 1]
        if r >= SIDE + BIAS_ROWS:
            return self.layer, j, c * n_in // SIDE  # the strip cell's neuron (as _redraw samples them)
        if r >= SIDE:
            return self.layer, j, n_in
        return (self.layer, j, r * SIDE + c) if self.layer == 1 else None

    def _weight_cell(self, weight: tuple[int, int, int]) -> QRectF | None:
        """Where a chosen weight's cell sits in image coordinates, if it is in the layer shown."""
        layer, j, k = weight
        if self.network is None or layer != self.layer or j >= self.network.sizes[layer]:
            return None
        top, n_in = self.tile_rect(j).topLeft(), self.network.sizes[layer - 1]
        if k == n_in:
            return QRectF(top.x(), top.y() + SIDE, SIDE, BIAS_ROWS)
        if layer == 1:
            return QRectF(top.x() + k % SIDE, top.y() + k // SIDE, 1, 1)
        cell = -(-k * SIDE // n_in)  # the first strip cell that samples neuron k (see weight_at), if one does
        if cell >= SIDE or cell * n_in // SIDE != k:
            return None
        return QRectF(top.x() + cell, top.y() + SIDE + BIAS_ROWS, 1, self._strip_rows())

    def mark_weights(self, chosen: list[tuple[int, int, int]]) -> None:
        """Frame the cells of these weights ``(layer, j, k)`` (those of the layer shown) in the chosen colour."""
        self.chosen = [tuple(w) for w in chosen][-len(self.chosen_frames):]
        self._frame_chosen()

    def _frame_chosen(self) -> None:
        cells = [self._weight_cell(w) for w in self.chosen]
        for item, cell in zip(self.chosen_frames, cells + [None] * len(self.chosen_frames)):
            item.setVisible(cell is not None)
            if cell is not None:
                item.setRect(cell.adjusted(-0.5, -0.5, 0.5, 0.5))

    def select(self, layer: int, unit: int) -> None:
        """Frame unit ``unit`` of ``layer`` (switching layer if needed); (−1, −1) or an output neuron clears."""
        if layer < 1 or self.network is None or layer >= len(self.network.sizes) - 1:
            self.selected = None
            self.frame.hide()
            return
        if layer != self.layer:
            self.layer = layer
            self._redraw()
        self.selected = unit
        self.frame.setRect(self.tile_rect(unit).adjusted(-1, -1, 1, 1))
        self.frame.show()

    def describe(self, unit: int, weight: tuple[int, int, int] | None = None) -> str:
        """Hover text: unit index, bias and current activation; the ``weight`` ``(layer, j, k)`` under the pointer,
        if any, and that Ctrl+click picks it."""
        # computed on demand: a forward pass per frame would cost more than drawing the mosaic
        a = self.network.forward(self.input[None]).activations[self.layer][0, unit]
        largest = float(np.abs(self.tiles()[unit]).max())
        text = (f"layer {self.layer}, unit <b>{unit}</b><br>bias {self.network.biases[self.layer - 1][unit]:+.3f}"
                f"<br>activation {a:.3f}<br>largest |{'w·x' if self.times_input else 'w'}| {largest:.3f}")
        if weight is None:
            return text + "<br><i>each pixel here mixes many weights: Ctrl+click a strip below for one</i>"
        layer, j, k = weight
        n_in = self.network.sizes[layer - 1]
        if k == n_in:
            what = "the bias"
        else:
            source = "pixel ({}, {})".format(*divmod(k, SIDE)) if layer == 1 else f"neuron {k} of layer {layer - 1}"
            what = f"w from {source} = {self.network.weights[layer - 1][j, k]:+.3f}"
        return text + f"<br>here: {what}<br><i>Ctrl+click: the cost over this weight (Gradient descent)</i>"

    @Slot(object)
    def _on_mouse_moved(self, scene_pos) -> None:
        p = self.vb.mapSceneToView(scene_pos)
        j = self.unit_at(p.x(), p.y())
        if j is None:
            self.hover.hide()
            return
        text = self.describe(j, self.weight_at(p.x(), p.y()))
        self.hover.setHtml(f"<div style='color:{theme.TEXT}'>{text}</div>")
        # beside the pointer, toward the middle of the view, and pushed back inside where it would leave it (a box
        # wider than half the view was cut off beside the middle tiles); placed in pixels: a TextItem keeps its size
        view, box, area = self.vb.viewRect(), self.hover.boundingRect(), self.vb.sceneBoundingRect()
        right, lower = p.x() > view.center().x(), p.y() > view.center().y()  # (y grows downwards here)
        left = scene_pos.x() - 2 - box.width() if right else scene_pos.x() + 2
        top = scene_pos.y() - box.height() if lower else scene_pos.y()
        left = min(max(left, area.left()), area.right() - box.width())
        top = min(max(top, area.top()), area.bottom() - box.height())
        self.hover.setAnchor((0, 0))
        self.hover.setPos(self.vb.mapSceneToView(QPointF(left, top)))
        self.hover.show()

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.hover.hide()  # a pointer leaving straight from a tile moves over no gap that would hide it
        super().leaveEvent(event)

    @Slot(object)
    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        p = self.vb.mapSceneToView(event.scenePos())
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:  # one weight picked, the selection kept
            weight = self.weight_at(p.x(), p.y())
            if weight is not None:
                self.weight_clicked.emit(*weight)
            return
        j = self.unit_at(p.x(), p.y())
        if j is None or j == self.selected:
            self.select(-1, -1)
            self.unit_selected.emit(-1, -1)
        else:
            self.select(self.layer, j)
            self.unit_selected.emit(self.layer, j)

    def cell_point(self, weight: tuple[int, int, int]):
        """Widget coordinates of the centre of a weight's cell in the layer shown (for tests and tools)."""
        return self.mapFromScene(self.vb.mapViewToScene(self._weight_cell(weight).center()))

    def view_point(self, unit: int):
        """Widget coordinates of the centre of a unit's tile (for tests and tools)."""
        r = self.tile_rect(unit)
        scene = self.vb.mapViewToScene(r.center())
        return self.mapFromScene(scene)


class WeightsPanel(QWidget):
    """The weights view with its layer choice, the × input toggle and the choice of colour scale."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = WeightsView()
        self.layer_combo = QComboBox()
        self.layer_combo.setToolTip("Which hidden layer's units to show. Deeper layers are shown through the "
                                    "product of the weight matrices: a linear approximation.")
        self.times_input = QCheckBox("× input")
        self.times_input.setToolTip("Multiply each unit's weights by the current input: which pixels of this "
                                    "digit push the unit up (positive) or down (negative).")
        self.per_unit = QCheckBox("each on its own scale")
        self.per_unit.setToolTip("On: each image is coloured to its own largest |weight|, so every unit's pattern "
                                 "keeps its contrast however large its weights grow (the colour bar reads −1 … 1 "
                                 "of that largest). Off: one colour range for all units, shown on the colour bar, "
                                 "to compare their strengths; the images then darken as the largest weights grow.")
        controls_above(self, [QLabel("Layer"), self.layer_combo, self.times_input, self.per_unit], self.view, margin=2)
        self.layer_combo.currentIndexChanged.connect(lambda i: i >= 0 and self.view.set_layer(i + 1))
        self.times_input.toggled.connect(self.view.set_times_input)
        self.per_unit.toggled.connect(self.view.set_per_unit)
        self.per_unit.setChecked(True)  # by default: a learner watches patterns form, not the scale grow
        self._hidden = 0

    def show_network(self, network: Network, x: np.ndarray) -> None:
        """Pass a frame on to the view, updating the layer list if the architecture changed."""
        hidden = len(network.sizes) - 2
        if hidden != self._hidden:
            self._hidden = hidden
            self.layer_combo.blockSignals(True)
            self.layer_combo.clear()
            self.layer_combo.addItems([f"hidden {l} ({network.sizes[l]} units)" for l in range(1, hidden + 1)])
            self.layer_combo.blockSignals(False)
        self.view.show_network(network, x)
        if self.layer_combo.currentIndex() != self.view.layer - 1:
            self.layer_combo.blockSignals(True)
            self.layer_combo.setCurrentIndex(self.view.layer - 1)
            self.layer_combo.blockSignals(False)
