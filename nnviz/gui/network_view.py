"""Qt view of the network itself: neurons shaded by activation, edges coloured by the sign of their weight.

Everything is a handful of large pyqtgraph items: all neurons in one dots item, all edges bucketed by sign and
strength into one line item (or, with every input edge shown, one incrementally repainted picture). Where things
sit and which edges are drawn is decided in :mod:`nnviz.core.graph_layout`, once per architecture; a frame only
recomputes activations, buckets and colours, and touches only the items whose picture changed (a stroke redraws
no edge; a moment of the run with the same input redraws no input image), so the scene has little to repaint.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal, Slot

from ..core import graph_layout as gl
from ..core.graph_layout import DEFAULT_INPUT_EDGES, INPUT_SIDE, STRENGTHS, NetworkLayout, activation_shade, upright
from ..core.network import Network
from . import theme
from .edge_raster import EdgeLines, EdgeRaster
from .fast_image import FastImageItem
from .frames import keep
from .network_hover import NetworkHover
from .network_legend import GraphLegend
from .neuron_dots import NeuronDots

__all__ = ["DEFAULT_INPUT_EDGES", "NetworkView", "STRENGTHS"]

RASTER_EDGES = 2000  # with every input edge shown and more edges than this, edges are one repainted picture
GREY_LEVELS = 32  # neuron fills are quantised to this many steps (invisible, and keeps drawing cached)
INPUT_RECT = QRectF(*gl.INPUT_BOUNDS)  # where the 28×28 input image sits (each pixel an input neuron)
EDGE_PICK_PX = 4  # a click this close to an edge (in screen pixels) is on it


class NetworkView(pg.PlotWidget, NetworkHover):
    """The network graph: the picture from the explanation, alive."""

    neuron_selected = Signal(int, int)  #: (layer, index) clicked; (−1, −1) when the selection is cleared
    edge_clicked = Signal(int, int, int)  #: (layer, j, k): the edge into neuron j of layer from neuron k was clicked

    def __init__(self, parent=None):
        super().__init__(parent, background=theme.PLOT_BACKGROUND)
        plot = self.getPlotItem()
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setMenuEnabled(False)
        plot.hideButtons()  # the auto-range "A": the graph frames itself
        self.vb = plot.vb
        self.vb.setAspectLocked(True)
        self.vb.setMouseEnabled(False, False)
        # One rectangle around what changed, not the exact region: a frame changes edges all over the graph, and
        # clipped to a region of several rectangles Qt draws every line through its slow clipping (7 ms, not 3)
        self.setViewportUpdateMode(pg.QtWidgets.QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.setToolTip("")
        self.palette_name = "standard"
        self.input_edges_per_neuron = DEFAULT_INPUT_EDGES  # K: strongest input edges per first-layer neuron
        self.layout: NetworkLayout | None = None
        self.network: Network | None = None
        self.input: np.ndarray = np.zeros(784, np.float32)
        self.forward = None
        self.selected: tuple[int, int] | None = None
        self.hovered: tuple[int, int] | None = None
        self.hovered_edge: tuple[int, int, int] | None = None
        self.chosen: list[tuple[int, int, int]] = []  # weights marked as chosen (the Gradient descent dock's two)
        self.edge_steps: list[np.ndarray] | None = None  # −∂C/∂w per layer while the backprop overlay is on
        self.nudges: list[np.ndarray | None] | None = None

        self.edges = EdgeLines()  # the edges drawn (unless every input edge is: then the raster)
        plot.addItem(self.edges)
        self._edges_drawn = None  # what the edges show: (K, params, backprop steps, raster) as last drawn
        self._input_drawn = np.full(784, np.nan, np.float32)  # the input image as last drawn
        self.raster = EdgeRaster(self.vb)
        self.raster.setZValue(-1)
        plot.addItem(self.raster, ignoreBounds=True)
        self.highlight_items = [pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True) for _ in range(2)]
        for item in self.highlight_items:
            item.setZValue(5)
            plot.addItem(item)
        # the chosen weights' edges: above the input image, so an input edge shows the pixel it leaves
        self.chosen_item = pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True, pen=pg.mkPen(theme.CHOSEN, width=3))
        self.chosen_item.setZValue(10.5)
        plot.addItem(self.chosen_item)
        self.input_image = FastImageItem(axisOrder="row-major")
        self.input_image.setZValue(10)
        # kept as pixels: drawn through the view's y-flipping transform, Qt's slow path took 1.5 ms a frame
        self.input_image.setCacheMode(pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
        plot.addItem(self.input_image)
        greys = [pg.mkBrush(int(255 * i / GREY_LEVELS), int(255 * i / GREY_LEVELS), int(255 * i / GREY_LEVELS))
                 for i in range(GREY_LEVELS + 1)]
        self.neurons = NeuronDots(pg.mkPen("#8a93a3", width=1), greys)  # every neuron, in one of 33 greys
        self._neuron_size_drawn = None
        self.neurons.setZValue(10)
        plot.addItem(self.neurons, ignoreBounds=True)
        self.marks = NeuronDots(pg.mkPen(theme.ACCURACY, width=3), [None])  # a ring round the top output
        self.marks.setZValue(11)
        plot.addItem(self.marks, ignoreBounds=True)
        self.labels: list[pg.TextItem] = []
        self.hover_text = pg.TextItem(color=theme.TEXT, anchor=(0, 1), fill=pg.mkBrush(theme.on_background(230)))
        self.hover_text.setZValue(20)
        self.hover_image = pg.ImageItem(axisOrder="row-major", border=pg.mkPen(theme.TEXT, width=1))
        self.hover_image.setZValue(21)
        for item in (self.hover_text, self.hover_image):
            item.hide()
            plot.addItem(item)
        # backprop overlay: each neuron's nudge as a bar beside it, up (wants more activation) or down
        self.nudge_items = [pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True) for _ in range(2)]
        for item, colour in zip(self.nudge_items, (theme.NUDGE_UP, theme.NUDGE_DOWN)):
            item.setPen(pg.mkPen(colour, width=5))
            item.setZValue(12)
            plot.addItem(item)
        # The key to the colours, kept current here, placed above the graph by its panel (NetworkPanel).
        self.legend = GraphLegend()
        self.vb.sigResized.connect(self._on_resized)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self._apply_pens()

    # --- configuration ---------------------------------------------------------------------------------------
    def _activation_kinds(self) -> tuple[str, str] | None:
        net = self.network
        return None if net is None else (net.activation_name, net.output_name)

    def _update_legend(self) -> None:
        kinds = self._activation_kinds()
        self.legend.show_key(self.palette_name, kinds[0] if kinds else "sigmoid", self.edge_steps is not None,
                             self.neuron_name(*self.selected) if self.selected and self.network else None,
                             len(self.chosen))

    def neuron_name(self, layer: int, index: int) -> str:
        """How the key and the hover text name a neuron: "output neuron 3", "hidden layer 1, neuron 5"."""
        return gl.neuron_name(self.network.sizes, layer, index)

    def set_palette(self, name: str) -> None:
        """Standard (blue/red) or colour-blind-safe (blue/orange) edge colours."""
        self.palette_name = name
        self._update_legend()
        self._apply_pens()
        self._draw_highlight()

    def _apply_pens(self) -> None:
        # Opaque colours blended towards the background stand for opacity: Qt's raster engine draws opaque
        # one-pixel lines several times faster than translucent ones, and the strongest are drawn last, on top.
        colours = theme.PALETTES[self.palette_name]
        bg = np.array(theme.PLOT_BACKGROUND_RGB, float)
        pens = []
        for sign, key in enumerate(("positive", "negative")):
            c = np.array(colours[key], float)
            for s in range(STRENGTHS):
                mix = 0.12 + 0.88 * ((s + 1) / STRENGTHS) ** 1.6
                pens.append(pg.mkPen(tuple(int(v) for v in bg + (c - bg) * mix), width=1.0))
            self.highlight_items[sign].setPen(pg.mkPen(colours[key], width=2.5))  # a selected neuron's edges
        self._raster_pens = pens
        self.edges.set_pens(pens)
        self.raster.invalidate()
        self._edges_drawn = None

    def set_input_edges(self, k: int) -> None:
        """Draw the strongest ``k`` input edges per first-layer neuron (784 = all)."""
        self.input_edges_per_neuron = int(max(1, min(k, 784)))
        self._edges_drawn = None
        self._draw_edges()

    def set_architecture(self, sizes: tuple[int, ...]) -> None:
        """Lay out a network of these sizes (called when the architecture changes)."""
        self.layout = NetworkLayout(sizes)
        self._neuron_size_drawn = self._edges_drawn = None
        everything = np.concatenate([self.layout.all_start, self.layout.all_end])
        (x0, y0), (x1, y1) = everything.min(axis=0), everything.max(axis=0)
        self.edges.set_bounds(QRectF(x0, y0, x1 - x0, y1 - y0))
        plot = self.getPlotItem()
        for t in self.labels:
            plot.removeItem(t)
        self.labels = []
        for d, (x, y) in enumerate(self.layout.columns[-1]):
            t = pg.TextItem(str(d), color=theme.TEXT, anchor=(-0.6, 0.5))
            t.setCacheMode(pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)
            t.setPos(x, y)
            plot.addItem(t)
            self.labels.append(t)
        x_range, y_range = self.layout.view_range()
        self.vb.setRange(xRange=x_range, yRange=y_range, padding=0)
        self.selected = None
        self._update_legend()
        self.mark_weights([])
        self.hovered = self.hovered_edge = None
        self.hover_text.hide()
        self.hover_image.hide()

    # --- per frame ------------------------------------------------------------------------------------------
    def show_network(self, network: Network, x: np.ndarray, forward=None) -> None:
        """Draw ``network``'s activations for input ``x`` (784,) and its weights.

        ``forward`` (a ForwardPass of one row) replaces the forward pass of ``x``: the backprop overlay of a
        mini-batch shows the batch's mean image and mean activations this way.
        """
        if self.layout is None or self.layout.sizes != network.sizes:
            self.set_architecture(network.sizes)
        kinds_before = self._activation_kinds()
        self.network = network
        if self._activation_kinds() != kinds_before:  # the key says how this network's activations are shaded
            self._update_legend()
        self.input = np.asarray(x, np.float32).reshape(-1)
        self.forward = forward if forward is not None else network.forward(self.input[None, :])
        self._draw_neurons()
        self._draw_edges()
        self._draw_nudges()
        self._draw_highlight()
        if self.hovered is not None:
            self._show_hover(*self.hovered)
        elif self.hovered_edge is not None:
            self._show_edge_hover(*self.hovered_edge)

    def activations(self) -> list[np.ndarray]:
        """The activations drawn now, one ``(n_l,)`` array per layer (input first)."""
        return [a[0] for a in self.forward.activations] if self.forward else []

    def _draw_neurons(self) -> None:
        net, acts = self.network, self.activations()
        if not np.array_equal(self.input, self._input_drawn):  # a moment of the run shows the same drawing
            self._input_drawn = keep(self._input_drawn, self.input)
            self.input_image.setImage(upright(self.input.reshape(INPUT_SIDE, INPUT_SIDE)), levels=(0.0, 1.0),
                                      autoLevels=False, rect=INPUT_RECT)
        shades = np.concatenate([activation_shade(acts[l], net.activation_for(l).name) for l in range(1, len(acts))])
        # 33 greys: each is drawn once per size, and a paused network's frames change no fill (nothing repaints)
        levels = np.rint(np.clip(shades, 0, 1) * GREY_LEVELS).astype(np.intp)
        size, pixel = self._neuron_size(), self.vb.viewPixelSize()
        self.neurons.show_dots(self.layout.neuron_xy, levels, size, pixel)
        if self._neuron_size_drawn != (size, len(levels)):
            self._neuron_size_drawn = (size, len(levels))
            self._fit_labels(size)
        top = int(np.argmax(acts[-1]))
        self.marks.show_dots(self.layout.columns[-1][top : top + 1], [0], size + 8, pixel)

    def _on_resized(self, _vb=None) -> None:
        # neurons and labels are sized in pixels: a resized graph redraws them (also while paused, when no frame comes)
        if self.network is not None and self.forward is not None:
            self._draw_neurons()

    def _fit_labels(self, neuron_size: float) -> None:
        """The output digits' labels as tall as a neuron at most: in a small window they overlapped."""
        font = self.font()
        font.setPixelSize(int(np.clip(neuron_size * 1.1, 7, 13)))
        for label in self.labels:
            label.setFont(font)

    def _neuron_size(self) -> float:
        """Neuron diameter in pixels: 80 % of the spacing on screen, within 5-22 px."""
        _, unit_y = self.vb.viewPixelSize()
        return float(np.clip(self.layout.spacing / max(unit_y, 1e-9) * 0.8, 5, 22))

    def edges_per_neuron(self, layer: int) -> int:
        """Incoming edges drawn per neuron of weight layer ``layer`` (1 … L) at the current K (see
        :func:`nnviz.core.graph_layout.edges_per_neuron`)."""
        return gl.edges_per_neuron(self.network.sizes, layer, self.input_edges_per_neuron)

    def edge_weights(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """(edge indices, values) drawn for weight layer ``layer`` (1 … L): all, or the strongest few incoming
        edges of each neuron (:meth:`edges_per_neuron`).

        The values are the weights, or in the backprop overlay the step each weight would take, −∂C/∂w.
        """
        w = self.network.weights[layer - 1] if self.edge_steps is None else self.edge_steps[layer - 1]
        return gl.strongest_edges(w, self.edges_per_neuron(layer))

    def thinning_note(self) -> str:
        """What the graph leaves out to stay fast, in words ('' when it draws what was asked)."""
        return "" if self.network is None else gl.thinning_note(self.network.sizes, self.input_edges_per_neuron)

    def _draw_edges(self) -> None:
        if self.network is None:
            return
        # Every input edge shown: all edges as one incrementally repainted picture (see EdgeRaster).
        use_raster = (self.input_edges_per_neuron >= self.network.sizes[0]
                      and len(self.layout.all_start) > RASTER_EDGES)
        # The edges show the weights (or the overlay's steps): a stroke, or a frame of a paused network, changes
        # neither, and redraws none (comparing the parameters costs microseconds; redrawing, milliseconds).
        drawn = self._edges_drawn
        if (drawn is not None and drawn[0] == (self.input_edges_per_neuron, use_raster, self.vb.viewRect())
                and drawn[2] is self.edge_steps and np.array_equal(drawn[1], self.network.params)):
            return
        kept = keep(drawn[1] if drawn is not None else None, self.network.params)
        self._edges_drawn = ((self.input_edges_per_neuron, use_raster, self.vb.viewRect()), kept, self.edge_steps)
        starts, ends, keys = [], [], []
        for layer in range(1, len(self.network.sizes)):
            idx, w = self.edge_weights(layer)
            keys.append(gl.strength_buckets(w))
            if not use_raster:
                starts.append(self.layout.edge_start[layer - 1][idx])
                ends.append(self.layout.edge_end[layer - 1][idx])
        key = np.concatenate(keys)
        self.raster.setVisible(use_raster)
        self.edges.setVisible(not use_raster)
        if use_raster:  # every edge, in the layout's fixed order: the coordinates never change
            self.raster.show_edges(self.layout.all_start, self.layout.all_end, key, self._raster_pens)
            return
        self.raster.invalidate()
        self.edges.show_edges(np.concatenate(starts), np.concatenate(ends), key)

    # --- backpropagation overlay ----------------------------------------------------------------------------
    def set_backprop(self, steps: list[np.ndarray] | None, nudges: list[np.ndarray | None] | None) -> None:
        """Overlay backpropagation from the next frame on: ``steps[l]`` = −∂C/∂W of weight layer l+1 (drawn on the
        edges), ``nudges[l]`` = −∂C/∂a of layer l (bars beside the neurons). ``None`` returns to the weights."""
        self.edge_steps, self.nudges = steps, nudges
        self._update_legend()

    def _draw_nudges(self) -> None:
        if self.nudges is None or self.layout is None:
            if all(item.xData is None or not len(item.xData) for item in self.nudge_items):
                return  # none shown, none to show: the scene has nothing to repaint
            bars = (np.empty((0, 2)), np.empty((0, 2)))
        else:
            bars = gl.nudge_bars(self.layout, self.nudges)
        for item, pts in zip(self.nudge_items, bars):
            item.setData(pts[:, 0], pts[:, 1], connect="pairs")

    # --- selection and hover ------------------------------------------------------------------------------------
    def select(self, layer: int, index: int) -> None:
        """Highlight a neuron's incoming and outgoing edges and dim the rest; (−1, −1) clears."""
        self.selected = None if layer < 1 else (layer, index)
        self._update_legend()
        self._draw_highlight()

    def _draw_highlight(self) -> None:
        dim = self.selected is not None
        for item in (self.edges, self.raster):
            item.setOpacity(0.12 if dim else 1.0)  # (Qt repaints nothing when the opacity stays)
        if not dim or self.network is None:
            for item in self.highlight_items:
                if item.xData is not None and len(item.xData):  # only a selection to clear repaints
                    item.setData([], [])
            return
        start, end, w = gl.neuron_edges(self.layout, self.network.weights, *self.selected, self.input_edges_per_neuron)
        for item, sel in zip(self.highlight_items, (w >= 0, w < 0)):
            pts = gl.pairs(start[sel], end[sel])
            item.setData(pts[:, 0], pts[:, 1], connect="pairs")

    def mark_weights(self, chosen: list[tuple[int, int, int]]) -> None:
        """Draw the edges of these weights ``(layer, j, k)`` in the colour of the chosen (a bias has no edge)."""
        self.chosen = [tuple(w) for w in chosen]
        pts = gl.weight_segments(self.layout, self.chosen) if self.layout is not None else np.empty((0, 2))
        self.chosen_item.setData(pts[:, 0], pts[:, 1], connect="pairs")
        self._update_legend()

    def edge_at(self, x: float, y: float) -> tuple[int, int, int] | None:
        """The drawn edge ``(layer, j, k)`` under view point (x, y), within a few pixels; a selected neuron's own
        (bright) edges come before the dimmed rest."""
        if self.network is None:
            return None
        tolerance = EDGE_PICK_PX * self.vb.viewPixelSize()[0]
        if self.selected is not None:
            own = gl.neuron_edge_indices(self.network.weights, *self.selected, self.input_edges_per_neuron)
            hit = gl.edge_at(self.layout, own, x, y, tolerance)
            if hit is not None:
                return hit
        drawn = [self.edge_weights(layer)[0] for layer in range(1, len(self.network.sizes))]
        return gl.edge_at(self.layout, drawn, x, y, tolerance)

    @Slot(object)
    def _on_mouse_moved(self, scene_pos) -> None:
        if self.layout is None or self.network is None:
            return
        p = self.vb.mapSceneToView(scene_pos)
        hit = self.layout.neuron_at(p.x(), p.y())
        edge = self.edge_at(p.x(), p.y()) if hit is None else None
        if hit != self.hovered or edge != self.hovered_edge:
            self.hovered, self.hovered_edge = hit, edge
            if hit is not None:
                self._show_hover(*hit)
            elif edge is not None:
                self._show_edge_hover(*edge, at=(p.x(), p.y()))
            else:
                self._hide_hover()

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # a pointer that leaves straight from a neuron (onto a dock, or the tour's card) moves over no empty graph:
        # its box would stay, following the training, about a neuron no longer pointed at
        self._hide_hover()
        super().leaveEvent(event)

    @Slot(object)
    def _on_mouse_clicked(self, event) -> None:
        if self.layout is None or event.button() != Qt.MouseButton.LeftButton:
            return
        p = self.vb.mapSceneToView(event.scenePos())
        hit = self.layout.neuron_at(p.x(), p.y())
        edge = self.edge_at(p.x(), p.y()) if hit is None else None
        if edge is not None:  # an edge picks its weight; a selected neuron stays selected (pick two of its edges)
            self.edge_clicked.emit(*edge)
        elif hit is None or hit[0] == 0 or hit == self.selected:
            self.select(-1, -1)
            self.neuron_selected.emit(-1, -1)
        else:
            self.select(*hit)
            self.neuron_selected.emit(*hit)

    def edge_point(self, layer: int, j: int, k: int, t: float = 0.5) -> QPoint:
        """Viewport pixel coordinates of the point a fraction ``t`` along an edge, from its source (for tests and
        tools that click on it)."""
        start, end = self.layout.sources(layer)[k], self.layout.columns[layer - 1][j]
        return self._to_viewport(start + t * (end - start))

    def view_point(self, layer: int, index: int) -> QPoint:
        """Viewport pixel coordinates of a neuron (for tests and tools that hover or click on it)."""
        return self._to_viewport(self.layout.position(layer, index))

    def _to_viewport(self, at) -> QPoint:
        return self.mapFromScene(self.vb.mapViewToScene(QPointF(float(at[0]), float(at[1]))))
