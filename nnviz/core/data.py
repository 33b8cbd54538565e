"""MNIST: find it, load it (Keras ``.npz`` or the original IDX files), validate it, download it into the cache.

Nothing here unpickles or trusts a file: every array's declared shape and dtype are checked against MNIST's
before its data is read (:mod:`.npz` reads the archive), IDX headers against the file's size, special files
are refused unopened, and every failure is one :class:`DataError` naming the file; label range and counts are
checked before anyone trains on the data.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import math
import os
import socket
import struct
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .atomic import write_atomically, write_problem
from .npz import CHUNK, DEFLATE_MAX_RATIO, FileProblem, NpzReader, open_regular, os_problem

MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
MNIST_SIZE = 11_490_434
MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
CACHE_FILE = "mnist.npz"
TRAIN_COUNT, TEST_COUNT = 60_000, 10_000
IMAGE_SHAPE = (28, 28)
_KEYS = ("x_train", "y_train", "x_test", "y_test")
#: per array: (IDX dimensions, shape, dtype kinds allowed)
_EXPECTED = {
    "x_train": (3, (TRAIN_COUNT, *IMAGE_SHAPE), "u"), "y_train": (1, (TRAIN_COUNT,), "ui"),
    "x_test": (3, (TEST_COUNT, *IMAGE_SHAPE), "u"), "y_test": (1, (TEST_COUNT,), "ui"),
}
_IDX_LIMIT = 2 * TRAIN_COUNT * 28 * 28  # bytes an IDX file may declare: twice MNIST's largest
_IDX_NAMES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}

#: ``progress(bytes_done, bytes_total)``; return ``False`` to cancel.
Progress = Callable[[int, int], "bool | None"]


class DataError(Exception):
    """A data file is missing, unreadable or not MNIST; the message names the file and what to do."""


class DownloadCancelled(DataError):
    """The user cancelled a download; nothing was left behind."""


@dataclass(frozen=True)
class MNIST:
    """The digits: ``x_*`` uint8 images ``(n, 28, 28)`` (ink 255, paper 0) and ``y_*`` uint8 labels ``(n,)``."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str = ""

    @staticmethod
    def inputs(images: np.ndarray) -> np.ndarray:
        """Images as network inputs: ``(n, 784)`` float32 in [0, 1]."""
        return (images.reshape(len(images), -1).astype(np.float32)) / np.float32(255.0)

    def subset(self, n_train: int, n_test: int) -> "MNIST":
        """The first ``n_train`` training and ``n_test`` test examples (for quick experiments and tests)."""
        return MNIST(self.x_train[:n_train], self.y_train[:n_train], self.x_test[:n_test], self.y_test[:n_test],
                     f"{self.source} (first {n_train}/{n_test})")


