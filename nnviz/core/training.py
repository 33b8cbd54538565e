"""Mini-batch stochastic gradient descent as a stream of steps, with its history and evaluation.

The app's training process (``training_loop.py``) calls :meth:`Trainer.run_steps` in chunks and may change the
learning rate or batch size between any two steps; the command line calls :meth:`Trainer.run_epoch`. Both see
the same numbers. The costs go into a bounded :class:`~nnviz.core.history.History`; given a
:class:`~nnviz.core.recording.Recording` (:meth:`Trainer.record_into`), the trainer also keeps checkpoints of the
weights at the steps the recording's schedule names.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence

import numpy as np

from .data import MNIST
from .examples_file import Examples
from .architecture import check_mnist
from .config import PRESETS, TrainConfig, preset  # noqa: F401 - re-exported: callers import them from here
from .functions import one_hot
from .history import History
from .mixing import DEFAULT_EXTRA_WEIGHT, Mixture
from .variation import DEFAULT_VARIATION, Variation
from .network import DTYPE, Network, SGDKernel
from .recording import Branch, Recording, next_checkpoint_step

QUICK_SUBSET = 1_000  # test images in the quick accuracy estimate
QUICK_EVERY = 6_000  # samples between quick estimates (ten per epoch of MNIST)
CONVERT_ROWS = 1024  # shuffled images converted to floats at a time
BACKUP_EVERY = 8  # steps between copies of the weights kept for recovering from a divergence
NOT_RECORDING = sys.maxsize  # the next checkpoint's step when nothing records
RATE_GAP = 2.5  # s without a look at the speed (a pause): the next look starts a new measuring window


class TrainingDiverged(ArithmeticError):
    """The cost became NaN or infinite; the network was put back to its last good weights."""


class Trainer:
    """Trains a network on MNIST by shuffled mini-batch SGD, one :meth:`step` at a time.

    ``extra`` sets (drawn digits, "my digits") make up ``extra_weight`` of every epoch, by repetition, each
    repetition varied by ``variation`` (None: exact; see ``mixing.py``); without them an epoch is MNIST's
    training set once, in a new order.
    """

    def __init__(self, config: TrainConfig, data: MNIST, network: Network | None = None,
                 extra: Sequence[Examples] = (), extra_weight: float = DEFAULT_EXTRA_WEIGHT,
                 variation: Variation | None = DEFAULT_VARIATION):
        self.config = config
        self.network = network if network is not None else config.network()
        check_mnist(self.network.sizes)  # ArchitectureError (a ValueError) says what a network for MNIST needs
        self.data = data
        self.epoch = 0
        self.learning_rate = config.learning_rate  # sets η for epoch 0
        self.batch_size = config.batch_size
        self.rng = np.random.default_rng(config.seed)
        self.mixture = Mixture(data.x_train, data.y_train, extra, extra_weight, variation)
        self._next_mixture: Mixture | None = None  # set_extra's, waiting for the epoch to end
        self._images = self.mixture.images
        # Each epoch draws a new order of the images. Steps read their mini-batches from a chunk of CONVERT_ROWS
        # images taken in that order and converted to floats at once, so a step slices contiguous rows instead of
        # gathering and converting its own few (which would cost more than its arithmetic), and no shuffled copy of
        # the whole training set is kept. The chunk's rows [_float_start, _float_end) of the epoch's order end with
        # the constant-1 column the kernel's bias trick needs; their one-hot targets sit beside them.
        self._order = np.arange(self.mixture.epoch_size)
        self._u8 = np.empty((CONVERT_ROWS, self._images.shape[1]), np.uint8)
        self._x_float = np.ones((CONVERT_ROWS, self._images.shape[1] + 1), DTYPE)
        self._t_float = np.zeros((CONVERT_ROWS, 10), DTYPE)
        self._x_chunk, self._t_chunk = self._x_float[:0], self._t_float[:0]
        self._float_start = self._float_end = 0
        if config.random_labels:
            self.mixture.shuffle_base_labels(self.rng)
        self._test_x = MNIST.inputs(data.x_test)
        self._quick = slice(0, min(QUICK_SUBSET, len(self._test_x)))
        self._kernel = SGDKernel(self.network, self.batch_size, config.momentum)
        self._backup = np.empty((2, self.network.params.size), DTYPE)
        self._backup_step = [-1, -1]
        self.history = History()
        self.recording: Recording | None = None
        self._next_checkpoint = NOT_RECORDING
        self.step_count = 0
        self.samples_seen = 0
        self._shuffle()
        self._pos = 0
        self._next_quick = QUICK_EVERY
        self._rate = (time.perf_counter(), 0, 0.0)  # (t0, samples at t0, last measured samples/s)
        self.diverged: str | None = None

    @property
    def train_labels(self) -> np.ndarray:
        """The label of every training example in the pool ``(n,)`` (shuffled ones in the random-labels run)."""
        return self.mixture.labels

    @property
    def train_size(self) -> int:
        """Training examples per epoch (MNIST's, plus the extra sets' share)."""
        return len(self._order)

    @property
    def epoch_progress(self) -> float:
        """Epochs done as a real number (2.5 = halfway through the third epoch)."""
        return self.epoch + self._pos / self.train_size

    def step(self) -> float:
        """Run one mini-batch of SGD and return its cost (before the update).

        Raises :class:`TrainingDiverged` if the cost is NaN or infinite; the weights are then restored to the last
        ones known good, and training refuses to continue until :meth:`clear_divergence` (after lowering η).
        """
        return self.run_steps(1)

    def run_steps(self, n: int, stop_at_epoch_end: bool = False) -> float:
        """Run ``n`` steps, or until the epoch ends if asked; return the last cost.

        A divergence stops it early with :class:`TrainingDiverged`.
        """
        if self.diverged:
            raise TrainingDiverged(self.diverged)
        cost, epoch = float("nan"), self.epoch
        with np.errstate(all="ignore"):  # a diverging run overflows on its way to NaN; that is reported, not printed
            while n > 0:
                done, cost = self._run_in_chunk(n)
                n -= done
                if stop_at_epoch_end and self.epoch != epoch:
                    break
        return cost

    def _run_in_chunk(self, n: int) -> tuple[int, float]:
        """Run up to ``n`` steps on the converted chunk, stopping at its end, the epoch's end, a quick estimate or a
        checkpoint to record.

        This is the training loop proper, kept lean: per step one slice of inputs and targets, the kernel, a
        finiteness check and the history entry; the bookkeeping is done once for the whole run of steps.
        Returns the steps done and the last cost.
        """
        size, total = self.batch_size, self.train_size
        pos = self._pos
        if min(pos + size, total) > self._float_end or pos < self._float_start:
            self._convert_from(pos, min(pos + size, total))
        chunk_end = self._float_end
        fits = -(-(total - pos) // size) if chunk_end == total else (chunk_end - pos) // size
        until_quick = max(1, -(-(self._next_quick - self.samples_seen) // size))
        count = min(n, fits, until_quick, max(1, self._next_checkpoint - self.step_count))
        history = self.history
        costs, samples, h = history.reserve(count)
        x, t, offset = self._x_chunk, self._t_chunk, self._float_start
        step, eta, isfinite = self._kernel.step, self._eta, math.isfinite
        k, seen, cost = self.step_count, self.samples_seen, float("nan")
        for _ in range(count):
            if k % BACKUP_EVERY == 0:
                self._save_backup(k)
            i = pos - offset
            cost = step(x[i : i + size], t[i : i + size], eta)
            if not isfinite(cost):
                self._pos, self.step_count, self.samples_seen = pos, k, seen
                history.commit(h)
                self._diverge(k, cost)
            end = min(pos + size, total)
            seen += end - pos
            pos = end
            costs[h], samples[h] = cost, seen
            h += 1
            k += 1
        done = k - self.step_count
        self._pos, self.step_count, self.samples_seen = pos, k, seen
        history.commit(h)
        measured = pos == total or seen >= self._next_quick
        if pos == total:
            self._end_epoch()
        elif seen >= self._next_quick:
            self._next_quick += QUICK_EVERY
            history.add_quick_accuracy(seen, self.quick_accuracy())
        if k >= self._next_checkpoint or (measured and self.recording is not None):
            self._checkpoint(cost)
        return done, cost

    # --- recording -----------------------------------------------------------------------------------------
    def record_into(self, recording: Recording | None, checkpoint_now: bool = True) -> None:
        """Keep checkpoints in ``recording`` from now on, starting with this moment (None stops recording).

        The runs of steps stop at each scheduled checkpoint step, so a checkpoint is one copy of the parameters.
        """
        self.recording = recording
        self._next_checkpoint = NOT_RECORDING
        if recording is None:
            return
        if checkpoint_now:
            self._checkpoint(self.history.last_cost)
        else:
            self._next_checkpoint = next_checkpoint_step(self.step_count)

    def _checkpoint(self, cost: float) -> None:
        k = self.step_count
        self.recording.add(k, self.samples_seen, self.epoch_progress, cost, self.network.params)
        self._next_checkpoint = next_checkpoint_step(k)

    def resume(self, branch: Branch, recording: Recording | None = None) -> None:
        """Continue a run from ``branch``: its weights, step count, samples seen and history (taken over, not
        copied); new checkpoints go to ``recording`` (by default the branch's own), numbered on from the branch's.

        The training process passes an outbox here (``Recording(n, outbox=True)``) and gets the branch without the
        window's store. The epoch goes on from the same number of samples, with a fresh order of the images.
        """
        self.network.set_params(branch.network.params)
        self.step_count, self.samples_seen = branch.step, branch.samples_seen
        self.epoch, self._pos = divmod(branch.samples_seen, self.train_size)
        self._next_quick = (branch.samples_seen // QUICK_EVERY + 1) * QUICK_EVERY
        self._update_eta()
        self.history = branch.history
        self._backup_step = [-1, -1]
        recording = branch.recording if recording is None else recording
        if recording is not None:
            recording.next_ordinal = max(recording.next_ordinal, branch.next_ordinal)
        self.record_into(recording, checkpoint_now=False)  # the branch's own checkpoint is in the window's store

    def _save_backup(self, k: int) -> None:
        slot = (k // BACKUP_EVERY) & 1
        np.copyto(self._backup[slot], self.network.params)
        self._backup_step[slot] = k

    def _diverge(self, k: int, cost: float) -> None:
        self._restore_last_good(k)
        self.diverged = (
            f"The cost became {'NaN' if math.isnan(cost) else 'infinite'} at mini-batch {k + 1}: "
            f"the learning rate ({self.learning_rate:g}) is probably too large. The last good weights were "
            "kept; lower the learning rate (or reset) and train again."
        )
        raise TrainingDiverged(self.diverged)

    def _restore_last_good(self, k: int) -> None:
        # Weights that produced a finite cost at some step before k are good; those saved *at* step k are not.
        candidates = [s for s in (0, 1) if 0 <= self._backup_step[s] < k]
        if candidates:
            slot = max(candidates, key=lambda s: self._backup_step[s])
            np.copyto(self.network.params, self._backup[slot])

    @property
    def learning_rate(self) -> float:
        """η as set (by the config, or live by the user); the decay is applied on top per epoch."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"the learning rate must be a positive number, got {value}")
        self._learning_rate = float(value)
        self._update_eta()

    def _update_eta(self) -> None:
        self._eta = self._learning_rate * self.config.lr_decay ** self.epoch

    def next_mini_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """The images (uint8 ``(m, 784)``) and labels of the mini-batch the next step will use (not consumed)."""
        end = min(self._pos + self.batch_size, self.train_size)
        order = self._order[self._pos : end]
        return self._images[order], self.train_labels[order].astype(np.intp)

    def clear_divergence(self) -> None:
        """Allow training again after a divergence (call once the learning rate has been lowered)."""
        self.diverged = None

    def _convert_from(self, pos: int, end: int) -> None:
        stop = min(max(end, pos + CONVERT_ROWS), self.train_size)
        rows = stop - pos
        if rows > len(self._x_float):
            self._u8 = np.empty((rows, self._u8.shape[1]), np.uint8)
            self._x_float = np.ones((rows, self._x_float.shape[1]), DTYPE)
            self._t_float = np.zeros((rows, 10), DTYPE)
        order = self._order[pos:stop]
        images = np.take(self._images, order, axis=0, out=self._u8[:rows], mode="clip")  # in range; 'raise' buffers
        x = self._x_float[:rows]
        # Cast, then scale the whole block in one contiguous pass (the bias column too, put back to 1 after):
        # scaling into the strided image columns alone, or while casting, is two to three times slower.
        np.copyto(x[:, :-1], images)
        np.multiply(x, DTYPE(1 / 255), out=x)
        x[:, -1] = 1
        t = one_hot(self.train_labels[order], out=self._t_float[:rows])
        self._x_chunk, self._t_chunk = x, t
        self._float_start, self._float_end = pos, stop

    def _shuffle(self) -> None:
        self._order = self.mixture.epoch_order(self.rng)
        self._float_start = self._float_end = 0  # the converted rows belong to the old order

    def set_extra(self, extra: Sequence[Examples], extra_weight: float = DEFAULT_EXTRA_WEIGHT,
                  variation: Variation | None = DEFAULT_VARIATION) -> None:
        """Train with these extra sets from the next epoch on (``[]``: MNIST alone), e.g. "Train with my digits"."""
        self._next_mixture = Mixture(self.data.x_train, self.data.y_train, extra, extra_weight, variation)
        if self.config.random_labels:
            self._next_mixture.shuffle_base_labels(self.rng)

    def _end_epoch(self) -> None:
        self.epoch += 1
        self._pos = 0
        if self._next_mixture is not None:  # an epoch's order covers one pool: a new one starts with an epoch
            self.mixture, self._next_mixture = self._next_mixture, None
            self._images = self.mixture.images
        self._shuffle()
        self._update_eta()
        self.history.test_accuracy.append((self.samples_seen, self.test_accuracy()))

    def run_epoch(self, progress: Callable[[int, int], None] | None = None) -> float:
        """Train until the current epoch ends; return its test accuracy. ``progress(done, total)`` is optional."""
        epoch = self.epoch
        while self.epoch == epoch:
            self.run_steps(256, stop_at_epoch_end=True)
            if progress:
                progress(self._pos, self.train_size)
        if progress:
            progress(self.train_size, self.train_size)
        return self.history.test_accuracy[-1][1]

    def test_accuracy(self) -> float:
        """Accuracy on the whole test set (10,000 images for MNIST)."""
        return self.network.accuracy(self._test_x, self.data.y_test)

    def quick_accuracy(self) -> float:
        """Accuracy on a fixed subset of the test set: a cheap estimate during an epoch."""
        return self.network.accuracy(self._test_x[self._quick], self.data.y_test[self._quick])

    def samples_per_second(self) -> float:
        """Training speed over the last half second or so (asked for while training runs)."""
        t0, s0, rate = self._rate
        now = time.perf_counter()
        if now - t0 > RATE_GAP:  # not asked for a while: training was paused, and the pause is no part of its speed
            self._rate = (now, self.samples_seen, rate)
        elif now - t0 >= 0.5:
            rate = (self.samples_seen - s0) / (now - t0)
            self._rate = (now, self.samples_seen, rate)
        return rate
