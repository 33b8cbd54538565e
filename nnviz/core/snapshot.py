"""The frozen picture of training that crosses from the worker thread to the views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network


@dataclass(frozen=True)
class Snapshot:
    """Everything a view may draw, frozen: its arrays are copies or read-only views that nobody writes again.

    ``params`` is the network's flat parameter vector (see :class:`~nnviz.core.network.Network`);
    ``costs[i]`` is mini-batch ``i``'s cost and ``cost_samples[i]`` the samples seen after it;
    accuracy rows are ``(samples_seen, accuracy)``.
    """

    config: Any  # TrainConfig (kept loose to avoid an import cycle)
    sizes: tuple[int, ...]
    params: np.ndarray
    step: int
    epoch: int
    epoch_progress: float
    samples_seen: int
    train_size: int
    cost_samples: np.ndarray
    costs: np.ndarray
    test_accuracy: tuple
    quick_accuracy: tuple
    learning_rate: float
    batch_size: int
    samples_per_second: float = 0.0
    diverged: str | None = None

    @staticmethod
    def frozen(a: np.ndarray) -> np.ndarray:
        """Mark ``a`` read-only and return it."""
        a.flags.writeable = False
        return a

    @property
    def last_cost(self) -> float:
        """The latest mini-batch's cost (NaN before the first step)."""
        return float(self.costs[-1]) if len(self.costs) else float("nan")

    @property
    def latest_test_accuracy(self) -> float:
        """The newest full-test-set accuracy (NaN before the first epoch ends)."""
        return self.test_accuracy[-1][1] if self.test_accuracy else float("nan")

    @classmethod
    def of_network(cls, network: "Network", config) -> "Snapshot":
        """A snapshot of a network that is not training (a loaded model before any data is present)."""
        return cls(config=config, sizes=network.sizes, params=cls.frozen(network.params.copy()), step=0, epoch=0,
                   epoch_progress=0.0, samples_seen=0, train_size=60000,
                   cost_samples=cls.frozen(np.empty(0, np.int64)), costs=cls.frozen(np.empty(0, np.float32)),
                   test_accuracy=(), quick_accuracy=(), learning_rate=config.learning_rate,
                   batch_size=config.batch_size)

    def network(self) -> "Network":
        """A network holding this snapshot's weights (for a forward pass on the GUI thread)."""
        from .network import Network

        c = self.config
        return Network(self.sizes, c.activation, c.output, c.cost, c.init, params=self.params)
