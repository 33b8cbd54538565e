"""Squishification (activation) functions and cost functions, each beside its derivative.

Every function works on a whole mini-batch at once: arrays of shape ``(m, n)``, one row per example.
The backward rules are written as vector-Jacobian products, ``backward(z, a, grad_a) -> grad_z``,
so that softmax (whose Jacobian is not diagonal) fits the same shape as sigmoid, ReLU and tanh.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

# Guards log(0) in cost *values*; the gradients use the exact fused forms below.
_TINY = np.float32(1e-12)
DIGITS = 10
_TARGETS = np.eye(DIGITS, dtype=np.float32)  # row d: what the ten outputs should be for digit d


def one_hot(labels, out: np.ndarray | None = None) -> np.ndarray:
    """The targets the cost compares the outputs with: ``(m, 10)`` float32, 1 at each example's digit, 0 elsewhere
    (into ``out`` if given: the trainer's preallocated chunk)."""
    labels = np.asarray(labels, np.intp)
    if out is None:
        return _TARGETS[labels]
    return np.take(_TARGETS, labels, axis=0, out=out, mode="clip")  # in range; mode="raise" buffers the output
# Constants as 0-d arrays: a ufunc takes one as fast as another array, while a Python float operand costs it twice
# as long on the training step's small arrays (it is converted on every call). In a float64 network they promote
# to float64 like any float32 operand; 0.5, 1 and 0 are exact either way.
_HALF, _ONE, _ZERO = np.array(0.5, np.float32), np.array(1.0, np.float32), np.array(0.0, np.float32)


class Activation(ABC):
    """A squishification function ``a = f(z)`` with its backward rule, applied element-wise or row-wise."""

    name: str = ""
    #: True when ``f'(z)`` is diagonal, so ``backward`` is ``grad_a * f'(z)``.
    elementwise: bool = True

    @abstractmethod
    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return ``f(z)``; ``out`` may be given to write in place (it may be ``z`` itself)."""

    @abstractmethod
    def backward(self, z: np.ndarray, a: np.ndarray, grad_a: np.ndarray) -> np.ndarray:
        """Return ``∂C/∂z`` given ``∂C/∂a`` (``grad_a``), the weighted sums ``z`` and activations ``a``."""

    def slope_from_output(self, a: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Write ``f'(z)`` into ``out`` using only ``a = f(z)`` (element-wise functions; the training hot path)."""
        raise TypeError(f"{self.name} has no element-wise derivative")


class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^(−z)), squishing any number into (0, 1); σ'(z) = σ(z)(1 − σ(z))."""

    name = "sigmoid"

    def forward(self, z, out=None):
        # 0.5 + 0.5·tanh(z/2) equals 1/(1+e^−z) but never overflows, so huge weighted sums stay quiet.
        out = np.multiply(z, _HALF, out)
        np.tanh(out, out)
        np.multiply(out, _HALF, out)
        return np.add(out, _HALF, out)

    def backward(self, z, a, grad_a):
        return grad_a * a * (1.0 - a)

    def slope_from_output(self, a, out):
        np.multiply(a, a, out)
        return np.subtract(a, out, out)  # a − a² = a(1 − a)


class ReLU(Activation):
    """ReLU(z) = max(0, z); its derivative is 1 where z > 0 and 0 elsewhere."""

    name = "relu"

    def forward(self, z, out=None):
        return np.maximum(z, _ZERO, out=out)

    def backward(self, z, a, grad_a):
        return grad_a * (z > 0)

    def slope_from_output(self, a, out):
        return np.greater(a, _ZERO, out)  # a > 0 exactly where z > 0


class Tanh(Activation):
    """tanh(z), squishing into (−1, 1); tanh'(z) = 1 − tanh(z)²."""

    name = "tanh"

    def forward(self, z, out=None):
        return np.tanh(z, out)

    def backward(self, z, a, grad_a):
        return grad_a * (1.0 - a * a)

    def slope_from_output(self, a, out):
        np.multiply(a, a, out)
        return np.subtract(_ONE, out, out)


