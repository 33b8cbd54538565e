"""A minimal PNG writer for greyscale images, so the command line can save a picture without loading Qt."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

from .atomic import write_atomically


def png_bytes(image: np.ndarray) -> bytes:
    """An 8-bit greyscale PNG of ``image`` ``(h, w)``, values 0…1 (0 black, 1 white), as bytes."""
    pixels = np.round(np.clip(np.asarray(image, np.float64), 0.0, 1.0) * 255).astype(np.uint8)
    if pixels.ndim != 2 or 0 in pixels.shape:
        raise ValueError(f"a PNG needs a non-empty (height, width) image, got shape {pixels.shape}")
    h, w = pixels.shape
    # every row starts with filter type 0 (the bytes as they are)
    raw = np.hstack([np.zeros((h, 1), np.uint8), pixels]).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)  # 8 bits, greyscale, deflate, no filter, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def write_png(path, image: np.ndarray, scale: int = 1) -> Path:
    """Write ``image`` (values 0…1) to ``path`` as a greyscale PNG, each pixel a ``scale × scale`` square."""
    image = np.asarray(image)
    if scale > 1:
        image = np.kron(image, np.ones((scale, scale)))
    data = png_bytes(image)
    path = Path(path)
    write_atomically(path, lambda f: f.write(data))
    return path
