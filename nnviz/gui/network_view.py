"""Qt view of the network itself: neurons shaded by activation, edges coloured by the sign of their weight.

The input layer is drawn as the 28×28 image it is (each pixel one input neuron), the other layers as columns of
circles. Everything is a handful of large pyqtgraph items (ARCHITECTURE.md): all neurons in one scatter item, all
edges bucketed by sign and strength into ``2 × STRENGTHS`` curve items drawn with ``connect='pairs'``. Positions are
computed once per architecture; a frame only recomputes activations, buckets and colours.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import QLabel

from ..core.network import Network
from . import theme

STRENGTHS = 4  # brightness steps of |w|
RASTER_EDGES = 2000  # with every input edge shown and more edges than this, edges are one repainted picture
GREY_LEVELS = 32  # neuron fills are quantised to this many steps (invisible, and keeps drawing cached)
INPUT_SIDE = 28
MAX_COLUMN_HEIGHT = 1.8  # neuron columns span at most y = −0.9 … 0.9; the input image is the unit square
DEFAULT_INPUT_EDGES = 32  # strongest input edges drawn per first-layer neuron by default (784 = all)
# Lines the graph draws (unless every input edge is asked for, which goes through the repainted picture): Qt
# draws ~700 lines a millisecond, and a frame must leave the window responsive. Big layers are thinned to their
# strongest incoming edges per neuron; the default network (928 edges) is never thinned.
INPUT_EDGE_BUDGET = 2000  # edges from the input image
LAYER_EDGE_BUDGET = 1000  # edges between two layers of neurons
INPUT_RECT = QRectF(0.0, -0.5, 1.0, 1.0)  # where the 28×28 input image sits (each pixel an input neuron)


def activation_shade(a: np.ndarray, kind: str) -> np.ndarray:
    """Activations mapped to a fill level in [0, 1] (0 black → 1 white).

    Sigmoid and softmax already live in [0, 1]; tanh's (−1, 1) is mapped linearly; ReLU's unbounded values are
    shown relative to the layer's largest.
    """
    if kind == "tanh":
        return (a + 1.0) / 2.0
    if kind == "relu":
        top = float(a.max()) if a.size else 0.0
        return a / top if top > 0 else np.zeros_like(a)
    return np.clip(a, 0.0, 1.0)


def upright(image: np.ndarray) -> np.ndarray:
    """An image's rows bottom first: in this plot y grows upwards, and an ImageItem puts row 0 at the lowest y.

    Without it every digit would stand on its head, while the edges (placed by ``NetworkLayout.input_xy``, top row
    at the top) would still leave from the right pixels.
    """
    return image[::-1]


class NetworkLayout:
    """Where every neuron and edge sits for given layer sizes (computed once per architecture)."""

    def __init__(self, sizes: tuple[int, ...], column_gap: float = 0.85):
        self.sizes = tuple(sizes)
        L = len(sizes) - 1
        # input: the 28×28 image in the unit square [0, 1] × [−0.5, 0.5]; pixel (r, c) at its cell centre
        r, c = np.divmod(np.arange(sizes[0]), INPUT_SIDE)
        self.input_xy = np.column_stack([(c + 0.5) / INPUT_SIDE, 0.5 - (r + 0.5) / INPUT_SIDE])
        self.columns: list[np.ndarray] = []  # (n, 2) positions for layers 1..L
        for layer in range(1, L + 1):
            n = sizes[layer]
            height = min(MAX_COLUMN_HEIGHT, 0.11 * (n - 1)) if n > 1 else 0.0
            ys = np.linspace(height / 2, -height / 2, n) if n > 1 else np.zeros(1)
            self.columns.append(np.column_stack([np.full(n, 1.0 + column_gap * layer - 0.3), ys]))
        self.neuron_xy = np.concatenate(self.columns)
        self.layer_of = np.concatenate([np.full(sizes[l], l) for l in range(1, L + 1)])
        self.index_of = np.concatenate([np.arange(sizes[l]) for l in range(1, L + 1)])
        self.spacing = min((0.11, *(MAX_COLUMN_HEIGHT / max(n - 1, 1) for n in sizes[1:])))
        # edges of each weight layer: start (source) and end (target) coordinates, in W's row-major order
        self.edge_start, self.edge_end = [], []
        for layer in range(1, L + 1):
            src = self.input_xy if layer == 1 else self.columns[layer - 2]
            dst = self.columns[layer - 1]
            n_out, n_in = len(dst), len(src)
            self.edge_start.append(np.repeat(src[None, :, :], n_out, axis=0).reshape(-1, 2))
            self.edge_end.append(np.repeat(dst[:, None, :], n_in, axis=1).reshape(-1, 2))
        self.all_start, self.all_end = np.concatenate(self.edge_start), np.concatenate(self.edge_end)

    def neuron_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (layer, index) of the neuron drawn at view point (x, y), if any (layer 0: an input pixel)."""
        if 0.0 <= x <= 1.0 and -0.5 <= y <= 0.5:
            c = min(int(x * INPUT_SIDE), INPUT_SIDE - 1)
            r = min(int((0.5 - y) * INPUT_SIDE), INPUT_SIDE - 1)
            return 0, r * INPUT_SIDE + c
        d = np.hypot(self.neuron_xy[:, 0] - x, self.neuron_xy[:, 1] - y)
        i = int(np.argmin(d))
        if d[i] <= max(self.spacing * 0.6, 0.03):
            return int(self.layer_of[i]), int(self.index_of[i])
        return None


