"""Qt view of per-digit accuracy: for each digit, how often it is read right and how often that answer is right.

Painted by itself (see ``painted_chart``): axes and legend cached, the twenty bars two ``drawRects`` calls. The
vertical range moves in steps of 10 % (and only when the bars leave it), so the background is rarely redrawn.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from . import theme
from .painted_chart import PaintedChart, nice_ticks

WIDTH = 0.38  # of a digit's slot, per bar


class DigitAccuracyView(PaintedChart):
    """Side by side per digit: recall (an image of the digit is read right) and precision (that answer is right)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setToolTip(
            "Per digit, two bars. Left, 'read right': of the test images of this digit, the share the network "
            "answers correctly (recall). Right, 'answer right': of the times the network gives this answer, the "
            "share that are correct (precision). A digit with a low right bar is one the network says too often: "
            "other digits are mistaken for it.")
        self.recall = np.full(10, np.nan)
        self.precision = np.full(10, np.nan)
        self.bottom = 0.0
        self.palette_name = "standard"

    def set_palette(self, name: str) -> None:
        """Standard or colour-blind-safe bar colours."""
        self.palette_name = name
        self.refresh_background()

    def show_accuracy(self, recall: np.ndarray, precision: np.ndarray) -> None:
        """Draw the rates ``(10,)`` in 0–1 (NaN: a digit never seen, or an answer never given, drawn as 0)."""
        self.recall, self.precision = np.asarray(recall, float), np.asarray(precision, float)
        lowest = 100 * float(min(np.nan_to_num(self.recall).min(), np.nan_to_num(self.precision).min()))
        self.bottom = max(0.0, 10 * math.floor((lowest - 2) / 10))
        self.update()

    def _y(self, percent, r: QRectF | None = None) -> float:
        r = r or self.plot_rect()
        return r.bottom() - (percent - self.bottom) / (100 - self.bottom) * r.height()

    def _x(self, digit: float, r: QRectF | None = None) -> float:
        r = r or self.plot_rect()
        return r.left() + (digit + 0.6) / 10.2 * r.width()

    def bar_rects(self) -> tuple[list[QRectF], list[QRectF]]:
        """The recall and precision bars in widget pixels (for painting and tests)."""
        r = self.plot_rect()
        w = WIDTH / 10.2 * r.width()
        bars = []
        for values, shift in ((self.recall, -WIDTH / 2), (self.precision, WIDTH / 2)):
            tops = [self._y(max(100 * v, self.bottom), r) if v == v else r.bottom() for v in values.tolist()]
            bars.append([QRectF(self._x(d + shift, r) - w / 2, top, w, r.bottom() - top)
                         for d, top in enumerate(tops)])
        return bars[0], bars[1]

    def background_key(self):
        return (self.bottom, self.palette_name)

    def paint_background(self, p: QPainter) -> None:
        colours = theme.INSIGHT_PALETTES[self.palette_name]
        y_ticks = [(self._y(v), f"{v:g}") for v in nice_ticks(self.bottom, 100, 4)]
        self.draw_axes(p, [(self._x(d), str(d)) for d in range(10)], y_ticks, "digit", "%")
        # a legend line above the bars instead of a box, which would cover them
        x = self.plot_rect().left()
        legend = (("recall", "read right (recall)"), ("precision", "answer right (precision)"))
        metrics = p.fontMetrics()
        if sum(metrics.horizontalAdvance(text) + 34 for _, text in legend) > self.width() - x:
            legend = (("recall", "read right"), ("precision", "answer right"))  # narrow: the tooltip says more
        for key, text in legend:
            p.fillRect(QRectF(x, 6, 10, 10), QColor(*colours[key]))
            p.setPen(QColor(*colours[key]))
            width = p.fontMetrics().horizontalAdvance(text)
            p.drawText(QRectF(x + 14, 2, width + 4, 18), Qt.AlignmentFlag.AlignVCenter, text)
            x += width + 34

    def paint_data(self, p: QPainter) -> None:
        colours = theme.INSIGHT_PALETTES[self.palette_name]
        p.setPen(Qt.PenStyle.NoPen)
        for rects, key in zip(self.bar_rects(), ("recall", "precision")):
            p.setBrush(QColor(*colours[key]))
            p.drawRects(rects)
