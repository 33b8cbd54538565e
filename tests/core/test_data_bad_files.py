"""Hostile and unlucky data files: every one ends in one DataError naming the file, nothing big is allocated, and
the next good file loads. Includes the fuzz test of issue 13 (seeded byte flips of a compressed npz and of gzipped
IDX files: everything loads or raises DataError)."""

import gzip
import os
import random
import struct
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.core import data as md
from nnviz.core.data import DataError

from .child_memory import run_measured
from .zips import deflated, members_of, npy_bytes, npy_header, stored, write_zip, zeros_bomb

ROOT = Path(__file__).resolve().parents[2]
TINY = {"x_train": (3, (60, 28, 28), "u"), "y_train": (1, (60,), "ui"),
        "x_test": (3, (10, 28, 28), "u"), "y_test": (1, (10,), "ui")}


@pytest.fixture
def tiny(monkeypatch):
    """MNIST's shapes shrunk to 60 training and 10 test images, so that files for the loaders are a few KB; yields
    a valid tiny dataset (blobs of ink on paper, so that deflate really compresses it)."""
    monkeypatch.setattr(md, "_EXPECTED", TINY)
    rng = np.random.default_rng(7)
    arrays = {}
    for key, (_, shape, _) in TINY.items():
        if key[0] == "x":
            img = np.zeros(shape, np.uint8)
            img[:, 8:20, 10:18] = rng.integers(0, 256, (shape[0], 12, 8), dtype=np.uint8)
            arrays[key] = img
        else:
            arrays[key] = rng.integers(0, 10, shape, dtype=np.uint8)
    return md.MNIST(**arrays)


def write_npz(path: Path, d: md.MNIST, compressed=True) -> Path:
    save = np.savez_compressed if compressed else np.savez
    save(path, x_train=d.x_train, y_train=d.y_train, x_test=d.x_test, y_test=d.y_test)
    return path


def write_idx_folder(folder: Path, d: md.MNIST) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem in md._IDX_NAMES.items():
        arr = getattr(d, key)
        payload = bytes([0, 0, 0x08, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape) + arr.tobytes()
        with gzip.open(folder / f"{stem}.gz", "wb") as f:
            f.write(payload)
    return folder


def flip(raw: bytes, seed: int) -> bytes:
    """``raw`` with 1-4 bytes changed at seeded places (and, one time in eight, cut short)."""
    r = random.Random(seed)
    out = bytearray(raw)
    for _ in range(r.randint(1, 4)):
        out[r.randrange(len(out))] ^= r.randint(1, 255)
    if r.random() < 0.125:
        out = out[: r.randrange(len(out))]
    return bytes(out)


FUZZ = settings(max_examples=200, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(seed=st.integers(0, 2**32 - 1))
def test_fuzzed_compressed_npz_loads_or_raises_data_error(tiny, tmp_path, seed):
    """200 seeded byte flips of a compressed npz: each loads (and is then valid MNIST-shaped data) or raises
    DataError naming the file — never zlib.error, tokenize errors, MemoryError, …"""
    good = write_npz(tmp_path / "good.npz", tiny)
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(flip(good.read_bytes(), seed))
    try:
        d = md.load_npz(bad)
    except DataError as e:
        assert "mnist.npz" in str(e)
    else:
        assert d.x_train.shape == (60, 28, 28) and d.y_test.max() <= 9


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), which=st.sampled_from(sorted(md._IDX_NAMES.values())))
def test_fuzzed_gzipped_idx_loads_or_raises_data_error(tiny, tmp_path, seed, which):
    """200 seeded byte flips of one of four gzipped IDX files: each folder loads or raises DataError naming the
    file — never zlib.error, EOFError, struct.error or a failed reshape."""
    folder = tmp_path / "idx"
    if not folder.exists():
        write_idx_folder(folder, tiny)
    target = folder / f"{which}.gz"
    original = target.read_bytes()
    target.write_bytes(flip(original, seed))
    try:
        d = md.load_mnist(folder)
    except DataError as e:
        assert which in str(e) or "idx" in str(e)
    else:
        assert d.x_test.shape == (10, 28, 28)
    finally:
        target.write_bytes(original)


