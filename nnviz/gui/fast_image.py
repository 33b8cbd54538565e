"""An image item whose picture is kept in the pixel format Qt draws fastest."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QImage

FAST_FORMAT = QImage.Format.Format_ARGB32_Premultiplied


class FastImageItem(pg.ImageItem):
    """A pyqtgraph image item that converts its rendered picture once to premultiplied ARGB.

    pyqtgraph renders a one-channel image with a colour map as an 8-bit indexed picture, which Qt converts to
    ARGB again every time it is painted (the weight images: 0.4 ms of a 1 ms repaint); converted when it is
    rendered, each paint is a plain scaled copy.
    """

    def render(self) -> None:
        super().render()
        if self.qimage is not None and self.qimage.format() != FAST_FORMAT:
            self.qimage = self.qimage.convertToFormat(FAST_FORMAT)
