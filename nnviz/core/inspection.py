"""One neuron's arithmetic, written out: its weighted sum term by term, its squishification, its layer as a matrix.

The neuron inspector shows these numbers; they are computed here without Qt. The previous layer's activations come
from the network's own forward pass; the neuron's weighted sum is then summed again in float64 from the terms
``w_i · a_i`` that are shown, so the sum on screen adds up, and a test holds it (and ``a = f(z)``) to the network's
own forward pass for every neuron.

Layers are numbered as in the graph: 0 is the input layer (the 784 pixels), 1 … L the layers that compute.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .architecture import INPUTS
from .graph_layout import INPUT_SIDE
from .network import Network
from .scales import nice_limit

TOP_TERMS = 6  #: the terms w·a written out one by one (the largest |w·a|); the rest are summed in one line
CURVE_POINTS = 241  #: samples along the squishification curve


@dataclass(frozen=True)
class Term:
    """One input's share of a weighted sum: ``weight × activation = product``."""

    index: int  #: the input's index in the previous layer (a pixel's is row × 28 + column)
    weight: float
    activation: float
    product: float


@dataclass(frozen=True)
class NeuronReading:
    """Neuron ``index`` of layer ``layer`` for one input: ``z = Σ_i w_i a_i + b`` and ``a = f(z)``, with real numbers.

    ``terms`` are the largest ``|w·a|`` first; ``rest_sum`` adds up the ``rest_count`` others, ``rest_zeros`` of which
    are exactly 0 (inputs that are off: blank pixels). ``layer_weighted_sums`` and ``layer_activations`` ``(n_out,)``
    are the whole layer's z and a; ``inputs`` ``(n_in,)`` the previous layer's activations.
    """

    layer: int
    index: int
    sizes: tuple[int, ...]
    function: str  #: the layer's squishification: "sigmoid", "relu", "tanh" or "softmax"
    input_function: str  #: the previous layer's ("pixels" for the input layer)
    terms: tuple[Term, ...]
    rest_count: int
    rest_zeros: int
    rest_sum: float
    sum_of_terms: float  #: Σ_i w_i a_i over every input
    bias: float
    weighted_sum: float  #: z
    activation: float  #: a = f(z)
    inputs: np.ndarray
    layer_weighted_sums: np.ndarray
    layer_activations: np.ndarray

    @property
    def is_output(self) -> bool:
        """The neuron is one of the output layer's."""
        return self.layer == len(self.sizes) - 1

    @property
    def shape(self) -> tuple[int, int]:
        """The layer's weight matrix ``W``: ``(n_out, n_in)``."""
        return self.sizes[self.layer], self.sizes[self.layer - 1]

    @property
    def softmax_shift(self) -> float:
        """For a softmax output, ``ln Σ_{k≠j} e^(z_k)``: with the other outputs held where they are,
        ``a_j = σ(z_j − shift)``, a sigmoid moved right by this much. 0 for every other function."""
        if self.function != "softmax":
            return 0.0
        others = np.delete(self.layer_weighted_sums, self.index)
        if others.size == 0:
            return -np.inf
        top = float(others.max())
        return top + float(np.log(np.exp(others - top).sum()))


