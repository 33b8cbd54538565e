"""The network graph's geometry and choices, without Qt: where each neuron and edge sits, which edges are drawn.

The input layer is the 28×28 image it is (each pixel one input neuron) in the unit square; the other layers are
columns of circles to its right. Big layers are thinned to each neuron's strongest incoming edges, and every drawn
edge falls in one of ``2 × STRENGTHS`` buckets (sign × brightness) that the view draws as one item each.
"""

from __future__ import annotations

import numpy as np

from .scales import nice_limit

STRENGTHS = 4  # brightness steps of |w|
INPUT_SIDE = 28
INPUT_BOUNDS = (0.0, -0.5, 1.0, 1.0)  # (left, bottom, width, height) of the input image in view coordinates
MAX_COLUMN_HEIGHT = 1.8  # neuron columns span at most y = −0.9 … 0.9; the input image is the unit square
DEFAULT_INPUT_EDGES = 32  # strongest input edges drawn per first-layer neuron by default (784 = all)
# Lines the graph draws (unless every input edge is asked for, which the view paints as one picture): Qt draws
# ~700 lines a millisecond, and a frame must leave the window responsive. Big layers are thinned to their
# strongest incoming edges per neuron; the default network (928 edges at K = 32) is never thinned.
INPUT_EDGE_BUDGET = 2000  # edges from the input image
LAYER_EDGE_BUDGET = 1000  # edges between two layers of neurons


def activation_shade(a: np.ndarray, kind: str) -> np.ndarray:
    """Activations mapped to a fill level in [0, 1] (0 black → 1 white).

    Sigmoid and softmax already live in [0, 1]; tanh's (−1, 1) is mapped linearly; ReLU's unbounded values are
    shown relative to the layer's largest.
    """
    if kind == "tanh":
        return (a + 1.0) / 2.0
    if kind == "relu":
        top = float(a.max()) if a.size else 0.0
        return a / top if top > 0 else np.zeros_like(a)
    return np.clip(a, 0.0, 1.0)


def upright(image: np.ndarray) -> np.ndarray:
    """An image's rows bottom first: in the graph y grows upwards, and an image item puts row 0 at the lowest y.

    Without it every digit would stand on its head, while the edges (placed by ``NetworkLayout.input_xy``, top row
    at the top) would still leave from the right pixels.
    """
    return image[::-1]


