"""The minimal PNG writer makes files any PNG reader accepts, with the pixels given."""

import struct
import zlib

import numpy as np
import pytest

from nnviz.core.png import png_bytes, write_png


def decode(data: bytes) -> np.ndarray:
    """An independent reader for 8-bit greyscale, unfiltered PNGs: checks the signature and every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n : pos + 12 + n])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append((kind, body))
        pos += 12 + n
    assert [k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    w, h, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (depth, colour) == (8, 0)
    rows = np.frombuffer(zlib.decompress(chunks[1][1]), np.uint8).reshape(h, w + 1)
    assert not rows[:, 0].any()  # filter type 0 on every row
    return rows[:, 1:]


def test_pixels_survive(rng):
    """Values 0…1 become 0…255, row by row, out-of-range values clamped."""
    image = rng.uniform(-0.2, 1.2, (28, 28))
    np.testing.assert_array_equal(decode(png_bytes(image)), np.round(np.clip(image, 0, 1) * 255))


def test_write_scaled(tmp_path):
    """Each pixel becomes a scale × scale square in the file."""
    path = write_png(tmp_path / "d.png", np.array([[0.0, 1.0]]), scale=3)
    pixels = decode(path.read_bytes())
    assert pixels.shape == (3, 6) and pixels[:, :3].max() == 0 and pixels[:, 3:].min() == 255


def test_refuses_a_non_image():
    """A 1-D or empty array is not an image."""
    with pytest.raises(ValueError):
        png_bytes(np.zeros(5))
    with pytest.raises(ValueError):
        png_bytes(np.zeros((0, 4)))