class Softmax(Activation):
    """softmax(z)_j = e^(z_j) / Σ_k e^(z_k): the outputs are positive and sum to 1 (a probability per digit)."""

    name = "softmax"
    elementwise = False

    def forward(self, z, out=None):
        # Subtracting the row maximum changes nothing mathematically and keeps exp from overflowing.
        out = np.subtract(z, z.max(axis=1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        return out

    def backward(self, z, a, grad_a):
        # Jacobian-vector product: ∂C/∂z_j = a_j (g_j − Σ_k g_k a_k).
        return a * (grad_a - (grad_a * a).sum(axis=1, keepdims=True))


class Cost(ABC):
    """A cost comparing output activations ``a`` with targets ``y`` (one-hot rows), one value per example.

    ``output`` is the output layer's activation: cross-entropy takes a different form after softmax.
    """

    name: str = ""

    @abstractmethod
    def per_example(self, a: np.ndarray, y: np.ndarray, output: Activation) -> np.ndarray:
        """Return the cost of each example, shape ``(m,)``."""

    @abstractmethod
    def grad_a(self, a: np.ndarray, y: np.ndarray, output: Activation) -> np.ndarray:
        """Return ``∂C_x/∂a`` for each example's own cost ``C_x``, shape ``(m, n)``."""

    def output_delta(self, output: Activation, z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return ``∂C_x/∂z`` at the output layer (the textbook δ^L) for each example."""
        return output.backward(z, a, self.grad_a(a, y, output))

    def mean_and_delta(self, output: Activation, z: np.ndarray, a: np.ndarray, y: np.ndarray,
                       out: np.ndarray | None = None, scratch: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """The mini-batch's mean cost and ``output_delta``, in one call (the training kernel's output stage).

        ``out``, shaped like ``a``, receives δ if given; with ``scratch`` (same shape) too, the element-wise
        outputs allocate nothing.
        """
        delta = self.output_delta(output, z, a, y)
        if out is not None:
            np.copyto(out, delta)
            delta = out
        return float(self.per_example(a, y, output).mean()), delta


class Quadratic(Cost):
    """C_x = ½ Σ_j (a_j − y_j)²: half the squared distance, so that ∂C_x/∂a = a − y.

    The constant ½ is the only factor: the explanation's "sum of squared differences" halved,
    as in Nielsen's ``network.py``. A mini-batch's cost is the mean of its examples' costs.
    """

    name = "quadratic"

    def per_example(self, a, y, output):
        d = a - y
        return 0.5 * np.einsum("ij,ij->i", d, d)

    def grad_a(self, a, y, output):
        return a - y

    def mean_and_delta(self, output, z, a, y, out=None, scratch=None):
        d = np.subtract(a, y, out)
        cost = 0.5 * float(np.vdot(d, d)) / len(a)
        if output.elementwise:  # δ = (a − y)·f'(z)
            slope = output.slope_from_output(a, np.empty_like(d) if scratch is None else scratch)
            return cost, np.multiply(d, slope, d)
        delta = output.backward(z, a, d)
        if out is not None:
            np.copyto(out, delta)
            delta = out
        return cost, delta


class CrossEntropy(Cost):
    """Cross-entropy. After softmax: C_x = −Σ_j y_j ln a_j (minus the log-probability of the true digit).

    After sigmoid: C_x = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)] (Nielsen, chapter 3).
    Either way ∂C_x/∂z at the output is exactly ``a − y``: the quadratic cost's learning slowdown vanishes.
    """

    name = "cross-entropy"

    def per_example(self, a, y, output):
        c = y * np.log(np.maximum(a, _TINY))
        if output.elementwise:
            c += (1 - y) * np.log(np.maximum(1 - a, _TINY))
        return -c.sum(axis=1)

    def grad_a(self, a, y, output):
        g = -y / np.maximum(a, _TINY)
        if output.elementwise:
            g += (1 - y) / np.maximum(1 - a, _TINY)
        return g

    def output_delta(self, output, z, a, y):
        if isinstance(output, (Sigmoid, Softmax)):
            return a - y  # the fused form: exact, and stable where a saturates
        return super().output_delta(output, z, a, y)

    def mean_and_delta(self, output, z, a, y, out=None, scratch=None):
        if isinstance(output, Softmax):
            # only the true digit's log-probability counts: pick it instead of multiplying by the zeros of y
            cost = -float(np.log(np.maximum(a[y > 0.5], _TINY)).sum()) / len(a)
            return cost, np.subtract(a, y, out)
        return super().mean_and_delta(output, z, a, y, out, scratch)


ACTIVATIONS: dict[str, Activation] = {f.name: f for f in (Sigmoid(), ReLU(), Tanh())}
OUTPUTS: dict[str, Activation] = {f.name: f for f in (Sigmoid(), Softmax())}
COSTS: dict[str, Cost] = {c.name: c for c in (Quadratic(), CrossEntropy())}
