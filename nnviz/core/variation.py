"""Small random variations of 28×28 digits: each repetition of an extra example slightly turned, sized and moved.

Fifty of a person's digits repeated unchanged are learned by heart (all 50 read right) while the rest of their
digits gain little; seen a little differently each time, they teach the writer's style instead. The variation is
kept small, about the differences between one person's drawings of one digit after MNIST-style normalisation.
Measured (``benchmarks/my_digits_adaptation.py``, 5 digits per class, three writers the exact repetition helped
least): 83.5-90.5 % of their other digits read right with exact repeats, 93.5-94.5 % with ±15°, ±15 %, ±1.5 px;
±10° ±10 % ±1 px and ±20° ±20 % ±2 px did less well.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIDE = 28
CHUNK = 64  # images varied at a time


@dataclass(frozen=True)
class Variation:
    """The largest random change: ``rotate`` in degrees, ``scale`` as a fraction, ``shift`` in pixels."""

    rotate: float = 15.0
    scale: float = 0.15
    shift: float = 1.5

    def apply(self, images: np.ndarray, rng: np.random.Generator, out: np.ndarray | None = None) -> np.ndarray:
        """``images`` uint8 ``(k, 28, 28)`` or ``(k, 784)``, each varied at random → uint8 of the same shape."""
        result = out if out is not None else np.empty(images.shape, np.uint8)
        for start in range(0, len(images), CHUNK):  # a chunk's temporaries stay in the CPU's cache: 2-3x faster
            self._apply(images[start : start + CHUNK], rng, result[start : start + CHUNK])
        return result

    def _apply(self, images: np.ndarray, rng: np.random.Generator, result: np.ndarray) -> None:
        k = len(images)
        src = images.reshape(k, SIDE * SIDE).astype(np.float32)
        angle = np.deg2rad(rng.uniform(-self.rotate, self.rotate, k)).astype(np.float32)
        zoom = (1 + rng.uniform(-self.scale, self.scale, k)).astype(np.float32)
        move = rng.uniform(-self.shift, self.shift, (k, 2)).astype(np.float32)
        # output pixel (r, c) samples the source at centre + R(−angle)/zoom · ((r, c) − centre) − move
        centre = (SIDE - 1) / 2
        grid = np.arange(SIDE, dtype=np.float32) - centre
        r, c = np.meshgrid(grid, grid, indexing="ij")
        r, c = r.reshape(1, -1), c.reshape(1, -1)
        cos, sin = (np.cos(angle) / zoom)[:, None], (np.sin(angle) / zoom)[:, None]
        src_r = cos * r - sin * c + centre - move[:, :1]
        src_c = sin * r + cos * c + centre - move[:, 1:]
        varied = _bilinear(src, src_r, src_c)
        np.rint(varied, out=varied)
        np.clip(varied, 0, 255, out=varied)
        result.reshape(k, -1)[:] = varied


def _bilinear(src: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Sample ``src`` ``(k, 784)`` at fractional ``(rows, cols)`` ``(k, 784)``; outside the field is paper (0)."""
    k = len(src)
    padded = np.zeros((k, SIDE + 2, SIDE + 2), np.float32)  # a border of paper: edges sample 0 outside
    padded[:, 1:-1, 1:-1] = src.reshape(k, SIDE, SIDE)
    rows = np.clip(rows + 1, 0, SIDE + 1 - 1e-3)
    cols = np.clip(cols + 1, 0, SIDE + 1 - 1e-3)
    r0, c0 = np.floor(rows).astype(np.intp), np.floor(cols).astype(np.intp)
    fr, fc = rows - r0, cols - c0
    width = SIDE + 2
    flat = padded.reshape(-1)
    base = r0 * width + c0 + (np.arange(k) * width * width)[:, None]  # into the flattened stack
    top = flat[base] * (1 - fc) + flat[base + 1] * fc
    bottom = flat[base + width] * (1 - fc) + flat[base + width + 1] * fc
    return top * (1 - fr) + bottom * fr


DEFAULT_VARIATION = Variation()  #: how extra examples vary between repetitions unless asked otherwise
