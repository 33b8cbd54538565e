"""Qt view of the confusion matrix: for each true digit (row), how often the network gave each answer (column).

One ``ImageItem`` colours the hundred cells on a logarithmic scale (so a cell of 3 mistakes stands out next to a
diagonal of 1,000 right answers), one item paints every cell's number, a colour bar gives the scale. Built once;
``show_confusion`` only swaps the numbers. Clicking a cell emits it, to open the images behind it.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter

from . import theme

FLOOR = {False: 0.7, True: 0.0007}  # below the smallest non-zero value shown: 1 image, or 0.1 % of a row


def _lut_luminance(lut: np.ndarray) -> np.ndarray:
    return (0.2126 * lut[:, 0] + 0.7152 * lut[:, 1] + 0.0722 * lut[:, 2]) / 255.0


class CellNumbers(pg.GraphicsObject):
    """The number written in each cell, all painted by one item (a hundred text items cost ten times as much)."""

    def __init__(self, n: int = 10):
        super().__init__()
        self.n = n
        self.texts = [""] * (n * n)
        self.dark_text = np.zeros(n * n, bool)
        self.bold = np.eye(n, dtype=bool).ravel()  # the diagonal: the right answers

    def set_numbers(self, texts: list[str], dark_text: np.ndarray) -> None:
        """Write ``texts`` (row by row) in the cells; dark ink where ``dark_text`` (on bright cells)."""
        self.texts, self.dark_text = texts, dark_text
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return QRectF(0, 0, self.n, self.n)

    def paint(self, p: QPainter, *args) -> None:
        # Text drawn in device pixels: in the view's data coordinates a cell is 1 × 1 and the font would scale.
        to_device = p.transform()
        p.resetTransform()
        cell = to_device.mapRect(QRectF(0, 0, 1, 1))
        font = QFont()
        font.setPixelSize(max(7, int(min(cell.height() * 0.42, abs(cell.width()) / 2.9))))
        light, dark = QColor(theme.TEXT), QColor(theme.PLOT_BACKGROUND)
        for bold in (False, True):
            font.setBold(bold)
            p.setFont(font)
            for k in np.flatnonzero(self.bold == bold):
                text = self.texts[k]
                if text:
                    r, c = divmod(int(k), self.n)
                    p.setPen(dark if self.dark_text[k] else light)
                    p.drawText(to_device.mapRect(QRectF(c, r, 1, 1)), Qt.AlignmentFlag.AlignCenter, text)


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
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.numbers = CellNumbers(self.n)
        self.plot.addItem(self.numbers)
        self.frame = pg.QtWidgets.QGraphicsRectItem(0, 0, 1, 1)
        self.frame.setPen(pg.mkPen(theme.SELECTION, width=2))
        self.frame.hide()
        self.plot.addItem(self.frame)
        self.palette_name = "standard"
        self.colorbar = pg.ColorBarItem(values=(0, 3), colorMap=self._colormap(), interactive=False, width=12,
                                        colorMapMenu=False)
        self.addItem(self.colorbar, row=1, col=1)
        self.colorbar.setImageItem(self.image)
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
        coloured = np.log10(np.maximum(v, floor))
        self.colorbar.setLevels((lo, hi))
        self.image.setImage(coloured, levels=(lo, hi), autoLevels=False)
        self._update_scale(lo, hi)
        index = np.clip(((coloured - lo) / (hi - lo) * (len(self._lut) - 1)).astype(int), 0, len(self._lut) - 1)
        dark = _lut_luminance(self._lut)[index].ravel() > 0.55
        self.numbers.set_numbers([self._format(x) for x in v.ravel()], dark)

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
        self.selected = (int(true), int(answer))
        self.frame.setRect(QRectF(answer, true, 1, 1))
        self.frame.show()

    def cell_centre(self, true: int, answer: int) -> QPointF:
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
        self.caption.setText(text, size="9pt")
