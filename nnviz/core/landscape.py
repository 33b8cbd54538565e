"""The cost as a landscape: exact costs on a plane through the weights, the step along the gradient, two weights.

Everything here is measured on one fixed :class:`Sample` of training images (about 1,000), so that pictures made
at different moments compare, and so that "the cost" means one number, not a noisy mini-batch estimate.

The engine, :class:`PlaneCosts`, evaluates the cost at ``θ + Σ_k c_k·d_k`` for many coefficient vectors ``c`` at
once. It exploits one fact: the first layer the directions touch is *linear* in the coefficients,
``W(c)·a = W₀·a + Σ_k c_k·(D_k·a)``, so its products with the images are made once (``1 + k`` of them) and every
point of a grid only adds them up; the small layers above run batched over the grid points. The layers below the
first touched one do not move at all and are computed once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .functions import one_hot
from .network import Network

SAMPLE_SIZE = 1_000
CHUNK_POINTS = 16  # grid points evaluated together: (16, 1000, 16) float32, 1 MB, stays in cache (64: 3x slower)
SLICE_REACH = 3.0  # the step plot runs from s = 0 to this many learning rates
SLICE_POINTS = 31  # steps of η/10: s = η is point 10 exactly


@dataclass(frozen=True)
class Sample:
    """The fixed training images the landscape is measured on: ``x`` ``(m, 784)`` in [0, 1], ``y`` one-hot ``(m, 10)``."""

    x: np.ndarray
    y: np.ndarray

    @classmethod
    def from_images(cls, images: np.ndarray, labels: np.ndarray, n: int = SAMPLE_SIZE) -> "Sample":
        """The first ``n`` of MNIST-style uint8 ``images`` ``(m, 28, 28)`` (or floats in [0, 1]) and their ``labels``."""
        images, labels = np.asarray(images)[:n], np.asarray(labels)[:n].astype(np.int64)
        x = images.reshape(len(images), -1).astype(np.float32)
        if images.dtype == np.uint8:
            x /= np.float32(255.0)
        return cls(x, one_hot(labels))


_SCRATCH = threading.local()


def _scratch(key, make):
    """Work arrays kept from one call to the next (per thread, the last few shapes): fresh megabytes on every call
    cost more in page faults than the arithmetic done in them (a 31-point slice: 25 ms instead of 2.5)."""
    cache = getattr(_SCRATCH, "arrays", None)
    if cache is None:
        cache = _SCRATCH.arrays = {}
    if key not in cache:
        if len(cache) >= 4:
            cache.pop(next(iter(cache)))
        cache[key] = make()
    return cache[key]


def layer_blocks(network: Network, flat: np.ndarray) -> list[np.ndarray]:
    """A flat vector laid out like ``network.params``, cut into the layers' ``(n_out, n_in + 1)`` blocks (views)."""
    blocks, offset = [], 0
    for n_in, n_out in network.layer_shapes:
        size = (n_in + 1) * n_out
        blocks.append(flat[offset : offset + size].reshape(n_out, n_in + 1))
        offset += size
    return blocks


def flat_gradient(network: Network, sample: Sample) -> tuple[float, np.ndarray]:
    """The full-batch cost on ``sample`` and its gradient ∇C, flat like ``params``, by backpropagation."""
    bp = network.backprop(sample.x, sample.y)
    g = np.empty_like(network.params)
    for blk, gw, gb in zip(layer_blocks(network, g), bp.nabla_w, bp.nabla_b):
        blk[:, :-1], blk[:, -1] = gw, gb
    return bp.cost, g


def network_cost(network: Network, sample: Sample) -> float:
    """The network's mean cost on ``sample`` (the number every picture here is made of)."""
    out = network.predict(sample.x)
    return float(network.cost.per_example(out, sample.y.astype(out.dtype), network.output).mean())