def pairs(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Segments as the points ``(2n, 2)`` start₀, end₀, start₁, end₁, … that a 'pairs' curve draws."""
    pts = np.empty((2 * len(start), 2))
    pts[0::2], pts[1::2] = start, end
    return pts


class NetworkLayout:
    """Where every neuron and edge sits for given layer sizes (computed once per architecture)."""

    def __init__(self, sizes: tuple[int, ...], column_gap: float = 0.85):
        self.sizes = tuple(sizes)
        n_layers = len(sizes) - 1  # weight layers; layer 0 is the input
        # input: the 28×28 image in the unit square [0, 1] × [−0.5, 0.5]; pixel (r, c) at its cell centre
        r, c = np.divmod(np.arange(sizes[0]), INPUT_SIDE)
        self.input_xy = np.column_stack([(c + 0.5) / INPUT_SIDE, 0.5 - (r + 0.5) / INPUT_SIDE])
        self.columns: list[np.ndarray] = []  # (n, 2) positions for layers 1 … n_layers
        for layer in range(1, n_layers + 1):
            n = sizes[layer]
            height = min(MAX_COLUMN_HEIGHT, 0.11 * (n - 1)) if n > 1 else 0.0
            ys = np.linspace(height / 2, -height / 2, n) if n > 1 else np.zeros(1)
            self.columns.append(np.column_stack([np.full(n, 1.0 + column_gap * layer - 0.3), ys]))
        self.neuron_xy = np.concatenate(self.columns)
        self.layer_of = np.concatenate([np.full(sizes[l], l) for l in range(1, n_layers + 1)])
        self.index_of = np.concatenate([np.arange(sizes[l]) for l in range(1, n_layers + 1)])
        self.spacing = min((0.11, *(MAX_COLUMN_HEIGHT / max(n - 1, 1) for n in sizes[1:])))
        # edges of each weight layer: start (source) and end (target) coordinates, in W's row-major order
        self.edge_start, self.edge_end = [], []
        for layer in range(1, n_layers + 1):
            src, dst = self.sources(layer), self.columns[layer - 1]
            n_out, n_in = len(dst), len(src)
            self.edge_start.append(np.repeat(src[None, :, :], n_out, axis=0).reshape(-1, 2))
            self.edge_end.append(np.repeat(dst[:, None, :], n_in, axis=1).reshape(-1, 2))
        self.all_start, self.all_end = np.concatenate(self.edge_start), np.concatenate(self.edge_end)

    def sources(self, layer: int) -> np.ndarray:
        """Positions ``(n_in, 2)`` of the neurons feeding weight layer ``layer`` (1: the input pixels)."""
        return self.input_xy if layer == 1 else self.columns[layer - 2]

    def position(self, layer: int, index: int) -> np.ndarray:
        """Where neuron ``index`` of ``layer`` sits, ``(2,)`` (layer 0: an input pixel)."""
        return self.input_xy[index] if layer == 0 else self.columns[layer - 1][index]

    def view_range(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The x and y range that shows the whole network with room for the output digits' labels."""
        return (-0.05, float(self.neuron_xy[:, 0].max()) + 0.25), (-0.97, 0.97)

    def neuron_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (layer, index) of the neuron drawn at view point (x, y), if any (layer 0: an input pixel)."""
        if 0.0 <= x <= 1.0 and -0.5 <= y <= 0.5:
            c = min(int(x * INPUT_SIDE), INPUT_SIDE - 1)
            r = min(int((0.5 - y) * INPUT_SIDE), INPUT_SIDE - 1)
            return 0, r * INPUT_SIDE + c
        d = np.hypot(self.neuron_xy[:, 0] - x, self.neuron_xy[:, 1] - y)
        i = int(np.argmin(d))
        if d[i] <= max(self.spacing * 0.6, 0.03):
            return int(self.layer_of[i]), int(self.index_of[i])
        return None


def edges_per_neuron(sizes: tuple[int, ...], layer: int, k: int) -> int:
    """Incoming edges drawn per neuron of weight layer ``layer`` (1 … L) when K = ``k`` input edges are asked for.

    The input layer gets K, thinned further when the first layer is large (see INPUT_EDGE_BUDGET); the other
    layers get all their edges, thinned to the strongest few when the layer is large; every edge is drawn when
    all input edges are asked for (K ≥ the input size).
    """
    n_in, n_out = sizes[layer - 1], sizes[layer]
    if layer == 1:
        return k if k >= n_in else min(k, max(1, INPUT_EDGE_BUDGET // n_out))
    if k >= sizes[0]:
        return n_in
    return n_in if n_in * n_out <= LAYER_EDGE_BUDGET else max(1, LAYER_EDGE_BUDGET // n_out)


def strongest(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest |values| of a row ``(n,)`` (all of them, in order, when k ≥ n)."""
    if k >= len(values):
        return np.arange(len(values))
    return np.argpartition(-np.abs(values), k - 1)[:k]


def strongest_edges(w: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices into ``w.ravel()``, values) of each row's ``k`` strongest entries of ``w`` ``(n_out, n_in)``.

    Every entry, in order, when ``k ≥ n_in``.
    """
    n_out, n_in = w.shape
    if k >= n_in:
        return np.arange(w.size), w.reshape(-1)
    cols = np.argpartition(-np.abs(w), k - 1, axis=1)[:, :k]
    idx = (np.arange(n_out)[:, None] * n_in + cols).reshape(-1)
    return idx, w.reshape(-1)[idx]


def thinning_note(sizes: tuple[int, ...], k: int) -> str:
    """What the graph leaves out to stay fast, in words ('' when it draws what was asked)."""
    k1 = edges_per_neuron(sizes, 1, k)
    thinned = [l for l in range(2, len(sizes)) if edges_per_neuron(sizes, l, k) < sizes[l - 1]]
    parts = []
    if k1 < min(k, sizes[0]):
        parts.append(f"{k1} input edges per neuron")
    if thinned:
        parts.append("the strongest incoming edges between large layers")
    return ("large network: showing " + " and ".join(parts)) if parts else ""


def strength_buckets(values: np.ndarray) -> np.ndarray:
    """Each edge's bucket ``(n,)``: 0 … STRENGTHS−1 for positive values (brighter = larger), then the negatives.

    The strength scale is the 98th percentile of |value|, rounded to a nice number so that it (and so every edge's
    bucket) changes only now and then, not on every frame.
    """
    a = np.abs(values)
    if not len(a):
        return np.empty(0, np.intp)
    q = int(0.98 * (len(a) - 1))
    scale = nice_limit(float(np.partition(a, q)[q]))
    strength = np.minimum((a / scale * STRENGTHS).astype(np.intp), STRENGTHS - 1)
    return np.where(values >= 0, 0, STRENGTHS) + strength


def neuron_edge_indices(weights: list[np.ndarray], layer: int, index: int, k: int) -> list[np.ndarray]:
    """A selected neuron's edges as indices into each weight layer's ``W.ravel()`` (one array per layer).

    Its incoming edges (of a first-layer neuron only the ``k`` strongest) and all its outgoing ones.
    """
    chosen = [np.empty(0, np.intp) for _ in weights]
    w_in = weights[layer - 1][index]
    keep = strongest(w_in, k) if layer == 1 else np.arange(len(w_in))
    chosen[layer - 1] = index * len(w_in) + keep
    if layer < len(weights):
        n_out, n_in = weights[layer].shape
        chosen[layer] = np.arange(n_out) * n_in + index
    return chosen


def neuron_edges(layout: NetworkLayout, weights: list[np.ndarray], layer: int, index: int,
                 k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A selected neuron's edges (:func:`neuron_edge_indices`): (start ``(n, 2)``, end ``(n, 2)``, weight ``(n,)``)."""
    chosen = neuron_edge_indices(weights, layer, index, k)
    return (np.concatenate([s[i] for s, i in zip(layout.edge_start, chosen)]),
            np.concatenate([e[i] for e, i in zip(layout.edge_end, chosen)]),
            np.concatenate([w.reshape(-1)[i] for w, i in zip(weights, chosen)]))


def distances_to_segments(x: float, y: float, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """How far point (x, y) is from each segment start → end, ``(n,)`` (segments ``(n, 2)``)."""
    d = end - start
    px, py = x - start[:, 0], y - start[:, 1]
    t = np.clip((px * d[:, 0] + py * d[:, 1]) / np.maximum(d[:, 0] ** 2 + d[:, 1] ** 2, 1e-18), 0.0, 1.0)
    return np.hypot(px - t * d[:, 0], py - t * d[:, 1])


def edge_at(layout: NetworkLayout, drawn: list[np.ndarray], x: float, y: float,
            tolerance: float) -> tuple[int, int, int] | None:
    """The drawn edge nearest view point (x, y), as ``(layer, j, k)`` (weight layer 1 … L, into neuron j from
    neuron k of the layer below), if it passes within ``tolerance``; else None.

    ``drawn[l - 1]`` holds the indices into weight layer l's ``W.ravel()`` of its edges on screen (only those can be
    clicked). Inside the input image there is no edge: the image covers where the input edges leave their pixels,
    and a click there is on a pixel.
    """
    left, bottom, width, height = INPUT_BOUNDS
    if left <= x <= left + width and bottom <= y <= bottom + height:
        return None
    best, best_d = None, float(tolerance)
    for layer, idx in enumerate(drawn, start=1):
        if not len(idx):
            continue
        d = distances_to_segments(x, y, layout.edge_start[layer - 1][idx], layout.edge_end[layer - 1][idx])
        i = int(np.argmin(d))
        if d[i] <= best_d:
            n_in = layout.sizes[layer - 1]
            best, best_d = (layer, *map(int, divmod(int(idx[i]), n_in))), float(d[i])
    return best


def neuron_name(sizes: tuple[int, ...], layer: int, index: int) -> str:
    """A neuron's name in words: "input pixel (3, 7)", "hidden layer 1, neuron 5", "output neuron 3"."""
    if layer == 0:
        return "input pixel ({}, {})".format(*divmod(index, INPUT_SIDE)) if sizes[0] == INPUT_SIDE**2 else \
            f"input {index}"
    return f"output neuron {index}" if layer == len(sizes) - 1 else f"hidden layer {layer}, neuron {index}"


def neuron_description(network, weighted_sums, activations, layer: int, index: int) -> str:
    """Hover text for a neuron: its activation, and (past the input) its bias and weighted sum (HTML);
    ``weighted_sums[l - 1]`` is layer l's ``(1, n_l)``, ``activations[l]`` its ``(n_l,)``."""
    if layer == 0:
        r, c = divmod(index, INPUT_SIDE)
        return f"<b>input pixel ({r}, {c})</b><br>activation {activations[0][index]:.3f}"
    z = weighted_sums[layer - 1][0][index]
    name = "output neuron <b>" + str(index) + "</b>" if layer == len(network.sizes) - 1 else \
        f"hidden layer {layer}, neuron <b>{index}</b>"
    return (f"{name}<br>activation a = {activations[layer][index]:.3f}<br>bias b = "
            f"{network.biases[layer - 1][index]:+.3f}<br>weighted sum z = Σ w·a + b = {z:+.3f}")


def edge_description(network, layer: int, j: int, k: int, steps: list[np.ndarray] | None = None) -> str:
    """Hover text for the edge of weight ``(layer, j, k)``: which weight, its value (and backpropagation's step
    for it, ``steps[layer - 1][j, k]``, when given), and what a click on it does (HTML)."""
    sizes = network.sizes
    text = (f"weight <b>w = {network.weights[layer - 1][j, k]:+.3f}</b><br>from {neuron_name(sizes, layer - 1, k)}"
            f"<br>to {neuron_name(sizes, layer, j)}")
    if steps is not None:
        text += f"<br>backprop's step −∂C/∂w = {steps[layer - 1][j, k]:+.2e}"
    return text + "<br><i>click: the cost over this weight and one more (Gradient descent)</i>"


def weight_segments(layout: NetworkLayout, chosen: list[tuple[int, int, int]]) -> np.ndarray:
    """The edges of chosen weights ``(layer, j, k)`` as 'pairs' points ``(2m, 2)`` (a bias, ``k = n_in``, has no edge)."""
    starts, ends = [], []
    for layer, j, k in chosen:
        if 1 <= layer < len(layout.sizes) and k < layout.sizes[layer - 1] and j < layout.sizes[layer]:
            starts.append(layout.sources(layer)[k])
            ends.append(layout.columns[layer - 1][j])
    return pairs(np.array(starts).reshape(-1, 2), np.array(ends).reshape(-1, 2))


def nudge_bars(layout: NetworkLayout, nudges: list[np.ndarray | None]) -> tuple[np.ndarray, np.ndarray]:
    """Backpropagation's nudge of each neuron as a bar beside it: (up, down) as 'pairs' points ``(2m, 2)``.

    ``nudges[l]`` is −∂C/∂a of layer l (None: not shown). A bar goes up when the neuron should be more active;
    the largest nudge of a layer spans about 1.6 neuron gaps.
    """
    up, down = [np.empty((0, 2))], [np.empty((0, 2))]
    for layer in range(1, len(layout.sizes)):
        n = nudges[layer]
        if n is None:
            continue
        xy = layout.columns[layer - 1]
        h = n / (float(np.abs(n).max()) or 1.0) * layout.spacing * 1.6
        start = np.column_stack([xy[:, 0] - layout.spacing * 0.9, xy[:, 1]])
        end = start + np.column_stack([np.zeros(len(n)), h])
        rising = n > 0
        up.append(pairs(start[rising], end[rising]))
        down.append(pairs(start[~rising], end[~rising]))
    return np.concatenate(up), np.concatenate(down)
