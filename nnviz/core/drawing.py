"""Turn a drawing into what the network expects: a 28×28 image made the way MNIST's digits were made.

MNIST's digits were scaled (keeping their aspect ratio, anti-aliased) to fit a 20×20 box, then placed in the 28×28
field so that their centre of mass sits at the centre. A drawing that skips this is misread whenever it is small,
large or off-centre. Everything here is NumPy on float arrays with ink = 1 and paper = 0.
"""

from __future__ import annotations

import numpy as np

SIZE = 28  # the network's input field
BOX = 20  # MNIST's size-normalisation box
INK_THRESHOLD = 0.05  # a pixel darker than this (of 1) counts as ink when finding the drawing's extent


def _interp_axis(table: np.ndarray, positions: np.ndarray, axis: int) -> np.ndarray:
    """Linear interpolation of ``table`` along ``axis`` at fractional ``positions`` (0 … len − 1)."""
    lo = np.minimum(positions.astype(np.intp), table.shape[axis] - 2)
    frac = positions - lo
    a, b = np.take(table, lo, axis=axis), np.take(table, lo + 1, axis=axis)
    shape = [1, 1]
    shape[axis] = -1
    return a + (b - a) * frac.reshape(shape)


def resample(image: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Area-resample a 2-D ``image`` to ``(rows, cols)``: each output cell is the mean of the area it covers.

    Shrinking this way is exact anti-aliasing (a box filter). It works on the integral image, which is exactly
    bilinear inside each pixel, so fractional cell edges cost one interpolation per axis — and no matrix products,
    which keeps the GUI thread off the BLAS thread pool that training uses.
    """
    h, w = image.shape
    integral = np.zeros((h + 1, w + 1))
    np.cumsum(np.cumsum(image, axis=0), axis=1, out=integral[1:, 1:])
    at = _interp_axis(_interp_axis(integral, np.linspace(0, h, rows + 1), 0), np.linspace(0, w, cols + 1), 1)
    sums = np.diff(np.diff(at, axis=0), axis=1)
    return sums / ((h / rows) * (w / cols))


def downsample(image: np.ndarray, size: int = SIZE) -> np.ndarray:
    """The raw reduction: the whole canvas averaged down to ``size × size``, no normalisation."""
    image = np.asarray(image, np.float32)
    h, w = image.shape
    if h % size == 0 and w % size == 0:  # the canvas's case: a plain block mean
        out = image.reshape(size, h // size, size, w // size).mean(axis=(1, 3))
    else:
        out = resample(image, size, size)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def ink_bounds(image: np.ndarray, threshold: float = INK_THRESHOLD) -> tuple[int, int, int, int] | None:
    """``(top, bottom, left, right)`` (exclusive ends) of the pixels above ``threshold``; None if blank."""
    rows = np.flatnonzero((image > threshold).any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero((image > threshold).any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """The intensity-weighted centre ``(row, col)`` in pixel-centre coordinates."""
    total = image.sum()
    if total <= 0:
        return (image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2
    r = np.arange(image.shape[0]) @ image.sum(axis=1) / total
    c = np.arange(image.shape[1]) @ image.sum(axis=0) / total
    return float(r), float(c)


def normalize(image: np.ndarray, size: int = SIZE, box: int = BOX) -> np.ndarray:
    """MNIST-style normalisation of a drawing of any resolution → ``(size, size)`` float32 in [0, 1].

    1. crop to the ink; 2. scale so the longer side is ``box`` pixels, keeping the aspect ratio (area averaging,
    so strokes stay soft); 3. place it so its centre of mass is at the centre of the field (whole-pixel shift, as
    for MNIST). A blank drawing gives a blank field.
    """
    image = np.asarray(image, np.float64)
    bounds = ink_bounds(image)
    out = np.zeros((size, size), np.float32)
    if bounds is None:
        return out
    top, bottom, left, right = bounds
    crop = image[top:bottom, left:right]
    h, w = crop.shape
    scale = box / max(h, w)
    rows, cols = max(1, round(h * scale)), max(1, round(w * scale))
    small = np.clip(resample(crop, rows, cols), 0.0, 1.0)
    cy, cx = center_of_mass(small)
    centre = size / 2  # MNIST's digits have their centre of mass at pixel (14, 14), measured: 13.99, 14.00
    r0, c0 = int(round(centre - cy)), int(round(centre - cx))
    # keep the whole box inside the field even for lopsided shapes
    r0 = min(max(r0, 0), size - rows)
    c0 = min(max(c0, 0), size - cols)
    out[r0 : r0 + rows, c0 : c0 + cols] = small
    return out
