"""What the two cost maps share: a heat map of costs on a grid of two coordinates, its colour bar, marks over it.

:class:`CostMap` builds the plot, the image and the colour bar once; ``draw_costs`` places a grid's values on its
coordinates and sets the colour range from the finite values (a cost that overflowed is drawn as the highest).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from . import theme


class CostMap(pg.GraphicsLayoutWidget):
    """A heat map of a cost grid (darker is lower) with a colour bar; subclasses add their marks with ``mark``."""

    def __init__(self, bar_label: str, parent=None):
        super().__init__(parent)
        self.setBackground(theme.PLOT_BACKGROUND)
        self.plot = self.addPlot(row=0, col=0)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        lut = theme.sequential_lut()
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(lut)
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=pg.ColorMap(np.linspace(0, 1, len(lut)), lut),
                                        interactive=False, width=12, label=bar_label, colorMapMenu=False)
        self.addItem(self.colorbar, row=0, col=1)
        self.colorbar.setImageItem(self.image)
        self.message = self.mark(pg.TextItem(color=theme.TEXT, anchor=(0, 0)))

    def mark(self, item):
        """Add ``item`` over the heat map (path, ball, current point…) and return it."""
        item.setZValue(5)
        self.plot.addItem(item)
        return item

    def show_message(self, text: str) -> None:
        """Say why there is no map (yet), or what went wrong, in the map's top left corner."""
        self.message.setText(text)
        r = self.plot.vb.viewRect()
        self.message.setPos(r.left(), max(r.top(), r.bottom()))

    def draw_costs(self, x: np.ndarray, y: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Show ``values[r, c]`` at ``(x[c], y[r])`` (evenly spaced); return the values as drawn."""
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        high = high if high > low else low + 1e-9
        shown = np.nan_to_num(values, nan=high, posinf=high, neginf=low)
        self.image.setImage(shown, levels=(low, high), autoLevels=False)
        dx, dy = x[1] - x[0], y[1] - y[0]
        rect = QRectF(x[0] - dx / 2, y[0] - dy / 2, x[-1] - x[0] + dx, y[-1] - y[0] + dy)
        self.image.setRect(rect)
        self.colorbar.setLevels((low, high))
        self.plot.setRange(rect, padding=0)
        self.show_message("" if finite.size else "The cost overflows everywhere on this map: the weights have "
                             "blown up (lower the learning rate and reset).")
        return shown
