"""Qt view of a gallery of test images, each with the network's ten output bars: the images behind a confusion
cell, or the hardest examples. Clicking one hands it, with its true label, to whoever shows it on the canvas.

The tiles are painted once per ``show_examples`` into one pixmap (the images as one mosaic, all bars in two
``drawRects`` calls); a repaint is a single ``drawPixmap`` plus the hover frame.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import theme

THUMB = 56  # pixels: a 28×28 image at 2×
BARS = 18  # height of the output bars under each image
CAPTION = 14
PAD = 6
TILE_W, TILE_H = THUMB + PAD, CAPTION + THUMB + BARS + PAD
MAX_EXAMPLES = 60  # a diagonal cell can hold a thousand images: the most telling ones are shown, most sure first


class ExampleGallery(QWidget):
    """Tiles of labelled images: caption 'true → answer', the image, the ten outputs; click one to choose it."""

    example_chosen = Signal(object, int)  #: (28×28 float image in [0, 1], true label) of the clicked tile
    index_chosen = Signal(int)  #: the clicked tile's index in the test set

    def __init__(self, empty_text: str = "", parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setMouseTracking(True)
        self.empty_text = empty_text
        self.images = np.zeros((0, 28, 28), np.float32)
        self.labels = np.zeros(0, np.intp)
        self.outputs = np.zeros((0, 10), np.float32)
        self.indices = np.zeros(0, np.intp)
        self.costs: np.ndarray | None = None
        self.columns = 1
        self._pixmap: QPixmap | None = None
        self._hover: int | None = None
        self._others = QColor(theme.COST_AVERAGE)
        self._others.setAlpha(170)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(8 * TILE_W, 2 * TILE_H)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        columns = max(1, width // TILE_W)
        return max(TILE_H, -(-len(self.labels) // columns) * TILE_H)

    # --- data ------------------------------------------------------------------------------------------------
    def show_examples(self, images: np.ndarray, labels: np.ndarray, outputs: np.ndarray, indices: np.ndarray,
                      costs: np.ndarray | None = None) -> None:
        """Show ``k`` examples: images ``(k, 28, 28)`` or ``(k, 784)`` (uint8 or float in [0, 1]), true ``labels``
        ``(k,)``, output activations ``(k, 10)``, their ``indices`` in the test set; with ``costs`` ``(k,)`` the
        captions give each one's cost instead of the network's confidence."""
        k = min(len(labels), MAX_EXAMPLES)
        images = np.asarray(images[:k]).reshape(k, 28, 28)
        self.images = images / np.float32(255.0) if images.dtype == np.uint8 else images.astype(np.float32)
        self.labels = np.asarray(labels[:k]).astype(np.intp)
        self.outputs = np.asarray(outputs[:k], np.float32)
        self.indices = np.asarray(indices[:k]).astype(np.intp)
        self.costs = None if costs is None else np.asarray(costs[:k], np.float64)
        self._hover = None
        self._rebuild()
        self.updateGeometry()

    def clear(self) -> None:
        """Show no examples (the empty text instead)."""
        self.show_examples(np.zeros((0, 784)), np.zeros(0), np.zeros((0, 10)), np.zeros(0))

    # --- geometry ----------------------------------------------------------------------------------------------
    def tile_rect(self, i: int) -> QRect:
        """The widget rectangle of tile ``i``."""
        r, c = divmod(int(i), self.columns)
        return QRect(c * TILE_W, r * TILE_H, TILE_W, TILE_H)

    def tile_at(self, pos: QPoint) -> int | None:
        """The tile under a widget position, or None."""
        c, r = pos.x() // TILE_W, pos.y() // TILE_H
        i = r * self.columns + c
        return i if 0 <= c < self.columns and 0 <= i < len(self.labels) and pos.y() >= 0 else None

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if max(1, self.width() // TILE_W) != self.columns:
            self._rebuild()
        super().resizeEvent(event)

    # --- painting ------------------------------------------------------------------------------------------------
    def _rebuild(self) -> None:
        """Paint every tile into one pixmap: the mosaic of images with NumPy, the bars and captions with Qt."""
        self.columns = max(1, self.width() // TILE_W)
        k = len(self.labels)
        rows = max(1, -(-k // self.columns))
        w, h = self.columns * TILE_W, rows * TILE_H
        self.setMinimumHeight(h)  # all rows, so a scroll area around the gallery scrolls through them
        pix = QPixmap(max(w, 1), max(h, 1))
        pix.fill(QColor(theme.PLOT_BACKGROUND))
        if k:
            # images as one grey mosaic at 2×: each pixel doubled in both directions
            mosaic = np.full((h, w), 0, np.uint8)
            big = np.repeat(np.repeat((self.images * 255).astype(np.uint8), 2, axis=1), 2, axis=2)
            for i in range(k):
                r, c = divmod(i, self.columns)
                y, x = r * TILE_H + CAPTION, c * TILE_W + PAD // 2
                mosaic[y : y + THUMB, x : x + THUMB] = big[i]
            p = QPainter(pix)
            self._mosaic = np.ascontiguousarray(mosaic)  # QImage reads this memory: keep it alive while painting
            image = QImage(self._mosaic.data, w, h, w, QImage.Format.Format_Grayscale8)
            p.drawImage(0, 0, image)
            self._paint_bars_and_captions(p)
            p.end()
        self._pixmap = pix
        self.update()

    def _paint_bars_and_captions(self, p: QPainter) -> None:
        answers = self.outputs.argmax(axis=1)
        slot = THUMB / 10
        others, chosen = [], []
        for i in range(len(self.labels)):
            r, c = divmod(i, self.columns)
            x0, base = c * TILE_W + PAD // 2, r * TILE_H + CAPTION + THUMB + BARS
            v = np.clip(self.outputs[i], 0.0, 1.0)
            for d in range(10):
                rect = QRectF(x0 + d * slot + 0.5, base - v[d] * (BARS - 2), slot - 1, v[d] * (BARS - 2))
                (chosen if d == answers[i] else others).append(rect)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._others)
        p.drawRects(others)
        p.setBrush(QColor(theme.ACCURACY))
        p.drawRects(chosen)
        font = QFont(self.font())
        font.setPixelSize(10)
        p.setFont(font)
        right, wrong = QColor(theme.TEXT), QColor(theme.MISTAKE)
        for i, (label, answer) in enumerate(zip(self.labels, answers)):
            r, c = divmod(i, self.columns)
            p.setPen(right if label == answer else wrong)
            if self.costs is None:
                text = f"{label}→{answer} {self.outputs[i, answer]:.2f}"
            else:
                text = f"{label}→{answer} C={self.costs[i]:.2g}"
            p.drawText(QRectF(c * TILE_W, r * TILE_H, TILE_W, CAPTION), Qt.AlignmentFlag.AlignCenter, text)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(theme.PLOT_BACKGROUND))
        if not len(self.labels):
            p.setPen(QColor(theme.TEXT))
            p.drawText(self.rect().adjusted(8, 8, -8, -8), Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                       self.empty_text)
        elif self._pixmap is not None:
            p.drawPixmap(0, 0, self._pixmap)
            if self._hover is not None:
                p.setPen(QPen(QColor(theme.SELECTION), 1))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(self.tile_rect(self._hover).adjusted(1, 1, -2, -2))
        p.end()

    # --- mouse ---------------------------------------------------------------------------------------------------
    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        i = self.tile_at(event.position().toPoint())
        if i != self._hover:
            self._hover = i
            self.setToolTip(self.describe(i) if i is not None else "")
            self.update()

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._hover = None
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        i = self.tile_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and i is not None:
            self.index_chosen.emit(int(self.indices[i]))
            self.example_chosen.emit(self.images[i].astype(np.float64), int(self.labels[i]))

    def describe(self, i: int) -> str:
        """A tooltip for tile ``i``: its test index, true digit, the network's answer and how sure it was."""
        answer = int(self.outputs[i].argmax())
        verdict = "right" if answer == self.labels[i] else "wrong"
        cost = "" if self.costs is None else f" Its cost C = {self.costs[i]:.4g}."
        return (f"Test image #{self.indices[i]:,}: a {self.labels[i]}; the network says {answer} ({verdict}), its "
                f"output {self.outputs[i, answer]:.3f}.{cost} Click to put it on the canvas with its label, where "
                "the backpropagation tab explains what the cost asks of it.")
