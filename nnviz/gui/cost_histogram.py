"""Qt view of every test example's cost: a histogram on a logarithmic cost axis, with their average marked.

The explanation defines the cost of one example and the cost function as the average over all of them; this draws
both at once. One stepped curve and one line, built once. The bins are a tenth of a decade each and the axis spans
whole decades, widened only when the costs leave it, so a new network rarely moves it.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from . import theme

BINS_PER_DECADE = 10
LOWEST = 1e-7  # costs below (a network certain and right) are counted in the first bin


class CostHistogram(pg.PlotWidget):
    """How many test images have each cost (log scale), and the average cost: the network's cost on them."""

    def __init__(self, parent=None):
        super().__init__(parent, background=theme.PLOT_BACKGROUND)
        self.setToolTip(
            "Every test image has its own cost: how far the ten outputs are from the answer they should give. "
            "This histogram counts the images at each cost (the axis is logarithmic: each step is ten times more). "
            "Most images sit far left — read right and confidently; the few on the right are the hardest "
            "examples. The line marks their average, which is the cost function itself: the number gradient "
            "descent pushes down and the cost plot shows.")
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(False, False)
        plot.setLabel("bottom", "cost of one image (log scale)")
        plot.setLabel("left", "images")
        # the curve is given log10 of the costs (bare curves ignore log mode); the axis labels powers of ten
        plot.getAxis("bottom").setLogMode(True, False)
        for side in ("bottom", "left"):
            plot.getAxis(side).enableAutoSIPrefix(False)
        self.curve = pg.PlotCurveItem(np.zeros(2), np.zeros(1), stepMode="center", fillLevel=0, brush=pg.mkBrush(theme.HISTOGRAM),
                                      pen=pg.mkPen(theme.HISTOGRAM, width=1), skipFiniteCheck=True)
        plot.addItem(self.curve)
        self.mean_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.COST_AVERAGE, width=2))
        plot.addItem(self.mean_line)
        self.mean_label = pg.TextItem(color=theme.COST_AVERAGE, anchor=(0, 0))
        plot.addItem(self.mean_label)
        self.mean_cost = float("nan")
        self.counts = np.zeros(0, np.int64)
        self.edges = np.zeros(1)
        self._x_range = None
        self._y_top = 0.0

    def show_costs(self, costs: np.ndarray) -> None:
        """Draw the histogram of ``costs`` ``(n,)`` (one per example) and mark their mean."""
        costs = np.asarray(costs, np.float64)
        self.mean_cost = float(costs.mean()) if len(costs) else float("nan")
        logs = np.log10(np.maximum(costs, LOWEST))
        low = math.floor(logs.min(initial=0.0))
        high = max(math.ceil(logs.max(initial=0.0) + 1e-9), low + 1)
        if self._x_range is None or low < self._x_range[0] or high > self._x_range[1]:
            self._x_range = (min(low, self._x_range[0]) if self._x_range else low,
                             max(high, self._x_range[1]) if self._x_range else high)
            self.getPlotItem().setXRange(*self._x_range, padding=0.01)
        lo, hi = self._x_range
        n_bins = int(round((hi - lo) * BINS_PER_DECADE))
        self.edges = np.linspace(lo, hi, n_bins + 1)
        # equal bins in log10: each cost's bin is a floor, counted with bincount (a third of np.histogram's time)
        bins = np.minimum(((logs - lo) * BINS_PER_DECADE).astype(np.intp), n_bins - 1)
        self.counts = np.bincount(bins, minlength=n_bins)
        self.curve.setData(self.edges, self.counts)
        top = float(self.counts.max(initial=1))
        if top > self._y_top or top < 0.5 * self._y_top:  # steps, not every frame
            self._y_top = top * 1.15
            self.getPlotItem().setYRange(0, self._y_top, padding=0)
        if math.isfinite(self.mean_cost):
            x = math.log10(max(self.mean_cost, LOWEST))
            self.mean_line.setValue(x)
            self.mean_label.setText(f"average {self.mean_cost:.4g}\n= the cost")
            self.mean_label.setPos(x, self._y_top)

    def reset_range(self) -> None:
        """Let the next histogram choose its axes afresh (a new run, or another network size)."""
        self._x_range, self._y_top = None, 0.0
