"""Qt view of "why was it misread?": the MNIST training images nearest to a drawing, of the digit the network read
and of the digit meant, side by side, so a learner sees that their 9 looks more like MNIST's 3s than its 9s."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..core.nearest import NearestImages, Neighbours
from . import theme
from .canvas import paint_grid

NEIGHBOURS = 6  # images shown per digit


class NeighbourStrips(QWidget):
    """Rows of small digits: the drawing, then for each digit asked about its nearest training images."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.rows: list[tuple[str, np.ndarray]] = []  # (caption, images (k, 28, 28) in [0, 1])
        self._text = QColor(theme.TEXT)
        self._background = QColor(theme.PLOT_BACKGROUND)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(130 + NEIGHBOURS * 46, max(1, len(self.rows)) * 50)

    def set_rows(self, rows: list[tuple[str, np.ndarray]]) -> None:
        """Show ``rows`` of (caption, images ``(k, 28, 28)`` in [0, 1])."""
        self.rows = rows
        self.setFixedHeight(max(1, len(rows)) * 50)
        self.updateGeometry()
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), self._background)
        p.setPen(self._text)
        for r, (caption, images) in enumerate(self.rows):
            top = r * 50 + 3
            p.drawText(QRectF(4, top, 122, 44), Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap, caption)
            for i, image in enumerate(images):
                paint_grid(p, QRectF(130 + i * 46, top, 44, 44), image)
        p.end()


class MisreadView(QWidget):
    """Beside a misread drawing: MNIST's training images nearest to it of the digit read and of the digit meant."""

    meant_changed = Signal(int)  #: the user picked the digit they meant

    def __init__(self, parent=None):
        super().__init__(parent)
        self.index: NearestImages | None = None
        self.drawing: np.ndarray | None = None
        self.read_as: int | None = None
        self.neighbours: list[Neighbours] = []
        self.meant = QComboBox()
        self.meant.addItems([str(d) for d in range(10)])
        self.meant.setToolTip("The digit you meant to draw")
        self.meant.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verdict = QLabel("Draw a digit to compare it with MNIST's.")
        self.verdict.setWordWrap(True)
        self.strips = NeighbourStrips()
        self.strips.setToolTip("Nearest means fewest differences, pixel by pixel, over the 784 inputs. If your digit "
                               "sits nearer the images of the digit it was read as, the network has seen few like it.")
        top = QHBoxLayout()
        top.addWidget(QLabel("I meant:"))
        top.addWidget(self.meant)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.verdict)
        layout.addWidget(self.strips)
        self.meant.currentIndexChanged.connect(self._on_meant)

    def set_training_set(self, images: np.ndarray, labels: np.ndarray) -> None:
        """The images to search (MNIST's training set, uint8 ``(n, 28, 28)``) and their labels."""
        self.index = NearestImages(images, labels)
        self._update()

    def show_misread(self, drawing: np.ndarray, read_as: int, meant: int | None = None) -> None:
        """Compare ``drawing`` (784 values in [0, 1]) read as ``read_as`` with MNIST's; ``meant`` if known."""
        self.drawing = np.asarray(drawing, np.float32).reshape(-1)
        self.read_as = int(read_as)
        if meant is not None and int(meant) != self.meant.currentIndex():
            self.meant.blockSignals(True)
            self.meant.setCurrentIndex(int(meant))
            self.meant.blockSignals(False)
        self._update()

    @Slot(int)
    def _on_meant(self, digit: int) -> None:
        self._update()
        self.meant_changed.emit(digit)

    def _update(self) -> None:
        if self.index is None or self.drawing is None or self.read_as is None:
            self.neighbours = []
            self.strips.set_rows([])
            return
        meant = self.meant.currentIndex()
        self.neighbours = self.index.nearest(self.drawing, [self.read_as, meant], NEIGHBOURS)
        rows = [("Your drawing", self.drawing.reshape(1, 28, 28))]
        for n in self.neighbours:
            images = self.index.images[n.indices].reshape(-1, 28, 28) / 255.0
            rows.append((f"MNIST's {n.digit}s nearest to it", images))
        self.strips.set_rows(rows)
        if meant == self.read_as:
            self.verdict.setText(f"Read right as {meant}: these are the MNIST {meant}s most like it.")
            return
        near_read, near_meant = (float(n.distances[:3].mean()) for n in self.neighbours)
        closer = (f"it is nearer MNIST's {self.read_as}s ({near_read:.1f}) than its {meant}s ({near_meant:.1f}): "
                  f"few of MNIST's writers made a {meant} like yours" if near_read < near_meant else
                  f"it is nearer MNIST's {meant}s ({near_meant:.1f}) than its {self.read_as}s ({near_read:.1f}), "
                  "yet the network learned a boundary that puts it with the others")
        self.verdict.setText(f"Read as {self.read_as}, meant {meant}: {closer}. (Distances: the mean over the three "
                             "nearest images, in input units.)")
