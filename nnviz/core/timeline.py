"""The timeline's moments: the run as it was at one recorded checkpoint, as a Snapshot every view can draw (no Qt).

A moment is the live snapshot taken back in time: the weights and biases of the checkpoint (copied out of the
recording, which changes as checkpoints arrive and thin), its counters, and the run's history up to then — the
costs and accuracies measured by that moment, as read-only views of the live snapshot's own arrays (a prefix of
them: nothing is copied, and nothing written again). The cost plot goes on drawing the whole run; it only marks
the moment.
"""

from __future__ import annotations

import bisect
import dataclasses
import threading

import numpy as np

from .recording import CheckpointBatch, Recording
from .snapshot import Snapshot, frozen


def moment(live: Snapshot, recording: Recording, index: int) -> Snapshot:
    """The run at checkpoint ``index`` of ``recording``, with ``live``'s configuration and history up to then."""
    step, seen = int(recording.steps[index]), int(recording.samples_seen[index])
    progress = float(recording.epoch_progress[index])
    first = live.step - len(live.costs)  # the step of live.costs[0]; those before are in the envelope
    k = min(max(step - first, 0), len(live.costs))
    envelope = live.envelope
    if envelope is not None and step < first:
        envelope = envelope.until(step)
    return dataclasses.replace(
        live, params=frozen(recording.params(index).copy()), step=step, epoch=int(progress),
        epoch_progress=progress, samples_seen=seen, test_accuracy=_until(live.test_accuracy, seen),
        quick_accuracy=_until(live.quick_accuracy, seen), samples_per_second=0.0, costs=live.costs[:k],
        cost_samples=live.cost_samples[:k], envelope=envelope)


def _until(rows: tuple, samples_seen: int) -> tuple:
    """The ``(samples_seen, accuracy)`` rows measured by ``samples_seen`` (rows are in order)."""
    return tuple(rows[: bisect.bisect_right([r[0] for r in rows], samples_seen)])


def viewing_text(step: int, of_steps: int) -> str:
    """What the views show when they are not live: "viewing mini-batch N of M"."""
    return f"viewing mini-batch {step:,} of {of_steps:,}"


class StoreMaker:
    """Makes the window's recording store in a thread of its own, so that the window never waits for the system to
    reserve its budget (its memory then comes as checkpoints arrive). :attr:`done` once it is there (``store``
    None if the memory could not be had: the run then goes unrecorded)."""

    def __init__(self, n_params: int):
        self.n_params = n_params
        self.store: Recording | None = None
        self._thread = threading.Thread(target=self._make, name="nnviz-recording-store", daemon=True)
        self._thread.start()

    def _make(self) -> None:
        try:
            self.store = Recording(self.n_params)
        except (MemoryError, ValueError):  # no memory, or a network too large to record within the budget
            self.store = None

    @property
    def done(self) -> bool:
        """The thread has finished (with or without a store)."""
        return not self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the store (tests and benchmarks; the window never waits)."""
        self._thread.join(timeout)


def single_checkpoint(step: int, samples_seen: int, epoch_progress: float, cost: float, params) -> CheckpointBatch:
    """One checkpoint, ordinal 0, as a batch (an opened network that has no recording starts its timeline)."""
    return CheckpointBatch(np.zeros(1, np.int64), np.array([step], np.int64), np.array([samples_seen], np.int64),
                           np.array([epoch_progress], np.float64), np.array([cost], np.float64),
                           np.asarray(params, np.float32)[None, :].copy())


class Checkpoints:
    """The window's recording of the live run: one store per architecture (made once, in the background, and
    cleared for each new run), fed with the training loop's batches in order.

    Which run a batch belongs to is told by the loop's run id: when the window leaves a run (a reset, a branch, an
    opened model), what the old run still had on its way is ignored; a batch of another run replaces the
    checkpoints it overlaps (see :meth:`Recording.receive`). ``generation`` increases whenever an ordinal may stand
    for another moment than before, so a moment built from the store is built again.
    """

    def __init__(self):
        self._store: Recording | None = None
        self._maker: StoreMaker | None = None
        self._waiting: list[tuple[int | None, CheckpointBatch]] = []  # batches that came before the store
        self.generation = 0
        self._run: int | None = None  # the loop's id of the run the store holds
        self._left: int | None = None  # the run the window has just left
        self._unrecordable = 0  # the parameter count of networks no store could be made for

    @property
    def store(self) -> Recording | None:
        """The store, once it is made (taking over one made in the background, and the batches that waited)."""
        if self._maker is not None and self._maker.done:
            maker, self._maker = self._maker, None
            store, waiting, self._waiting = maker.store, self._waiting, []
            if store is None:
                self._unrecordable = maker.n_params  # not tried again for this architecture
            else:
                self._store = store
                self.generation += 1
                for run_id, batch in waiting:
                    self._apply(run_id, batch)
        return self._store if self._maker is None else None

    @property
    def making(self) -> bool:
        """A store is being made (checkpoints wait for it)."""
        return self._maker is not None and self.store is None

    def __len__(self) -> int:
        store = self.store
        return len(store) if store is not None else 0

    def prepare(self, n_params: int) -> None:
        """Have a store for networks of ``n_params`` parameters (made in the background unless there is one)."""
        if self._maker is not None:
            have = self._maker.n_params
        else:
            have = self._store.n_params if self._store is not None else None
        if have != n_params and n_params != self._unrecordable:
            self._store = None  # the old architecture's checkpoints go now: never two stores at once
            self._maker = StoreMaker(n_params)
            self._waiting.clear()

    def arrived(self, run_id: int | None, batch: CheckpointBatch) -> bool:
        """Take a batch from run ``run_id``; True if it belongs to another run than the checkpoints held."""
        if (run_id is not None and run_id == self._left) or not len(batch):
            return False  # the left run's last words
        self.prepare(batch.params.shape[1])
        if self.store is None:
            if self._maker is not None:  # being made: the batch waits for it
                self._waiting.append((run_id, batch))
            return False  # (or no memory for one: the run goes unrecorded)
        return self._apply(run_id, batch)

    def _apply(self, run_id: int | None, batch: CheckpointBatch) -> bool:
        dropped = self._store.receive(batch)
        if dropped:
            self.generation += 1
        another = dropped and run_id != self._run
        self._run, self._left = run_id, None
        return another

    def leave_run(self) -> None:
        """The window starts another run: forget the checkpoints, and ignore what the old run still sends."""
        self._left = self._run
        if self._store is not None:
            self._store.clear()
        self._waiting.clear()
        self.generation += 1

    def branched(self) -> None:
        """A branch continues from a checkpoint held (the store is truncated there): ignore the old future's last
        words."""
        self._left = self._run

    def adopt(self, recording: Recording) -> None:
        """An opened run's recording becomes the store (the one being made, if any, is not needed)."""
        self._maker, self._waiting = None, []
        self._store = recording  # (the store held before is let go: the opened one has the same budget)
        self.generation += 1

    def relay_replaced(self) -> None:
        """A new training loop took over: its run ids start afresh, its checkpoints follow on."""
        self._run = self._left = None

    @property
    def next_ordinal(self) -> int:
        """The ordinal the live run's next checkpoint takes."""
        if self._waiting:
            return int(self._waiting[-1][1].ordinals[-1]) + 1
        return self._store.next_ordinal if self._store is not None else 0
