"""The network graph's hover box: what a neuron or an edge under the pointer is, beside it (a mixin of
:class:`~nnviz.gui.network_view.NetworkView`, which owns the items: ``hover_text``, ``hover_image``)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF

from ..core import graph_layout as gl
from ..core.graph_layout import INPUT_SIDE, upright
from . import theme


class NetworkHover:
    """The hover box's text and placement; the view's mouse handlers call these."""

    def describe(self, layer: int, index: int) -> str:
        """Hover text for a neuron: activation, bias and weighted sum (HTML)."""
        return gl.neuron_description(self.network, self.forward.weighted_sums, self.activations(), layer, index)

    def _show_hover(self, layer: int, index: int) -> None:
        thumbnail = layer == 1 and self.network.sizes[0] == INPUT_SIDE * INPUT_SIDE
        note = "<br>below: its 784 incoming weights" if thumbnail else ""
        self.hover_text.setHtml(f"<div style='color:{theme.TEXT}'>{self.describe(layer, index)}{note}</div>")
        pos = self.layout.position(layer, index)
        left, bottom, height = self._place_hover_text(float(pos[0]), float(pos[1]))
        if thumbnail:
            w = self.network.weights[0][index].reshape(INPUT_SIDE, INPUT_SIDE)
            lim = float(np.abs(w).max()) or 1.0
            side, (y_min, _) = 0.4, self.vb.viewRange()[1]
            y = bottom - 0.04 - side if bottom - 0.04 - side >= y_min else bottom + height + 0.02
            self.hover_image.setImage(upright(w), levels=(-lim, lim), lut=theme.diverging_lut(self.palette_name),
                                      autoLevels=False, rect=QRectF(left, y, side, side))
            self.hover_image.show()
        else:
            self.hover_image.hide()

    def _place_hover_text(self, x: float, y: float) -> tuple[float, float, float]:
        """Show the hover box beside view point (x, y); its (left, bottom, height) in view units."""
        # The box keeps its size in pixels; in view units it is that times the view's size of a pixel. It sits
        # up and to the right of the point (moved down if it would leave the top), a neuron's thumbnail under it
        # (or over it, near the bottom).
        px_w, px_h = self.vb.viewPixelSize()
        box = self.hover_text.textItem.boundingRect()
        width, height = box.width() * px_w, box.height() * px_h
        (_, x_max), (_, y_max) = self.vb.viewRange()
        left, bottom = x + 0.05, y + 0.02
        if left + width > x_max:  # the output layer: open to the left of the neuron instead
            left = x - 0.05 - width
        bottom = min(bottom, y_max - height)
        self.hover_text.setPos(left, bottom)
        self.hover_text.show()
        return left, bottom, height

    def _show_edge_hover(self, layer: int, j: int, k: int, at: tuple[float, float] | None = None) -> None:
        text = gl.edge_description(self.network, layer, j, k, self.edge_steps)
        self.hover_text.setHtml(f"<div style='color:{theme.TEXT}'>{text}</div>")
        self.hover_image.hide()
        if at is not None:
            self._edge_hover_at = at
        self._place_hover_text(*self._edge_hover_at)

    def _hide_hover(self) -> None:
        self.hovered = self.hovered_edge = None
        self.hover_text.hide()
        self.hover_image.hide()
