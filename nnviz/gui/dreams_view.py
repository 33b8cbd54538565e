"""Qt views of the network's dreams: what each output digit most wants to see, and what a hidden neuron wants.

Dreams come from :mod:`nnviz.core.dreams` (gradient ascent on the pixels, computed in the background). Each view is
one RGB mosaic image built with NumPy plus a few text items made once; ``show_…`` only refills them.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from ..core.dreams import Dream
from ..core.network import Network
from . import theme
from .weights_view import effective_weights

DIGITS_EXPLANATION = ("<b>Dreams.</b> For each digit, the image that excites its output neuron most, found by "
                      "gradient ascent on the 784 pixels with the weights fixed. The number under each is how "
                      "strongly the network answers that dream. Asked what a digit looks like, the network draws "
                      "noise: it has learned to separate digits, not what they look like.")
NEURON_EXPLANATION = ("<b>A hidden neuron's dream</b> (left): the image that drives its weighted sum highest, beside "
                      "its incoming weights (right). Hidden neurons respond to scattered patterns, rarely to a clean "
                      "stroke.")
SIDE, GAP = 28, 3


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], np.uint8)


def _grey(pixels: np.ndarray) -> np.ndarray:
    """A 28×28 image in 0…1 as RGB, ink white on black (as the network sees it)."""
    v = np.round(np.clip(pixels.reshape(SIDE, SIDE), 0, 1) * 255).astype(np.uint8)
    return np.repeat(v[:, :, None], 3, axis=2)


class DreamsView(pg.GraphicsLayoutWidget):
    """The ten digits' dreams side by side, each with how strongly the network answers it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground(theme.PLOT_BACKGROUND)
        self.vb = self.addViewBox(row=0, col=0, lockAspect=True, enableMouse=False, enableMenu=False, invertY=True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.vb.addItem(self.image)
        width = 10 * (SIDE + GAP) - GAP
        self.mosaic = np.zeros((SIDE, width, 3), np.uint8)
        self.mosaic[:] = _rgb(theme.PLOT_BACKGROUND)
        self.labels = []
        for d in range(10):
            t = pg.TextItem("", color=theme.TEXT, anchor=(0.5, 0))
            t.setPos(d * (SIDE + GAP) + SIDE / 2, SIDE + 1)
            self.vb.addItem(t)
            self.labels.append(t)
        self.vb.setRange(QRectF(0, 0, width, SIDE + 12), padding=0.01)
        self.dreams: list[Dream] = []
        self.image.setImage(self.mosaic, levels=(0, 255), autoLevels=False)

    def show_dreams(self, dreams: list[Dream]) -> None:
        """Draw the ten dreams (``dreams[d]`` is digit d's) and the network's answer to each."""
        self.dreams = list(dreams)
        for d, dream in enumerate(self.dreams[:10]):
            x = d * (SIDE + GAP)
            self.mosaic[:, x : x + SIDE] = _grey(dream.pixels)
            answer = float(dream.outputs[d])
            guess = int(np.argmax(dream.outputs))
            colour = theme.DREAM_ANSWERED if guess == d else theme.DREAM_MISREAD
            text = f"{d}: {answer:.2f}" if guess == d else f"{d}: {answer:.2f} (reads {guess})"
            self.labels[d].setHtml(f"<span style='color:{colour}'>{text}</span>")
        self.image.setImage(self.mosaic, levels=(0, 255), autoLevels=False)


class NeuronDreamView(pg.GraphicsLayoutWidget):
    """One neuron's dream beside its incoming weights (deeper layers: the product of the weights down to the input)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground(theme.PLOT_BACKGROUND)
        self.title = self.addLabel("", row=0, col=0, color=theme.TEXT)
        self.vb = self.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, enableMenu=False, invertY=True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.vb.addItem(self.image)
        self.mosaic = np.zeros((SIDE, 2 * SIDE + GAP, 3), np.uint8)
        self.mosaic[:] = _rgb(theme.PLOT_BACKGROUND)
        self.vb.setRange(QRectF(0, 0, 2 * SIDE + GAP, SIDE), padding=0.02)
        self.palette_name = "standard"
        self.dream: Dream | None = None
        self.weights = np.zeros(SIDE * SIDE)

    def set_palette(self, name: str) -> None:
        """Standard or colour-blind-safe colours for the weight image (as in the graph)."""
        self.palette_name = name
        if self.dream is not None:
            self._paint()

    def show_dream(self, dream: Dream, network: Network) -> None:
        """Draw ``dream`` (of neuron ``dream.unit`` in layer ``dream.layer`` of ``network``) and that neuron's weights."""
        self.dream = dream
        self.weights = effective_weights(network, dream.layer)[dream.unit]
        what = "weights" if dream.layer == 1 else "W·…·W₁ (a linear approximation)"
        self.title.setText(f"layer {dream.layer}, neuron {dream.unit}: its dream (activation {dream.activation:.2f})"
                           f" · its {what}")
        self._paint()

    def _paint(self) -> None:
        self.mosaic[:, :SIDE] = _grey(self.dream.pixels)
        lut = theme.diverging_lut(self.palette_name)
        limit = float(np.abs(self.weights).max()) or 1.0
        index = np.round((self.weights / limit + 1) / 2 * (len(lut) - 1)).astype(int)
        self.mosaic[:, SIDE + GAP :] = lut[index, :3].reshape(SIDE, SIDE, 3)
        self.image.setImage(self.mosaic, levels=(0, 255), autoLevels=False)
