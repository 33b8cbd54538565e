"""Qt view of one step of gradient descent: the cost along the downhill direction, and where η lands.

The curve is C(θ − s·∇C) for step sizes s from 0 to three learning rates, on the landscape's fixed sample of training
images (computed by :func:`nnviz.core.landscape.gradient_slice`, in the background). The dashed line is the cost
now; the marked point is where a full-batch step of the current learning rate lands. Built once; ``show_slice``
only moves the items.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ..core.landscape import GradientSlice
from . import theme

EXPLANATION = ("<b>One step downhill.</b> The curve is the cost on 1,000 training images if every weight and bias "
               "moved a distance s along the negative gradient. The dot is where the current learning rate η lands: "
               "a tiny η barely goes down, a good one lands near the bottom, a huge one flies up the far side.")
SUMMARY = "<b>One step downhill:</b> the cost along −∇C; the dot is where one step of η lands."


class GradientStepView(pg.PlotWidget):
    """The cost along −∇C against the step size, the current learning rate's step marked."""

    def __init__(self, parent=None):
        super().__init__(parent, background=theme.PLOT_BACKGROUND)
        self.setMenuEnabled(False)
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setMinimumHeight(150)
        item = self.getPlotItem()
        item.setLabel("bottom", "step size s (along −∇C)")
        item.setLabel("left", "cost")
        for side in ("left", "bottom"):  # "cost (x0.001)" reads worse than the numbers themselves
            item.getAxis(side).enableAutoSIPrefix(False)
        item.showGrid(x=True, y=True, alpha=0.15)
        self.curve = self.plot([], [], pen=pg.mkPen(theme.COST_AVERAGE, width=2))
        self.now_line = pg.InfiniteLine(angle=0, movable=False,
                                        pen=pg.mkPen(theme.TEXT, width=1, style=Qt.PenStyle.DashLine))
        self.eta_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(theme.REFERENCE, width=1))
        self.landing = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(theme.REFERENCE), pen=pg.mkPen(theme.TEXT))
        self.label = pg.TextItem(color=theme.TEXT, anchor=(0, 1))  # bottom left: the curve usually falls rightwards
        for it in (self.now_line, self.eta_line, self.landing, self.label):
            self.addItem(it)
        self.cut: GradientSlice | None = None
        self.show_message("Waiting for the network and 1,000 training images…")

    def show_message(self, text: str) -> None:
        """Say why there is no curve (yet), or what went wrong."""
        self.label.setText(text)
        self.label.setPos(0, 0)
        if self.cut is None:
            self.curve.setData([], [])
            self.landing.setData([], [])

    def show_slice(self, cut: GradientSlice) -> None:
        """Draw ``cut``: the curve, the cost now (dashed), and η's landing point."""
        self.cut = cut
        finite = np.isfinite(cut.costs)
        self.curve.setData(cut.steps[finite], cut.costs[finite])
        self.now_line.setPos(cut.cost_now)
        self.eta_line.setPos(cut.learning_rate)
        after = cut.cost_after_step
        self.landing.setData([cut.learning_rate], [after] if np.isfinite(after) else [cut.cost_now])
        low, high = float(cut.costs[finite].min()), float(cut.costs[finite].max())
        pad = 0.06 * (high - low or max(abs(high), 1e-6))
        self.setXRange(0.0, float(cut.steps[-1]), padding=0.02)
        self.setYRange(low - pad, high + pad, padding=0)
        change = after - cut.cost_now
        verdict = "downhill" if change < 0 else "uphill: η is too large here"
        self.label.setText(f"η = {cut.learning_rate:g}: cost {cut.cost_now:.4g} → {after:.4g} ({verdict})")
        self.label.setPos(0.0, low - pad)
