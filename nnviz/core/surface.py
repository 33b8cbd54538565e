"""The whole network's cost surface: a 2-D slice through the current weights, with the path of training on it.

Two kinds of plane (Li et al., "Visualizing the Loss Landscape of Neural Nets", 2018):

- ``"path"``: the two principal directions of the recorded trajectory. The checkpoints minus the current point are
  a ``(k, n_params)`` matrix; its two leading right singular vectors span the plane that holds as much of the path
  as any plane through the current point can. ``explained`` says how much (1 = all of it).
- ``"random"``: two random Gaussian directions, *filter-normalised*: each neuron's row of incoming weights in the
  direction is rescaled to the length of that neuron's weights in the network, so that a step of 1 changes every
  neuron by as much as it "is", whatever its scale. As in the paper's code, the biases' directions are zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .landscape import PlaneCosts, Sample, layer_blocks, network_cost
from .network import Network
from .recording import Recording

SURFACE_POINTS = 41
PATH_POINTS = 64  # checkpoints of the recorded run the plane is fitted to (and drawn): enough for its shape
PATH_MARGIN = 0.25  # the plane's grid reaches this fraction of the path's extent beyond it on every side
RANDOM_REACH = 1.0  # random directions: the grid spans ±1 filter-normalised step (as in Li et al.)


@dataclass(frozen=True)
class CostSurface:
    """The cost on a grid of the plane θ + a·d₁ + b·d₂: ``costs[r, c]`` at ``(a[c], b[r])``; θ sits at (0, 0).

    ``path`` ``(k, 2)`` is the recorded trajectory projected onto the plane (its ``steps`` ``(k,)``, if known);
    ``explained`` ``(2,)`` the fraction of the path's squared length each direction holds (``"path"`` planes only).
    """

    kind: str
    a: np.ndarray
    b: np.ndarray
    costs: np.ndarray
    current_cost: float
    path: np.ndarray
    steps: np.ndarray
    explained: np.ndarray | None = None


def path_directions(trajectory: np.ndarray, current: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two principal directions ``(2, n_params)`` (orthonormal) of ``trajectory − current`` and the fraction of
    its squared length each holds ``(2,)``."""
    offsets = np.asarray(trajectory, np.float64) - np.asarray(current, np.float64)
    if len(offsets) == 0 or not np.any(offsets):
        raise ValueError("the trajectory needs at least one checkpoint away from the current weights")
    # k ≪ n_params: the SVD of the small (k, k) Gram matrix gives the same directions at a fraction of the cost
    gram = offsets @ offsets.T
    values, vectors = np.linalg.eigh(gram)
    order = np.argsort(values)[::-1][:2]
    directions = []
    for i in order:
        if values[i] <= 1e-12 * max(values.max(), 1e-300):
            break
        d = vectors[:, i] @ offsets
        directions.append(d / np.linalg.norm(d))
    if len(directions) < 2:  # a straight path: any unit vector at right angles completes the plane
        d = np.random.default_rng(0).standard_normal(offsets.shape[1])
        d -= (d @ directions[0]) * directions[0]
        directions.append(d / np.linalg.norm(d))
    directions = np.array(directions)
    explained = np.array([np.sum((offsets @ d) ** 2) for d in directions]) / np.sum(offsets**2)
    return directions, explained


def random_directions(network: Network, seed: int = 0) -> np.ndarray:
    """Two filter-normalised random directions ``(2, n_params)``: each neuron's incoming row scaled to the norm of
    that neuron's weights; biases zero."""
    rng = np.random.default_rng(seed)
    directions = rng.standard_normal((2, network.params.size))
    for d in directions:
        for blk, w in zip(layer_blocks(network, d), network.weights):
            rows = blk[:, :-1]
            rows *= (np.linalg.norm(w, axis=1) / np.maximum(np.linalg.norm(rows, axis=1), 1e-12))[:, None]
            blk[:, -1] = 0.0
    return directions


def project(directions: np.ndarray, trajectory: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Coordinates ``(k, 2)`` of the points of ``trajectory`` in the plane (least squares: the nearest point of it)."""
    offsets = np.asarray(trajectory, np.float64) - np.asarray(current, np.float64)
    d = np.asarray(directions, np.float64)
    coords, *_ = np.linalg.lstsq(d.T, offsets.T, rcond=None)
    return coords.T


def _extent(path: np.ndarray, kind: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """The grid's range on each axis: the path's (and the current point's) box with a margin, or ±1 for random."""
    if kind == "random" or len(path) == 0:
        r = RANDOM_REACH
        if len(path):  # a long run can wander beyond ±1 even on random directions
            r = max(r, float(np.abs(path).max()) * (1 + PATH_MARGIN))
        return (-r, r), (-r, r)
    lo, hi = np.minimum(path.min(axis=0), 0.0), np.maximum(path.max(axis=0), 0.0)
    pad = np.maximum((hi - lo) * PATH_MARGIN, 1e-3)
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0])), (float(lo[1] - pad[1]), float(hi[1] + pad[1]))