class PlaneCosts:
    """Exact costs at ``θ + Σ_k c_k·d_k`` on a sample, for many coefficient vectors ``c`` ``(k,)`` at once.

    ``directions`` is ``(k, n_params)``, laid out like ``network.params``; ``θ`` is the network's params now.
    """

    def __init__(self, network: Network, sample: Sample, directions: np.ndarray):
        self.network = network
        dt = network.dtype
        self.directions = np.atleast_2d(np.asarray(directions, dt))
        self.k = len(self.directions)
        self.y = sample.y.astype(dt)
        self.m = len(self.y)
        self.base = [blk.copy() for blk in network.blocks]
        # per layer: the directions' blocks stacked, (k, n_out, n_in + 1), or None where no direction moves it
        self.moves = []
        for layer in range(len(self.base)):
            d = np.stack([layer_blocks(network, d)[layer] for d in self.directions])
            self.moves.append(d if np.any(d) else None)
        touched = [i for i, d in enumerate(self.moves) if d is not None]
        self.first = touched[0] if touched else len(self.base) - 1
        # the layers below the first touched one never move: their activations are computed once
        a = np.asarray(sample.x, dt)
        self.below = network.forward(a).activations[self.first] if self.first else a
        w0 = self.base[self.first]
        self.z0 = self.below @ w0[:, :-1].T + w0[:, -1]  # (m, n_out)
        d0 = self.moves[self.first]
        if d0 is None:
            self.zd = np.zeros((self.k,) + self.z0.shape, dt)
        else:  # (k, m, n_out): D_k·a + d_bias_k, the first layer's change per unit of each coefficient
            self.zd = np.stack([self.below @ d[:, :-1].T + d[:, -1] for d in d0])
        self._targets: dict[int, np.ndarray] = {}

    # --- many points -----------------------------------------------------------------------------------------
    def costs(self, coefficients: np.ndarray, chunk: int = CHUNK_POINTS) -> np.ndarray:
        """The mean cost at each row of ``coefficients`` ``(P, k)``; returns ``(P,)``."""
        c = np.asarray(coefficients, self.network.dtype).reshape(-1, self.k)
        out = np.empty(len(c), np.float64)
        # far from the weights (a huge η, a wide map) sums overflow: such points cost inf or NaN, said by the views
        with np.errstate(over="ignore", invalid="ignore"):
            for i in range(0, len(c), chunk):
                out[i : i + chunk] = self._chunk(c[i : i + chunk])
        return out

    def _chunk(self, c: np.ndarray) -> np.ndarray:
        net, p, m = self.network, len(c), self.m
        buffers, targets = self._buffers(p)
        # the first moving layer: linear in c, a sum of the products made once
        z = buffers[0]  # (p, m, n_out)
        np.dot(c, self.zd.reshape(self.k, -1), out=z.reshape(p, -1))
        z += self.z0
        for i, layer in enumerate(range(self.first + 1, len(self.base) + 1)):
            a = self._squish(layer, z)
            if layer == len(self.base):
                break
            blk, move, z = self.base[layer], self.moves[layer], buffers[i + 1]
            if move is None:  # one product for every point: these weights are the same at all of them
                np.dot(a.reshape(p * m, -1), blk[:, :-1].T, out=z.reshape(p * m, -1))
                z += blk[:, -1]
            else:
                blocks = blk + np.tensordot(c, move, axes=1)  # (p, n_out, n_in + 1), small
                # contiguous (p, n_in, n_out): a strided stack makes matmul leave BLAS (5x slower)
                np.matmul(a, np.ascontiguousarray(blocks[:, :, :-1].transpose(0, 2, 1)), out=z)
                z += blocks[:, None, :, -1]
        costs = net.cost.per_example(a.reshape(p * m, -1), targets, net.output)
        return costs.reshape(p, m).mean(axis=1)

    def _buffers(self, p: int) -> tuple[list[np.ndarray], np.ndarray]:
        """Each moving layer's weighted sums for ``p`` points and the targets repeated ``p`` times."""
        if p not in self._targets:
            self._targets[p] = np.tile(self.y, (p, 1))
        sizes = self.network.sizes[self.first + 1 :]
        key = (p, self.m, sizes, self.network.dtype.str)
        return _scratch(key, lambda: [np.empty((p, self.m, n), self.network.dtype) for n in sizes]), self._targets[p]

    def _squish(self, layer: int, z: np.ndarray) -> np.ndarray:
        f = self.network.activation_for(layer)
        if f.elementwise:
            return f.forward(z, out=z)
        shape = z.shape  # softmax works on rows
        return f.forward(z.reshape(-1, shape[-1]), out=z.reshape(-1, shape[-1])).reshape(shape)

    # --- one point, with the slope -----------------------------------------------------------------------------
    def cost_and_gradient(self, c: np.ndarray) -> tuple[float, np.ndarray]:
        """The cost at ``c`` ``(k,)`` and its partial derivatives ∂C/∂c_k ``(k,)``, by backpropagation."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self._cost_and_gradient(c)

    def _cost_and_gradient(self, c: np.ndarray) -> tuple[float, np.ndarray]:
        net, m = self.network, self.m
        c = np.asarray(c, net.dtype).reshape(self.k)
        n_layers = len(self.base)
        blocks = {l: self.base[l] + (0 if self.moves[l] is None else np.tensordot(c, self.moves[l], axes=1))
                  for l in range(self.first + 1, n_layers)}
        zs = [self.z0 + np.tensordot(c, self.zd, axes=1)]
        acts = [None, net.activation_for(self.first + 1).forward(zs[0].copy())]
        for l in range(self.first + 1, n_layers):
            zs.append(acts[-1] @ blocks[l][:, :-1].T + blocks[l][:, -1])
            acts.append(net.activation_for(l + 1).forward(zs[-1].copy()))
        out = acts[-1]
        cost = float(net.cost.per_example(out, self.y, net.output).mean())
        delta = net.cost.output_delta(net.output, zs[-1], out, self.y)
        grad = np.zeros(self.k)
        for i in range(len(zs) - 1, 0, -1):  # down to the first moving layer, whose products are kept
            l = self.first + i
            if self.moves[l] is not None:
                nabla = np.hstack([delta.T @ acts[i] / m, delta.mean(axis=0)[:, None]])  # (n_out, n_in + 1)
                grad += np.tensordot(self.moves[l], nabla, axes=([1, 2], [0, 1]))
            grad_a = delta @ blocks[l][:, :-1]
            delta = net.activation_for(l).backward(zs[i - 1], acts[i], grad_a)
        grad += np.tensordot(self.zd, delta, axes=([1, 2], [0, 1])) / m
        return cost, grad


# --- the step along the gradient ------------------------------------------------------------------------------
@dataclass(frozen=True)
class GradientSlice:
    """The cost along the negative gradient: ``costs[i]`` is C(θ − steps[i]·∇C) on the sample.

    ``steps`` ``(S,)`` run from 0 to ``SLICE_REACH`` learning rates and contain ``learning_rate`` exactly (index
    ``at_learning_rate``); ``gradient_norm`` is |∇C|.
    """

    steps: np.ndarray
    costs: np.ndarray
    learning_rate: float
    at_learning_rate: int
    gradient_norm: float

    @property
    def cost_now(self) -> float:
        """C(θ): the network's cost on the sample."""
        return float(self.costs[0])

    @property
    def cost_after_step(self) -> float:
        """C(θ − η∇C): the cost after one full-batch gradient step of the current learning rate."""
        return float(self.costs[self.at_learning_rate])


