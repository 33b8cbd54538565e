""""My digits": the user's own drawings with the digit each one is meant to be, kept in the user data folder.

Stored as an examples file (``images`` uint8 ``(n, 28, 28)``, ink 255, as the canvas's network input × 255;
``labels`` uint8 ``(n,)``), so the same file can be exported, imported elsewhere, or given to
``nnviz train --extra``. Every change is saved at once, atomically: a crash mid-save leaves the previous file.
A file that cannot be read is moved aside (never deleted) and the user is told in one sentence.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from .data import DataError
from .examples_file import Examples, load_examples, save_examples

FILE_NAME = "my-digits.npz"
MAX_DIGITS = 10_000  # far more than anyone draws; keeps a mistaken import from filling the disk


def data_dir() -> Path:
    """The user's data folder for nnviz (``NNVIZ_DATA_DIR`` overrides the platform's default)."""
    override = os.environ.get("NNVIZ_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("nnviz", appauthor=False))


def to_image(drawing: np.ndarray) -> np.ndarray:
    """A network input (784 floats in [0, 1]) as a stored image, uint8 ``(28, 28)`` with ink 255."""
    x = np.asarray(drawing, np.float32).reshape(28, 28)
    return np.rint(np.clip(x, 0.0, 1.0) * 255).astype(np.uint8)


class MyDigits:
    """The user's labelled drawings, saved to ``path`` after every change."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else data_dir() / FILE_NAME
        self.images = np.empty((0, 28, 28), np.uint8)
        self.labels = np.empty(0, np.uint8)
        self.problem: str | None = None  #: why the stored file could not be read (it was kept aside), or None

    @classmethod
    def open(cls, path: str | os.PathLike | None = None) -> "MyDigits":
        """Load the stored digits (none yet is fine); an unreadable file is moved aside and ``problem`` says so."""
        store = cls(path)
        if store.path.is_file():
            try:
                ex = load_examples(store.path)
                store.images, store.labels = np.array(ex.images), np.array(ex.labels)
            except DataError as e:
                kept = store._keep_aside()
                reason = _short(e, store.path)
                store.problem = (f"Your saved digits in {store.path} could not be read ({reason}), so the file was "
                                 f"kept as {kept.name} beside it and a new collection was started.")
        return store

    def _keep_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        kept = self.path.with_name(f"{self.path.stem}.unreadable-{stamp}{self.path.suffix}")
        n = 1
        while kept.exists():
            kept = self.path.with_name(f"{self.path.stem}.unreadable-{stamp}-{n}{self.path.suffix}")
            n += 1
        os.replace(self.path, kept)
        return kept

    def __len__(self) -> int:
        return len(self.labels)

    def examples(self) -> Examples:
        """The digits as :class:`Examples` (for ``Trainer(extra=[...])``)."""
        return Examples(self.images, self.labels, source=str(self.path))

    def counts(self) -> np.ndarray:
        """How many of each digit, ``(10,)``."""
        return np.bincount(self.labels, minlength=10)

    def add(self, drawing: np.ndarray, label: int) -> int:
        """Store a drawing (network input, 784 floats in [0, 1]) meant as ``label``; return its index."""
        label = int(label)
        if not 0 <= label <= 9:
            raise ValueError(f"a digit is 0–9, not {label}")
        if len(self) >= MAX_DIGITS:
            raise ValueError(f"you already have {MAX_DIGITS:,} digits; delete some before adding more")
        self._change(np.concatenate([self.images, to_image(drawing)[None]]), np.append(self.labels, np.uint8(label)))
        return len(self) - 1

    def delete(self, indices) -> None:
        """Remove the digits at ``indices`` (one index or several)."""
        keep = np.ones(len(self), bool)
        keep[np.atleast_1d(np.asarray(indices, np.intp))] = False
        self._change(self.images[keep], self.labels[keep])

    def _change(self, images: np.ndarray, labels: np.ndarray) -> None:
        # Saved before it is shown: if the disk refuses, the collection on screen stays what is on disk.
        self._save(images, labels, self.path)
        self.images, self.labels = images, labels

    def _save(self, images, labels, path) -> None:
        try:
            save_examples(path, Examples(images, labels), compress=False)
        except OSError as e:
            raise DataError(f"could not save your digits to {path}: {e.strerror or e} (is the disk full or "
                            "read-only?); nothing was changed.") from None

    def export(self, path: str | os.PathLike) -> Path:
        """Write a copy of all the digits to ``path`` (the same format; ``nnviz train --extra`` reads it)."""
        self._save(self.images, self.labels, Path(path))
        return Path(path)

    def import_file(self, path: str | os.PathLike) -> int:
        """Add every digit of an examples file (validated first); return how many were added."""
        ex = load_examples(path)
        if len(self) + len(ex) > MAX_DIGITS:
            raise DataError(f"{path} holds {len(ex):,} digits; with yours that is more than {MAX_DIGITS:,}. "
                            "Import a smaller file.")
        self._change(np.concatenate([self.images, ex.images]), np.concatenate([self.labels, ex.labels]))
        return len(ex)

    def read_right(self, network) -> tuple[np.ndarray, np.ndarray]:
        """What ``network`` reads each digit as, ``(n,)``, and per digit how many of them it reads right ``(10,)``."""
        if not len(self):
            return np.empty(0, np.intp), np.zeros(10, np.intp)
        guesses = network.classify(self.images.reshape(len(self), -1).astype(np.float32) / np.float32(255))
        right = np.bincount(self.labels[guesses == self.labels], minlength=10)
        return guesses, right


def _short(e: Exception, path: Path) -> str:
    """The heart of a loader's message ("the file is not an .npz archive"): no file name, no advice."""
    text = str(e)
    if text.startswith(str(path)):
        text = text[len(str(path)):].lstrip(": ")
    for end in (" (", "; ", ". "):
        text = text.split(end, 1)[0]
    text = text.rstrip(".")
    return text if text.startswith("`") else "the file " + text
