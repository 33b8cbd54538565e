"""Qt view of every test example's cost: a histogram on a logarithmic cost axis, with their average marked.

The explanation defines the cost of one example and the cost function as the average over all of them; this draws
both at once. Painted by itself (see ``painted_chart``): the axes are cached, the bars are one ``drawRects`` call.
The bins are a tenth of a decade each; the axis spans whole decades and the count axis grows in steps, widened
only when the data leave them, so a new network rarely redraws the background.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from . import theme
from .painted_chart import PaintedChart, nice_ticks, superscript

BINS_PER_DECADE = 10
LOWEST = 1e-7  # costs below (a network certain and right) are counted in the first bin


class CostHistogram(PaintedChart):
    """How many test images have each cost (log scale), and the average cost: the network's cost on them."""

    MARGINS = (54, 22, 20, 34)  # room for counts like 4,000 on the left, the last decade's label on the right

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setToolTip(
            "Every test image has its own cost: how far the ten outputs are from the answer they should give. "
            "This histogram counts the images at each cost (the axis is logarithmic: each step is ten times more). "
            "Most images sit far left — read right and confidently; the few on the right are the hardest "
            "examples. The line marks their average, which is the cost function itself: the number gradient "
            "descent pushes down and the cost plot shows.")
        self.mean_cost = float("nan")
        self.mean_text = ""
        self.counts = np.zeros(0, np.int64)
        self.edges = np.zeros(1)  #: bin edges, log10 of the cost
        self.x_range: tuple[int, int] | None = None  #: decades shown, log10 of the cost
        self.y_top = 0.0

    def show_costs(self, costs: np.ndarray) -> None:
        """Draw the histogram of ``costs`` ``(n,)`` (one per example) and mark their mean."""
        costs = np.asarray(costs, np.float64)
        self.mean_cost = float(costs.mean()) if len(costs) else float("nan")
        self.mean_text = f"average {self.mean_cost:.4g} = the cost" if len(costs) else ""
        finite = np.isfinite(costs)
        if not finite.all():  # weights blown up (a learning rate too large): count what can be counted
            self.mean_text = (f"{int((~finite).sum()):,} costs are not numbers: the weights blew up "
                              "(a learning rate too large?)")
            costs = costs[finite]
        logs = np.log10(np.maximum(costs, LOWEST))
        low = math.floor(logs.min(initial=0.0))
        high = max(math.ceil(logs.max(initial=0.0) + 1e-9), low + 1)
        if self.x_range is None or low < self.x_range[0] or high > self.x_range[1]:
            self.x_range = (low, high) if self.x_range is None else (min(low, self.x_range[0]),
                                                                     max(high, self.x_range[1]))
        lo, hi = self.x_range
        n_bins = (hi - lo) * BINS_PER_DECADE
        self.edges = np.linspace(lo, hi, n_bins + 1)
        # equal bins in log10: each cost's bin is a floor, counted with bincount (a third of np.histogram's time)
        bins = np.minimum(((logs - lo) * BINS_PER_DECADE).astype(np.intp), n_bins - 1)
        self.counts = np.bincount(bins, minlength=n_bins)
        top = float(self.counts.max(initial=1))
        if top > self.y_top or top < 0.4 * self.y_top:  # in round steps, not every frame
            self.y_top = theme.nice_limit(top * 1.1)
        self.update()

    def reset_range(self) -> None:
        """Let the next histogram choose its axes afresh (a new run, or another network size)."""
        self.x_range, self.y_top = None, 0.0

    # --- geometry ------------------------------------------------------------------------------------------
    def x_of(self, log_cost):
        """The widget x of a cost given as log10 (a number or an array)."""
        r = self.plot_rect()
        lo, hi = self.x_range or (-1, 0)
        return r.left() + (np.asarray(log_cost, float) - lo) / (hi - lo) * r.width()

    def y_of(self, count):
        """The widget y of a count of images (a number or an array)."""
        r = self.plot_rect()
        return r.bottom() - np.asarray(count, float) / max(self.y_top, 1.0) * r.height()

    @property
    def mean_x(self) -> float:
        """Where the average is marked, as log10 of the cost."""
        return math.log10(max(self.mean_cost, LOWEST))

    # --- painting ------------------------------------------------------------------------------------------
    def background_key(self):
        return (self.x_range, self.y_top)

    def paint_background(self, p: QPainter) -> None:
        if self.x_range is None:
            return
        lo, hi = self.x_range
        step = max(1, (hi - lo) // 5)  # at most six decade labels
        x_ticks = [(float(self.x_of(e)), superscript(e) if e != 0 else "1") for e in range(lo, hi + 1, step)]
        y_ticks = [(float(self.y_of(v)), f"{v:,.0f}") for v in nice_ticks(0, self.y_top, 4) if v <= self.y_top]
        self.draw_axes(p, x_ticks, y_ticks, "cost of one image (log scale)", "images")

    def paint_data(self, p: QPainter) -> None:
        r = self.plot_rect()
        if self.x_range is None:
            return
        base = float(self.y_of(0))
        xs, tops = self.x_of(self.edges).tolist(), self.y_of(self.counts).tolist()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(theme.HISTOGRAM))
        p.drawRects([QRectF(x0, top, x1 - x0 - 0.5, base - top)
                     for x0, x1, top, c in zip(xs, xs[1:], tops, self.counts.tolist()) if c])
        if not math.isfinite(self.mean_cost):
            p.setPen(QColor(theme.WARNING_TEXT))
            p.drawText(r.adjusted(8, 2, -8, 0), Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap, self.mean_text)
        else:
            x = float(self.x_of(self.mean_x))
            p.setPen(QPen(QColor(theme.COST_AVERAGE), 2))
            p.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()))
            width = p.fontMetrics().horizontalAdvance(self.mean_text) + 6
            left = x + 4 if x + 4 + width < r.right() else max(r.left() + 2, x - 4 - width)  # inside the plot
            p.drawText(QRectF(left, r.top(), width, 16), Qt.AlignmentFlag.AlignVCenter, self.mean_text)