def gradient_slice(network: Network, sample: Sample, learning_rate: float, reach: float = SLICE_REACH,
                   points: int = SLICE_POINTS) -> GradientSlice:
    """The cost along −∇C (the full-batch gradient on ``sample``) for steps from 0 to ``reach`` learning rates."""
    _, g = flat_gradient(network, sample)
    ratios = np.linspace(0.0, reach, points)
    at = int(round((points - 1) / reach))  # the point where s/η = 1 (exact when reach divides points − 1)
    ratios[at] = 1.0
    steps = ratios * float(learning_rate)
    costs = PlaneCosts(network, sample, -g).costs(steps[:, None])
    return GradientSlice(steps, costs, float(learning_rate), at, float(np.linalg.norm(g)))


# --- two weights, everything else frozen ------------------------------------------------------------------------
def parameter_index(network: Network, layer: int, j: int, k: int) -> int:
    """Where weight ``(layer, j, k)`` sits in ``params``: layer 1 … L, into neuron ``j`` from neuron ``k`` of the layer
    below; ``k = n_in`` means neuron ``j``'s bias."""
    if not 1 <= layer < network.num_layers:
        raise ValueError(f"layer must be 1 … {network.num_layers - 1}, got {layer}")
    n_in, n_out = network.layer_shapes[layer - 1]
    if not (0 <= j < n_out and 0 <= k <= n_in):
        raise ValueError(f"layer {layer} has weights (j < {n_out}, k < {n_in}) and biases (k = {n_in}), got ({j}, {k})")
    offset = sum((i + 1) * o for i, o in network.layer_shapes[: layer - 1])
    return offset + j * (n_in + 1) + k


