"""Qt view of the cost over two chosen weights, everything else frozen, with a ball rolling downhill on it.

The heat map is exact (:class:`nnviz.core.landscape.TwoWeights`, computed in the background); darker is lower.
A click drops a ball there, which rolls by gradient descent at the current learning rate — a few steps per frame
on the window's thread, each one a forward and backward pass through the layers above the two weights only (well
under a millisecond). While a ball rolls, a newer surface waits, so the ball always rolls on the map it is drawn on.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal, Slot

from ..core.landscape import Ball, TwoWeights, TwoWeightSurface
from . import theme
from .cost_map import CostMap

EXPLANATION = ("<b>Two weights, everything else frozen.</b> The colour is the cost for every value of just these "
               "two (darker is lower); the cross is where they are now. Click anywhere to drop a ball: it rolls "
               "downhill by gradient descent with the current learning rate. Different starts can end in different "
               "valleys.")
SUMMARY = ("<b>Two weights, everything else frozen:</b> the cost over just these two, darker is lower; click the map "
           "to roll a ball downhill.")
STEPS_PER_FRAME = 8
FRAME_MS = 16


def weight_name(weight: tuple[int, int, int], n_in: int | None = None) -> str:
    """A weight's name in the explanation's terms: ``w`` into neuron j of layer l from neuron k, or a bias."""
    layer, j, k = weight
    if n_in is not None and k == n_in:
        return f"bias of neuron {j} in layer {layer}"
    below = "pixel" if layer == 1 else f"neuron (layer {layer - 1})"
    return f"weight into neuron {j} of layer {layer} from {below} {k}"


def weight_label(weight: tuple[int, int, int], n_in: int | None = None) -> str:
    """A weight's short name: ``w[l][j,k]`` (into neuron j of layer l from neuron k below), or ``b[l][j]``."""
    layer, j, k = weight
    return f"b[{layer}][{j}]" if n_in is not None and k == n_in else f"w[{layer}][{j},{k}]"


class TwoWeightsView(CostMap):
    """The two-weight cost surface as a heat map; click to roll a ball down it."""

    ball_started = Signal(float, float)  #: a ball was dropped at these two weight values
    ball_stopped = Signal(int)  #: the ball stopped after this many steps

    def __init__(self, parent=None):
        super().__init__("cost", parent)
        self.path = self.mark(pg.PlotDataItem([], [], pen=pg.mkPen(theme.TRAINING_PATH, width=1.5)))
        self.ball = self.mark(pg.ScatterPlotItem(size=13, brush=pg.mkBrush(theme.BALL),
                                                 pen=pg.mkPen(theme.TRAINING_PATH)))
        self.current = self.mark(pg.ScatterPlotItem(size=14, symbol="x", brush=pg.mkBrush(theme.CURRENT_POINT),
                                                    pen=pg.mkPen(theme.CURRENT_POINT, width=2)))
        self.surface: TwoWeightSurface | None = None
        self.weights: TwoWeights | None = None
        self.learning_rate = 1.0
        self.rolling: Ball | None = None
        self._waiting: tuple | None = None  # a newer surface, held back while a ball rolls
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._roll)
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.show_message("Choose two weights: click two edges of the graph, or Ctrl+click two pixels of a weight "
                          "image.")

    # --- data -------------------------------------------------------------------------------------------------
    def set_names(self, first: str, second: str) -> None:
        """Label the axes with the two weights' names."""
        self.plot.setLabel("bottom", first)
        self.plot.setLabel("left", second)

    def show_surface(self, surface: TwoWeightSurface, weights: TwoWeights, learning_rate: float) -> None:
        """Draw ``surface``; ``weights`` (the same two, same network) rolls the balls; ``learning_rate`` is η."""
        if self.rolling is not None and not self.rolling.stopped:
            self._waiting = (surface, weights, learning_rate)
            return
        self.surface, self.weights, self.learning_rate = surface, weights, float(learning_rate)
        self.draw_costs(surface.first, surface.second, surface.costs)
        self.current.setData([surface.current[0]], [surface.current[1]])

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