def network_surface(network: Network, sample: Sample, kind: str = "path", trajectory: np.ndarray | None = None,
                    steps: np.ndarray | None = None, points: int = SURFACE_POINTS, seed: int = 0) -> CostSurface:
    """The cost on a ``points × points`` grid of a plane through the network's current weights.

    ``kind`` is ``"path"`` (needs ``trajectory`` ``(k, n_params)``, the recorded flat parameter vectors, at
    ``steps`` ``(k,)``) or ``"random"`` (filter-normalised; the trajectory, if given, is projected onto it too).
    """
    current = network.params
    trajectory = np.empty((0, current.size)) if trajectory is None else np.asarray(trajectory).reshape(-1, current.size)
    steps = np.arange(len(trajectory)) if steps is None else np.asarray(steps)
    explained = None
    if kind == "path":
        directions, explained = path_directions(trajectory, current)
    elif kind == "random":
        directions = random_directions(network, seed)
    else:
        raise ValueError(f"unknown kind of plane {kind!r}; choose path or random")
    path = project(directions, trajectory, current) if len(trajectory) else np.empty((0, 2))
    (a0, a1), (b0, b1) = _extent(path, kind)
    a, b = np.linspace(a0, a1, points), np.linspace(b0, b1, points)
    aa, bb = np.meshgrid(a, b)
    costs = PlaneCosts(network, sample, directions).costs(np.column_stack([aa.ravel(), bb.ravel()]))
    return CostSurface(kind, a, b, costs.reshape(points, points), network_cost(network, sample), path, steps,
                       explained)


def recorded_path(recording: Recording, last: int | None = None,
                  points: int = PATH_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """The run's path from its recording: up to ``points`` checkpoints from the first to checkpoint ``last`` (the
    newest if None), evenly spread over them and always both ends; copies ``(k, n_params)`` and their steps ``(k,)``.

    Evenly by checkpoint, not by step: the recording is dense where the network changed fastest, and so is the
    path that is drawn.
    """
    n = len(recording) if last is None else min(int(last), len(recording) - 1) + 1
    if n <= 0:
        return np.empty((0, recording.n_params), np.float32), np.empty(0, np.int64)
    idx = np.unique(np.rint(np.linspace(0, n - 1, min(points, n))).astype(np.intp))
    return recording.all_params()[idx], recording.steps[idx].copy()


def ending_at(trajectory: np.ndarray, steps: np.ndarray, current: np.ndarray,
              step: int) -> tuple[np.ndarray, np.ndarray]:
    """The path that led to the current weights ``(n_params,)`` at ``step``, ending there: they are added after the
    path's checkpoints before ``step`` (a live network is usually a little past the last one)."""
    current = np.asarray(current, np.float32)
    if len(trajectory) and np.array_equal(trajectory[-1], current):
        return trajectory, steps
    before = int(np.searchsorted(steps, step))  # the checkpoints' steps increase
    path = np.empty((before + 1, current.size), np.float32)
    path[:before], path[before] = np.asarray(trajectory).reshape(-1, current.size)[:before], current
    return path, np.append(np.asarray(steps[:before], np.int64), np.int64(step))


class PathRecorder:
    """The run's path as the landscape sees it: up to ``capacity`` checkpoints of the flat params, evenly thinned.

    When full, every other checkpoint goes and checkpoints are taken half as often from then on, so the kept ones
    stay spread evenly over the whole run at a fixed memory (a stand-in until the timeline's checkpoints are given).
    """

    def __init__(self, capacity: int = 64):
        self.capacity = capacity
        self.clear()

    def clear(self) -> None:
        """Forget the path (a new run)."""
        self._params: list[np.ndarray] = []
        self._steps: list[int] = []
        self.stride, self._offered, self._last_step = 1, 0, -1

    def record(self, params: np.ndarray, step: int) -> None:
        """Offer the weights at ``step``; kept if the step is new and its turn has come. An earlier step than the
        last one offered means a new run (or a rewind): the path starts again from it."""
        if step < self._last_step:
            self.clear()
        if step == self._last_step:
            return
        self._last_step = step
        self._offered += 1
        if (self._offered - 1) % self.stride:
            return
        self._params.append(np.array(params, copy=True))
        self._steps.append(int(step))
        if len(self._params) > self.capacity:
            self._params, self._steps = self._params[::2], self._steps[::2]
            self.stride *= 2

    def trajectory(self) -> tuple[np.ndarray, np.ndarray]:
        """The kept checkpoints ``(k, n_params)`` and their steps ``(k,)``."""
        if not self._params:
            return np.empty((0, 0), np.float32), np.empty(0, np.int64)
        return np.stack(self._params), np.array(self._steps)
