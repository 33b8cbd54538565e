"""Your drawing through the run: the ten outputs for one drawing at the recording's checkpoints (no Qt).

A learner sees *when* the network began to read their 3 as a 3, and what it thought before. Each point is a
forward pass of the drawing through the network as it was at one checkpoint, all batched
(:func:`~nnviz.core.recording.outputs_through_run`). A plot a few hundred pixels wide shows at most
``MAX_POINTS`` of them: every checkpoint while the recording is short, an even spread (and the last) when it is
long. Outputs already computed for the same drawing are kept by the checkpoint's ordinal, so while training adds
checkpoints only the new ones are computed; a new drawing computes the spread again (reading a fraction of the
store in place: a few milliseconds).
"""

from __future__ import annotations

import math

import numpy as np

from .network import Network
from .recording import Recording, outputs_through_run

MAX_POINTS = 600  # about two points per pixel column of the small plot


def spread(count: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """The checkpoint indices to show out of ``count``: every ``stride``-th from the first, and the last."""
    if count <= 0:
        return np.empty(0, np.intp)
    stride = max(1, math.ceil(count / max_points))
    indices = np.arange(0, count, stride)
    return indices if indices[-1] == count - 1 else np.append(indices, count - 1)


class DrawingThroughRun:
    """The outputs for one drawing at a spread of the checkpoints, computed once per checkpoint and drawing."""

    def __init__(self):
        self._key: tuple | None = None  # (the drawing's bytes, the store's generation, the architecture)
        self._ordinals = np.empty(0, np.int64)  # sorted: the checkpoints computed for this key
        self._outputs = np.empty((0, 10), np.float32)
        self.computed = 0  #: forward passes done in the last update (tests read it)

    def outputs(self, recording: Recording, network: Network, x: np.ndarray,
                generation: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """``(indices, outputs)``: the checkpoint indices shown ``(k,)`` and the output activations there
        ``(k, n_out)`` for the drawing ``x`` ``(n_in,)``; ``network`` gives the architecture only.

        ``generation`` changes when a checkpoint's ordinal may stand for other weights (a new run): all is
        computed again then.
        """
        x = np.asarray(x, np.float32).reshape(-1)
        key = (x.tobytes(), generation, network.sizes, network.activation_name, network.output_name)
        if key != self._key:
            self._key = key
            self._ordinals = np.empty(0, np.int64)
            self._outputs = np.empty((0, network.sizes[-1]), np.float32)
        indices = spread(len(recording))
        ordinals = recording.ordinals[indices]  # increasing, like the cached ones
        at = np.minimum(np.searchsorted(self._ordinals, ordinals), max(len(self._ordinals) - 1, 0))
        known = self._ordinals[at] == ordinals if len(self._ordinals) else np.zeros(len(ordinals), bool)
        missing = indices[~known]
        self.computed = len(missing)
        outputs = np.empty((len(indices), network.sizes[-1]), np.float32)
        outputs[known] = self._outputs[at[known]]
        if len(missing) == len(indices) and len(indices) > 2:
            # the whole spread: read the store in place by its stride, then the last one (no copy of rows)
            regular = slice(0, int(indices[-2]) + 1, int(indices[1] - indices[0]))
            outputs[:-1] = outputs_through_run(recording, network, x, regular)
            outputs[-1:] = outputs_through_run(recording, network, x, indices[-1:])
        elif len(missing):
            outputs[~known] = outputs_through_run(recording, network, x, missing)
        self._ordinals, self._outputs = ordinals, outputs  # the cache is what is shown: it never grows
        return indices, outputs