# --- where the data lives ------------------------------------------------------------------------------------
def cache_dir() -> Path:
    """The user's cache folder for nnviz (``NNVIZ_CACHE_DIR`` overrides the platform's default)."""
    override = os.environ.get("NNVIZ_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("nnviz", appauthor=False))


def cache_path() -> Path:
    """Where the cached ``mnist.npz`` lives (or will, after a download or import)."""
    return cache_dir() / CACHE_FILE


def find_mnist(explicit: str | os.PathLike | None = None) -> Path | None:
    """The MNIST to use: ``explicit`` (``--data``), else ``$NNVIZ_DATA``, else the cache; ``None`` if none exists.

    An explicit path or ``$NNVIZ_DATA`` that does not exist is an error, not a silent fallback.
    """
    for given, what in ((explicit, "the given path"), (os.environ.get("NNVIZ_DATA"), "NNVIZ_DATA")):
        if given:
            p = Path(given).expanduser()
            if not _exists(p, p.exists):
                raise DataError(f"{p} ({what}) does not exist. Point it at mnist.npz or a folder of MNIST IDX files.")
            return p
    p = cache_path()
    return p if _exists(p, p.is_file) else None


def _exists(p: Path, test) -> bool:
    """``test()`` (``p.exists`` or ``p.is_file``), with a folder the user may not look into said in words."""
    try:
        return test()
    except OSError as e:
        raise DataError(f"{p} {os_problem(e)}.") from None


def load_mnist(path: str | os.PathLike | None = None) -> MNIST:
    """Load and validate MNIST from an ``.npz`` file or a folder of IDX files (``None``: see :func:`find_mnist`)."""
    p = find_mnist(path)
    if p is None:
        raise DataError(
            f"MNIST was not found. Run `nnviz data download`, or put mnist.npz at {cache_path()}, "
            "or pass --data PATH (or set NNVIZ_DATA) to an mnist.npz or a folder of IDX files."
        )
    try:
        is_folder = p.is_dir()
    except OSError as e:
        raise DataError(f"{p} {os_problem(e)}.") from None
    if is_folder:
        return load_idx_folder(p)
    if any(stem in p.name.replace(".idx", "-idx") for stem in _IDX_NAMES.values()):
        raise DataError(f"{p} is one MNIST IDX file; nnviz needs all four ({', '.join(_IDX_NAMES.values())}, "
                        "plain or .gz): point at the folder that holds them, or at an mnist.npz.")
    return load_npz(p)


def load_npz(path: str | os.PathLike) -> MNIST:
    """Load a Keras-layout ``mnist.npz`` (``x_train``, ``y_train``, ``x_test``, ``y_test``).

    Every array's header is checked against MNIST's shapes before its data is read (see :mod:`.npz`).
    """
    path = Path(path)
    try:
        with NpzReader(path) as f:
            missing = [k for k in _KEYS if k not in f.names]
            if missing:
                raise DataError(f"{path} is not an MNIST .npz: it lacks {', '.join(missing)} "
                                f"(it holds {', '.join(f.names) or 'nothing'}).")
            for k in _KEYS:
                m = f.header(k)
                _check_declared(k, m.shape, m.dtype, str(path))
            arrays = {k: f.read(k) for k in _KEYS}
    except FileProblem as e:
        raise DataError(f"{path} {e}. nnviz expects mnist.npz (Keras layout) or a folder of the four MNIST IDX "
                        "files; download it again or choose another file.") from None
    return _validated(arrays, str(path))


def load_idx_folder(folder: str | os.PathLike) -> MNIST:
    """Load the four original MNIST IDX files (plain or ``.gz``; ``-`` or ``.`` before ``idx``) from ``folder``."""
    folder = Path(folder)
    arrays = {}
    try:
        for key, stem in _IDX_NAMES.items():
            candidates = [folder / (name + ext) for name in (stem, stem.replace("-idx", ".idx"))
                          for ext in ("", ".gz")]
            found = next((c for c in candidates if c.exists()), None)
            if found is None:
                raise DataError(f"{folder} has no {stem} (or {stem}.gz): an MNIST IDX folder holds the four files "
                                f"{', '.join(_IDX_NAMES.values())}.")
            arrays[key] = read_idx(found, _EXPECTED[key][0])
    except OSError as e:  # the folder itself cannot be listed (permissions)
        raise DataError(f"{folder} {os_problem(e)}.") from None
    return _validated(arrays, str(folder))


def read_idx(path: str | os.PathLike, ndim: int | None = None) -> np.ndarray:
    """Read one IDX file (optionally gzipped) of unsigned bytes into an array (of ``ndim`` dimensions, if given).

    The header's shape is checked against the file's size (a gzip file's declared length) before the data is
    read, and the data is read in chunks into an array of exactly that size.
    """
    path = Path(path)
    try:
        with open_regular(path) as raw_file:
            size = os.fstat(raw_file.fileno()).st_size
            if path.suffix == ".gz":
                declared = _gzip_declared_size(raw_file, size)
                with gzip.GzipFile(fileobj=raw_file, mode="rb") as f:
                    return _read_idx_stream(f, declared, ndim, gz_size=size)
            return _read_idx_stream(raw_file, size, ndim)
    except FileProblem as e:
        raise DataError(f"{path} {e}.") from None
    except (OSError, EOFError, zlib.error, struct.error, ValueError, MemoryError) as e:
        raise DataError(f"{path} cannot be read ({_reason(e)}); it may be truncated or corrupt. "
                        "Download it again or choose another file.") from None


def _gzip_declared_size(f, size: int) -> int | None:
    """A gzip file's uncompressed length mod 2³² (its last four bytes), or None when the file is too short."""
    if size < 18:
        return None
    f.seek(size - 4)
    declared = struct.unpack("<I", f.read(4))[0]
    f.seek(0)
    return declared


def _read_idx_stream(f, declared: int | None, ndim: int | None, gz_size: int | None = None) -> np.ndarray:
    head = f.read(4)
    if len(head) < 4 or head[0] != 0 or head[1] != 0:
        raise FileProblem("is not an IDX file (bad magic number)")
    if head[2] != 0x08:
        raise FileProblem(f"holds IDX type 0x{head[2]:02x}; MNIST files hold unsigned bytes (0x08)")
    if head[3] == 0 or (ndim is not None and head[3] != ndim):
        want = f"this MNIST file should have {ndim}" if ndim else "an IDX file has at least 1"
        raise FileProblem(f"declares {head[3]} dimensions; {want}")
    dims = f.read(4 * head[3])
    if len(dims) < 4 * head[3]:
        raise FileProblem("is truncated: its header is incomplete")
    shape = struct.unpack(f">{head[3]}I", dims)
    expected = math.prod(shape)
    header = 4 + len(dims)
    if expected > _IDX_LIMIT:
        raise FileProblem(f"declares shape {shape} ({expected:,} bytes), far more than MNIST's largest file holds: "
                          "it is corrupt or not MNIST")
    if gz_size is None:
        holds = declared - header
        if holds != expected:
            raise FileProblem(f"should hold {expected:,} bytes of data for shape {shape} but holds {holds:,}: "
                              "it is truncated or corrupt")
    elif (expected + header > gz_size * DEFLATE_MAX_RATIO
          or (declared is not None and (expected + header) % 2**32 != declared)):
        raise FileProblem(f"declares shape {shape} ({expected:,} bytes), which its compressed size "
                          f"({gz_size:,} bytes) or length field does not match: it is truncated or corrupt")
    data = np.empty(expected, np.uint8)
    view, done = memoryview(data), 0
    while done < expected:
        got = f.readinto(view[done : done + CHUNK])
        if not got:
            raise FileProblem(f"should hold {expected:,} bytes of data for shape {shape} but holds {done:,}: "
                              "it is truncated")
        done += got
    if f.read(1):  # reading to the end also checks a gzip file's checksum
        raise FileProblem(f"holds more data than its shape {shape} declares: it is corrupt")
    return data.reshape(shape)


def _check_declared(key: str, shape: tuple, dtype: np.dtype, source: str) -> None:
    """Refuse an array whose declared shape or dtype is not MNIST's, before its data is read."""
    expected_shape, kinds = _EXPECTED[key][1], _EXPECTED[key][2]
    if dtype.kind not in kinds or (key[0] == "x" and dtype.itemsize != 1):
        raise DataError(f"{source}: {key} has dtype {dtype}; MNIST images are uint8 and labels integers.")
    if tuple(shape) != expected_shape:
        if key[0] == "y":
            raise DataError(f"{source}: {key} has shape {tuple(shape)}; expected {expected_shape} labels.")
        raise DataError(f"{source}: {key} has shape {tuple(shape)}; MNIST's {key[2:]} set is {expected_shape}.")


def _validated(arrays: dict, source: str) -> MNIST:
    for part in ("train", "test"):
        for key in (f"x_{part}", f"y_{part}"):
            _check_declared(key, arrays[key].shape, arrays[key].dtype, source)
        y = arrays[f"y_{part}"]
        if y.size and (y.min() < 0 or y.max() > 9):
            raise DataError(f"{source}: y_{part} has labels outside 0–9 ({y.min()}…{y.max()}).")
        arrays[f"y_{part}"] = y.astype(np.uint8, copy=False)
    return MNIST(arrays["x_train"], arrays["y_train"], arrays["x_test"], arrays["y_test"], source)


def _reason(e: BaseException) -> str:
    return str(e) or type(e).__name__


# --- saving into the cache -------------------------------------------------------------------------------------
def save_npz_atomic(data: MNIST, dest: str | os.PathLike) -> Path:
    """Write ``data`` as a Keras-layout ``.npz`` via a temporary file and a rename: never half a file.

    Stored uncompressed (55 MB instead of 11): it loads in ~30 ms instead of 150-300 ms, which is the app's start.
    """
    return write_atomically(dest, lambda f: np.savez(
        f, x_train=data.x_train, y_train=data.y_train, x_test=data.x_test, y_test=data.y_test))


def import_mnist(source: str | os.PathLike, dest: str | os.PathLike | None = None) -> Path:
    """Validate MNIST at ``source`` (npz or IDX folder) and store it as the cached ``mnist.npz``."""
    data = load_mnist(source)
    try:
        return save_npz_atomic(data, dest or cache_path())
    except OSError as e:
        raise DataError(f"could not write {dest or cache_path()}: {write_problem(e)}.") from None


def _cut(response) -> None:
    """Shut the response's socket down (from another thread): a blocked read returns at once."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def download_mnist(
    dest: str | os.PathLike | None = None,
    url: str = MNIST_URL,
    sha256: str = MNIST_SHA256,
    size: int | None = MNIST_SIZE,
    progress: Progress | None = None,
    timeout: float = 30.0,
    chunk: int = 1 << 16,
    connected: Callable[[Callable[[], None]], None] | None = None,
) -> Path:
    """Download MNIST into the cache: streamed into a ``.part`` file, size and SHA-256 checked, then stored.

    The cache keeps the arrays uncompressed (see :func:`save_npz_atomic`); the downloaded file is removed.

    On any failure (network, truncated body, wrong checksum, cancel) the partial file is removed and a
    :class:`DataError` says what happened; the next attempt starts clean.

    ``connected(abort)``, if given, receives a function that another thread may call to cut the connection: a read
    waiting on a slow or stalled server then returns at once, so Cancel takes effect immediately (``progress``
    decides that it was a cancel).
    """
    dest = Path(dest or cache_path())
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    part.unlink(missing_ok=True)
    digest = hashlib.sha256()
    done = 0
    try:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, open(part, "wb") as out:
                if connected is not None:
                    connected(lambda: _cut(response))
                total = int(response.headers.get("Content-Length") or size or 0)
                if progress and progress(0, total) is False:
                    raise DownloadCancelled("Download cancelled.")
                while True:
                    block = response.read1(chunk)  # whatever has arrived: a slow server still reports progress
                    if not block:
                        if progress and progress(done, total) is False:  # the connection was cut by a cancel
                            raise DownloadCancelled("Download cancelled.")
                        break
                    out.write(block)
                    digest.update(block)
                    done += len(block)
                    if progress and progress(done, total) is False:
                        raise DownloadCancelled("Download cancelled.")
        except DataError:
            raise
        except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError) as e:
            reason = getattr(e, "reason", None) or e
            raise DataError(
                f"could not download MNIST from {url}: {_reason(reason)}. Check the connection and try again, "
                f"or download mnist.npz elsewhere and put it at {dest} (or use `nnviz data import PATH`)."
            ) from None
        except OSError as e:  # not the network: writing the file failed
            raise DataError(f"could not write {part}: {write_problem(e)}.") from None
        if size is not None and done != size:
            raise DataError(f"the download from {url} stopped at {done:,} of {size:,} bytes (truncated). Try again.")
        if digest.hexdigest() != sha256:
            raise DataError(f"the file downloaded from {url} failed its SHA-256 check (got {digest.hexdigest()[:16]}…, "
                            f"expected {sha256[:16]}…); it was discarded. Try again later.")
        # The bytes are right; make sure they are MNIST before they replace anything, and keep them uncompressed.
        data = load_npz(part)
        try:
            save_npz_atomic(data, dest)
        except OSError as e:
            raise DataError(f"could not write {dest}: {write_problem(e)}.") from None
    finally:
        part.unlink(missing_ok=True)
    return dest
