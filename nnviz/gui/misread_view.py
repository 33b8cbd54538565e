"""Qt view of "why was it misread?": the MNIST training images nearest to a drawing, of the digit the network read
and of the digit meant, side by side, so a learner sees that their 9 looks more like MNIST's 3s than its 9s.

The view does not hold MNIST's training set (the training loop does): it asks for the images it lacks with
``nearest_wanted(drawing, digits)`` and draws what ``show_nearest`` hands back, keeping each digit's answer for the
drawing it was asked about, so a network that wavers between two readings asks nothing new.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from . import theme
from .canvas import paint_grid

NEIGHBOURS = 6  # images shown per digit
CELL = 40  # the largest side of one image, px
GAP = 8  # between the drawing and its neighbours, px


class NeighbourStrips(QWidget):
    """Rows of small digits, each under its caption: the drawing, a gap, then its nearest training images."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.rows: list[tuple[str, np.ndarray]] = []  # (caption, images (k, 28, 28) in [0, 1])
        self.drawing = np.zeros((28, 28), np.float32)
        self._text = QColor(theme.TEXT)
        self._background = QColor(theme.PLOT_BACKGROUND)
        self._line = self.fontMetrics().lineSpacing()

    def _row_height(self) -> int:
        return self._line + CELL + 6

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(GAP + (NEIGHBOURS + 1) * (CELL + 2) + 8, max(1, len(self.rows)) * self._row_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize((NEIGHBOURS + 1) * 22 + GAP, self.sizeHint().height())

    def set_rows(self, drawing: np.ndarray, rows: list[tuple[str, np.ndarray]]) -> None:
        """Show ``drawing`` ``(28, 28)`` beside each of ``rows`` of (caption, images ``(k, 28, 28)`` in [0, 1])."""
        self.drawing = drawing
        self.rows = rows
        self.setFixedHeight(max(1, len(rows)) * self._row_height())
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), self._background)
        # the cells shrink with the width, so that a narrow Draw panel still shows the whole row
        side = max(8, min(CELL, int((self.width() - 8 - GAP) / (NEIGHBOURS + 1)) - 2))
        for r, (caption, images) in enumerate(self.rows):
            top = r * self._row_height() + 2
            p.setPen(self._text)
            p.drawText(QRectF(4, top, self.width() - 8, self._line), Qt.AlignmentFlag.AlignLeft,
                       p.fontMetrics().elidedText(caption, Qt.TextElideMode.ElideRight, self.width() - 8))
            y = top + self._line + 2
            paint_grid(p, QRectF(4, y, side, side), self.drawing)
            p.setPen(QPen(self._text, 1))
            p.drawRect(QRectF(3.5, y - 0.5, side + 1, side + 1))  # the drawing, framed: the others are MNIST's
            for i, image in enumerate(images):
                paint_grid(p, QRectF(4 + GAP + (i + 1) * (side + 2), y, side, side), image)
        p.end()