def read_neuron(network: Network, x: np.ndarray, layer: int, index: int, top: int = TOP_TERMS) -> NeuronReading:
    """Neuron ``index`` of layer ``layer`` (1 … L) of ``network`` for input ``x`` ``(784,)``: its sum written out."""
    sizes = network.sizes
    if not 1 <= layer < len(sizes) or not 0 <= index < sizes[layer]:
        raise ValueError(f"no neuron {index} in layer {layer} of a {'-'.join(map(str, sizes))} network")
    forward = network.forward(np.asarray(x, np.float32).reshape(1, -1))
    inputs = forward.activations[layer - 1][0].astype(np.float64)
    weights = network.weights[layer - 1].astype(np.float64)
    biases = network.biases[layer - 1].astype(np.float64)
    layer_z = weights @ inputs + biases  # the whole layer: softmax needs every output's z
    function = network.activation_for(layer)
    layer_a = function.forward(layer_z[None, :].copy())[0]
    products = weights[index] * inputs
    order = np.argsort(-np.abs(products), kind="stable")
    shown = [int(i) for i in order[:top] if products[i] != 0.0]  # a term that is 0 says nothing
    rest = np.ones(len(products), bool)
    rest[shown] = False
    sum_of_terms = float(products.sum())
    z = sum_of_terms + float(biases[index])
    return NeuronReading(
        layer=layer, index=index, sizes=tuple(sizes), function=function.name,
        input_function=network.activation_for(layer - 1).name if layer > 1 else "pixels",
        terms=tuple(Term(i, float(weights[index, i]), float(inputs[i]), float(products[i])) for i in shown),
        rest_count=int(rest.sum()), rest_zeros=int((products[rest] == 0.0).sum()),
        rest_sum=float(products[rest].sum()), sum_of_terms=sum_of_terms, bias=float(biases[index]),
        weighted_sum=z, activation=float(layer_a[index]), inputs=inputs, layer_weighted_sums=layer_z,
        layer_activations=layer_a)


def input_name(reading: NeuronReading, i: int) -> str:
    """What input ``i`` of the neuron is: "pixel (row, col)" in the first layer, else "h1 neuron 7"."""
    if reading.layer == 1 and reading.sizes[0] == INPUTS:
        r, c = divmod(i, INPUT_SIDE)
        return f"pixel ({r}, {c})"
    if reading.layer == 1:
        return f"input {i}"
    return f"h{reading.layer - 1} neuron {i}"


def neuron_name(reading: NeuronReading) -> str:
    """"output neuron 3" or "hidden layer 1, neuron 5" (as the graph names them)."""
    if reading.is_output:
        return f"output neuron {reading.index}"
    return f"hidden layer {reading.layer}, neuron {reading.index}"


def layer_shapes_text(reading: NeuronReading) -> str:
    """The layer's matrix form with its real shapes: "16×784 · 784 + 16 → 16"."""
    n_out, n_in = reading.shape
    return f"{n_out}×{n_in} · {n_in} + {n_out} → {n_out}"


def curve_range(reading: NeuronReading) -> tuple[float, float]:
    """The z axis to draw the curve over: symmetric about 0, a round number wide (so it holds still while z moves a
    little), wide enough for the curve's bend (±6 for sigmoid) and for this z with room to spare."""
    bend = {"relu": 2.0, "tanh": 3.0}.get(reading.function, 6.0)
    shift = reading.softmax_shift if np.isfinite(reading.softmax_shift) else 0.0
    reach = max(bend + abs(shift), 1.15 * abs(reading.weighted_sum))
    limit = nice_limit(reach)
    return -limit, limit


def squish_curve(network: Network, reading: NeuronReading, lo: float, hi: float,
                 n: int = CURVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """The layer's own squishification sampled over z in ``[lo, hi]``: ``(z (n,), a (n,))``.

    Element-wise functions are simply evaluated. Softmax looks at every output's z at once: its curve is this
    output's a as its own z moves with the other outputs' z held where they are now (the network's own softmax is
    evaluated on each such row).
    """
    z = np.linspace(lo, hi, n)
    function = network.activation_for(reading.layer)
    if function.elementwise:
        return z, function.forward(z[None, :].copy())[0]
    rows = np.repeat(reading.layer_weighted_sums[None, :], n, axis=0)
    rows[:, reading.index] = z
    return z, function.forward(rows)[:, reading.index]


def activation_range(reading: NeuronReading, lo: float, hi: float) -> tuple[float, float]:
    """The a axis: (0, 1) for sigmoid and softmax, (−1, 1) for tanh, (0, hi) for ReLU, with a little margin."""
    low, high = {"tanh": (-1.0, 1.0), "relu": (0.0, hi)}.get(reading.function, (0.0, 1.0))
    pad = 0.06 * (high - low)
    return low - pad, high + pad
