"""Qt view of the confusion matrix: for each true digit (row), how often the network gave each answer (column).

The hundred cells are coloured on a logarithmic scale (so a cell of 3 mistakes stands out next to a diagonal of
1,000 right answers) and numbered by one item, a colour bar gives the scale. Built once; ``show_confusion`` only
swaps colours and numbers. Clicking a cell emits it, to open the images behind it.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen

from . import theme
from .static_text import StaticTexts

FLOOR = {False: 0.7, True: 0.0007}  # below the smallest non-zero value shown: 1 image, or 0.1 % of a row


def _lut_luminance(lut: np.ndarray) -> np.ndarray:
    return (0.2126 * lut[:, 0] + 0.7152 * lut[:, 1] + 0.0722 * lut[:, 2]) / 255.0


class MatrixCells(pg.GraphicsObject):
    """Every cell's colour and number, painted by one item.

    A hundred ``TextItem``s cost ten times as much, and an ``ImageItem`` is an indexed image that Qt converts
    pixel by pixel on every paint (measured: 8 ms of a 10 ms frame). Here the colours are one 10 × 10 RGB32 image
    scaled up, a grid of lines separates the cells, and the numbers are prepared static texts.
    """

    def __init__(self, n: int = 10):
        super().__init__()
        self.n = n
        self.texts = [""] * (n * n)
        self._pixels = np.zeros((n, n), np.uint32)
        self._image = QImage(self._pixels.data, n, n, 4 * n, QImage.Format.Format_RGB32)
        self._labels: dict[tuple[bool, bool], list[tuple[int, int, str]]] = {}  # (bold, dark ink) → cells
        self._texts = StaticTexts()
        self._grid = QPen(QColor(theme.PLOT_BACKGROUND), 1)
        self._version = 0  # counts set_cells calls: the rendered image is redone when it moves
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
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(0, 0, self.n, self.n)

    def paint(self, p: QPainter, *args) -> None:
        # In device pixels: in the view's data coordinates a cell is 1 × 1 and a font would scale. Cells, grid and
        # numbers are rendered into one image when they or the size change (text drawn straight into the view's
        # scene costs four times as much as into an image), and that image is blitted.
        to_device = p.transform()
        p.resetTransform()
        area = to_device.mapRect(QRectF(0, 0, self.n, self.n)).toAlignedRect()  # row 0 on top: the view is flipped
        key = (area.size(), self._version)
        if key != self._rendered_key:
            self._rendered_key = key
            self._rendered = self._render(area.width(), area.height())
        p.drawImage(area.topLeft(), self._rendered)

    def _render(self, width: int, height: int) -> QImage:
        n = self.n
        image = QImage(max(width, 1), max(height, 1), QImage.Format.Format_ARGB32_Premultiplied)
        p = QPainter(image)
        p.drawImage(QRectF(0, 0, width, height), self._image)  # nearest-neighbour scaling: each pixel one cell
        w, h = width / n, height / n
        p.setPen(self._grid)
        p.drawLines([QLineF(i * w, 0, i * w, height) for i in range(1, n)]
                    + [QLineF(0, i * h, width, i * h) for i in range(1, n)])
        font = QFont()
        font.setPixelSize(max(7, int(min(h * 0.42, w / 2.9))))
        light, dark = QColor(theme.TEXT), QColor(theme.PLOT_BACKGROUND)
        for (bold, dark_ink), cells in self._labels.items():  # a few groups: few font and pen changes
            font.setBold(bold)
            p.setPen(dark if dark_ink else light)
            self._texts.draw_centred(p, font, [((c + 0.5) * w, (r + 0.5) * h, t) for r, c, t in cells])
        p.end()
        return image


class ConfusionView(pg.GraphicsLayoutWidget):
    """The 10 × 10 confusion matrix as coloured cells with their counts (or row shares), a colour bar and a caption."""

    cell_clicked = Signal(int, int)  #: (true digit, answer) of the clicked cell

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground(theme.PLOT_BACKGROUND)
        self.setToolTip(
            "The confusion matrix of the 10,000 test images: each row is a true digit, each column the network's "
            "answer, and each cell counts the images of that digit given that answer. The diagonal holds the "
            "right answers; every other cell is a kind of mistake. Colours are on a logarithmic scale so that a "
            "few mistakes show beside a thousand right answers. Click a cell to see its images.")
        self.n = 10
        self.caption = self.addLabel("", row=0, col=0, colspan=2, color=theme.TEXT)
        self.plot = self.addPlot(row=1, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(False, False)
        self.plot.getViewBox().setAspectLocked(True)
        self.plot.getViewBox().invertY(True)  # digit 0 on top, as in the printed matrix
        self.plot.setRange(xRange=(0, self.n), yRange=(0, self.n), padding=0)
        ticks = [[(d + 0.5, str(d)) for d in range(self.n)]]
        for side, label in (("left", "true digit"), ("top", "the network's answer")):
            self.plot.showAxis(side)
            self.plot.getAxis(side).setTicks(ticks)
            self.plot.setLabel(side, label)
        self.plot.hideAxis("bottom")
        self.cells = MatrixCells(self.n)
        self.plot.addItem(self.cells)
        self.frame = pg.QtWidgets.QGraphicsRectItem(0, 0, 1, 1)
        self.frame.setPen(pg.mkPen(theme.SELECTION, width=2))
        self.frame.hide()
        self.plot.addItem(self.frame)
        self.palette_name = "standard"
        self.colorbar = pg.ColorBarItem(values=(0, 3), colorMap=self._colormap(), interactive=False, width=12,
                                        colorMapMenu=False)
        self.addItem(self.colorbar, row=1, col=1)
        self.confusion = np.zeros((self.n, self.n), np.int64)
        self.normalised = False
        self.selected: tuple[int, int] | None = None
        self._hover: tuple[int, int] | None = None
        self._scale_key = None
        self.scene().sigMouseClicked.connect(self._on_mouse_clicked)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._show_caption()

    # --- settings ------------------------------------------------------------------------------------------
    def _colormap(self) -> pg.ColorMap:
        self._lut = theme.sequential_lut(self.palette_name)
        r, g, b = (self._lut[:, i].astype(np.uint32) for i in range(3))
        self._rgb32 = 0xFF000000 | (r << 16) | (g << 8) | b
        self._dark_text = _lut_luminance(self._lut) > 0.55  # bright cells get dark numbers
        return pg.ColorMap(np.linspace(0, 1, len(self._lut)), self._lut)

    def set_palette(self, name: str) -> None:
        """Standard or colour-blind-safe colours."""
        self.palette_name = name
        self.colorbar.setColorMap(self._colormap())
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
        self._show_caption()

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
        self._update_scale(lo, hi)
        logs = np.log10(np.maximum(v, floor)).ravel()
        index = np.clip(((logs - lo) / (hi - lo) * (len(self._lut) - 1)).astype(int), 0, len(self._lut) - 1)
        self.cells.set_cells(self._rgb32[index].reshape(self.n, self.n), [self._format(x) for x in v.ravel()],
                             self._dark_text[index])

    def _format(self, x: float) -> str:
        if x == 0:
            return ""  # empty cells read faster than a hundred zeros; hovering still says "0 images"
        if not self.normalised:
            return str(int(x))
        percent = 100 * x
        return f"{percent:.0f}" if percent >= 9.95 else f"{percent:.1f}"

    def _update_scale(self, lo: float, hi: float) -> None:
        """The colour bar's ticks at powers of ten (its axis is linear in the logarithm); relaid only on change."""
        key = (self.normalised, lo, hi)
        if key == self._scale_key:
            return
        self._scale_key = key
        self.colorbar.setLevels((lo, hi))
        if self.normalised:
            ticks = [(math.log10(s / 100), f"{s:g} %") for s in (0.1, 1, 10, 100)]
            label = "share of the row (log scale)"
        else:
            ticks = [(e, f"{10 ** e:,}") for e in range(0, int(math.floor(hi)) + 1)]
            label = "images (log scale)"
        self.colorbar.axis.setTicks([ticks, []])
        self.colorbar.axis.setLabel(label)

    # --- selection and hover ---------------------------------------------------------------------------------
    def select_cell(self, true: int | None, answer: int | None = None) -> None:
        """Frame the cell (``true``, ``answer``); ``None`` clears the frame."""
        if true is None:
            self.selected = None
            self.frame.hide()
            return
        if self.selected != (int(true), int(answer)) or not self.frame.isVisible():
            self.selected = (int(true), int(answer))
            self.frame.setRect(QRectF(answer, true, 1, 1))
            self.frame.show()

    def cell_centre(self, true: int, answer: int) -> QPoint:
        """Where the cell's centre is in the widget's viewport (for tests and tooltips)."""
        scene = self.plot.getViewBox().mapViewToScene(QPointF(answer + 0.5, true + 0.5))
        return self.mapFromScene(scene)

    def cell_at(self, scene_pos) -> tuple[int, int] | None:
        """The (true digit, answer) cell under a scene position, or None outside the matrix."""
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        col, row = math.floor(p.x()), math.floor(p.y())
        return (row, col) if 0 <= row < self.n and 0 <= col < self.n else None

    def describe(self, true: int, answer: int) -> str:
        """One sentence about a cell: how many images of ``true`` got ``answer``."""
        count = int(self.confusion[true, answer])
        total = int(self.confusion[true].sum())
        share = f" ({100 * count / total:.1f} % of the {true}s)" if total else ""
        images = f"{count:,} image{'s' if count != 1 else ''}"
        if true == answer:
            return f"{true} read right: {images}{share}"
        return f"{true} read as {answer}: {images}{share}"

    @Slot(object)
    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        cell = self.cell_at(event.scenePos())
        if cell is not None:
            self.select_cell(*cell)
            self.cell_clicked.emit(*cell)

    @Slot(object)
    def _on_mouse_moved(self, scene_pos) -> None:
        cell = self.cell_at(scene_pos)
        if cell != self._hover:
            self._hover = cell
            self._show_caption()

    def _show_caption(self) -> None:
        if self._hover is not None:
            text = self.describe(*self._hover) + " — click to see them"
        else:
            text = "rows: the true digit · columns: the network's answer" + (" · % of each row" if self.normalised
                                                                               else "")
        if text != self.caption.text:  # a new caption lays the view out again: only when it changes
            self.caption.setText(text, size="9pt")