class MisreadView(QWidget):
    """Beside a misread drawing: MNIST's training images nearest to it of the digit read and of the digit meant."""

    nearest_wanted = Signal(object, object)  #: a drawing (784,) and the digits whose nearest images are missing
    meant_changed = Signal(int)  #: the user picked the digit they meant

    def __init__(self, parent=None):
        super().__init__(parent)
        self.drawing: np.ndarray | None = None
        self.read_as: int | None = None
        self.found: dict[int, tuple[np.ndarray, np.ndarray]] = {}  #: digit → (images (k, 28, 28) uint8, distances)
        self._asked: set[int] = set()  # the digits asked about for this drawing, answered or not
        self.no_data = False  #: the last answer came without images: MNIST is not loaded
        self.meant = QComboBox()
        self.meant.addItem("?", None)  # not said yet: only the digit read is shown
        for d in range(10):
            self.meant.addItem(str(d), d)
        self.meant.setToolTip("The digit you meant to draw (a digit key on the canvas picks it too)")
        self.meant.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verdict = QLabel("Draw a digit to compare it with MNIST's.")
        self.verdict.setWordWrap(True)
        self.strips = NeighbourStrips()
        self.strips.setToolTip("Your drawing (framed) beside the MNIST training images nearest to it: nearest means "
                               "the fewest differences, pixel by pixel, over the 784 inputs. If your digit sits "
                               "nearer the images of the digit it was read as, the network has seen few like it.")
        top = QHBoxLayout()
        top.addWidget(QLabel("I meant:"))
        top.addWidget(self.meant)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.strips)
        layout.addWidget(self.verdict)
        layout.addStretch(1)
        self.meant.currentIndexChanged.connect(self._on_meant)

    def show_misread(self, drawing: np.ndarray | None, read_as: int | None, meant: int | None = None) -> None:
        """Compare ``drawing`` (784 values in [0, 1]) read as ``read_as`` with MNIST's; ``meant`` if known (else
        the picker's digit). None: nothing to compare. Asks for the nearest images it does not have yet."""
        drawing = None if drawing is None else np.asarray(drawing, np.float32).reshape(-1)
        if drawing is None or self.drawing is None or not np.array_equal(drawing, self.drawing):
            self.found, self._asked = {}, set()
        self.drawing, self.read_as = drawing, None if read_as is None else int(read_as)
        if meant is not None and int(meant) != self.meant.currentData():
            self.meant.blockSignals(True)
            self.set_meant(meant)
            self.meant.blockSignals(False)
        self._ask()
        self._update()

    def set_meant(self, digit: int | None) -> None:
        """The digit you meant (None: not said)."""
        self.meant.setCurrentIndex(self.meant.findData(digit) if digit is not None else 0)

    def show_nearest(self, drawing: np.ndarray, digits, images: np.ndarray, distances: np.ndarray) -> None:
        """The answer to ``nearest_wanted``: for each of ``digits`` its nearest images uint8 ``(k, 28, 28)`` and
        their distances ``(k,)``; ignored if the drawing has changed since it was asked."""
        if self.drawing is None or not np.array_equal(np.asarray(drawing, np.float32).reshape(-1), self.drawing):
            return
        self.no_data = images.shape[1] == 0
        if self.no_data:
            self._asked.difference_update(int(d) for d in digits)  # ask again once MNIST is there
        else:
            self.found.update({int(d): (im, di) for d, im, di in zip(digits, images, distances)})
        self._update()

    def digits(self) -> list[int]:
        """The digits compared: the one read, then the one meant if said (once if they are the same)."""
        if self.read_as is None:
            return []
        meant = self.meant.currentData()
        return list(dict.fromkeys([self.read_as] + ([] if meant is None else [meant])))

    @Slot(int)
    def _on_meant(self, _index: int) -> None:
        self._ask()
        self._update()
        if self.meant.currentData() is not None:
            self.meant_changed.emit(self.meant.currentData())

    def _ask(self) -> None:
        missing = tuple(d for d in self.digits() if d not in self.found and d not in self._asked)
        if self.drawing is not None and missing:
            self._asked.update(missing)
            self.nearest_wanted.emit(self.drawing.copy(), missing)

    def _update(self) -> None:
        digits = self.digits()
        if self.drawing is None or not digits:
            self.strips.set_rows(np.zeros((28, 28), np.float32), [])
            self.verdict.setText("Draw a digit to compare it with MNIST's.")
            return
        rows = [(f"{'Read as' if d == self.read_as else 'Meant'} {d} · MNIST's {d}s nearest to it",
                 self.found[d][0] / 255.0) for d in digits if d in self.found]
        self.strips.set_rows(self.drawing.reshape(28, 28), rows)
        self.verdict.setText(self.verdict_text())

    def verdict_text(self) -> str:
        """What the comparison shows, in a sentence (or what it is waiting for)."""
        digits, meant = self.digits(), self.meant.currentData()
        if self.no_data:
            return "MNIST's training images are not loaded yet: load MNIST to compare your drawing with them."
        if any(d not in self.found for d in digits):
            return "Looking for MNIST's training images nearest to your drawing…"
        if meant is None:
            return (f"Read as {self.read_as}. Which digit did you mean? Pick it above (or press its key on the "
                    "canvas) to see your drawing beside MNIST's images of both.")
        if meant == self.read_as:
            return f"Read right as {meant}: these are the MNIST {meant}s most like it."
        near_read, near_meant = (float(self.found[d][1][:3].mean()) for d in digits)
        closer = (f"it is nearer MNIST's {self.read_as}s ({near_read:.2f}) than its {meant}s ({near_meant:.2f}): "
                  f"few of MNIST's writers made a {meant} like yours" if near_read < near_meant else
                  f"it is nearer MNIST's {meant}s ({near_meant:.2f}) than its {self.read_as}s ({near_read:.2f}), "
                  "yet the network learned a boundary that puts it with the others")
        return (f"Read as {self.read_as}, meant {meant}: {closer}. (Distances: the mean over the three nearest "
                "images, in input units.)")
