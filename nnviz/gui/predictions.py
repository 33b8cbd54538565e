"""Qt view of the ten output neurons as bars: how strongly the network answers each digit."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import theme


class PredictionBars(QWidget):
    """Ten bars, one per digit, the network's top guess highlighted; optionally the true label marked."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(220, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints its whole background itself
        self.setToolTip("The ten output neurons' activations. The brightest is the network's guess. With a sigmoid "
                        "output each is an independent 0–1 score; with softmax they are probabilities summing to 1.")
        self.values = np.zeros(10, np.float32)
        self.true_label: int | None = None
        self.probabilities = False
        self._cache: QPixmap | None = None
        self._cache_key = None
        self._others = QColor(theme.COST_AVERAGE)
        self._others.setAlpha(170)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(300, 140)

    @property
    def guess(self) -> int:
        """The digit whose output neuron is most active."""
        return int(np.argmax(self.values))

    def set_output(self, values: np.ndarray, probabilities: bool = False) -> None:
        """Show the output activations ``(10,)``."""
        self.values = np.asarray(values, np.float32).reshape(10)
        self.probabilities = probabilities
        self.update()

    def set_true_label(self, label: int | None) -> None:
        """Mark the digit that is the right answer (None: unknown, e.g. a drawing)."""
        self.true_label = label
        self.update()

    def _geometry(self):
        w, h = self.width(), self.height()
        top, bottom = 18.0, 22.0
        slot = w / 10
        return w, h, top, bottom, slot, slot * 0.62, max(h - top - bottom, 1.0)

    def _background(self, guess: int | None) -> QPixmap:
        """Background and digit labels, cached: they change only with the size, the guess or the true label."""
        key = (self.width(), self.height(), guess, self.true_label, self.devicePixelRatioF())
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
            p.end()
            self._cache, self._cache_key = pix, key
        return self._cache

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Few painter calls on purpose: each one is a chance for the busy training thread to take the GIL.
        guess = self.guess if self.values.any() else None
        w, h, top, bottom, slot, bar_w, usable = self._geometry()
        p = QPainter(self)
        p.drawPixmap(0, 0, self._background(guess))
        v = np.clip(self.values, 0.0, 1.0)
        rects = [QRectF(d * slot + (slot - bar_w) / 2, top + usable - v[d] * usable, bar_w, v[d] * usable)
                 for d in range(10)]
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._others)
        p.drawRects([r for d, r in enumerate(rects) if d != guess])
        if guess is not None:
            p.setBrush(QColor(theme.ACCURACY))
            p.drawRect(rects[guess])
        p.setPen(QColor(theme.TEXT))
        for d in np.flatnonzero(v >= 0.005):  # values worth reading; the rest show as empty bars
            p.drawText(QRectF(d * slot, rects[d].top() - 16, slot, 16), Qt.AlignmentFlag.AlignCenter, f"{v[d]:.2f}")
        p.end()