def parameter_of(network: Network, index: int) -> tuple[int, int, int]:
    """The ``(layer, j, k)`` of ``params[index]`` (the inverse of :func:`parameter_index`)."""
    offset = 0
    for layer, (n_in, n_out) in enumerate(network.layer_shapes, start=1):
        size = (n_in + 1) * n_out
        if index < offset + size:
            j, k = divmod(index - offset, n_in + 1)
            return layer, j, k
        offset += size
    raise ValueError(f"the network has {offset} parameters, not {index + 1}")


def steepest_pair(network: Network, sample: Sample) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The two parameters the cost is most sensitive to right now (largest |∂C/∂w|): a pair worth looking at."""
    _, g = flat_gradient(network, sample)
    first, second = np.argsort(np.abs(g))[-2:][::-1]
    return parameter_of(network, int(first)), parameter_of(network, int(second))


@dataclass(frozen=True)
class TwoWeightSurface:
    """The cost over two parameters with every other one frozen: ``costs[r, c]`` at ``(first[c], second[r])``."""

    first: np.ndarray
    second: np.ndarray
    costs: np.ndarray
    current: tuple[float, float]


class TwoWeights:
    """Two of a network's parameters, everything else frozen: the exact cost surface over them and its slope."""

    def __init__(self, network: Network, sample: Sample, first: tuple[int, int, int], second: tuple[int, int, int]):
        self.indices = (parameter_index(network, *first), parameter_index(network, *second))
        if self.indices[0] == self.indices[1]:
            raise ValueError("choose two different weights")
        self.current = tuple(float(network.params[i]) for i in self.indices)
        directions = np.zeros((2, network.params.size), network.dtype)
        directions[0, self.indices[0]] = directions[1, self.indices[1]] = 1.0
        self.plane = PlaneCosts(network, sample, directions)

    def grid(self, span: float = 4.0, points: int = 41) -> tuple[np.ndarray, np.ndarray]:
        """Values of the two weights on a square grid of ``points`` a side, centred on their current values."""
        offsets = span * (np.arange(points) - points // 2) / max(points // 2, 1)  # 0 exactly in the middle
        return self.current[0] + offsets, self.current[1] + offsets

    def surface(self, span: float = 4.0, points: int = 41) -> TwoWeightSurface:
        """The cost at every point of :meth:`grid` (``points²`` exact evaluations, batched)."""
        a, b = self.grid(span, points)
        aa, bb = np.meshgrid(a - self.current[0], b - self.current[1])
        costs = self.plane.costs(np.column_stack([aa.ravel(), bb.ravel()])).reshape(points, points)
        return TwoWeightSurface(a, b, costs, self.current)

    def cost_and_slope(self, values) -> tuple[float, np.ndarray]:
        """The cost with the two weights set to ``values`` and its partial derivatives ∂C/∂w ``(2,)``."""
        return self.plane.cost_and_gradient(np.asarray(values, float) - self.current)


class Ball:
    """A ball rolling downhill on the two-weight surface by gradient descent: w ← w − η·∂C/∂w, a few steps a call.

    ``bounds`` ``((lo, hi), (lo, hi))``, if given, is the map: the ball stops once a step throws it off (``left``).
    """

    def __init__(self, weights: TwoWeights, start, learning_rate: float, max_steps: int = 2_000, bounds=None):
        self.weights, self.learning_rate, self.max_steps = weights, float(learning_rate), max_steps
        self.bounds = None if bounds is None else np.asarray(bounds, float)
        cost, self._slope = weights.cost_and_slope(start)
        self.path = [np.asarray(start, float)]
        self.costs = [cost]
        self.left = False
        self.stopped = not np.isfinite(cost)

    def advance(self, steps: int = 20) -> bool:
        """Roll ``steps`` more steps; False once it has stopped (settled, off the map, or out of steps)."""
        for _ in range(steps):
            if self.stopped:
                break
            move = -self.learning_rate * self._slope
            here = self.path[-1] + move
            cost, self._slope = self.weights.cost_and_slope(here)
            self.path.append(here)
            self.costs.append(cost)
            if self.bounds is not None:
                self.left = bool(np.any(here < self.bounds[:, 0]) or np.any(here > self.bounds[:, 1]))
            # settled: the last step moved it less than a millionth of the way it has come (or nothing at all)
            settled = np.abs(move).max() <= 1e-6 * max(1.0, float(np.abs(here - self.path[0]).max()))
            self.stopped = settled or self.left or not np.isfinite(cost) or len(self.path) > self.max_steps
        return not self.stopped

    def points(self) -> np.ndarray:
        """The path so far, ``(n, 2)`` weight values."""
        return np.array(self.path)
