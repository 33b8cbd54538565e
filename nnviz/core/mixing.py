"""Training on MNIST plus extra examples (drawn digits, "my digits"): a fixed share of every epoch, by repetition.

A share ``W`` of each epoch's examples comes from the extra sets, split equally between them, whatever their size:
50 of your own digits at ``W = 0.05`` are each seen about 63 times an epoch beside MNIST's 60,000; a set larger
than its share contributes a fresh random part of itself every epoch. Repetition is balanced: within an epoch no
extra example is seen more than once more than any other of its set. Unless asked for exact repeats, each time an
extra example is used it is slightly turned, sized and moved (``variation.py``): repeated unchanged, a few digits
are learned by heart instead of the hand that drew them.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .examples_file import Examples, load_examples
from .variation import DEFAULT_VARIATION, Variation

DEFAULT_EXTRA_WEIGHT = 0.05  #: the share of each epoch drawn from the extra sets


def check_weight(weight: float) -> float:
    """``weight`` as a float, or a ValueError saying what a share of an epoch can be."""
    weight = float(weight)
    if not (math.isfinite(weight) and 0 <= weight < 1):
        raise ValueError(f"the extra examples' share of each epoch must be at least 0 and below 1, got {weight:g}")
    return weight


class Mixture:
    """MNIST's training images pooled with extra sets, and the order of each epoch over the pool.

    ``images`` uint8 ``(n + m, 784)`` and ``labels`` uint8 ``(n + m,)``: MNIST's ``n`` first, then the extra
    part. Without ``variation`` the extra part is the sets' examples themselves, repeated by index; with it, it is
    the epoch's share of them, varied afresh every epoch (rewritten in place by :meth:`epoch_order`).
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, extra: Sequence[Examples] = (),
                 weight: float = DEFAULT_EXTRA_WEIGHT, variation: Variation | None = DEFAULT_VARIATION):
        weight = check_weight(weight)
        self.base_count = n = len(images)
        self.images = images.reshape(n, -1)
        self.labels = labels
        self.variation = variation
        self._sets = [e for e in extra if len(e)] if weight > 0 else []
        if any(e.images[0].size != self.images.shape[1] for e in self._sets):
            raise ValueError(f"extra examples must have {self.images.shape[1]} pixels like the training images")
        #: examples of each set in every epoch
        self.per_epoch = [round(weight / len(self._sets) * n / (1 - weight)) for e in self._sets]
        self.epoch_size = n + sum(self.per_epoch)
        if not self._sets:
            return
        if variation is None:
            extra_images = [e.images.reshape(len(e), -1) for e in self._sets]
            extra_labels = [e.labels for e in self._sets]
        else:
            extra_images = [np.zeros((sum(self.per_epoch), self.images.shape[1]), np.uint8)]
            extra_labels = [np.zeros(sum(self.per_epoch), np.uint8)]
        self.images = np.concatenate([self.images, *extra_images])
        self.labels = np.concatenate([labels, *extra_labels]).astype(np.uint8, copy=False)

    @property
    def has_extra(self) -> bool:
        """True when some epochs' examples come from extra sets."""
        return bool(self._sets)

    def shuffle_base_labels(self, rng: np.random.Generator) -> None:
        """Shuffle MNIST's labels among its images (the random-labels experiment); extra examples keep theirs."""
        self.labels = self.labels.copy()
        self.labels[: self.base_count] = self.labels[: self.base_count][rng.permutation(self.base_count)]

    def epoch_order(self, rng: np.random.Generator) -> np.ndarray:
        """The pool indices of one epoch, shuffled: every MNIST image once, each set's share by repetition."""
        if not self._sets:
            return rng.permutation(self.base_count)  # the same stream of orders as a trainer without extras
        picks = [np.resize(rng.permutation(len(e)), count) for e, count in zip(self._sets, self.per_epoch)]
        if self.variation is None:
            offsets = np.cumsum([self.base_count] + [len(e) for e in self._sets[:-1]])
            pool = np.concatenate([np.arange(self.base_count), *(o + p for o, p in zip(offsets, picks))])
        else:
            start = self.base_count
            for e, p in zip(self._sets, picks):
                block = slice(start, start + len(p))
                self.variation.apply(e.images[p], rng, out=self.images[block])
                self.labels[block] = e.labels[p]
                start += len(p)
            pool = np.arange(self.epoch_size)
        return pool[rng.permutation(len(pool))]


@dataclasses.dataclass(frozen=True)
class ExtraSets:
    """Extra example files for a training run (``nnviz train --extra``), their share and how repeats vary."""

    names: tuple[str, ...] = ()
    sets: tuple[Examples, ...] = ()
    weight: float = DEFAULT_EXTRA_WEIGHT
    variation: Variation | None = DEFAULT_VARIATION

    @classmethod
    def from_files(cls, paths: Sequence[str | os.PathLike] | None, weight: float | None = None,
                   exact: bool = False) -> "ExtraSets":
        """Load and validate the files; a ``weight`` without files is a mistake worth a sentence."""
        if weight is not None and not paths:
            raise ValueError("--extra-weight says how much of each epoch the --extra sets make up; "
                             "give --extra FILE.npz too")
        weight = check_weight(DEFAULT_EXTRA_WEIGHT if weight is None else weight)
        paths = list(paths or [])
        return cls(tuple(Path(p).name for p in paths), tuple(load_examples(p) for p in paths), weight,
                   None if exact else DEFAULT_VARIATION)

    def trainer_arguments(self) -> dict:
        """``Trainer(config, data, **these)``."""
        return {"extra": list(self.sets), "extra_weight": self.weight, "variation": self.variation}

    def note(self, mixture: Mixture) -> str:
        """" plus 3,158 extra examples an epoch" (nothing without extras), for the training's first line."""
        per_epoch = sum(mixture.per_epoch)
        return f" plus {per_epoch:,} extra examples an epoch" if per_epoch else ""

    def record(self) -> dict:
        """What a model file says about the extra sets it learned from, with their writers (nothing without)."""
        if not self.sets:
            return {}
        files = [{"file": name, "examples": len(e),
                  **({"writers": np.unique(e.writers).tolist()} if e.writers is not None else {})}
                 for name, e in zip(self.names, self.sets)]  # writers: so held-out ones can be told apart later
        return {"extra": files, "extra_weight": self.weight,
                "extra_variation": None if self.variation is None else dataclasses.asdict(self.variation)}
