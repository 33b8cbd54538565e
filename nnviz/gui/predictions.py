"""Qt view of the ten output neurons as bars: how strongly the network answers each digit."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import theme


class PredictionBars(QWidget):
    """Ten bars, one per digit, the network's top guess highlighted; optionally the true label marked."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(220, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setToolTip("The ten output neurons' activations. The brightest is the network's guess. With a sigmoid "
                        "output each is an independent 0–1 score; with softmax they are probabilities summing to 1.")
        self.values = np.zeros(10, np.float32)
        self.true_label: int | None = None
        self.probabilities = False

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

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(theme.PLOT_BACKGROUND))
        w, h = self.width(), self.height()
        top, bottom = 18.0, 22.0
        slot = w / 10
        bar_w = slot * 0.62
        usable = max(h - top - bottom, 1.0)
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, min(12.0, slot / 4.5)))
        p.setFont(font)
        guess = self.guess if self.values.any() else None
        for d in range(10):
            v = float(np.clip(self.values[d], 0.0, 1.0))
            x = d * slot + (slot - bar_w) / 2
            bar_h = v * usable
            colour = QColor(theme.ACCURACY) if d == guess else QColor(theme.COST_AVERAGE)
            if d != guess:
                colour.setAlpha(170)
            p.fillRect(QRectF(x, top + usable - bar_h, bar_w, bar_h), colour)
            p.setPen(QColor(theme.TEXT))
            label_rect = QRectF(d * slot, h - bottom, slot, bottom)
            if d == self.true_label:
                p.setPen(QPen(QColor(theme.REFERENCE), 2))
                p.drawRect(label_rect.adjusted(slot * 0.25, 2, -slot * 0.25, -2))
            bold = QFont(font)
            bold.setBold(d == guess)
            p.setFont(bold)
            p.drawText(label_rect, Qt.AlignmentFlag.AlignCenter, str(d))
            p.setFont(font)
            p.setPen(QColor(theme.TEXT))
            p.drawText(QRectF(d * slot, top + usable - bar_h - 16, slot, 16), Qt.AlignmentFlag.AlignCenter,
                       f"{v:.2f}")
        p.end()