# --- each listed bad file --------------------------------------------------------------------------------------
def _npz_with(tmp_path, tiny, name: str, member: tuple) -> Path:
    """The tiny dataset as a stored npz, with member ``name`` replaced by ``member``."""
    good = write_npz(tmp_path / "good.npz", tiny, compressed=False)
    members = [member if m[0] == name else m for m in members_of(good)]
    return write_zip(tmp_path / "bad.npz", members)


def test_corrupt_deflate_member(tiny, tmp_path):
    """A deflate stream with garbage in it (zlib.error inside) is a DataError naming the file."""
    good = write_npz(tmp_path / "good.npz", tiny)
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("x_train.npy")
    raw = bytearray(good.read_bytes())
    start = info.header_offset + 30 + len("x_train.npy")
    raw[start + 10 : start + 60] = os.urandom(50)
    (tmp_path / "bad.npz").write_bytes(bytes(raw))
    with pytest.raises(DataError, match="bad.npz.*(damaged|truncated)"):
        md.load_npz(tmp_path / "bad.npz")


def test_unparseable_npy_header(tiny, tmp_path):
    """A header that is not a Python literal (numpy falls back to tokenize, which raises TokenError)."""
    header = b"\x93NUMPY\x01\x00" + struct.pack("<H", 118) + b"{'descr': '|u1', 'shape': (60, 28, 28" + b" " * 79 + b"\n"
    path = _npz_with(tmp_path, tiny, "x_train.npy", stored("x_train.npy", header + bytes(47040)))
    with pytest.raises(DataError, match="bad.npz.*x_train"):
        md.load_npz(path)


@pytest.mark.parametrize("method", [14, 99])
def test_unknown_zip_method(tiny, tmp_path, method):
    """A member packed with LZMA or an unknown method (NotImplementedError inside zipfile) is refused by name."""
    payload = npy_bytes(tiny.x_train)
    path = _npz_with(tmp_path, tiny, "x_train.npy", stored("x_train.npy", payload, method=method))
    with pytest.raises(DataError, match=f"bad.npz.*zip method {method}"):
        md.load_npz(path)


def test_encrypted_member(tiny, tmp_path):
    """The encryption flag (RuntimeError inside zipfile) is refused by name."""
    payload = npy_bytes(tiny.y_test)
    path = _npz_with(tmp_path, tiny, "y_test.npy", stored("y_test.npy", payload, flags=0x1))
    with pytest.raises(DataError, match="bad.npz.*encrypted 'y_test'"):
        md.load_npz(path)


def test_header_declaring_a_trillion_elements(tiny, tmp_path):
    """A header declaring 10¹² elements is refused from its declared size (no MemoryError, nothing allocated)."""
    path = _npz_with(tmp_path, tiny, "x_train.npy", stored("x_train.npy", npy_header((10**12,)) + bytes(100)))
    with pytest.raises(DataError, match="bad.npz.*x_train"):
        md.load_npz(path)


def test_member_that_is_not_npy(tiny, tmp_path):
    """A member holding something other than a .npy (AttributeError in np.load's caller) is named."""
    path = _npz_with(tmp_path, tiny, "y_train.npy", stored("y_train.npy", b"label,digit\n0,7\n" * 10))
    with pytest.raises(DataError, match="bad.npz.*'y_train' entry that is not a NumPy array"):
        md.load_npz(path)


def test_pickled_member_is_never_unpickled(tiny, tmp_path):
    """An object array in a member is refused from its header, before anything is unpickled."""
    import io

    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    payload = buf.getvalue()
    path = _npz_with(tmp_path, tiny, "x_test.npy", stored("x_test.npy", payload))
    with pytest.raises(DataError, match="pickled"):
        md.load_npz(path)


@pytest.mark.parametrize("header,pattern", [
    (bytes([0, 0, 8, 0]), "declares 0 dimensions"),
    (bytes([0, 0, 8, 3]) + struct.pack(">3I", 2**32 - 1, 2**32 - 1, 2**32 - 1), "declares shape"),
    (bytes([0, 0, 8, 3]) + struct.pack(">3I", 0, 28, 28), "shape"),
], ids=["0-dim", "overflowing", "empty"])
def test_bad_idx_headers_are_named(tiny, tmp_path, header, pattern):
    """IDX files with no dimensions or with a product beyond any real file are refused by name before reshape."""
    folder = write_idx_folder(tmp_path / "idx", tiny)
    target = folder / "train-images-idx3-ubyte.gz"
    target.write_bytes(gzip.compress(header + bytes(64)))
    with pytest.raises(DataError, match=f"train-images-idx3-ubyte.gz.*{pattern}"):
        md.load_mnist(folder)


