"""The frozen picture of training that the views draw: the trainer's state at one moment, and the run's costs.

:class:`TrainingState` lists the fields once: the training loop fills it from its trainer, the window's side adds
the cost history it has assembled, and the result is a :class:`Snapshot`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network


def frozen(a: np.ndarray) -> np.ndarray:
    """Mark ``a`` read-only and return it."""
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class TrainingState:
    """The trainer at one moment. ``params`` is the network's flat parameter vector (see ``Network``); accuracy
    rows are ``(samples_seen, accuracy)``."""

    config: Any  # TrainConfig (kept loose to avoid an import cycle)
    sizes: tuple[int, ...]
    params: np.ndarray
    step: int = 0  #: mini-batches done
    epoch: int = 0
    epoch_progress: float = 0.0  #: epochs done as a real number
    samples_seen: int = 0
    train_size: int = 60000
    test_accuracy: tuple = ()
    quick_accuracy: tuple = ()
    learning_rate: float = 3.0
    samples_per_second: float = 0.0  #: over the last half second of training (0 while paused)
    running: bool = False


@dataclass(frozen=True)
class Snapshot(TrainingState):
    """Everything a view may draw, frozen: its arrays are copies or read-only views that nobody writes again.

    ``costs`` are the recent mini-batches' costs one by one (``cost_samples[i]`` the samples seen after each); a long
    run's older ones are in ``envelope``.
    """

    cost_samples: np.ndarray = field(default_factory=lambda: frozen(np.empty(0, np.int64)))
    costs: np.ndarray = field(default_factory=lambda: frozen(np.empty(0, np.float32)))
    envelope: Any = None  #: a core.history.CostEnvelope: min/max/mean of the mini-batches before ``costs`` (long runs)

    @classmethod
    def of_state(cls, state: TrainingState, cost_samples: np.ndarray, costs: np.ndarray, envelope=None) -> "Snapshot":
        """A snapshot of ``state`` with the run's cost history (the recent costs one by one, the rest summarised)."""
        values = {f.name: getattr(state, f.name) for f in fields(TrainingState)}
        return cls(**values, cost_samples=cost_samples, costs=costs, envelope=envelope)

    @property
    def last_cost(self) -> float:
        """The latest mini-batch's cost (NaN before the first step)."""
        return float(self.costs[-1]) if len(self.costs) else float("nan")

    @property
    def latest_test_accuracy(self) -> float:
        """The newest full-test-set accuracy (NaN before the first epoch ends)."""
        return self.test_accuracy[-1][1] if self.test_accuracy else float("nan")

    @classmethod
    def of_network(cls, network: "Network", config, **history) -> "Snapshot":
        """A snapshot of a network that is not training (a model shown before any data is present)."""
        return cls(config=config, sizes=network.sizes, params=frozen(network.params.copy()),
                   learning_rate=config.learning_rate, **history)

    def network(self) -> "Network":
        """A network holding this snapshot's weights (for a forward pass on the GUI thread)."""
        from .network import Network

        c = self.config
        return Network(self.sizes, c.activation, c.output, c.cost, c.init, params=self.params)
