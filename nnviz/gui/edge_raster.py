"""The graph's edges in one item: a few thousand line segments (:class:`EdgeLines`), or, when every input edge is
shown, one picture repainted only where edges change (:class:`EdgeRaster`)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QImage, QPainter, QPen

from ..core.graph_layout import STRENGTHS

BUCKETS = 2 * STRENGTHS  # positive strengths 0 … STRENGTHS−1, then the negative ones
# the order buckets are painted in: weakest first, the strongest on top (a positive and a negative bucket of one
# strength side by side, as the curve items of equal z were)
PAINT_ORDER = [sign * STRENGTHS + s for s in range(STRENGTHS) for sign in (0, 1)]
_RANK = np.argsort(PAINT_ORDER)  # bucket → its place in PAINT_ORDER
_LINE_BYTES = 4 * 8  # a QLineF: four doubles


class EdgeLines(pg.GraphicsObject):
    """Edges as line segments coloured by their bucket, all in one item drawn with one ``drawLines`` per bucket.

    Eight curve items cost more in Python than Qt takes to draw their lines: each rebuilt its path and measured
    its bounds after every new weight, and each was one more dirty item for the scene to process. Here the
    segments are copied into one array (grown, never shrunk) that Qt reads in place, and the bounds are the
    layout's, fixed per architecture.
    """

    def __init__(self):
        super().__init__()
        self._bounds = QRectF()
        self._lines = np.empty((0, 4))  # rows (x1, y1, x2, y2) in painting order; Qt reads them as QLineF
        self._runs: list[tuple[int, int, int]] = []  # (bucket, first row, rows) in PAINT_ORDER
        self.counts = np.zeros(BUCKETS, np.intp)  #: edges drawn in each bucket
        self.pens: list[QPen] = []

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(self._bounds)

    def set_bounds(self, rect: QRectF) -> None:
        """Where every edge of the architecture lies (view coordinates): the item's fixed bounds."""
        self.prepareGeometryChange()
        self._bounds = QRectF(rect)

    def set_pens(self, pens: list[QPen]) -> None:
        """One pen per bucket."""
        self.pens = pens
        self.update()

    def show_edges(self, start: np.ndarray, end: np.ndarray, keys: np.ndarray) -> None:
        """Draw segments from ``start`` to ``end`` (view coordinates, ``(n, 2)`` each) in bucket ``keys`` ``(n,)``."""
        n = len(keys)
        if len(self._lines) < n:
            self._lines = np.empty((n, 4))
        order = np.argsort(_RANK[keys], kind="stable")
        lines = self._lines[:n]
        lines[:, :2] = start[order]
        lines[:, 2:] = end[order]
        self.counts = np.bincount(keys, minlength=BUCKETS)
        firsts = np.concatenate([[0], np.cumsum(self.counts[PAINT_ORDER])])
        self._runs = [(b, int(firsts[i]), int(self.counts[b])) for i, b in enumerate(PAINT_ORDER) if self.counts[b]]
        self.update()

    def segments(self, bucket: int) -> np.ndarray:
        """The segments drawn in ``bucket``, rows (x1, y1, x2, y2) (for tests and tools)."""
        run = next(((first, count) for b, first, count in self._runs if b == bucket), (0, 0))
        return self._lines[run[0] : run[0] + run[1]].copy()

    def paint(self, painter, *args) -> None:
        base = self._lines.ctypes.data
        for bucket, first, count in self._runs:
            painter.setPen(self.pens[bucket])
            painter.drawLines(shiboken6.wrapInstance(base + first * _LINE_BYTES, QLineF), count)


class EdgeRaster(pg.GraphicsObject):
    """The input layer's edges when all 784 per neuron are shown, kept as one picture and repainted incrementally.

    Rasterising 12,544 lines costs Qt ~20 ms, too slow for every frame. Between frames only a few edges move to
    another sign/strength bucket: those are redrawn on top of the picture (strongest last), and the whole picture
    only when many change, the view is resized or the colours change. (A redrawn weaker edge may cover a stronger
    neighbour's crossing pixel until the next full redraw, which is not visible.)
    """

    FULL_REDRAW_FRACTION = 0.1

    def __init__(self, vb: pg.ViewBox):
        super().__init__()
        self.vb = vb
        self.image: QImage | None = None
        self.rect = QRectF()
        self.keys: np.ndarray | None = None  #: the bucket of each edge as painted now
        self.pens: list[QPen] = []
        self.px_start = self.px_end = None

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(self.rect)

    def paint(self, painter, *args) -> None:
        if self.image is None:
            return
        # A plain 1:1 blit in device pixels: through the view's y-flipping transform Qt takes a slow path.
        corner = painter.transform().map(QPointF(self.rect.left(), self.rect.bottom()))
        painter.save()
        painter.resetTransform()
        painter.drawImage(QPointF(round(corner.x()), round(corner.y())), self.image)
        painter.restore()

    def invalidate(self) -> None:
        """Redraw everything at the next update (new colours, new layout)."""
        self.keys = None

    def show_edges(self, start: np.ndarray, end: np.ndarray, keys: np.ndarray, pens: list[QPen]) -> None:
        """Draw edges (view coordinates ``(n, 2)`` each) in the colour of their bucket ``keys`` ``(n,)``."""
        rect = self.vb.viewRect()
        w, h = max(int(self.vb.width()), 1), max(int(self.vb.height()), 1)
        if self.image is None or rect != self.rect or (self.image.width(), self.image.height()) != (w, h):
            self.prepareGeometryChange()
            self.rect = QRectF(rect)
            self.image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
            self.keys = None
        if self.keys is None or len(self.keys) != len(keys) or pens is not self.pens:
            sx, sy = w / rect.width(), h / rect.height()
            # image rows run down the screen: y = max at row 0 (the view's y axis points up)
            self.px_start = np.column_stack([(start[:, 0] - rect.left()) * sx, (rect.bottom() - start[:, 1]) * sy])
            self.px_end = np.column_stack([(end[:, 0] - rect.left()) * sx, (rect.bottom() - end[:, 1]) * sy])
            self.image.fill(0)
            self.pens = pens
            todo = np.arange(len(keys))
        else:
            todo = np.flatnonzero(keys != self.keys)
            if len(todo) > self.FULL_REDRAW_FRACTION * len(keys):
                self.keys = None
                self.show_edges(start, end, keys, pens)
                return
        self.keys = keys.copy()
        if len(todo):
            p = QPainter(self.image)
            strength = todo[np.argsort(keys[todo] % STRENGTHS, kind="stable")]  # weakest first, strongest on top
            for k in np.unique(keys[strength] % STRENGTHS):
                for sign in (0, STRENGTHS):
                    sel = strength[keys[strength] == sign + k]
                    if len(sel):
                        p.setPen(pens[sign + k])
                        a, b = self.px_start[sel], self.px_end[sel]
                        p.drawLines([QLineF(*a[i], *b[i]) for i in range(len(sel))])
            p.end()
        self.update()
