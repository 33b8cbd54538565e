"""Qt view of the whole network's cost surface: a contour map of a 2-D slice through the weights, with the run's path.

The surface (:func:`nnviz.core.surface.network_surface`) is computed in the background and arrives every few
seconds; ``show_surface`` only swaps the image, the contour lines' data and the path. Colours are the logarithm of
the cost, so valleys and the slopes far from them both stay readable.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from ..core.surface import CostSurface
from . import theme
from .cost_map import CostMap

EXPLANATION = ("<b>The cost surface of the whole network.</b> Every weight and bias moves together along two "
               "directions through the current network (the star); the colour is the cost there, darker is lower. "
               "On the 'path of training' plane the directions are the two the run moved along most, and the white "
               "line is the run's path walking downhill into its valley, from its start (the ring) up to the moment "
               "shown.")
SUMMARY = "<b>The whole network:</b> the cost on a plane through every weight; the white line is the run's path."
CONTOURS = 8


class SurfaceView(CostMap):
    """A contour map of the cost on a plane through the weights, the projected path and the current point."""

    def __init__(self, parent=None):
        super().__init__("log₁₀ cost", parent)
        # contour lines live in the image's pixel coordinates (children of it), on the pixel centres
        self.contours = []
        for _ in range(CONTOURS):
            iso = pg.IsocurveItem(pen=pg.mkPen(theme.CONTOUR, width=1))
            iso.setParentItem(self.image)
            iso.setPos(0.5, 0.5)
            self.contours.append(iso)
        self.path = self.mark(pg.PlotDataItem([], [], pen=pg.mkPen(theme.TRAINING_PATH, width=1.5), symbol="o",
                                              symbolSize=4, symbolBrush=pg.mkBrush(theme.TRAINING_PATH),
                                              symbolPen=None))
        self.start = self.mark(pg.ScatterPlotItem(size=10, brush=None, pen=pg.mkPen(theme.TRAINING_PATH, width=2)))
        self.current = self.mark(pg.ScatterPlotItem(size=16, symbol="star", brush=pg.mkBrush(theme.CURRENT_POINT),
                                                    pen=pg.mkPen(theme.TRAINING_PATH)))
        self.surface: CostSurface | None = None
        self.show_message("Computing the surface in the background…")

    def show_surface(self, surface: CostSurface) -> None:
        """Draw ``surface``: colours, contour lines, the path of training and the current point (0, 0)."""
        self.surface = surface
        shown = self.draw_costs(surface.a, surface.b, np.log10(np.maximum(surface.costs, 1e-12)))
        low, high = self.image.levels
        # IsocurveItem reads data[i, j] as (x = i, y = j): the transpose of the row-major image
        for iso, level in zip(self.contours, np.linspace(low, high, CONTOURS + 2)[1:-1]):
            iso.setData(shown.T, level)
        if len(surface.path):
            self.path.setData(surface.path[:, 0], surface.path[:, 1])
            self.start.setData([surface.path[0, 0]], [surface.path[0, 1]])
        else:
            self.path.setData([], [])
            self.start.setData([], [])
        self.current.setData([0.0], [0.0])
        self._label_axes(surface)

    def _label_axes(self, surface: CostSurface) -> None:
        if surface.kind == "path":
            held = surface.explained if surface.explained is not None else (np.nan, np.nan)
            self.plot.setLabel("bottom", f"direction the run moved most ({100 * held[0]:.0f} % of its path)")
            self.plot.setLabel("left", f"second direction ({100 * held[1]:.0f} %)")
        else:
            self.plot.setLabel("bottom", "random direction 1 (filter-normalised)")
            self.plot.setLabel("left", "random direction 2")
