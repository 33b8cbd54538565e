"""Qt view of the drawable input: a 28×28 grid shown large, drawn with the mouse or a pen.

Strokes are painted anti-aliased on a 280×280 image and averaged down to 28×28, so a drawn digit has MNIST's soft
edges. With normalisation on (the default) the network is fed the drawing the way MNIST's digits were made (fitted
into a 20×20 box, centred by its centre of mass, see ``nnviz.core.drawing``); ``ImagePreview`` shows that.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..core.drawing import SIZE, downsample, normalize

RES = 280  # the drawing buffer's side: 10× the grid
PEN_WIDTH = 22.0  # in buffer pixels: ≈ 2.2 grid cells, about MNIST's stroke once fitted into its 20×20 box


def image_to_array(image: QImage) -> np.ndarray:
    """A Grayscale8 QImage as a float array in [0, 1] (copied: the QImage may change later)."""
    ptr = image.constBits()
    arr = np.frombuffer(ptr, np.uint8, count=image.bytesPerLine() * image.height())
    arr = arr.reshape(image.height(), image.bytesPerLine())[:, : image.width()]
    return arr.astype(np.float32) / 255.0


def paint_grid(painter: QPainter, rect: QRectF, grid: np.ndarray) -> None:
    """Paint a ``(28, 28)`` array in [0, 1] as cells, black 0 → white 1."""
    img8 = np.ascontiguousarray(np.clip(grid * 255, 0, 255).astype(np.uint8))
    qimg = QImage(img8.data, img8.shape[1], img8.shape[0], img8.strides[0], QImage.Format.Format_Grayscale8)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    painter.drawImage(rect, qimg)


def paint_stroke(buffer: QImage, erase: bool, width: float, points: list[QPointF], start: int = 0) -> None:
    """Paint a stroke's segments from point ``start`` on (a lone point as a dot) into ``buffer``, soft-edged.

    The canvas paints each new segment as the mouse moves; ``nnviz.gui.drawn_digits`` calls this the same way.
    """
    p = QPainter(buffer)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(QColor(0, 0, 0) if erase else QColor(255, 255, 255), width, Qt.PenStyle.SolidLine,
                  Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
    if len(points) == 1:
        p.drawPoint(points[0])
    for i in range(max(start, 1), len(points)):
        p.drawLine(points[i - 1], points[i])
    p.end()


def grid_lines(rect: QRectF, n: int = SIZE) -> list[QLineF]:
    """The cell borders of an ``n × n`` grid filling ``rect``, as one list (drawn in a single call)."""
    step = rect.width() / n
    lines = []
    for i in range(1, n):
        x, y = rect.left() + i * step, rect.top() + i * step
        lines.append(QLineF(x, rect.top(), x, rect.bottom()))
        lines.append(QLineF(rect.left(), y, rect.right(), y))
    return lines


class DrawingCanvas(QWidget):
    """The drawable 28×28 grid. Left button draws, right button erases; Delete/C clears, Ctrl+Z undoes a stroke."""

    changed = Signal()  #: the network's input changed (every stroke segment, clear, undo, a loaded image)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(196, 196)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setToolTip("Draw a digit: left button draws, right button erases. Delete or C clears, Ctrl+Z undoes "
                        "the last stroke. Each of the 784 cells is one input neuron: its activation is how bright "
                        "the cell is, from 0 (black) to 1 (white).")
        self.normalization = True
        self.buffer = QImage(RES, RES, QImage.Format.Format_Grayscale8)
        self.strokes: list[tuple[bool, float, list[QPointF]]] = []  # (erase, width, points)
        self._base: np.ndarray | None = None  # a loaded 28×28 image under the strokes
        self._current: tuple[bool, float, list[QPointF]] | None = None
        self._grid = np.zeros((SIZE, SIZE), np.float32)
        self._input = np.zeros((SIZE, SIZE), np.float32)
        self._lines: list[QLineF] = []
        self._lines_for: QRectF | None = None
        self._clear_buffer()
        for keys, slot in ((QKeySequence.StandardKey.Undo, self.undo), (QKeySequence(Qt.Key.Key_Delete), self.clear),
                           (QKeySequence(Qt.Key.Key_C), self.clear)):
            sc = QShortcut(keys, self)
            sc.setContext(Qt.ShortcutContext.WidgetShortcut)
            sc.activated.connect(slot)

    # --- public API --------------------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(308, 308)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return width

    def network_input(self) -> np.ndarray:
        """What the network receives now: ``(784,)`` float32 in [0, 1]."""
        return self._input.reshape(-1).copy()

    def grid(self) -> np.ndarray:
        """The drawing reduced to 28×28 as shown in the cells, ``(28, 28)`` float32 (before normalisation)."""
        return self._grid.copy()

    def input_image(self) -> np.ndarray:
        """``network_input`` as a ``(28, 28)`` image (what the preview shows)."""
        return self._input.copy()

    def is_blank(self) -> bool:
        """True if nothing is drawn or loaded."""
        return not self._grid.any()

    def clear(self) -> None:
        """Erase everything (strokes and any loaded image)."""
        self.strokes.clear()
        self._base = None
        self._rebuild()

    def undo(self) -> None:
        """Remove the last stroke."""
        if self.strokes:
            self.strokes.pop()
            self._rebuild()

    def set_normalization(self, on: bool) -> None:
        """Feed the MNIST-normalised drawing (True) or the raw grid (False)."""
        self.normalization = bool(on)
        self._update_input()

    def set_image(self, image: np.ndarray) -> None:
        """Show a ``(28, 28)`` image in [0, 1] (an MNIST digit, noise) and feed it as it is; drawing adds to it."""
        image = np.asarray(image, np.float32).reshape(SIZE, SIZE)
        self.strokes.clear()
        self._base = np.clip(image, 0.0, 1.0)
        self._rebuild()

    def drawing(self) -> tuple:
        """What is on the canvas (its strokes, any loaded image, the painted buffer), to put back with
        :meth:`set_drawing`."""
        strokes = [(erase, width, list(points)) for erase, width, points in self.strokes]
        return strokes, None if self._base is None else self._base.copy(), self.buffer.copy()

    def set_drawing(self, drawing: tuple) -> None:
        """Put back what :meth:`drawing` returned, pixel for pixel (the guided tour gives the learner's drawing
        back: painted again in one go, a stroke would differ slightly from the one painted as it was drawn)."""
        strokes, base, buffer = drawing
        self.strokes = [(erase, width, list(points)) for erase, width, points in strokes]
        self._base = None if base is None else base.copy()
        self._current = None
        self.buffer = buffer.copy()
        self._update_input()

    # --- drawing -------------------------------------------------------------------------------------------
    def _grid_rect(self) -> QRectF:
        side = min(self.width(), self.height())
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def to_buffer(self, pos: QPointF) -> QPointF:
        """Widget coordinates → drawing-buffer coordinates."""
        r = self._grid_rect()
        return QPointF((pos.x() - r.left()) * RES / r.width(), (pos.y() - r.top()) * RES / r.height())

    def _clear_buffer(self) -> None:
        self.buffer.fill(0)

    def _rebuild(self) -> None:
        self._clear_buffer()
        if self._base is not None:
            img8 = np.ascontiguousarray((self._base * 255).astype(np.uint8))
            base = QImage(img8.data, SIZE, SIZE, SIZE, QImage.Format.Format_Grayscale8)
            p = QPainter(self.buffer)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            p.drawImage(QRectF(0, 0, RES, RES), base)
            p.end()
        for stroke in self.strokes:
            self._paint_stroke(stroke, 0)
        self._update_input()

    def _paint_stroke(self, stroke, start: int) -> None:
        paint_stroke(self.buffer, *stroke, start)

    def _update_input(self) -> None:
        hi = image_to_array(self.buffer)
        self._grid = downsample(hi)
        if self._base is not None and not self.strokes:
            self._input = self._base.copy()  # a loaded image goes in unchanged (noise must stay noise)
        elif self.normalization:
            self._input = normalize(hi)
        else:
            self._input = self._grid.copy()
        self.update()
        self.changed.emit()

    def _begin(self, pos: QPointF, erase: bool, width: float) -> None:
        self._current = (erase, width, [self.to_buffer(pos)])
        self.strokes.append(self._current)
        self._paint_stroke(self._current, 0)
        self._update_input()

    def _extend(self, pos: QPointF) -> None:
        if self._current is None:
            return
        pts = self._current[2]
        pts.append(self.to_buffer(pos))
        self._paint_stroke(self._current, len(pts) - 1)
        self._update_input()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            erase = event.button() == Qt.MouseButton.RightButton
            self._begin(event.position(), erase, PEN_WIDTH * (2.0 if erase else 1.0))
            event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.buttons() & (Qt.MouseButton.LeftButton | Qt.MouseButton.RightButton):
            self._extend(event.position())
            event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._current = None
        event.accept()

    def tabletEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """A pen tablet draws like the mouse; the pen's eraser end (or its button) erases; pressure widens."""
        t = event.type()
        erase = event.pointerType().name == "Eraser" or bool(event.buttons() & Qt.MouseButton.RightButton)
        if t == event.Type.TabletPress:
            self._begin(event.position(), erase, PEN_WIDTH * (0.6 + 0.8 * max(event.pressure(), 0.1)))
        elif t == event.Type.TabletMove and self._current is not None:
            self._extend(event.position())
        elif t == event.Type.TabletRelease:
            self._current = None
        event.accept()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        r = self._grid_rect()
        if r.width() < self.width() or r.height() < self.height():
            p.fillRect(self.rect(), self.palette().window())
        paint_grid(p, r, self._grid)
        if self._lines_for != r:
            self._lines, self._lines_for = grid_lines(r), r
        p.setPen(QPen(QColor(60, 60, 60), 1))
        p.drawLines(self._lines)
        p.end()


class ImagePreview(QWidget):
    """A small picture of a 28×28 array: here, what the network sees."""

    def __init__(self, title_tip: str, parent=None):
        super().__init__(parent)
        self.setToolTip(title_tip)
        self.setFixedSize(84, 84)
        self.image = np.zeros((SIZE, SIZE), np.float32)

    def set_image(self, image: np.ndarray) -> None:
        """Show ``image`` ``(28, 28)`` in [0, 1]."""
        self.image = np.asarray(image, np.float32).reshape(SIZE, SIZE)
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        paint_grid(p, QRectF(self.rect()), self.image)
        p.end()