class EdgeRaster(pg.GraphicsObject):
    """The input layer's edges when all 784 per neuron are shown, kept as one picture and repainted incrementally.

    Rasterising 12,544 lines costs Qt ~20 ms, too slow for every frame. Between frames only a few edges move to
    another sign/strength bucket: those are redrawn on top of the picture (strongest last), and the whole picture
    only when many change, the view is resized or the colours change. (A redrawn weaker edge may cover a stronger
    neighbour's crossing pixel until the next full redraw, which is not visible.)
    """

    FULL_REDRAW_FRACTION = 0.1

    def __init__(self, vb: pg.ViewBox):
        super().__init__()
        self.vb = vb
        self.image: QImage | None = None
        self.rect = QRectF()
        self.keys: np.ndarray | None = None
        self.pens: list[QPen] = []
        self.px_start = self.px_end = None
        self.full_redraws = 0

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(self.rect)

    def paint(self, painter, *args) -> None:
        if self.image is None:
            return
        # A plain 1:1 blit in device pixels: through the view's y-flipping transform Qt takes a slow path.
        corner = painter.transform().map(QPointF(self.rect.left(), self.rect.bottom()))
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(round(corner.x()), round(corner.y())), self.image)
        painter.restore()

    def invalidate(self) -> None:
        """Redraw everything at the next update (new colours, new layout)."""
        self.keys = None

    def show_edges(self, start: np.ndarray, end: np.ndarray, keys: np.ndarray, pens: list[QPen]) -> None:
        """Draw edges (view coordinates ``(n, 2)`` each) in the colour of their bucket ``keys``."""
        rect = self.vb.viewRect()
        w, h = max(int(self.vb.width()), 1), max(int(self.vb.height()), 1)
        if self.image is None or rect != self.rect or (self.image.width(), self.image.height()) != (w, h):
            self.prepareGeometryChange()
            self.rect = QRectF(rect)
            self.image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
            self.keys = None
        if self.keys is None or len(self.keys) != len(keys) or pens is not self.pens:
            sx, sy = w / rect.width(), h / rect.height()
            # image rows run down the screen: y = max at row 0 (the view's y axis points up)
            self.px_start = np.column_stack([(start[:, 0] - rect.left()) * sx, (rect.bottom() - start[:, 1]) * sy])
            self.px_end = np.column_stack([(end[:, 0] - rect.left()) * sx, (rect.bottom() - end[:, 1]) * sy])
            self.image.fill(0)
            self.pens = pens
            todo = np.arange(len(keys))
            self.full_redraws += 1
        else:
            todo = np.flatnonzero(keys != self.keys)
            if len(todo) > self.FULL_REDRAW_FRACTION * len(keys):
                self.keys = None
                self.show_edges(start, end, keys, pens)
                return
        self.keys = keys.copy()
        if len(todo):
            p = QPainter(self.image)
            strength = todo[np.argsort(keys[todo] % STRENGTHS, kind="stable")]  # weakest first, strongest on top
            for k in np.unique(keys[strength] % STRENGTHS):
                for sign in (0, STRENGTHS):
                    sel = strength[keys[strength] == sign + k]
                    if len(sel):
                        p.setPen(pens[sign + k])
                        a, b = self.px_start[sel], self.px_end[sel]
                        p.drawLines([QLineF(*a[i], *b[i]) for i in range(len(sel))])
            p.end()
        self.update()


