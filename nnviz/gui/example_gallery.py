"""Qt view of a gallery of test images, each with the network's ten output bars: the images behind a confusion
cell, or the hardest examples. Clicking one hands it, with its true label, to whoever shows it on the canvas.

The tiles are made once per ``show_examples`` as one image, pixels and bars by NumPy, only the captions by Qt;
a repaint is a single ``drawImage`` plus the hover frame.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import theme
from .static_text import StaticTexts

THUMB = 56  # pixels: a 28×28 image at 2×
BARS = 18  # height of the output bars under each image
BAR_W = 4  # pixels per bar (and one between bars)
CAPTION = 14
PAD = 6
TILE_W, TILE_H = THUMB + PAD, CAPTION + THUMB + BARS + PAD
HEADER = 18  # a line of text above the tiles (painted, so a new title never lays the window out again)
MAX_EXAMPLES = 60  # a diagonal cell can hold a thousand images: the most telling ones are shown, most sure first


def _rgb32(colour: str, alpha: float = 1.0, over: str | None = None) -> int:
    """A '#rrggbb' colour as a ``QImage.Format_RGB32`` pixel, 0xffRRGGBB; with ``alpha`` < 1, blended ``over``."""
    c = np.array(QColor(colour).getRgb()[:3], float)
    if over is not None:
        c = alpha * c + (1 - alpha) * np.array(QColor(over).getRgb()[:3], float)
    r, g, b = (int(round(v)) for v in c)
    return 0xFF000000 | (r << 16) | (g << 8) | b


class ExampleGallery(QWidget):
    """Tiles of labelled images: caption 'true → answer', the image, the ten outputs; click one to choose it."""

    example_chosen = Signal(object, int)  #: (28×28 float image in [0, 1], true label) of the clicked tile
    index_chosen = Signal(int)  #: the clicked tile's index in the test set

    def __init__(self, empty_text: str = "", parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints all of itself: Qt skips the parents
        self.empty_text = empty_text
        self.title = ""
        self.images = np.zeros((0, 28, 28), np.float32)
        self.labels = np.zeros(0, np.intp)
        self.outputs = np.zeros((0, 10), np.float32)
        self.indices = np.zeros(0, np.intp)
        self.costs: np.ndarray | None = None
        self.columns = 1
        self._image: QImage | None = None
        self._pixels = np.zeros((1, 1), np.uint32)
        self._stale = False
        self._texts = StaticTexts()
        self._hover: int | None = None
        # the other outputs' bars: the prediction bars' translucent blue, blended onto the background here
        self._other_bars = _rgb32(theme.COST_AVERAGE, 170 / 255, over=theme.PLOT_BACKGROUND)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(8 * TILE_W, 2 * TILE_H)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        columns = max(1, width // TILE_W)
        return HEADER + max(TILE_H, -(-len(self.labels) // columns) * TILE_H)

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

    def set_title(self, title: str) -> None:
        """The line above the tiles (what they are)."""
        if title != self.title:
            self.title = title
            self.update(0, 0, self.width(), HEADER)

    def clear(self) -> None:
        """Show no examples (the empty text instead)."""
        self.show_examples(np.zeros((0, 784)), np.zeros(0), np.zeros((0, 10)), np.zeros(0))

    # --- geometry ----------------------------------------------------------------------------------------------
    def tile_rect(self, i: int) -> QRect:
        """The widget rectangle of tile ``i``."""
        r, c = divmod(int(i), self.columns)
        return QRect(c * TILE_W, HEADER + r * TILE_H, TILE_W, TILE_H)

    def tile_at(self, pos: QPoint) -> int | None:
        """The tile under a widget position, or None."""
        c, r = pos.x() // TILE_W, (pos.y() - HEADER) // TILE_H
        i = r * self.columns + c
        return i if 0 <= c < self.columns and 0 <= i < len(self.labels) and pos.y() >= HEADER else None

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if max(1, self.width() // TILE_W) != self.columns:
            self._rebuild()
        super().resizeEvent(event)

    # --- painting ------------------------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self._rebuild()

    def _rebuild(self) -> None:
        """Paint every tile into one image: pixels and bars with NumPy, the captions with Qt. A hidden gallery
        (the other tab) only notes that it must, and does it when shown."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self.columns = max(1, self.width() // TILE_W)
        k = len(self.labels)
        rows = max(1, -(-k // self.columns))
        self.setMinimumHeight(HEADER + rows * TILE_H)  # all rows, so a scroll area around the gallery scrolls through them
        pixels = self._tiles(rows * self.columns)
        self._pixels = np.ascontiguousarray(  # QImage reads this memory: kept with it
            pixels.reshape(rows, self.columns, TILE_H, TILE_W).transpose(0, 2, 1, 3)
            .reshape(rows * TILE_H, self.columns * TILE_W))
        h, w = self._pixels.shape
        self._image = QImage(self._pixels.data, w, h, 4 * w, QImage.Format.Format_RGB32)
        if k:
            p = QPainter(self._image)
            self._paint_captions(p)
            p.end()
        self.update()

    def _tiles(self, slots: int) -> np.ndarray:
        """``slots`` tiles ``(slots, TILE_H, TILE_W)`` of ``QImage.Format_RGB32`` pixels: image at 2×, output bars."""
        k = len(self.labels)
        tiles = np.full((slots, TILE_H, TILE_W), _rgb32(theme.PLOT_BACKGROUND), np.uint32)
        grey = (np.clip(self.images, 0.0, 1.0) * 255).astype(np.uint32)
        grey = (grey * 0x010101 | 0xFF000000).repeat(2, axis=1).repeat(2, axis=2)  # doubled both ways: (k, 56, 56)
        x0 = PAD // 2
        tiles[:k, CAPTION : CAPTION + THUMB, x0 : x0 + THUMB] = grey
        # ten bars of BAR_W pixels (and a 1-pixel gap) standing on the tile's bottom edge
        heights = np.rint(np.clip(np.nan_to_num(self.outputs), 0.0, 1.0) * (BARS - 2)).astype(int)  # (k, 10)
        lit = np.arange(BARS)[::-1][None, :, None] < heights[:, None, :]  # (k, BARS, 10): row's height above base
        colours = np.full((k, 10), self._other_bars, np.uint32)
        colours[np.arange(k), self.outputs.argmax(axis=1) if k else []] = _rgb32(theme.ACCURACY)
        left = x0 + (THUMB - 10 * (BAR_W + 1)) // 2
        bars = tiles[:k, CAPTION + THUMB : CAPTION + THUMB + BARS, left : left + 10 * (BAR_W + 1)]
        bars.reshape(k, BARS, 10, BAR_W + 1)[..., :BAR_W] = np.where(
            lit, colours[:, None, :], _rgb32(theme.PLOT_BACKGROUND))[..., None]
        return tiles

    def _paint_captions(self, p: QPainter) -> None:
        """'true→answer' and the network's confidence (or the cost) above each image; orange when wrong."""
        font = QFont(self.font())
        font.setPixelSize(10)
        answers = self.outputs.argmax(axis=1)
        groups: dict[bool, list] = {True: [], False: []}
        for i, (label, answer) in enumerate(zip(self.labels.tolist(), answers.tolist())):
            r, c = divmod(i, self.columns)
            value = f"{self.outputs[i, answer]:.2f}" if self.costs is None else f"C={self.costs[i]:.2g}"
            groups[label == answer].append(((c + 0.5) * TILE_W, (r + 0.5) * CAPTION + r * (TILE_H - CAPTION),
                                            f"{label}→{answer} {value}"))
        for right, captions in groups.items():
            p.setPen(QColor(theme.TEXT if right else theme.MISTAKE))
            self._texts.draw_centred(p, font, captions)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(theme.PLOT_BACKGROUND))
        p.setPen(QColor(theme.TEXT))
        if not len(self.labels):
            p.drawText(self.rect().adjusted(8, 8, -8, -8), Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                       self.empty_text)
        elif self._image is not None:
            p.drawText(QRect(PAD // 2, 0, self.width() - PAD, HEADER), Qt.AlignmentFlag.AlignVCenter, self.title)
            p.drawImage(0, HEADER, self._image)
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
