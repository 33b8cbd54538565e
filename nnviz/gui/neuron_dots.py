"""The graph's neurons: dots a fixed number of pixels across, each filled with one of a few greys."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QPen, QPixmap


class NeuronDots(pg.GraphicsObject):
    """Dots at fixed places, ``size`` pixels across whatever the zoom, each in one of ``fills`` (None: hollow).

    A scatter item did the same at a cost a frame could feel (its Python measured its bounds and restyled every
    spot after each change, for ~40 dots): here each fill is drawn once into a small picture per size, a frame
    only says which fill each dot has, and the bounds are fixed until the dots, their size or the zoom change.
    """

    def __init__(self, outline: QPen, fills: list[QBrush | None]):
        super().__init__()
        self.outline, self.fills = outline, fills
        self.positions = np.empty((0, 2))  #: where the dots are, view coordinates ``(n, 2)``
        self.levels = np.empty(0, np.intp)  #: each dot's fill, an index into ``fills`` ``(n,)``
        self.size = 0.0  #: diameter in pixels
        self._pixel: tuple[float, float] | None = None  # the view's size of a pixel the bounds were made for
        self._bounds = QRectF()
        self._pixmaps: list[QPixmap] = []
        self._pixmaps_for = None  # (size, device pixel ratio) the pictures were drawn for

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(self._bounds)

    def show_dots(self, positions: np.ndarray, levels: np.ndarray, size: float, pixel: tuple[float, float]) -> None:
        """Dots at ``positions`` ``(n, 2)`` filled with ``fills[levels]`` ``(n,)``, ``size`` px across; ``pixel``
        is the view's size of a pixel (x, y), for the bounds."""
        positions = np.asarray(positions, float)
        levels = np.asarray(levels, np.intp)
        moved = (size != self.size or positions.shape != self.positions.shape
                 or not np.array_equal(positions, self.positions) or pixel != self._pixel)
        if not moved and np.array_equal(levels, self.levels):
            return  # the same picture: nothing to repaint
        if moved:
            self.prepareGeometryChange()
            self.positions, self.size, self._pixel = positions.copy(), float(size), pixel
            if len(positions):
                reach = self.size / 2 + self.outline.widthF() + 1  # pixels beyond a dot's centre
                (x0, y0), (x1, y1) = positions.min(axis=0), positions.max(axis=0)
                rx, ry = reach * abs(pixel[0]), reach * abs(pixel[1])
                self._bounds = QRectF(x0 - rx, y0 - ry, x1 - x0 + 2 * rx, y1 - y0 + 2 * ry)
            else:
                self._bounds = QRectF()
        self.levels = levels.copy()
        self.update()

    def _pictures(self, ratio: float) -> list[QPixmap]:
        if self._pixmaps_for != (self.size, ratio):
            side = math.ceil(self.size + self.outline.widthF()) + 2
            self._pixmaps = []
            for fill in self.fills:
                pixmap = QPixmap(math.ceil(side * ratio), math.ceil(side * ratio))
                pixmap.setDevicePixelRatio(ratio)
                pixmap.fill(Qt.GlobalColor.transparent)
                p = QPainter(pixmap)
                p.setRenderHint(QPainter.RenderHint.Antialiasing)
                p.setPen(self.outline)
                p.setBrush(fill if fill is not None else Qt.BrushStyle.NoBrush)
                p.drawEllipse(QPointF(side / 2, side / 2), self.size / 2, self.size / 2)
                p.end()
                self._pixmaps.append(pixmap)
            self._pixmaps_for = (self.size, ratio)
        return self._pixmaps

    def paint(self, painter, *args) -> None:
        if not len(self.positions) or self.size <= 0:
            return
        pictures = self._pictures(painter.device().devicePixelRatioF())
        half = (pictures[0].width() / pictures[0].devicePixelRatio()) / 2
        t = painter.transform()  # item to device: the dots keep their size in pixels, so they are placed there
        x, y = self.positions[:, 0], self.positions[:, 1]
        xs = (t.m11() * x + t.m21() * y + t.dx() - half).tolist()
        ys = (t.m12() * x + t.m22() * y + t.dy() - half).tolist()
        painter.save()
        painter.resetTransform()
        for px, py, level in zip(xs, ys, self.levels.tolist()):
            painter.drawPixmap(QPointF(px, py), pictures[level])
        painter.restore()
