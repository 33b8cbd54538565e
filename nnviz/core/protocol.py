"""The messages between the window and the training loop: typed commands in, typed events out (no Qt here).

Only these small, immutable objects cross between the window and the loop, whether the loop runs in a process of
its own (they are pickled through a pipe: our own objects, never a user's file) or in the relay's thread (they are
handed over as they are). Arrays inside them are copies that nobody writes again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .mixing import DEFAULT_EXTRA_WEIGHT
from .recording import CheckpointBatch
from .snapshot import Snapshot, TrainingState, frozen
from .training import History

# --- commands: window → training loop ------------------------------------------------------------------------


@dataclass(frozen=True)
class SetRunning:
    """Train continuously (True) or pause (False)."""

    running: bool


@dataclass(frozen=True)
class Step:
    """Run exactly one mini-batch while paused."""


@dataclass(frozen=True)
class SetLearningRate:
    """η from the next step on; also clears a divergence so that training can resume."""

    value: float


@dataclass(frozen=True)
class SetBatchSize:
    """The mini-batch size from the next step on."""

    value: int


@dataclass(frozen=True)
class SetSpeed:
    """Slow motion in mini-batches per second, or ``None`` for full speed."""

    steps_per_second: float | None


@dataclass(frozen=True)
class LoadData:
    """Load MNIST from ``source`` (a path, or ``None`` for the default places); answered by DataLoaded or
    DataFailed."""

    source: str | None


@dataclass(frozen=True)
class Reset:
    """Start over with fresh random weights for ``config`` (paused)."""

    config: Any  # TrainConfig


@dataclass(frozen=True)
class Load:
    """Continue from ``network`` (paused); ``resume`` carries the counters and history it had, if any."""

    config: Any  # TrainConfig
    network: Any  # Network
    resume: "Resume | None" = None


@dataclass(frozen=True)
class Resume:
    """Where a network's training had got to: its counters and (bounded) cost history, so that a restarted training
    process or an opened model continues the run instead of starting a new one."""

    step: int
    samples_seen: int
    epoch_progress: float
    history: History
    next_ordinal: int = 0  #: the ordinal its next checkpoint takes (the window's recording holds those before)


@dataclass(frozen=True)
class BranchFrom:
    """Continue from a recorded moment (paused), with ``config``'s settings: like Load, from a Branch (its network,
    counters and history up to then; its ``recording`` is None: the window keeps the checkpoints before it)."""

    config: Any  # TrainConfig
    branch: Any  # recording.Branch


@dataclass(frozen=True)
class PeekBatch:
    """Ask for the mini-batch the next step will use (answered by :class:`Batch`; it is not consumed)."""


@dataclass(frozen=True)
class SetParams:
    """Put these flat parameters in place (the backprop view's single-example step, or its undo)."""

    params: np.ndarray


@dataclass(frozen=True)
class SetExtra:
    """Train with these extra examples ("Train with my digits") from the next epoch on, as ``weight`` of each epoch:
    ``images`` uint8 ``(n, 28, 28)`` (ink 255) and ``labels`` ``(n,)``; ``images`` None: MNIST alone again."""

    images: np.ndarray | None = field(default=None, repr=False)
    labels: np.ndarray | None = field(default=None, repr=False)
    weight: float = DEFAULT_EXTRA_WEIGHT


@dataclass(frozen=True)
class FindNearest:
    """Ask for the MNIST training images nearest to ``drawing`` (784 values in [0, 1]) among each of ``digits``'s
    (answered by :class:`Nearest`; the loop holds the training set, the window does not)."""

    request: int
    drawing: np.ndarray = field(repr=False)
    digits: tuple[int, ...]
    k: int = 6


@dataclass(frozen=True)
class Stop:
    """End the loop."""


# --- events: training loop → window ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """The trainer's state now, and the mini-batch costs that are new since the previous Published of this run.

    ``first_cost`` is the index of ``new_costs[0]`` in the run's history; a new ``run_id`` starts a new history.
    """

    run_id: int
    first_cost: int
    new_costs: np.ndarray
    new_samples: np.ndarray
    state: TrainingState
    history: History | None = None  #: the whole history (a copy), when the run resumed one: the window adopts it
    checkpoints: CheckpointBatch | None = None  #: the recording's checkpoints that are new since the previous one


@dataclass(frozen=True)
class RunningChanged:
    """The loop started or stopped training (by a command, or by itself on a divergence)."""

    running: bool


@dataclass(frozen=True)
class Diverged:
    """The cost became NaN or infinite; training paused with the last good weights."""

    message: str


@dataclass(frozen=True)
class Failed:
    """Something the user should know went wrong (the message says what to do)."""

    message: str


@dataclass(frozen=True)
class DataLoaded:
    """MNIST is loaded in the loop: what the window needs of it (the test set, a sample of training images)."""

    source: str
    train_count: int
    x_test: np.ndarray = field(repr=False)  #: uint8 (n, 28, 28)
    y_test: np.ndarray = field(repr=False)
    x_train_sample: np.ndarray = field(repr=False)  #: uint8 (1000, 28, 28)
    y_train_sample: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class DataFailed:
    """MNIST could not be loaded from ``source``; ``message`` names the file and the problem."""

    source: str | None
    message: str


@dataclass(frozen=True)
class Batch:
    """The next mini-batch: images uint8 ``(m, 784)`` and labels ``(m,)``."""

    images: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True)
class Nearest:
    """The answer to FindNearest ``request``: per digit its ``k`` nearest training images, uint8 ``(d, k, 28, 28)``,
    and their distances ``(d, k)`` in input units (``k`` is 0 while MNIST is not loaded)."""

    request: int
    digits: tuple[int, ...]
    images: np.ndarray = field(repr=False)
    distances: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Finished:
    """The loop has ended."""


class SnapshotAssembler:
    """Rebuilds full Snapshots on the window's side from the loop's Published events (a new run starts a fresh
    history, a resumed one adopts the history it brings)."""

    def __init__(self):
        self.run_id = None
        self.history = History()

    def build(self, m: Published) -> Snapshot:
        """The Snapshot for event ``m``."""
        if m.history is not None:  # it holds every cost so far
            self.run_id, self.history = m.run_id, m.history
        else:
            if m.run_id != self.run_id or m.first_cost != self.history.steps:
                self.run_id = m.run_id
                self.history = History()
            self.history.extend(m.new_costs, m.new_samples)
        costs, samples = self.history.recent()
        frozen(m.state.params)
        return Snapshot.of_state(m.state, cost_samples=samples, costs=costs, envelope=self.history.envelope())