def test_fifo_is_refused_without_hanging(tmp_path):
    """A named pipe as the data path is refused at once (opening it for reading would block forever)."""
    fifo = tmp_path / "mnist.npz"
    os.mkfifo(fifo)
    outcome = []
    t = threading.Thread(target=lambda: outcome.append(_error_of(md.load_mnist, fifo)), daemon=True)
    t.start()
    t.join(5)
    assert outcome and "named pipe" in outcome[0] and "mnist.npz" in outcome[0]


def test_device_is_refused(tmp_path):
    """A character device (here /dev/zero, which would read forever) is refused by kind."""
    assert "character device" in _error_of(md.load_npz, Path("/dev/zero"))


def _error_of(fn, *args) -> str:
    try:
        fn(*args)
    except DataError as e:
        return str(e)
    return ""


def test_permission_denied_is_said(tiny, tmp_path, monkeypatch):
    """An unreadable file or folder says 'permission denied' (root reads everything, so the OS is stubbed)."""
    path = write_npz(tmp_path / "mnist.npz", tiny)
    real_open = os.open

    def denied(p, *a, **kw):
        if str(p) == str(path):
            raise PermissionError(13, "Permission denied", str(p))
        return real_open(p, *a, **kw)

    monkeypatch.setattr(os, "open", denied)
    assert "permission denied" in _error_of(md.load_npz, path)
    monkeypatch.setattr(Path, "is_dir", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
    assert "permission denied" in _error_of(md.load_mnist, tmp_path / "mnist.npz")


@pytest.mark.parametrize("content,kind", [
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
    (b"label,pixel0,pixel1\n7,0,0\n", "text file"),
    (npy_bytes(np.zeros(3)), "single NumPy array"),
    (b"", "empty"),
])
def test_files_of_another_kind_say_what_was_expected(tmp_path, content, kind):
    """A PNG, a CSV, a lone .npy, an empty file: the message says what the file is and what nnviz expects, and never
    passes on numpy's allow_pickle advice."""
    path = tmp_path / "digits.npz"
    path.write_bytes(content)
    message = _error_of(md.load_mnist, path)
    assert kind in message and "mnist.npz" in message and "pickle" not in message


def test_a_single_idx_file_points_at_the_folder(tiny, tmp_path):
    """Handing over one IDX file says that all four are needed, in a folder."""
    folder = write_idx_folder(tmp_path / "idx", tiny)
    message = _error_of(md.load_mnist, folder / "train-images-idx3-ubyte.gz")
    assert "one MNIST IDX file" in message and "folder" in message


def test_after_a_bad_file_the_next_good_one_loads(tiny, tmp_path):
    """Nothing is left half-open or cached by a failure: a good file loads right after a corrupt one."""
    good = write_npz(tmp_path / "good.npz", tiny)
    (tmp_path / "bad.npz").write_bytes(good.read_bytes()[:-200])
    with pytest.raises(DataError):
        md.load_npz(tmp_path / "bad.npz")
    assert np.array_equal(md.load_npz(good).x_train, tiny.x_train)


def test_two_gigabyte_zip_bomb_is_refused_without_inflating(tmp_path):
    """A 2 MB npz whose x_train inflates to 2 GB is refused from its declared size: the loading process's peak
    memory stays far under 500 MB (measured in a subprocess, its own)."""
    total = 2**31
    stream, crc = zeros_bomb(npy_header((total - 128,)), total)
    members = [("x_train.npy", stream, zipfile.ZIP_DEFLATED, crc, total, 0)]
    members += [deflated(f"{k}.npy", npy_bytes(np.zeros(s[1], np.uint8))) for k, s in md._EXPECTED.items()
                if k != "x_train"]
    bomb = write_zip(tmp_path / "bomb.npz", members)
    assert bomb.stat().st_size < 5_000_000
    code = ("from nnviz.core.data import load_npz, DataError\n"
            f"try: load_npz({str(bomb)!r})\nexcept DataError as e: print('refused', e)\n")
    r, lines, peak = run_measured(code, ROOT, timeout=60)
    assert r.returncode == 0 and lines[0].startswith("refused") and "x_train" in lines[0], r.stdout + r.stderr
    assert peak < 500, f"peak memory {peak} MB"
