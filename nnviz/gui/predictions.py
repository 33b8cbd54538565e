"""Qt view of the ten output neurons as bars: how strongly the network answers each digit.

The bars say what they measure: a sigmoid output's *activation* (ten independent 0-1 scores, not probabilities),
a softmax output's *probability*, or the *share* of a batch of images guessed as each digit. A blank canvas gets
no bars (there is nothing to answer), and an untrained network's bars are grey and say so: its "8 (1.00)" would
otherwise read as "100 % sure".
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import theme

#: what the bars measure, by the ``kind`` given to :meth:`PredictionBars.show_output`
MEASURES = {"softmax": "probability", "share": "share of the images guessed"}
DEFAULT_MEASURE = "activation, 0–1 each (not a probability)"
UNTRAINED = "untrained: random weights, no real answer yet"
BLANK = "draw a digit"


def measure_of(kind: str) -> str:
    """What bars of this output kind measure: 'probability' for softmax, 'share …' for a batch, else activation."""
    return MEASURES.get(kind, DEFAULT_MEASURE)


class PredictionBars(QWidget):
    """Ten bars, one per digit, the network's top guess highlighted; optionally the true label marked."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(220, 96)  # (with the answer above it, the Draw panel still fits a 768-pixel screen)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints its whole background itself
        self.setToolTip("The ten output neurons. The tallest is the network's guess. With a sigmoid output each "
                        "bar is an activation, an independent 0–1 score (they need not sum to 1, and 1.00 is not "
                        "“100 % sure”); with softmax they are probabilities summing to 1.")
        self.values = np.zeros(10, np.float32)
        self.true_label: int | None = None
        self.blank = False
        self.untrained = False
        self.caption = ""  #: the line above the bars: what they measure, or why there is no answer
        self._cache: QPixmap | None = None
        self._cache_key = None
        self._others = QColor(theme.COST_AVERAGE)
        self._others.setAlpha(170)
        self._grey = QColor(theme.COST_EARLIER)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(300, 150)

    @property
    def guess(self) -> int:
        """The digit whose output neuron is most active."""
        return int(np.argmax(self.values))

    @property
    def confident(self) -> bool:
        """Whether the bars show an answer worth highlighting (not a blank canvas, not an untrained network)."""
        return not self.blank and not self.untrained and bool(self.values.any())

    def show_output(self, values: np.ndarray, kind: str, *, blank: bool = False, untrained: bool = False) -> None:
        """Show the outputs ``(10,)`` for the current input.

        ``kind`` is the output layer's function ('sigmoid', 'softmax', …) or 'share' for the share of a batch of
        images guessed as each digit; ``blank``: the canvas is empty (no bars, "draw a digit"); ``untrained``: the
        network has not learned yet (grey bars that say so).
        """
        self.values = np.asarray(values, np.float32).reshape(10)
        self.blank, self.untrained = bool(blank), bool(untrained)
        self.caption = BLANK if self.blank else UNTRAINED if self.untrained else measure_of(kind)
        self.update()

    def set_true_label(self, label: int | None) -> None:
        """Mark the digit that is the right answer (None: unknown, e.g. a drawing)."""
        self.true_label = label
        self.update()

    def _geometry(self):
        w, h = self.width(), self.height()
        top, bottom = 32.0, 22.0  # the caption line and the values above the bars; the digits below
        slot = w / 10
        return w, h, top, bottom, slot, slot * 0.62, max(h - top - bottom, 1.0)

    def _background(self, guess: int | None) -> QPixmap:
        """Background, caption and digit labels, cached: they change only with the size, the guess, the caption
        or the true label."""
        key = (self.width(), self.height(), guess, self.true_label, self.caption, self.devicePixelRatioF())
        if self._cache_key != key:
            w, h, top, bottom, slot, bar_w, usable = self._geometry()
            dpr = self.devicePixelRatioF()
            pix = QPixmap(int(w * dpr), int(h * dpr))
            pix.setDevicePixelRatio(dpr)
            pix.fill(QColor(theme.PLOT_BACKGROUND))
            p = QPainter(pix)
            font = QFont(self.font())
            font.setPointSizeF(max(8.0, min(12.0, slot / 4.5)))
            for d in range(10):
                label_rect = QRectF(d * slot, h - bottom, slot, bottom)
                if d == self.true_label:
                    p.setPen(QPen(QColor(theme.REFERENCE), 2))
                    p.drawRect(label_rect.adjusted(slot * 0.25, 2, -slot * 0.25, -2))
                font.setBold(d == guess)
                p.setFont(font)
                p.setPen(QColor(theme.TEXT))
                p.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, str(d))
            if self.caption:
                small = QFont(self.font())
                small.setPointSizeF(11.0 if self.blank else 8.0)
                p.setFont(small)
                where = QRectF(4, 0, w - 8, 14) if not self.blank else QRectF(0, top, w, usable)
                p.drawText(where, Qt.AlignmentFlag.AlignCenter if self.blank else Qt.AlignmentFlag.AlignLeft,
                           self.caption)
            p.end()
            self._cache, self._cache_key = pix, key
        return self._cache

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Few painter calls on purpose: each one is a chance for another thread to take the GIL.
        guess = self.guess if self.confident else None
        w, h, top, bottom, slot, bar_w, usable = self._geometry()
        p = QPainter(self)
        p.drawPixmap(0, 0, self._background(guess))
        if self.blank:  # nothing to answer: no bars, only "draw a digit"
            p.end()
            return
        v = np.clip(self.values, 0.0, 1.0)
        rects = [QRectF(d * slot + (slot - bar_w) / 2, top + usable - v[d] * usable, bar_w, v[d] * usable)
                 for d in range(10)]
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._grey if self.untrained else self._others)
        p.drawRects([r for d, r in enumerate(rects) if d != guess])
        if guess is not None:
            p.setBrush(QColor(theme.ACCURACY))
            p.drawRect(rects[guess])
        p.setPen(QColor(theme.TEXT))
        for d in np.flatnonzero(v >= 0.005):  # values worth reading; the rest show as empty bars
            p.drawText(QRectF(d * slot, rects[d].top() - 16, slot, 16), Qt.AlignmentFlag.AlignCenter, f"{v[d]:.2f}")
        p.end()
