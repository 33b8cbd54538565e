"""Small pictures of 28×28 digits: icons for the my-digits gallery and a strip painter for the misread view."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QImage, QPixmap


def digit_pixmap(image: np.ndarray, side: int = 42) -> QPixmap:
    """A uint8 ``(28, 28)`` digit (ink 255) as a ``side``-pixel pixmap, cells kept sharp like the canvas."""
    img8 = np.ascontiguousarray(np.asarray(image, np.uint8).reshape(28, 28))
    qimg = QImage(img8.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()  # copy: img8 is freed later
    return QPixmap.fromImage(qimg.scaled(side, side, Qt.AspectRatioMode.IgnoreAspectRatio,
                                         Qt.TransformationMode.FastTransformation))


def digit_icon(image: np.ndarray, side: int = 42) -> QIcon:
    """:func:`digit_pixmap` as an icon (for list views)."""
    return QIcon(digit_pixmap(image, side))
