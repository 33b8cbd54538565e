"""Qt view of per-digit accuracy: for each digit, how often it is read right and how often that answer is right.

One bar item for all twenty bars, built once and updated with ``setOpts``. The vertical range moves in steps of 10 % (and only when
the bars leave it), so the axis is rarely laid out again.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from . import theme

WIDTH = 0.38  # of a digit's slot, per bar


class DigitAccuracyView(pg.PlotWidget):
    """Side by side per digit: recall (an image of the digit is read right) and precision (that answer is right)."""

    def __init__(self, parent=None):
        super().__init__(parent, background=theme.PLOT_BACKGROUND)
        self.setToolTip(
            "Per digit, two bars. Left, 'read right': of the test images of this digit, the share the network "
            "answers correctly (recall). Right, 'answer right': of the times the network gives this answer, the "
            "share that are correct (precision). A digit with a low right bar is one the network says too often: "
            "other digits are mistaken for it.")
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(False, False)
        plot.getAxis("bottom").setTicks([[(d, str(d)) for d in range(10)]])
        plot.setLabel("bottom", "digit")
        plot.setLabel("left", "%")
        plot.getAxis("left").enableAutoSIPrefix(False)
        plot.setXRange(-0.6, 9.6, padding=0)
        # one item for all twenty bars (recall left of each digit, precision right): one picture to redraw
        x = np.arange(10, dtype=float)
        self.bars = pg.BarGraphItem(x=np.concatenate([x - WIDTH / 2, x + WIDTH / 2]), height=np.zeros(20),
                                    width=WIDTH, pen=None)
        plot.addItem(self.bars)
        self.recall = np.full(10, np.nan)
        self.precision = np.full(10, np.nan)
        self.bottom = None
        self.set_palette("standard")

    def set_palette(self, name: str) -> None:
        """Standard or colour-blind-safe bar colours."""
        colours = theme.INSIGHT_PALETTES[name]
        self.bars.setOpts(brushes=[pg.mkBrush(colours["recall"])] * 10 + [pg.mkBrush(colours["precision"])] * 10)
        # a title in the bars' colours instead of a legend, which would cover the bars
        hex_of = lambda rgb: "#%02x%02x%02x" % rgb  # noqa: E731
        self.getPlotItem().setTitle(
            f"<span style='color:{hex_of(colours['recall'])}'>■ read right (recall)</span> &nbsp; "
            f"<span style='color:{hex_of(colours['precision'])}'>■ answer right (precision)</span>", size="9pt")

    def show_accuracy(self, recall: np.ndarray, precision: np.ndarray) -> None:
        """Draw the rates ``(10,)`` in 0–1 (NaN: a digit never seen, or an answer never given, drawn as 0)."""
        self.recall, self.precision = np.asarray(recall, float), np.asarray(precision, float)
        r, p = 100 * np.nan_to_num(self.recall), 100 * np.nan_to_num(self.precision)
        bottom = max(0.0, 10 * math.floor((float(min(r.min(), p.min())) - 2) / 10))
        if bottom != self.bottom:
            self.bottom = bottom
            self.getPlotItem().setYRange(bottom, 100, padding=0.02)
        # the bars stand on the range's bottom, so a range that starts above 0 shows as such
        self.bars.setOpts(y0=bottom, height=np.maximum(np.concatenate([r, p]) - bottom, 0))