class NetworkView(pg.PlotWidget):
    """The network graph: the picture from the explanation, alive."""

    neuron_selected = Signal(int, int)  #: (layer, index) clicked; (−1, −1) when the selection is cleared

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
        self.setToolTip("")
        self.palette_name = "standard"
        self.input_edges_per_neuron = DEFAULT_INPUT_EDGES  # K: strongest input edges per first-layer neuron
        self.layout: NetworkLayout | None = None
        self.network: Network | None = None
        self.input: np.ndarray = np.zeros(784, np.float32)
        self.forward = None
        self.selected: tuple[int, int] | None = None
        self.hovered: tuple[int, int] | None = None
        self.edge_steps: list[np.ndarray] | None = None  # −∂C/∂w per layer while the backprop overlay is on
        self.nudges: list[np.ndarray | None] | None = None

        self.edge_items = [pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True) for _ in range(2 * STRENGTHS)]
        for item in self.edge_items:
            plot.addItem(item)
        self.raster = EdgeRaster(self.vb)
        self.raster.setZValue(-1)
        plot.addItem(self.raster, ignoreBounds=True)
        self.highlight_items = [pg.PlotCurveItem(connect="pairs", skipFiniteCheck=True) for _ in range(2)]
        for item in self.highlight_items:
            item.setZValue(5)
            plot.addItem(item)
        self.input_image = pg.ImageItem(axisOrder="row-major")
        self.input_image.setZValue(10)
        plot.addItem(self.input_image)
        self.neurons = pg.ScatterPlotItem(pxMode=True, pen=pg.mkPen("#8a93a3", width=1))
        self._greys = [pg.mkBrush(int(255 * i / GREY_LEVELS), int(255 * i / GREY_LEVELS), int(255 * i / GREY_LEVELS))
                       for i in range(GREY_LEVELS + 1)]
        self._neuron_size_drawn = None
        self.neurons.setZValue(10)
        plot.addItem(self.neurons)
        self.marks = pg.ScatterPlotItem(pxMode=True, brush=None, pen=pg.mkPen(theme.ACCURACY, width=3))
        self.marks.setZValue(11)
        plot.addItem(self.marks)
        self.labels: list[pg.TextItem] = []
        self.hover_text = pg.TextItem(color=theme.TEXT, anchor=(0, 1), fill=pg.mkBrush(21, 24, 29, 230))
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
        # The key to the colours, as a strip for the window to place above the graph: outside the plot it wraps to
        # any width and never covers a neuron.
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setStyleSheet(f"background:{theme.PLOT_BACKGROUND}; padding:4px 8px;")
        self.legend.setText(self._legend_html())
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self._apply_pens()

    # --- configuration ---------------------------------------------------------------------------------------
    def _activation_kinds(self) -> tuple[str, str] | None:
        net = getattr(self, "network", None)
        return None if net is None else (net.activation_name, net.output_name)

    def _fill_key(self) -> str:
        """How a neuron's fill reads, for this network's activations."""
        kinds = self._activation_kinds()
        hidden = kinds[0] if kinds else "sigmoid"
        if hidden == "relu":
            return "neuron fill = activation: black 0 → white 1 (hidden ReLU layers: → white at their largest)"
        if hidden == "tanh":
            return "neuron fill = activation: black 0 → white 1 (hidden tanh layers: black −1 → white 1)"
        return "neuron fill = activation: black 0 → white 1"

    def _legend_html(self) -> str:
        pos, neg = (theme.PALETTES[self.palette_name][k] for k in ("positive", "negative"))
        if self.edge_steps is not None:
            return (f"<span style='color:{theme.TEXT}; font-size:9pt'>backpropagation for one example (or a "
                    f"mini-batch's average)<br>bars: each neuron's nudge −∂C/∂a, <span style='color:{theme.NUDGE_UP}'>"
                    f"up</span> = should be more active, <span style='color:{theme.NUDGE_DOWN}'>down</span> = less"
                    f"<br>edges: the step −∂C/∂w, <span style='color:rgb{pos}'>weight should grow</span>, "
                    f"<span style='color:rgb{neg}'>shrink</span>, brighter = larger</span>")
        return (f"<span style='color:{theme.TEXT}; font-size:9pt'>{self._fill_key()}"
                f"<br>edges: <span style='color:rgb{pos}'>positive weight</span>, <span style='color:rgb{neg}'>"
                "negative weight</span>, brighter = larger |w|<br>hover a neuron for its numbers, click to follow "
                "its connections</span>")

    def set_palette(self, name: str) -> None:
        """Standard (blue/red) or colour-blind-safe (blue/orange) edge colours."""
        self.palette_name = name
        self.legend.setText(self._legend_html())
        self._apply_pens()
        self._draw_highlight()

    def _apply_pens(self) -> None:
        # Opaque colours blended towards the background stand for opacity: Qt's raster engine draws opaque
        # one-pixel lines several times faster than translucent ones, and the strongest are drawn last, on top.
        colours = theme.PALETTES[self.palette_name]
        bg = np.array([21, 24, 29], float)
        for sign, key in enumerate(("positive", "negative")):
            c = np.array(colours[key], float)
            for s in range(STRENGTHS):
                mix = 0.12 + 0.88 * ((s + 1) / STRENGTHS) ** 1.6
                rgb = tuple(int(v) for v in bg + (c - bg) * mix)
                item = self.edge_items[sign * STRENGTHS + s]
                item.setPen(pg.mkPen(rgb, width=1.0))
                item.setZValue(s * 0.1)
        self._raster_pens = [item.opts["pen"] for item in self.edge_items]
        if hasattr(self, "raster"):
            self.raster.invalidate()
            self.highlight_items[sign].setPen(pg.mkPen(colours[key], width=2.5))

    def set_input_edges(self, k: int) -> None:
        """Draw the strongest ``k`` input edges per first-layer neuron (784 = all)."""
        self.input_edges_per_neuron = int(max(1, min(k, 784)))
        self._draw_edges()

    def set_architecture(self, sizes: tuple[int, ...]) -> None:
        """Lay out a network of these sizes (called when the architecture changes)."""
        self.layout = NetworkLayout(sizes)
        self._neuron_size_drawn = None
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
        xs = self.layout.neuron_xy[:, 0]
        self.vb.setRange(xRange=(-0.05, xs.max() + 0.25), yRange=(-0.97, 0.97), padding=0)
        self.selected = None
        self.hovered = None
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
            self.legend.setText(self._legend_html())
        self.input = np.asarray(x, np.float32).reshape(-1)
        self.forward = forward if forward is not None else network.forward(self.input[None, :])
        self._draw_neurons()
        self._draw_edges()
        self._draw_nudges()
        self._draw_highlight()
        if self.hovered is not None:
            self._show_hover(*self.hovered)

    def activations(self) -> list[np.ndarray]:
        """The activations drawn now, one ``(n_l,)`` array per layer (input first)."""
        return [a[0] for a in self.forward.activations] if self.forward else []

    def _draw_neurons(self) -> None:
        net, acts = self.network, self.activations()
        self.input_image.setImage(upright(self.input.reshape(INPUT_SIDE, INPUT_SIDE)), levels=(0.0, 1.0),
                                  autoLevels=False, rect=INPUT_RECT)
        shades = np.concatenate([activation_shade(acts[l], net.activation_for(l).name) for l in range(1, len(acts))])
        # 33 shared grey brushes: the scatter item renders each distinct brush once, then reuses it
        levels = np.rint(np.clip(shades, 0, 1) * GREY_LEVELS).astype(np.intp)
        brushes = [self._greys[i] for i in levels]
        size = self._neuron_size()
        if self._neuron_size_drawn != (size, len(levels)):
            self.neurons.setData(pos=self.layout.neuron_xy, brush=brushes, size=size)
            self._neuron_size_drawn = (size, len(levels))
        else:
            self.neurons.setBrush(brushes)
        out = acts[-1]
        top = int(np.argmax(out))
        self.marks.setData(pos=self.layout.columns[-1][top : top + 1], size=size + 8)

    def _neuron_size(self) -> float:
        """Neuron diameter in pixels: 80 % of the spacing on screen, within 5-22 px."""
        _, unit_y = self.vb.viewPixelSize()
        return float(np.clip(self.layout.spacing / max(unit_y, 1e-9) * 0.8, 5, 22))

    def edges_per_neuron(self, layer: int) -> int:
        """Incoming edges drawn per neuron of ``layer`` (1 … L): K for the input edges, else all, each thinned to
        the strongest few when the layer is large (see INPUT_EDGE_BUDGET); every one when all input edges are
        asked for (K = 784)."""
        n_out, n_in = self.network.weights[layer - 1].shape
        if layer == 1:
            k = self.input_edges_per_neuron
            return k if k >= n_in else min(k, max(1, INPUT_EDGE_BUDGET // n_out))
        if self.input_edges_per_neuron >= self.network.sizes[0]:
            return n_in
        return n_in if n_in * n_out <= LAYER_EDGE_BUDGET else max(1, LAYER_EDGE_BUDGET // n_out)

    def edge_weights(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """(edge indices, values) drawn for weight layer ``layer`` (1 … L): all, or the strongest few incoming
        edges of each neuron (:meth:`edges_per_neuron`).

        The values are the weights, or in the backprop overlay the step each weight would take, −∂C/∂w.
        """
        w = self.network.weights[layer - 1] if self.edge_steps is None else self.edge_steps[layer - 1]
        k = self.edges_per_neuron(layer)
        if k < w.shape[1]:
            cols = np.argpartition(-np.abs(w), k - 1, axis=1)[:, :k]
            idx = (np.arange(w.shape[0])[:, None] * w.shape[1] + cols).reshape(-1)
            return idx, w.reshape(-1)[idx]
        return np.arange(w.size), w.reshape(-1)

    def thinning_note(self) -> str:
        """What the graph leaves out to stay fast, in words ('' when it draws what was asked)."""
        if self.network is None:
            return ""
        k1 = self.edges_per_neuron(1)
        thinned = [l for l in range(2, len(self.network.sizes)) if self.edges_per_neuron(l) < self.network.sizes[l - 1]]
        parts = []
        if k1 < min(self.input_edges_per_neuron, self.network.sizes[0]):
            parts.append(f"{k1} input edges per neuron")
        if thinned:
            parts.append("the strongest incoming edges between large layers")
        return ("large network: showing " + " and ".join(parts)) if parts else ""

    def _draw_edges(self) -> None:
        if self.network is None:
            return
        starts, ends, keys = [], [], []
        # Every input edge shown: all edges as one incrementally repainted picture (see EdgeRaster).
        use_raster = (self.input_edges_per_neuron >= self.network.sizes[0]
                      and len(self.layout.all_start) > RASTER_EDGES)
        for layer in range(1, len(self.network.sizes)):
            idx, w = self.edge_weights(layer)
            a = np.abs(w)
            # the strength scale is the 98th percentile of |w|, rounded to a nice number so that it (and so every
            # edge's bucket) changes only now and then, not on every frame
            scale = theme.nice_limit(float(np.partition(a, int(0.98 * (len(a) - 1)))[int(0.98 * (len(a) - 1))]))
            strength = np.minimum((a / scale * STRENGTHS).astype(np.intp), STRENGTHS - 1)
            keys.append(np.where(w >= 0, 0, STRENGTHS) + strength)
            if not use_raster:
                starts.append(self.layout.edge_start[layer - 1][idx])
                ends.append(self.layout.edge_end[layer - 1][idx])
        key = np.concatenate(keys)
        self.edge_count = len(key)
        self.raster.setVisible(use_raster)
        if use_raster:  # every edge, in the layout's fixed order: the coordinates never change
            self.raster.show_edges(self.layout.all_start, self.layout.all_end, key, self._raster_pens)
            for item in self.edge_items:
                item.setData([], [])
            return
        self.raster.invalidate()
        start, end = np.concatenate(starts), np.concatenate(ends)
        order = np.argsort(key, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(key, minlength=2 * STRENGTHS))])
        for b, item in enumerate(self.edge_items):
            sel = order[bounds[b] : bounds[b + 1]]
            pts = np.empty((2 * len(sel), 2))
            pts[0::2], pts[1::2] = start[sel], end[sel]
            item.setData(pts[:, 0], pts[:, 1], connect="pairs")

    # --- backpropagation overlay ----------------------------------------------------------------------------
    def set_backprop(self, steps: list[np.ndarray] | None, nudges: list[np.ndarray | None] | None) -> None:
        """Overlay backpropagation from the next frame on: ``steps[l]`` = −∂C/∂W of weight layer l+1 (drawn on the
        edges), ``nudges[l]`` = −∂C/∂a of layer l (bars beside the neurons). ``None`` returns to the weights."""
        self.edge_steps, self.nudges = steps, nudges
        self.legend.setText(self._legend_html())

    def _draw_nudges(self) -> None:
        if self.nudges is None or self.layout is None:
            for item in self.nudge_items:
                item.setData([], [])
            return
        up, down = [], []
        for layer in range(1, len(self.layout.sizes)):
            n = self.nudges[layer]
            if n is None:
                continue
            xy = self.layout.columns[layer - 1]
            scale = float(np.abs(n).max()) or 1.0
            h = n / scale * self.layout.spacing * 1.6  # the largest nudge of a layer spans about 1.6 neuron gaps
            x = xy[:, 0] - self.layout.spacing * 0.9
            for j in range(len(n)):
                seg = [(x[j], xy[j, 1]), (x[j], xy[j, 1] + h[j])]
                (up if n[j] > 0 else down).extend(seg)
        for item, pts in zip(self.nudge_items, (up, down)):
            a = np.asarray(pts, float).reshape(-1, 2)
            item.setData(a[:, 0], a[:, 1], connect="pairs")

    # --- selection and hover ------------------------------------------------------------------------------------
    def select(self, layer: int, index: int) -> None:
        """Highlight a neuron's incoming and outgoing edges and dim the rest; (−1, −1) clears."""
        self.selected = None if layer < 1 else (layer, index)
        self._draw_highlight()

    def _draw_highlight(self) -> None:
        dim = self.selected is not None
        for item in (*self.edge_items, self.raster):
            item.setOpacity(0.12 if dim else 1.0)
        if not dim or self.network is None:
            for item in self.highlight_items:
                item.setData([], [])
            self.marks.setPen(pg.mkPen(theme.ACCURACY, width=3))
            return
        layer, j = self.selected
        segs, signs = [], []
        w_in = self.network.weights[layer - 1][j]
        src = self.layout.input_xy if layer == 1 else self.layout.columns[layer - 2]
        me = self.layout.columns[layer - 1][j]
        if layer == 1 and self.input_edges_per_neuron < len(w_in):
            keep = np.argpartition(-np.abs(w_in), self.input_edges_per_neuron - 1)[: self.input_edges_per_neuron]
        else:
            keep = np.arange(len(w_in))
        segs += [(src[i], me) for i in keep]
        signs += [w_in[i] >= 0 for i in keep]
        if layer < len(self.network.sizes) - 1:
            w_out = self.network.weights[layer][:, j]
            dst = self.layout.columns[layer]
            segs += [(me, dst[i]) for i in range(len(w_out))]
            signs += [w_out[i] >= 0 for i in range(len(w_out))]
        signs = np.asarray(signs)
        segs = np.asarray(segs, dtype=float).reshape(-1, 2, 2)
        for k, item in enumerate(self.highlight_items):
            part = segs[signs == (k == 0)].reshape(-1, 2)
            item.setData(part[:, 0], part[:, 1], connect="pairs")

    def describe(self, layer: int, index: int) -> str:
        """Hover text for a neuron: activation, bias and weighted sum (HTML)."""
        acts = self.activations()
        if layer == 0:
            r, c = divmod(index, INPUT_SIDE)
            return f"<b>input pixel ({r}, {c})</b><br>activation {acts[0][index]:.3f}"
        z = self.forward.weighted_sums[layer - 1][0][index]
        name = "output neuron <b>" + str(index) + "</b>" if layer == len(self.network.sizes) - 1 else \
            f"hidden layer {layer}, neuron <b>{index}</b>"
        return (f"{name}<br>activation a = {acts[layer][index]:.3f}<br>bias b = "
                f"{self.network.biases[layer - 1][index]:+.3f}<br>weighted sum z = Σ w·a + b = {z:+.3f}")

    def _show_hover(self, layer: int, index: int) -> None:
        thumbnail = layer == 1 and self.network.sizes[0] == INPUT_SIDE * INPUT_SIDE
        note = "<br>below: its 784 incoming weights" if thumbnail else ""
        self.hover_text.setHtml(f"<div style='color:{theme.TEXT}'>{self.describe(layer, index)}{note}</div>")
        pos = self.layout.input_xy[index] if layer == 0 else self.layout.columns[layer - 1][index]
        # The box keeps its size in pixels; in view units it is that times the view's size of a pixel. It sits
        # up and to the right of the neuron (moved down if it would leave the top), the thumbnail under it (or
        # over it, near the bottom).
        px_w, px_h = self.vb.viewPixelSize()
        box = self.hover_text.textItem.boundingRect()
        width, height = box.width() * px_w, box.height() * px_h
        (_, x_max), (_, y_max) = self.vb.viewRange()
        left, bottom = float(pos[0]) + 0.05, float(pos[1]) + 0.02
        if left + width > x_max:  # the output layer: open to the left of the neuron instead
            left = float(pos[0]) - 0.05 - width
        bottom = min(bottom, y_max - height)
        self.hover_text.setPos(left, bottom)
        self.hover_text.show()
        if thumbnail:
            w = self.network.weights[0][index].reshape(INPUT_SIDE, INPUT_SIDE)
            lim = float(np.abs(w).max()) or 1.0
            side, (y_min, _) = 0.4, self.vb.viewRange()[1]
            y = bottom - 0.04 - side if bottom - 0.04 - side >= y_min else bottom + height + 0.02
            self.hover_image.setImage(upright(w), levels=(-lim, lim), lut=theme.diverging_lut(self.palette_name),
                                      autoLevels=False, rect=QRectF(left, y, side, side))
            self.hover_image.show()
        else:
            self.hover_image.hide()

    @Slot(object)
    def _on_mouse_moved(self, scene_pos) -> None:
        if self.layout is None or self.network is None:
            return
        p = self.vb.mapSceneToView(scene_pos)
        hit = self.layout.neuron_at(p.x(), p.y())
        if hit != self.hovered:
            self.hovered = hit
            if hit is None:
                self.hover_text.hide()
                self.hover_image.hide()
            else:
                self._show_hover(*hit)

    @Slot(object)
    def _on_mouse_clicked(self, event) -> None:
        if self.layout is None or event.button() != Qt.MouseButton.LeftButton:
            return
        p = self.vb.mapSceneToView(event.scenePos())
        hit = self.layout.neuron_at(p.x(), p.y())
        if hit is None or hit[0] == 0 or hit == self.selected:
            self.select(-1, -1)
            self.neuron_selected.emit(-1, -1)
        else:
            self.select(*hit)
            self.neuron_selected.emit(*hit)

    def view_point(self, layer: int, index: int) -> QPoint:
        """Viewport pixel coordinates of a neuron (for tests and tools that hover or click on it)."""
        pos = self.layout.input_xy[index] if layer == 0 else self.layout.columns[layer - 1][index]
        scene = self.vb.mapViewToScene(QPointF(float(pos[0]), float(pos[1])))
        return self.mapFromScene(scene)
