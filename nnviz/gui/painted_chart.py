"""A small chart painted with QPainter: a cached background (axes, labels, scales) under data drawn in a few calls.

The insight panel's charts change a few times a second at most, but each change must repaint in a millisecond or
two: a pyqtgraph plot spends about that on its scene machinery alone, before drawing anything (measured), so these
views paint themselves, like the prediction bars.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import theme


def nice_ticks(low: float, high: float, target: int = 5) -> list[float]:
    """About ``target`` round values (1, 2 or 5 × 10^k apart) from ``low`` to ``high``, both included if round."""
    if not high > low:
        return [low]
    raw = (high - low) / max(target, 1)
    base = 10 ** math.floor(math.log10(raw))
    step = next(m * base for m in (1, 2, 5, 10) if m * base >= raw)
    first = math.ceil(low / step - 1e-9) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def superscript(exponent: int) -> str:
    """'10⁻³' for −3: a power of ten as an axis label."""
    digits = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
    return "10" + str(exponent).translate(digits)


class PaintedChart(QWidget):
    """Base of the self-painting charts: ``plot_rect`` inside margins, a background redrawn only when its key
    changes (``background_key`` / ``paint_background``), and ``paint_data`` on top at every paint."""

    MARGINS = (46, 22, 12, 34)  # left, top, right, bottom: room for tick labels and titles

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints all of itself: Qt skips the parents
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 120)
        self._background: QPixmap | None = None
        self._background_key = None
        self.small_font = QFont(self.font())
        self.small_font.setPixelSize(11)

    def plot_rect(self) -> QRectF:
        """Where the data goes, in widget pixels."""
        left, top, right, bottom = self.MARGINS
        return QRectF(left, top, max(self.width() - left - right, 1), max(self.height() - top - bottom, 1))

    def background_key(self):
        """Whatever the background depends on besides the size (ranges, palette); override."""
        return None

    def paint_background(self, p: QPainter) -> None:
        """Draw axes, ticks and titles (called only when the size or ``background_key`` changes); override."""

    def paint_data(self, p: QPainter) -> None:
        """Draw the data over the background (every paint); override."""

    def refresh_background(self) -> None:
        """Forget the cached background (e.g. a new palette)."""
        self._background_key = None
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        key = (self.width(), self.height(), self.devicePixelRatioF(), self.background_key())
        if key != self._background_key or self._background is None:
            dpr = self.devicePixelRatioF()
            pix = QPixmap(int(self.width() * dpr), int(self.height() * dpr))
            pix.setDevicePixelRatio(dpr)
            pix.fill(QColor(theme.PLOT_BACKGROUND))
            bp = QPainter(pix)
            bp.setFont(self.small_font)
            bp.setPen(QColor(theme.TEXT))
            self.paint_background(bp)
            bp.end()
            self._background, self._background_key = pix, key
        p = QPainter(self)
        p.drawPixmap(0, 0, self._background)
        p.setFont(self.small_font)
        self.paint_data(p)
        p.end()

    # --- helpers for subclasses ------------------------------------------------------------------------------
    def draw_axes(self, p: QPainter, x_ticks: list[tuple[float, str]], y_ticks: list[tuple[float, str]],
                  x_title: str, y_title: str) -> None:
        """Axis lines, ticks at widget positions (x along the bottom, y along the left) and the two titles."""
        r = self.plot_rect()
        axis = QColor(theme.TEXT)
        axis.setAlpha(150)
        p.setPen(axis)
        p.drawLine(r.bottomLeft(), r.bottomRight())
        p.drawLine(r.topLeft(), r.bottomLeft())
        p.setPen(QColor(theme.TEXT))
        for x, label in x_ticks:
            p.drawLine(int(x), int(r.bottom()), int(x), int(r.bottom()) + 4)
            p.drawText(QRect(int(x) - 30, int(r.bottom()) + 4, 60, 14), Qt.AlignmentFlag.AlignCenter, label)
        for y, label in y_ticks:
            p.drawLine(int(r.left()) - 4, int(y), int(r.left()), int(y))
            p.drawText(QRect(0, int(y) - 7, int(r.left()) - 6, 14),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        p.drawText(QRect(int(r.left()), self.height() - 15, int(r.width()), 14), Qt.AlignmentFlag.AlignCenter,
                   x_title)
        p.save()
        p.translate(9, r.center().y())
        p.rotate(-90)
        p.drawText(QRect(-int(r.height()) // 2, -8, int(r.height()), 16), Qt.AlignmentFlag.AlignCenter, y_title)
        p.restore()
