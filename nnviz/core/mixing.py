"""Training on MNIST plus extra examples (drawn digits, "my digits"): a fixed share of every epoch, by repetition.

A share ``W`` of each epoch's examples comes from the extra sets, split equally between them, whatever their size:
50 of your own digits at ``W = 0.05`` are each seen about 63 times an epoch beside MNIST's 60,000; a set larger
than its share contributes a fresh random part of itself every epoch. Repetition is balanced: within an epoch no
extra example is seen more than once more than any other of its set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .examples_file import Examples

DEFAULT_EXTRA_WEIGHT = 0.05  #: the share of each epoch drawn from the extra sets


def check_weight(weight: float) -> float:
    """``weight`` as a float, or a ValueError saying what a share of an epoch can be."""
    weight = float(weight)
    if not (math.isfinite(weight) and 0 <= weight < 1):
        raise ValueError(f"the extra examples' share of each epoch must be at least 0 and below 1, got {weight:g}")
    return weight


class Mixture:
    """MNIST's training images pooled with extra sets, and the order of each epoch over the pool.

    ``images`` uint8 ``(n + m, 784)`` and ``labels`` uint8 ``(n + m,)``: MNIST's ``n`` first, then each set's.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, extra: Sequence[Examples] = (),
                 weight: float = DEFAULT_EXTRA_WEIGHT):
        weight = check_weight(weight)
        self.base_count = n = len(images)
        sets = [e for e in extra if len(e)] if weight > 0 else []
        self.images = images.reshape(n, -1)
        self.labels = labels
        self.per_epoch: list[int] = []  # examples of each set in every epoch
        self._offsets: list[int] = []
        self._sizes: list[int] = []
        if sets:
            if any(e.images[0].size != self.images.shape[1] for e in sets):
                raise ValueError(f"extra examples must have {self.images.shape[1]} pixels like the training images")
            self.images = np.concatenate([self.images, *(e.images.reshape(len(e), -1) for e in sets)])
            self.labels = np.concatenate([labels, *(e.labels for e in sets)]).astype(np.uint8, copy=False)
            offset = n
            for e in sets:
                self.per_epoch.append(round(weight / len(sets) * n / (1 - weight)))
                self._offsets.append(offset)
                self._sizes.append(len(e))
                offset += len(e)
        self.epoch_size = n + sum(self.per_epoch)

    @property
    def has_extra(self) -> bool:
        """True when some epochs' examples come from extra sets."""
        return bool(self.per_epoch)

    def epoch_order(self, rng: np.random.Generator) -> np.ndarray:
        """The pool indices of one epoch, shuffled: every MNIST image once, each set's share by repetition."""
        if not self.per_epoch:
            return rng.permutation(self.base_count)  # the same stream of orders as a trainer without extras
        parts = [np.arange(self.base_count)]
        for offset, size, count in zip(self._offsets, self._sizes, self.per_epoch):
            parts.append(offset + np.resize(rng.permutation(size), count))  # cycles: balanced repetition
        pool = np.concatenate(parts)
        return pool[rng.permutation(len(pool))]
