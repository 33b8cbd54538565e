"""Files of extra training examples: ``images`` uint8 ``(n, 28, 28)`` (ink 255) and ``labels`` uint8 ``(n,)``.

The drawn-digits set, "my digits" and anything passed to ``nnviz train --extra`` share this format. An optional
``writers`` uint8 ``(n,)`` says who wrote each digit (the drawn-digits set keeps its writers apart with it).
Nothing is ever unpickled, and every file is checked before anyone trains on it.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .atomic import write_atomically
from .data import IMAGE_SHAPE, DataError

MAX_EXAMPLES = 1_000_000  # a bound on what a file may declare, checked before its arrays are read


@dataclass(frozen=True)
class Examples:
    """Labelled 28×28 digits: ``images`` uint8 ``(n, 28, 28)``, ``labels`` uint8 ``(n,)``, ``writers`` optional."""

    images: np.ndarray
    labels: np.ndarray
    writers: np.ndarray | None = None
    source: str = ""

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, index) -> "Examples":
        """The examples at ``index`` (a mask or indices)."""
        return Examples(self.images[index], self.labels[index],
                        None if self.writers is None else self.writers[index], self.source)


def _reason(e: BaseException) -> str:
    return str(e) or type(e).__name__


def validate_examples(images, labels, writers=None, source: str = "the examples") -> Examples:
    """Check shapes, dtypes and label range; raise :class:`DataError` (one sentence) or return :class:`Examples`."""
    images, labels = np.asarray(images), np.asarray(labels)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise DataError(f"{source}: `images` is {images.dtype} {images.shape}; it must be uint8 (n, 28, 28) "
                        "with ink 255.")
    if labels.dtype.kind not in "ui" or labels.shape != (len(images),):
        raise DataError(f"{source}: `labels` is {labels.dtype} {labels.shape}; it must be {len(images)} integer "
                        "labels, one per image.")
    if labels.size and labels.max() > 9:
        raise DataError(f"{source}: `labels` holds {labels.max()}; digits are 0–9.")
    if writers is not None:
        writers = np.asarray(writers)
        if writers.dtype.kind not in "ui" or writers.shape != labels.shape:
            raise DataError(f"{source}: `writers` is {writers.dtype} {writers.shape}; it must be one integer per "
                            "image.")
    return Examples(images, labels.astype(np.uint8, copy=False), writers, source)


def load_examples(path: str | os.PathLike) -> Examples:
    """Load and validate an examples file (``images``, ``labels``, optional ``writers``); never unpickles."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path} does not exist; give an .npz file with `images` (n, 28, 28) and `labels` (n,).")
    if not zipfile.is_zipfile(path):
        raise DataError(f"{path} is not an .npz archive (it may be truncated or another kind of file); an examples "
                        "file holds `images` uint8 (n, 28, 28) and `labels` uint8 (n,).")
    try:
        with np.load(path, allow_pickle=False) as f:
            missing = [k for k in ("images", "labels") if k not in f.files]
            if missing:
                raise DataError(f"{path} lacks {' and '.join(missing)} (it holds {', '.join(f.files) or 'nothing'}); "
                                "an examples file holds `images` uint8 (n, 28, 28) and `labels` uint8 (n,).")
            n = _declared_rows(f, "images")
            if n > MAX_EXAMPLES:
                raise DataError(f"{path} declares {n:,} images; at most {MAX_EXAMPLES:,} are accepted.")
            arrays = {k: f[k] for k in ("images", "labels", "writers") if k in f.files}
    except DataError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as e:
        raise DataError(f"{path} cannot be read as an .npz file ({_reason(e)}); it may be truncated or corrupt. "
                        "Make it again or choose another file.") from None
    return validate_examples(arrays["images"], arrays["labels"], arrays.get("writers"), str(path))


def _declared_rows(npz, key: str) -> int:
    """The first dimension an ``.npy`` member declares, read from its header before its data."""
    with npz.zip.open(key + ".npy") as member:
        version = np.lib.format.read_magic(member)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, _ = read_header(member)
    return int(shape[0]) if shape else 0


def save_examples(path: str | os.PathLike, examples: Examples, compress: bool = True) -> Path:
    """Write ``examples`` atomically (a complete file or the old one, never half of one)."""
    arrays = {"images": examples.images, "labels": examples.labels}
    if examples.writers is not None:
        arrays["writers"] = examples.writers
    savez = np.savez_compressed if compress else np.savez
    return write_atomically(path, lambda f: savez(f, **arrays))
