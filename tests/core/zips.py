"""Building hostile files for the loaders' tests: .npy headers that lie, hand-made zip archives, a cheap zip bomb."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np


def npy_bytes(array: np.ndarray) -> bytes:
    """``array`` as the bytes of a .npy file."""
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def npy_header(shape: tuple, dtype="<u1") -> bytes:
    """A valid .npy header (version 1.0) declaring ``shape`` and ``dtype``, with no data after it."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False, "shape": shape})
    return buf.getvalue()


def deflate(data: bytes) -> bytes:
    """Raw deflate (as zip stores it)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zeros_bomb(header: bytes, total: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``header`` then zeros, ``total`` bytes when inflated, built without compressing them.

    After a full flush the compressor starts afresh, so every 1 MiB block of zeros compresses to the same bytes
    (about 1 KB): the stream is the header's block, that block repeated, and the end. Returns (stream, CRC-32).
    """
    block = 1 << 20
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(header) + c.flush(zlib.Z_FULL_FLUSH)
    body = total - len(header)
    count, rest = divmod(body, block)
    zeros = bytes(block)
    seg = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.compress(bytes(rest)) + c.flush()
    crc = zlib.crc32(header)
    # CRC-32 of the zeros, block by block (fast: zlib's crc32 runs at several GB/s)
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    return head + seg * count + tail, crc


def write_zip(path: Path, members: list[tuple]) -> Path:
    """Write a zip by hand: ``members`` are ``(name, data, method, crc, file_size, flags)``; ``data`` is what is
    stored (already compressed for method 8). Anything may lie: sizes, method, flags, CRC."""
    out = io.BytesIO()
    central = []
    for name, data, method, crc, file_size, flags in members:
        raw_name = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0, crc, len(data), file_size,
                              len(raw_name), 0))
        out.write(raw_name)
        out.write(data)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, method, 0, 0, crc, len(data),
                                   file_size, len(raw_name), 0, 0, 0, 0, 0, offset) + raw_name)
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), size, start, 0))
    path.write_bytes(out.getvalue())
    return path


def stored(name: str, payload: bytes, flags: int = 0, method: int = zipfile.ZIP_STORED) -> tuple:
    """A member stored as is (``method`` may lie about it)."""
    return (name, payload, method, zlib.crc32(payload), len(payload), flags)


def deflated(name: str, payload: bytes) -> tuple:
    """A deflated member."""
    return (name, deflate(payload), zipfile.ZIP_DEFLATED, zlib.crc32(payload), len(payload), 0)


def members_of(path: Path) -> list[tuple]:
    """The members of an npz written by NumPy, re-stored uncompressed, ready to be edited and re-written."""
    with zipfile.ZipFile(path) as z:
        return [stored(i.filename, z.read(i)) for i in z.infolist()]
