"""Qt view of the cost over two chosen weights, everything else frozen, with a ball rolling downhill on it.

The heat map is exact (:class:`nnviz.core.landscape.TwoWeights`, computed in the background); darker is lower.
A click drops a ball there, which rolls by gradient descent at the current learning rate — a few steps per frame
on the window's thread, each one a forward and backward pass through the layers above the two weights only (well
under a millisecond). While a ball rolls, a newer surface waits, so the ball always rolls on the map it is drawn on.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal, Slot

from ..core.landscape import Ball, TwoWeights, TwoWeightSurface
from . import theme

EXPLANATION = ("<b>Two weights, everything else frozen.</b> The colour is the cost for every value of just these "
               "two (darker is lower); the cross is where they are now. Click anywhere to drop a ball: it rolls "
               "downhill by gradient descent with the current learning rate. Different starts can end in different "
               "valleys.")
STEPS_PER_FRAME = 8
FRAME_MS = 16


def weight_name(weight: tuple[int, int, int], n_in: int | None = None) -> str:
    """A weight's name in the explanation's terms: ``w`` into neuron j of layer l from neuron k, or a bias."""
    layer, j, k = weight
    if n_in is not None and k == n_in:
        return f"bias of neuron {j} in layer {layer}"
    below = "pixel" if layer == 1 else f"neuron (layer {layer - 1})"
    return f"weight into neuron {j} of layer {layer} from {below} {k}"


class TwoWeightsView(pg.GraphicsLayoutWidget):
    """The two-weight cost surface as a heat map; click to roll a ball down it."""

    ball_started = Signal(float, float)  #: a ball was dropped at these two weight values
    ball_stopped = Signal(int)  #: the ball stopped after this many steps

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground(theme.PLOT_BACKGROUND)
        self.plot = self.addPlot(row=0, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(theme.sequential_lut())
        self.plot.addItem(self.image)
        lut = theme.sequential_lut()
        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=pg.ColorMap(np.linspace(0, 1, len(lut)), lut),
                                        interactive=False, width=12, label="cost", colorMapMenu=False)
        self.addItem(self.colorbar, row=0, col=1)
        self.colorbar.setImageItem(self.image)
        self.path = pg.PlotDataItem([], [], pen=pg.mkPen(theme.TRAINING_PATH, width=1.5))
        self.ball = pg.ScatterPlotItem(size=13, brush=pg.mkBrush(theme.BALL), pen=pg.mkPen(theme.TRAINING_PATH))
        self.current = pg.ScatterPlotItem(size=14, symbol="x", brush=pg.mkBrush(theme.CURRENT_POINT),
                                          pen=pg.mkPen(theme.CURRENT_POINT, width=2))
        self.message = pg.TextItem(color=theme.TEXT, anchor=(0, 0))
        for it in (self.path, self.ball, self.current, self.message):
            it.setZValue(5)
            self.plot.addItem(it)
        self.surface: TwoWeightSurface | None = None
        self.weights: TwoWeights | None = None
        self.learning_rate = 1.0
        self.rolling: Ball | None = None
        self._waiting: tuple | None = None  # a newer surface, held back while a ball rolls
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._roll)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.show_message("Choose two weights: click two edges of the graph, or two pixels of a weight image.")

    # --- data -------------------------------------------------------------------------------------------------
    def set_names(self, first: str, second: str) -> None:
        """Label the axes with the two weights' names."""
        self.plot.setLabel("bottom", first)
        self.plot.setLabel("left", second)

    def show_message(self, text: str) -> None:
        """Say why there is no map (yet), or what went wrong."""
        self.message.setText(text)
        r = self.plot.vb.viewRect()
        self.message.setPos(r.left(), r.bottom() if r.height() < 0 else r.top())

    def show_surface(self, surface: TwoWeightSurface, weights: TwoWeights, learning_rate: float) -> None:
        """Draw ``surface``; ``weights`` (the same two, same network) rolls the balls; ``learning_rate`` is η."""
        if self.rolling is not None and not self.rolling.stopped:
            self._waiting = (surface, weights, learning_rate)
            return
        self.surface, self.weights, self.learning_rate = surface, weights, float(learning_rate)
        a, b, costs = surface.first, surface.second, surface.costs
        finite = costs[np.isfinite(costs)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        high = high if high > low else low + 1e-9
        self.image.setImage(np.nan_to_num(costs, nan=high, posinf=high), levels=(low, high), autoLevels=False)
        da, db = a[1] - a[0], b[1] - b[0]
        rect = QRectF(a[0] - da / 2, b[0] - db / 2, a[-1] - a[0] + da, b[-1] - b[0] + db)
        self.image.setRect(rect)
        self.colorbar.setLevels((low, high))
        self.plot.setRange(rect, padding=0)
        self.current.setData([surface.current[0]], [surface.current[1]])
        self.message.setText("")

    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The map's extent on each axis."""
        s = self.surface
        return (float(s.first[0]), float(s.first[-1])), (float(s.second[0]), float(s.second[-1]))

    def set_learning_rate(self, learning_rate: float) -> None:
        """η for the next ball dropped."""
        self.learning_rate = float(learning_rate)

    # --- the ball -----------------------------------------------------------------------------------------------
    def clear_ball(self) -> None:
        """Take the ball away (other weights were chosen); a surface held back meanwhile is drawn."""
        self._timer.stop()
        self.rolling = None
        self.path.setData([], [])
        self.ball.setData([], [])
        if self._waiting is not None:
            waiting, self._waiting = self._waiting, None
            self.show_surface(*waiting)

    def start_ball(self, first: float, second: float) -> None:
        """Drop a ball at these two weight values; it rolls a few steps per frame until it stops."""
        if self.weights is None:
            return
        self.rolling = Ball(self.weights, (first, second), self.learning_rate, bounds=self.bounds())
        self._draw_ball()
        self.ball_started.emit(float(first), float(second))
        self._timer.start()

    @Slot()
    def _roll(self) -> None:
        ball = self.rolling
        if ball is None:
            self._timer.stop()
            return
        going = ball.advance(STEPS_PER_FRAME)
        self._draw_ball()
        if not going:
            self._timer.stop()
            self.ball_stopped.emit(len(ball.path) - 1)
            if self._waiting is not None:
                waiting, self._waiting = self._waiting, None
                self.show_surface(*waiting)

    def _draw_ball(self) -> None:
        path = self.rolling.points()
        self.path.setData(path[:, 0], path[:, 1])
        self.ball.setData([path[-1, 0]], [path[-1, 1]])

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.rolling is not None and not self.rolling.stopped:
            self._timer.start()  # a ball paused while its tab was hidden rolls on

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._timer.stop()  # no work for a view nobody sees (and none after the window closes)
        super().hideEvent(event)

    def view_point(self, first: float, second: float):
        """Widget coordinates of the point with these two weight values (for tests and tools)."""
        return self.mapFromScene(self.plot.vb.mapViewToScene(QPointF(first, second)))

    @Slot(object)
    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.surface is None:
            return
        p = self.plot.vb.mapSceneToView(event.scenePos())
        (a0, a1), (b0, b1) = self.bounds()
        if a0 <= p.x() <= a1 and b0 <= p.y() <= b1:
            self.start_ball(p.x(), p.y())
