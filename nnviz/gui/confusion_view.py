"""Qt view of the confusion matrix: for each true digit (row), how often the network gave each answer (column).

The hundred cells are coloured on a logarithmic scale (so a cell of 3 mistakes stands out next to a diagonal of
1,000 right answers) and numbered; a colour scale and a caption sit beside and above. Painted by itself: the
labels and the scale are a cached background, the cells one image rendered when the numbers change (a pyqtgraph
image, text and colour-bar items spent ten times longer per frame, measured). Clicking a cell emits it, to open
the images behind it.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QLineF, QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from . import theme
from .static_text import StaticTexts

FLOOR = {False: 0.7, True: 0.0007}  # below the smallest non-zero value shown: 1 image, or 0.1 % of a row
CAPTION_H, TOP_H, LEFT_W, SCALE_W = 20, 34, 40, 74  # pixels: caption, column labels, row labels, colour scale


def _lut_luminance(lut: np.ndarray) -> np.ndarray:
    return (0.2126 * lut[:, 0] + 0.7152 * lut[:, 1] + 0.0722 * lut[:, 2]) / 255.0


class MatrixCells:
    """Every cell's colour and number, rendered into one image (at most once per change and size).

    The colours are one n × n RGB32 image scaled up, a grid of lines separates the cells, and the numbers are
    prepared static texts (text drawn into an image costs a quarter of text drawn into a view).
    """

    def __init__(self, n: int = 10):
        self.n = n
        self.texts = [""] * (n * n)
        self._pixels = np.zeros((n, n), np.uint32)
        self._image = QImage(self._pixels.data, n, n, 4 * n, QImage.Format.Format_RGB32)
        self._labels: dict[tuple[bool, bool], list[tuple[int, int, str]]] = {}  # (bold, dark ink) → cells
        self._texts = StaticTexts()
        self._grid = QPen(QColor(theme.PLOT_BACKGROUND), 1)
        self._version = 0  # counts set_cells calls: the image is rendered again when it moves
        self._rendered_key = None
        self._rendered = QImage()

    def set_cells(self, pixels: np.ndarray, texts: list[str], dark_text: np.ndarray) -> None:
        """Fill the cells with ``pixels`` ``(n, n)`` (0xffRRGGBB) and write ``texts`` (row by row), in dark ink
        where ``dark_text``; the diagonal (the right answers) in bold."""
        self._pixels[...] = pixels
        self.texts = texts
        n = self.n
        self._labels = {}
        for k, text in enumerate(texts):
            if text:
                r, c = divmod(k, n)
                self._labels.setdefault((r == c, bool(dark_text[k])), []).append((r, c, text))
        self._version += 1

    def image(self, side: int) -> QImage:
        """The cells as a ``side`` × ``side`` image."""
        key = (side, self._version)
        if key != self._rendered_key:
            self._rendered_key = key
            self._rendered = self._render(max(side, 1))
        return self._rendered

    def _render(self, side: int) -> QImage:
        n = self.n
        image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
        p = QPainter(image)
        p.drawImage(QRectF(0, 0, side, side), self._image)  # nearest-neighbour scaling: each pixel one cell
        w = side / n
        p.setPen(self._grid)
        p.drawLines([QLineF(i * w, 0, i * w, side) for i in range(1, n)]
                    + [QLineF(0, i * w, side, i * w) for i in range(1, n)])
        font = QFont()
        font.setPixelSize(max(7, int(w / 2.9)))
        light, dark = QColor(theme.TEXT), QColor(theme.PLOT_BACKGROUND)
        for (bold, dark_ink), cells in self._labels.items():  # a few groups: few font and pen changes
            font.setBold(bold)
            p.setPen(dark if dark_ink else light)
            self._texts.draw_centred(p, font, [((c + 0.5) * w, (r + 0.5) * w, t) for r, c, t in cells])
        p.end()
        return image


class ConfusionView(QWidget):
    """The 10 × 10 confusion matrix as coloured cells with their counts (or row shares), a colour scale and a caption."""

    cell_clicked = Signal(int, int)  #: (true digit, answer) of the clicked cell

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints all of itself: Qt skips the parents
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 220)
        self.setMouseTracking(True)
        self.setToolTip(
            "The confusion matrix of the 10,000 test images: each row is a true digit, each column the network's "
            "answer, and each cell counts the images of that digit given that answer. The diagonal holds the "
            "right answers; every other cell is a kind of mistake. Colours are on a logarithmic scale so that a "
            "few mistakes show beside a thousand right answers. Click a cell to see its images.")
        self.n = 10
        self.cells = MatrixCells(self.n)
        self.confusion = np.zeros((self.n, self.n), np.int64)
        self.normalised = False
        self.selected: tuple[int, int] | None = None
        self.caption = ""
        self.palette_name = "standard"
        self._hover: tuple[int, int] | None = None
        self._scale = (0.0, 3.0)  # the colour scale's ends, log10
        self._background = None
        self._background_key = None
        self._set_palette_tables()
        self._redraw()
        self._show_caption()

    # --- settings ------------------------------------------------------------------------------------------
    def _set_palette_tables(self) -> None:
        self._lut = theme.counts_lut(self.palette_name)
        r, g, b = (self._lut[:, i].astype(np.uint32) for i in range(3))
        self._rgb32 = 0xFF000000 | (r << 16) | (g << 8) | b
        self._dark_text = _lut_luminance(self._lut) > 0.55  # bright cells get dark numbers

    def set_palette(self, name: str) -> None:
        """Standard or colour-blind-safe colours."""
        self.palette_name = name
        self._set_palette_tables()
        self._redraw()

    def set_normalised(self, on: bool) -> None:
        """Show each row as shares of that digit's images (%) instead of counts."""
        self.normalised = bool(on)
        self._redraw()
        self._show_caption()

    # --- per frame ------------------------------------------------------------------------------------------
    def show_confusion(self, confusion: np.ndarray) -> None:
        """Draw the matrix ``(10, 10)`` of counts: row = true digit, column = the network's answer."""
        self.confusion = np.asarray(confusion)
        self._redraw()

    def values(self) -> np.ndarray:
        """What the cells show ``(10, 10)``: counts, or each row's shares (0–1) when normalised."""
        if not self.normalised:
            return self.confusion
        return self.confusion / np.maximum(self.confusion.sum(axis=1, keepdims=True), 1)

    def _redraw(self) -> None:
        v = self.values().astype(float)
        floor = FLOOR[self.normalised]
        top = 1.0 if self.normalised else float(max(self.confusion.sum(axis=1).max(initial=1), 10))
        lo, hi = math.log10(floor), math.log10(top)
        self._scale = (lo, hi)
        logs = np.log10(np.maximum(v, floor)).ravel()
        index = np.clip(((logs - lo) / (hi - lo) * (len(self._lut) - 1)).astype(int), 0, len(self._lut) - 1)
        self.cells.set_cells(self._rgb32[index].reshape(self.n, self.n), [self._format(x) for x in v.ravel()],
                             self._dark_text[index])
        self.update()

    def _format(self, x: float) -> str:
        if x == 0:
            return ""  # empty cells read faster than a hundred zeros; hovering still says "0 images"
        if not self.normalised:
            return str(int(x))
        percent = 100 * x
        return f"{percent:.0f}" if percent >= 9.95 else f"{percent:.1f}"

    def scale_ticks(self) -> list[tuple[float, str]]:
        """The colour scale's labels at powers of ten: (log10 of the value, text)."""
        if self.normalised:
            return [(math.log10(s / 100), f"{s:g} %") for s in (0.1, 1, 10, 100)]
        return [(float(e), f"{10 ** e:,}") for e in range(0, int(math.floor(self._scale[1])) + 1)]

    # --- geometry ------------------------------------------------------------------------------------------
    def matrix_rect(self) -> QRect:
        """Where the cells are, in widget pixels (a square)."""
        side = max(min(self.width() - LEFT_W - SCALE_W - 8, self.height() - CAPTION_H - TOP_H - 8), 10)
        side -= side % self.n  # whole pixels per cell
        return QRect(LEFT_W, CAPTION_H + TOP_H, side, side)

    def cell_centre(self, true: int, answer: int) -> QPoint:
        """Where the cell's centre is in the widget (for tests and tooltips)."""
        m, w = self.matrix_rect(), self.matrix_rect().width() / self.n
        return QPoint(int(m.left() + (answer + 0.5) * w), int(m.top() + (true + 0.5) * w))

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        """The (true digit, answer) cell under a widget position, or None outside the matrix."""
        m = self.matrix_rect()
        if not m.contains(pos):
            return None
        w = m.width() / self.n
        return (min(int((pos.y() - m.top()) / w), self.n - 1), min(int((pos.x() - m.left()) / w), self.n - 1))

    def describe(self, true: int, answer: int) -> str:
        """One sentence about a cell: how many images of ``true`` got ``answer``."""
        count = int(self.confusion[true, answer])
        total = int(self.confusion[true].sum())
        share = f" ({100 * count / total:.1f} % of the {true}s)" if total else ""
        images = f"{count:,} image{'s' if count != 1 else ''}"
        if true == answer:
            return f"{true} read right: {images}{share}"
        return f"{true} read as {answer}: {images}{share}"

    # --- selection and hover ---------------------------------------------------------------------------------
    def select_cell(self, true: int | None, answer: int | None = None) -> None:
        """Frame the cell (``true``, ``answer``); ``None`` clears the frame."""
        cell = None if true is None else (int(true), int(answer))
        if cell != self.selected:
            self.selected = cell
            self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        cell = self.cell_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and cell is not None:
            self.select_cell(*cell)
            self.cell_clicked.emit(*cell)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        cell = self.cell_at(event.position().toPoint())
        if cell != self._hover:
            self._hover = cell
            self._show_caption()

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._hover = None
        self._show_caption()

    def _show_caption(self) -> None:
        if self._hover is not None:
            text = self.describe(*self._hover) + " — click to see them"
        else:
            text = "rows: the true digit · columns: its answer" + (" · % of each row" if self.normalised else "")
        if text != self.caption:
            self.caption = text
            self.update(0, 0, self.width(), CAPTION_H)

    # --- painting ------------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        key = (self.width(), self.height(), self.devicePixelRatioF(), self.normalised, self._scale,
               self.palette_name)
        if key != self._background_key or self._background is None:
            self._background, self._background_key = self._paint_background(), key
        p = QPainter(self)
        p.drawImage(0, 0, self._background)
        m = self.matrix_rect()
        p.drawImage(m.topLeft(), self.cells.image(m.width()))
        p.setPen(QColor(theme.TEXT))
        caption = p.fontMetrics().elidedText(self.caption, Qt.TextElideMode.ElideRight, self.width() - 8)
        p.drawText(QRect(4, 0, self.width() - 8, CAPTION_H), Qt.AlignmentFlag.AlignCenter, caption)
        if self.selected is not None:
            w = m.width() / self.n
            t, a = self.selected
            p.setPen(QPen(QColor(theme.SELECTION), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(m.left() + a * w + 1, m.top() + t * w + 1, w - 2, w - 2))
        p.end()

    def _paint_background(self) -> QImage:
        """Digit labels, axis titles and the colour scale (redrawn only when the size, mode or palette change)."""
        dpr = self.devicePixelRatioF()
        image = QImage(int(self.width() * dpr), int(self.height() * dpr), QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(dpr)
        image.fill(QColor(theme.PLOT_BACKGROUND))
        p = QPainter(image)
        m = self.matrix_rect()
        w = m.width() / self.n
        muted = QColor(theme.TEXT)
        muted.setAlpha(170)
        p.setPen(QColor(theme.TEXT))
        for d in range(self.n):
            p.drawText(QRectF(m.left() + d * w, m.top() - 16, w, 16), Qt.AlignmentFlag.AlignCenter, str(d))
            p.drawText(QRectF(m.left() - 18, m.top() + d * w, 14, w), Qt.AlignmentFlag.AlignCenter, str(d))
        p.setPen(muted)
        p.drawText(QRectF(m.left(), CAPTION_H, m.width(), 16), Qt.AlignmentFlag.AlignCenter, "the network's answer")
        p.save()
        p.translate(LEFT_W - 30, m.center().y())
        p.rotate(-90)
        p.drawText(QRectF(-m.height() / 2, -8, m.height(), 16), Qt.AlignmentFlag.AlignCenter, "true digit")
        p.restore()
        # the colour scale: the palette from bottom (few) to top (many), ticks at powers of ten
        strip = QRectF(m.right() + 12, m.top(), 12, m.height())
        column = np.ascontiguousarray(self._rgb32[::-1].reshape(-1, 1))
        lut_image = QImage(column.data, 1, len(column), 4, QImage.Format.Format_RGB32)
        p.drawImage(strip, lut_image)
        lo, hi = self._scale
        p.setPen(QColor(theme.TEXT))
        for value, text in self.scale_ticks():
            y = strip.bottom() - (value - lo) / (hi - lo) * strip.height()
            p.drawLine(QLineF(strip.right(), y, strip.right() + 4, y))
            p.drawText(QRectF(strip.right() + 6, y - 8, SCALE_W - 30, 16), Qt.AlignmentFlag.AlignVCenter, text)
        p.setPen(muted)
        p.save()
        p.translate(strip.right() + SCALE_W - 22, m.center().y())
        p.rotate(-90)
        label = "share of the row (log scale)" if self.normalised else "images (log scale)"
        p.drawText(QRectF(-m.height() / 2, -8, m.height(), 16), Qt.AlignmentFlag.AlignCenter, label)
        p.restore()
        p.end()
        return image
