"""The network's dreams: for a neuron, the input that excites it most, found by gradient ascent on the pixels.

Training climbs *down* the cost by changing the weights with the image fixed; a dream climbs *up* one neuron's
activation by changing the 784 pixels with the weights fixed. Backpropagation gives the slope with respect to the
pixels the same way it gives it with respect to the weights (one more step down, through the first layer's
weights). Each step moves every pixel along that slope and clamps it to 0…1, the range of real ink.

What is climbed, exactly:

- an output digit: the logarithm of its output activation — for a softmax network, of its softmax probability
  (so the other digits are pushed down at the same time), for a sigmoid network of its sigmoid. The logarithm has
  the same summit as the activation itself, and its slope does not vanish while the neuron is still nearly off.
- a hidden neuron: its weighted sum z. Every squishification rises with z, so it is the same summit, and z keeps a
  slope where a ReLU's activation is flat at zero.

The step is the slope divided by its root mean square over the pixels, times a step size that shrinks over the
climb: the climb then behaves the same for every network, whatever the size of its gradients, and the best image
met on the way is kept. An optional smoothness prior (off by
default) also pulls each pixel toward its four neighbours; without it the dream shows what the network wants, and
that is noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network

DREAM_STEPS = 300
# The step moves the average pixel by FIRST_STEP of the 0…1 range at first, shrinking to LAST_STEP_FRACTION of that
# by the end. Chosen by a sweep over three networks (sigmoid and softmax, example and freshly trained), blank and
# noise starts: from 0.3 to 0.4 every dream of all of them was read as its digit at 0.9 or more; smaller first steps
# stall on the plateaus of a saturated sigmoid network, larger ones overshoot.
FIRST_STEP = 0.3
LAST_STEP_FRACTION = 0.1
RELU_LEAK = 0.01
SIDE = 28
STARTS = ("blank", "noise")


@dataclass(frozen=True)
class Dream:
    """One dream: ``pixels`` ``(784,)`` in 0…1 (row by row), what the network answers to it, ``outputs`` ``(10,)``,
    and the ``activation`` it reached in the neuron it was made for (``layer``, ``unit``; the output layer is L)."""

    layer: int
    unit: int
    pixels: np.ndarray
    outputs: np.ndarray
    activation: float


def _starting_pixels(n: int, size: int, start: str, seed: int) -> np.ndarray:
    if start == "blank":
        return np.zeros((n, size))
    if start == "noise":
        return np.random.default_rng(seed).uniform(0.0, 1.0, (n, size))
    raise ValueError(f"unknown start {start!r}; choose one of: {', '.join(STARTS)}")


def _smoothness_slope(x: np.ndarray) -> np.ndarray:
    """Minus the slope of Σ (pixel − neighbour)² over the 4-neighbour pairs of each 28×28 image ``(n, 784)``."""
    img = x.reshape(len(x), SIDE, SIDE)
    pull = np.zeros_like(img)
    dy, dx = np.diff(img, axis=1), np.diff(img, axis=2)
    pull[:, :-1] += dy
    pull[:, 1:] -= dy
    pull[:, :, :-1] += dx
    pull[:, :, 1:] -= dx
    return 2.0 * pull.reshape(len(x), -1)


def _slope(name: str, z: np.ndarray) -> np.ndarray:
    """f'(z) computed from z in a form that stays above zero for saturated neurons.

    The network's own rule, ``a(1 − a)`` for the sigmoid, is exactly 0 once ``a`` rounds to 1, and a dream started
    where the first layer is saturated would never move; ``e^−|z| / (1 + e^−|z|)²`` is the same number without
    the rounding.
    """
    if name == "sigmoid":
        e = np.exp(-np.abs(z))
        return e / (1.0 + e) ** 2
    if name == "tanh":
        e = np.exp(-2.0 * np.abs(z))
        return 4.0 * e / (1.0 + e) ** 2
    # relu: an "off" neuron passes no slope at all, and from a blank image with zero biases every neuron is off;
    # letting a hundredth through shows the climb which way to go (the activations themselves stay exact)
    return np.where(z > 0, 1.0, RELU_LEAK)


def _objective_and_slopes(network: Network, x: np.ndarray, layer: int, units: np.ndarray):
    """The objective per row ``(n,)`` and its slope ∂objective/∂x ``(n, 784)``, row i climbing neuron ``units[i]``
    of ``layer`` (see the module's docstring)."""
    fp = network.forward(x)
    L = network.num_layers - 1
    n, rows = len(x), np.arange(len(x))
    grad = np.zeros((n, network.sizes[layer]), x.dtype)
    z = fp.weighted_sums[layer - 1]
    if layer == L and network.output.elementwise:  # log σ(z_d) = −log(1 + e^−z); its slope σ(−z_d)
        objective = -np.logaddexp(0.0, -z[rows, units])
        grad[rows, units] = np.exp(-np.logaddexp(0.0, z[rows, units]))
    elif layer == L:  # softmax: log p_d = z_d − log Σ e^z; its slope e_d − p
        objective = z[rows, units] - np.log(np.exp(z - z.max(1, keepdims=True)).sum(1)) - z.max(1)
        grad = -fp.output.copy()
        grad[rows, units] += 1.0
    else:
        objective = z[rows, units].copy()
        grad[rows, units] = 1.0
    for l in range(layer, 1, -1):  # grad holds ∂objective/∂z of layer l; carry it down to layer 1
        grad = (grad @ network.weights[l - 1]) * _slope(network.activation_name, fp.weighted_sums[l - 2])
    return objective, grad @ network.weights[0]


def climb(network: Network, layer: int, units, steps: int = DREAM_STEPS, start: str = "blank",
          smoothness: float = 0.0, seed: int = 0) -> np.ndarray:
    """Gradient ascent on the pixels for neurons ``units`` of ``layer`` (one image each, climbed together);
    returns the best images met on the way, ``(len(units), 784)`` in 0…1."""
    if not 1 <= layer < network.num_layers:
        raise ValueError(f"layer must be 1 … {network.num_layers - 1}, got {layer}")
    if not smoothness >= 0:
        raise ValueError(f"the smoothness must be 0 (off) or more, got {smoothness}")
    units = np.atleast_1d(np.asarray(units, np.int64))
    if units.min() < 0 or units.max() >= network.sizes[layer]:
        raise ValueError(f"layer {layer} has neurons 0 … {network.sizes[layer] - 1}, got {units.tolist()}")
    # in float64: a saturated network's slopes are tiny, and float32 would round them to nothing
    net = Network(network.sizes, network.activation_name, network.output_name, network.cost_name, network.init,
                  dtype=np.float64, params=network.params.astype(np.float64))
    x = _starting_pixels(len(units), network.sizes[0], start, seed)
    best, best_objective = x.copy(), np.full(len(x), -np.inf)
    for i in range(steps + 1):
        objective, g = _objective_and_slopes(net, x, layer, units)
        better = objective > best_objective
        best[better], best_objective[better] = x[better], objective[better]
        if i == steps:
            break
        # pixels already at 0 or 1 and pushed further cannot move: they must not set the scale of the step
        g[((x >= 1.0) & (g > 0)) | ((x <= 0.0) & (g < 0))] = 0.0
        g /= np.maximum(np.sqrt((g * g).mean(axis=1, keepdims=True)), 1e-300)
        if smoothness:
            g += smoothness * _smoothness_slope(x)
        x += FIRST_STEP * LAST_STEP_FRACTION ** (i / max(steps - 1, 1)) * g
        np.clip(x, 0.0, 1.0, out=x)
    return best.astype(network.dtype)


def _dream_of(network: Network, pixels: np.ndarray, layer: int, unit: int) -> Dream:
    fp = network.forward(pixels[None])
    return Dream(layer, unit, pixels, fp.output[0].copy(), float(fp.activations[layer][0, unit]))


def digit_dreams(network: Network, steps: int = DREAM_STEPS, start: str = "blank", smoothness: float = 0.0,
                 seed: int = 0, digits=range(10)) -> list[Dream]:
    """What each output neuron (digit) most wants to see: one dream per digit."""
    digits = list(digits)
    L = network.num_layers - 1
    images = climb(network, L, digits, steps, start, smoothness, seed)
    return [_dream_of(network, x, L, d) for x, d in zip(images, digits)]


def neuron_dream(network: Network, layer: int, unit: int, steps: int = DREAM_STEPS, start: str = "blank",
                 smoothness: float = 0.0, seed: int = 0) -> Dream:
    """What hidden neuron ``unit`` of ``layer`` (or an output neuron, layer L) most wants to see."""
    return _dream_of(network, climb(network, layer, [unit], steps, start, smoothness, seed)[0], layer, unit)


def nearest_distances(images: np.ndarray, pool: np.ndarray, exclude_self: bool = False) -> np.ndarray:
    """For each row of ``images`` ``(n, 784)``, the Euclidean distance to the nearest row of ``pool`` ``(p, 784)``.

    ``exclude_self``: the images are taken from the pool, and each one's distance to itself (0) does not count.
    """
    a, b = np.asarray(images, np.float64), np.asarray(pool, np.float64)
    sq = np.maximum((a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T, 0.0)
    if exclude_self:
        sq[sq < 1e-9] = np.inf  # the image itself (an exact duplicate is no "other" example either)
    return np.sqrt(sq.min(axis=1))


def _correlations(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of every row of ``a`` with every row of ``b`` (how alike two images are, whatever their ink)."""
    a = a - a.mean(1, keepdims=True)
    b = b - b.mean(1, keepdims=True)
    a /= np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    b /= np.maximum(np.linalg.norm(b, axis=1, keepdims=True), 1e-12)
    return a @ b.T


def dream_distances(dreams: dict[int, np.ndarray], test_x: np.ndarray, test_y: np.ndarray, pairs: int = 2_000,
                    seed: int = 0) -> dict[int, dict[str, float]]:
    """How far each digit's dream is from real examples of that digit, beside how far those are from each other.

    ``dreams`` maps digit → pixels ``(784,)`` (or ``(k, 784)``); ``test_x`` ``(n, 784)`` in 0…1. For each digit:
    ``dream_to_nearest`` (mean over its dreams of the Euclidean distance to the nearest test image of the digit),
    ``typical_pair`` (median distance between two random test images of the digit), ``nearest_pair`` (median
    distance from a test image to its nearest other test image of the digit). Distance grows with the amount of ink,
    so the same comparison is made with a measure blind to it: ``dream_best_correlation`` (the dream's Pearson
    correlation with its most alike test image of the digit) and ``typical_pair_correlation`` (median over pairs).
    """
    rng = np.random.default_rng(seed)
    out = {}
    for digit, pixels in dreams.items():
        same = np.asarray(test_x[np.asarray(test_y) == digit], np.float64)
        dream = np.atleast_2d(np.asarray(pixels, np.float64))
        i, j = rng.integers(0, len(same), (2, pairs))
        i, j = i[i != j], j[i != j]
        probe = same[rng.choice(len(same), min(300, len(same)), replace=False)]
        out[int(digit)] = {
            "dream_to_nearest": float(nearest_distances(dream, same).mean()),
            "typical_pair": float(np.median(np.linalg.norm(same[i] - same[j], axis=1))),
            "nearest_pair": float(np.median(nearest_distances(probe, same, exclude_self=True))),
            "dream_best_correlation": float(_correlations(dream, same).max(axis=1).mean()),
            "typical_pair_correlation": float(np.median(_paired_correlations(same[i], same[j]))),
        }
    return out


def _paired_correlations(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlation of row i of ``a`` with row i of ``b``."""
    a = a - a.mean(1, keepdims=True)
    b = b - b.mean(1, keepdims=True)
    return np.einsum("ij,ij->i", a, b) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)
