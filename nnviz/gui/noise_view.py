"""Qt view of the 100-noise-images experiment: the images themselves, each with the digit the network sees in it.

The explanation's point: a network trained only on digits has no way to answer "none of these", so it reads every
image of random pixels as some digit, often with a high output. The view is a small window of its own beside the
Draw panel (so the panel keeps its layout), shown while the experiment is on; closing it ends the experiment.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from . import theme
from .widgets import button

SIDE = 28
COLUMNS = 10
SURE = 0.9  #: a top output at least this high is drawn as "sure" (bright)


def mosaic(images: np.ndarray, columns: int = COLUMNS) -> np.ndarray:
    """``(n, 784)`` images in [0, 1] as one uint8 picture of ``columns`` tiles a row, 2-pixel gaps, ``(h, w)``."""
    n = len(images)
    rows = -(-n // columns)
    step = SIDE + 2
    out = np.full((rows * step, columns * step), 40, np.uint8)
    tiles = (np.clip(images, 0, 1) * 255).astype(np.uint8).reshape(n, SIDE, SIDE)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, columns)
        out[r * step : r * step + SIDE, c * step : c * step + SIDE] = tile
    return out


def summary(outputs: np.ndarray, measure: str) -> str:
    """One sentence on the answers ``(n, 10)``: the digit seen most often and how high the top outputs are."""
    guesses = outputs.argmax(axis=1)
    counts = np.bincount(guesses, minlength=10)
    top = int(np.argmax(counts))
    q1, q2, q3 = np.percentile(outputs.max(axis=1), [25, 50, 75])
    return (f"Seen most often: <b>{top}</b> ({counts[top]} of {len(outputs)}). Top output ({measure}): median "
            f"{q2:.2f}, half of them between {q1:.2f} and {q3:.2f}.")


class NoiseGrid(QWidget):
    """The images in a 10 × 10 grid, each with the guessed digit and its output written on it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(COLUMNS * 34, COLUMNS * 34)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.pixmap: QPixmap | None = None
        self.n = 0
        self.guesses = np.zeros(0, np.intp)
        self.tops = np.zeros(0, np.float32)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(COLUMNS * 46, COLUMNS * 46)

    def set_images(self, images: np.ndarray) -> None:
        """The experiment's images ``(n, 784)`` in [0, 1] (drawn once: only the answers change as it trains)."""
        picture = np.ascontiguousarray(mosaic(images))
        h, w = picture.shape
        self.pixmap = QPixmap.fromImage(QImage(picture.data, w, h, w, QImage.Format.Format_Grayscale8).copy())
        self.n = len(images)
        self.update()

    def set_answers(self, outputs: np.ndarray) -> None:
        """The network's outputs ``(n, 10)`` for the images."""
        self.guesses = outputs.argmax(axis=1)
        self.tops = outputs.max(axis=1)
        self.update()

    def tile_rect(self, i: int) -> QRectF:
        """Where image ``i`` is drawn, in widget pixels."""
        rows = max(-(-self.n // COLUMNS), 1)
        step = min(self.width() / COLUMNS, self.height() / rows)
        r, c = divmod(i, COLUMNS)
        return QRectF(c * step, r * step, step * SIDE / (SIDE + 2), step * SIDE / (SIDE + 2))

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(theme.PLOT_BACKGROUND))
        if self.pixmap is None:
            p.end()
            return
        rows = max(-(-self.n // COLUMNS), 1)
        step = min(self.width() / COLUMNS, self.height() / rows)
        p.drawPixmap(QRectF(0, 0, step * COLUMNS, step * rows), self.pixmap, QRectF(self.pixmap.rect()))
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(max(9, int(step * 0.42)))
        small = QFont(self.font())
        small.setPixelSize(max(7, int(step * 0.22)))
        backing = QColor(*theme.on_background(190))
        sure, unsure = QColor(theme.ACCURACY), QColor(theme.TEXT)
        for i, (digit, value) in enumerate(zip(self.guesses, self.tops)):
            r = self.tile_rect(i)
            p.fillRect(QRectF(r.left(), r.top(), r.width() * 0.5, r.height() * 0.62), backing)
            p.setFont(font)
            p.setPen(sure if value >= SURE else unsure)
            p.drawText(QRectF(r.left(), r.top(), r.width() * 0.5, r.height() * 0.42), Qt.AlignmentFlag.AlignCenter,
                       str(int(digit)))
            p.setFont(small)
            p.drawText(QRectF(r.left(), r.top() + r.height() * 0.40, r.width() * 0.5, r.height() * 0.22),
                       Qt.AlignmentFlag.AlignCenter, f"{value:.2f}"[1:] if value < 1 else "1.0")
        p.end()


class NoiseView(QWidget):
    """The experiment in a small window of its own: the grid, one sentence of summary, and a button to end it."""

    closed = Signal()  #: the window was closed: the experiment is over

    def __init__(self, parent=None):
        super().__init__(parent, Qt.WindowType.Tool)
        self.setWindowTitle("100 noise images")
        self.intro = QLabel("100 images of random pixels, each with the digit the network sees in it and its top "
                            "output (green: 0.90 or more). Trained only on digits, the network has no way to "
                            "answer “none of these”.")
        self.intro.setWordWrap(True)
        self.grid = NoiseGrid()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.end_button = button("End the experiment", "Close this window; the bars show the canvas again.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.end_button, 0, Qt.AlignmentFlag.AlignRight)
        self.end_button.clicked.connect(self.close)

    def show_batch(self, images: np.ndarray | None, outputs: np.ndarray, measure: str) -> None:
        """Show the answers ``(n, 10)`` (``measure``: what an output is, e.g. 'activation'); ``images`` ``(n, 784)``
        when the experiment starts (None: the same images, answered by a newer network)."""
        if images is not None:
            self.grid.set_images(images)
        self.grid.set_answers(outputs)
        text = summary(outputs, measure)
        if text != self.summary.text():
            self.summary.setText(text)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().closeEvent(event)
        self.closed.emit()
