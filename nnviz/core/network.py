"""The multilayer perceptron: layers of neurons, weights, biases, the forward pass and backpropagation.

Notation follows the explanation and Nielsen's ``network.py``: ``sizes`` lists the neurons per layer,
``weights[l]`` has shape ``(n_out, n_in)`` (row j holds the weights *into* neuron j), ``biases[l]`` shape
``(n_out,)``, ``weighted_sums`` are the z's and ``activations`` the a's. Unlike ``network.py`` a whole
mini-batch goes through at once: inputs are rows, ``x`` has shape ``(m, 784)``.

Storage: each layer's weights and bias live side by side in one ``(n_out, n_in + 1)`` block (the bias is
the last column), and all blocks share one flat float32 buffer, ``params``. That makes a snapshot one copy,
and lets the training step compute ``z = [a, 1] · [W | b]ᵀ`` and the gradient of W and b in one product each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .functions import ACTIVATIONS, COSTS, OUTPUTS, Activation, Cost

DTYPE = np.float32
INITS = ("normal", "scaled")


def _choice(table: dict, name: str, what: str):
    try:
        return table[name]
    except KeyError:
        raise ValueError(f"unknown {what} {name!r}; choose one of: {', '.join(table)}") from None


@dataclass(frozen=True)
class ForwardPass:
    """Everything one forward pass computed, for ``m`` examples.

    ``activations[0]`` is the input ``(m, 784)``; ``activations[l]`` and ``weighted_sums[l - 1]`` belong
    to layer ``l`` (``weighted_sums`` has one entry fewer: the input layer has no z).
    """

    weighted_sums: list[np.ndarray]
    activations: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        """The output layer's activations, ``(m, 10)``."""
        return self.activations[-1]


@dataclass(frozen=True)
class Backprop:
    """What backpropagation found for a mini-batch of ``m`` examples.

    - ``cost``: the mini-batch's cost, the mean of ``costs``, the examples' own costs ``(m,)``.
    - ``nabla_w[l]``, ``nabla_b[l]``: ∂C/∂W and ∂C/∂b of the mini-batch cost, shaped like the weights and biases.
      Gradient descent moves each parameter by ``−learning_rate · nabla``.
    - ``nudges[l]``: ``−∂C_x/∂a`` for every neuron of layer ``l`` (``l = 1 … L``; index 0 is the input layer) and
      every example's own cost ``C_x``, shape ``(m, n_l)``: how much, and which way, each activation "wants" to
      move. At the output it is the cost's wish directly; in a hidden layer it is the sum of what every neuron of
      the next layer wants from it, weighted by the connecting weights.
    - ``deltas[l - 1]``: ``∂C_x/∂z`` for layer ``l``, per example (the textbook δ).
    - ``forward``: the forward pass the gradients were computed from.
    """

    cost: float
    costs: np.ndarray
    nabla_w: list[np.ndarray]
    nabla_b: list[np.ndarray]
    nudges: list[np.ndarray | None]
    deltas: list[np.ndarray]
    forward: ForwardPass

    def mean_nudges(self) -> list[np.ndarray | None]:
        """The nudges averaged over the mini-batch: what one step of SGD on it asks of each neuron, ``(n_l,)``."""
        return [None if n is None else n.mean(axis=0) for n in self.nudges]


class Network:
    """A fully connected network: ``sizes[0]`` inputs, hidden layers, ``sizes[-1]`` outputs.

    ``activation`` squishes the hidden layers (sigmoid, relu, tanh), ``output`` the last layer (sigmoid,
    softmax); ``cost`` is quadratic or cross-entropy; ``init`` is ``normal`` (the textbook N(0, 1) for weights
    and biases) or ``scaled`` (weights N(0, 1/n_in), or He's N(0, 2/n_in) for ReLU; biases 0).
    ``dtype`` is float32 for speed; tests build float64 networks to check gradients against finite differences.
    ``params``, if given, are the weights and biases to start from (a flat vector laid out like ``params``).
    """

    def __init__(
        self,
        sizes=(784, 16, 16, 10),
        activation: str = "sigmoid",
        output: str = "sigmoid",
        cost: str = "quadratic",
        init: str = "normal",
        seed: int | None = 0,
        dtype=DTYPE,
        params: np.ndarray | None = None,
    ):
        sizes = tuple(int(n) for n in sizes)
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"a network needs at least an input and an output layer of ≥ 1 neuron, got {sizes}")
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}")
        self.sizes = sizes
        self.activation_name, self.output_name, self.cost_name, self.init = activation, output, cost, init
        self.activation: Activation = _choice(ACTIVATIONS, activation, "activation")
        self.output: Activation = _choice(OUTPUTS, output, "output activation")
        self.cost: Cost = _choice(COSTS, cost, "cost")
        self.dtype = np.dtype(dtype)
        self.params = np.zeros(sum((n_in + 1) * n_out for n_in, n_out in self.layer_shapes), self.dtype)
        self._bind_views()
        if params is None:
            self.initialize(seed)
        else:
            self.set_params(params)

    # --- structure -----------------------------------------------------------------------------------------
    @property
    def layer_shapes(self) -> list[tuple[int, int]]:
        """``(n_in, n_out)`` for each layer of weights."""
        return list(zip(self.sizes[:-1], self.sizes[1:]))

    @property
    def num_layers(self) -> int:
        """Layers of neurons, the input layer included (4 for 784-16-16-10)."""
        return len(self.sizes)

    def _bind_views(self) -> None:
        self.blocks: list[np.ndarray] = []
        offset = 0
        for n_in, n_out in self.layer_shapes:
            size = (n_in + 1) * n_out
            self.blocks.append(self.params[offset : offset + size].reshape(n_out, n_in + 1))
            offset += size
        self.weights = [blk[:, :-1] for blk in self.blocks]
        self.biases = [blk[:, -1] for blk in self.blocks]

    def activation_for(self, layer: int) -> Activation:
        """The squishification used by layer ``layer`` (1 … L)."""
        return self.output if layer == self.num_layers - 1 else self.activation

    def config(self) -> dict:
        """The architecture as plain JSON-able values (what ``Network(**config)`` rebuilds, minus the weights)."""
        return {
            "sizes": list(self.sizes),
            "activation": self.activation_name,
            "output": self.output_name,
            "cost": self.cost_name,
            "init": self.init,
        }

    def initialize(self, seed: int | None = 0) -> None:
        """Draw fresh random weights and biases (reproducible for a given ``seed``)."""
        rng = np.random.default_rng(seed)
        for w, b, (n_in, _) in zip(self.weights, self.biases, self.layer_shapes):
            # Drawn in float32 whatever the dtype, so a float64 twin starts from the same numbers.
            if self.init == "normal":
                w[...] = rng.standard_normal(w.shape, dtype=DTYPE)
                b[...] = rng.standard_normal(b.shape, dtype=DTYPE)
            else:
                gain = 2.0 if self.activation_name == "relu" else 1.0
                w[...] = rng.standard_normal(w.shape, dtype=DTYPE) * DTYPE(np.sqrt(gain / n_in))
                b[...] = 0.0

    def __getstate__(self) -> dict:
        """What pickling sends (to the training process): everything but the views into ``params``."""
        return {k: v for k, v in self.__dict__.items() if k not in ("blocks", "weights", "biases")}

    def __setstate__(self, state: dict) -> None:
        # Pickled array by array, the blocks came back as copies cut loose from ``params``: training then moved
        # them while every snapshot, read from ``params``, showed the weights the network was opened with.
        self.__dict__.update(state)
        self._bind_views()

    def copy(self) -> "Network":
        """An independent network with the same architecture and parameters."""
        twin = Network.__new__(Network)
        twin.__dict__.update(self.__dict__)
        twin.params = self.params.copy()
        twin._bind_views()
        return twin

    def set_params(self, params: np.ndarray) -> None:
        """Overwrite every weight and bias from a flat vector laid out like ``params``."""
        params = np.asarray(params)
        if params.shape != self.params.shape:
            raise ValueError(f"expected {self.params.size} parameters for {self.sizes}, got {params.size}")
        np.copyto(self.params, params, casting="same_kind")

    # --- the forward pass ----------------------------------------------------------------------------------
    def forward(self, x: np.ndarray) -> ForwardPass:
        """Feed ``x`` ``(m, 784)`` through; keep every layer's weighted sums and activations."""
        a = self._as_batch(x)
        zs, activations = [], [a]
        for layer, (w, b) in enumerate(zip(self.weights, self.biases), start=1):
            z = a @ w.T
            z += b
            a = self.activation_for(layer).forward(z, out=np.empty_like(z))
            zs.append(z)
            activations.append(a)
        return ForwardPass(zs, activations)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Return the output activations ``(m, 10)`` for inputs ``x`` ``(m, 784)`` in [0, 1]."""
        a = self._as_batch(x)
        for layer, blk in enumerate(self.blocks, start=1):
            z = a @ blk[:, :-1].T
            z += blk[:, -1]
            a = self.activation_for(layer).forward(z, out=z)
        return a

    def classify(self, x: np.ndarray) -> np.ndarray:
        """The network's guess (index of the most active output neuron) for each row of ``x``."""
        return self.predict(x).argmax(axis=1)

    def accuracy(self, x: np.ndarray, labels: np.ndarray, chunk: int = 10_000) -> float:
        """Fraction of ``x`` whose guess equals ``labels``."""
        if len(x) == 0:
            return float("nan")
        hits = sum(int((self.classify(x[i : i + chunk]) == labels[i : i + chunk]).sum()) for i in range(0, len(x), chunk))
        return hits / len(x)

    def _as_batch(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != self.sizes[0]:
            raise ValueError(f"expected inputs of shape (m, {self.sizes[0]}), got {x.shape}")
        return x

    # --- backpropagation ----------------------------------------------------------------------------------
    def backprop(self, x: np.ndarray, y: np.ndarray) -> Backprop:
        """Backpropagate the cost of examples ``x`` ``(m, 784)`` with one-hot targets ``y`` ``(m, 10)``.

        Returns gradients of the mean cost and, per example, the nudges and deltas of every layer.
        """
        fp = self.forward(x)
        y = np.asarray(y, dtype=self.dtype)
        if y.ndim == 1:
            y = y[None, :]
        m = len(y)
        L = self.num_layers - 1
        costs = self.cost.per_example(fp.output, y, self.output)
        grad_a = self.cost.grad_a(fp.output, y, self.output)
        delta = self.cost.output_delta(self.output, fp.weighted_sums[-1], fp.output, y)
        nudges: list[np.ndarray | None] = [None] * (L + 1)
        deltas: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        nabla_w: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        nabla_b: list[np.ndarray] = [None] * L  # type: ignore[list-item]
        nudges[L] = -grad_a
        for layer in range(L, 0, -1):
            deltas[layer - 1] = delta
            nabla_w[layer - 1] = delta.T @ fp.activations[layer - 1] / m
            nabla_b[layer - 1] = delta.mean(axis=0)
            if layer > 1:
                grad_a = delta @ self.weights[layer - 1]
                nudges[layer - 1] = -grad_a
                delta = self.activation.backward(fp.weighted_sums[layer - 2], fp.activations[layer - 1], grad_a)
        return Backprop(float(costs.mean()), costs, nabla_w, nabla_b, nudges, deltas, fp)

    def apply_gradient(self, bp: Backprop, learning_rate: float) -> None:
        """One step of gradient descent: every weight and bias moves by ``−learning_rate × its gradient``."""
        for w, b, gw, gb in zip(self.weights, self.biases, bp.nabla_w, bp.nabla_b):
            w -= self.dtype.type(learning_rate) * gw
            b -= self.dtype.type(learning_rate) * gb


class SGDKernel:
    """The training hot path: one mini-batch step of SGD on a :class:`Network`, in preallocated buffers.

    Gives the same update as ``backprop`` + ``apply_gradient`` (a test holds it to that) with under forty NumPy
    calls per step and no allocation on the hidden layers. Two departures from the textbook layout, both for speed:

    - Inputs come *augmented*: each image row ends with a 1, so ``[W | b] · [a; 1]`` adds the bias inside the
      matrix product and the gradient of the whole ``[W | b]`` block is one product.
    - Hidden activations are kept transposed, one *column* per example, with a constant row of ones below them
      (the next layer's bias input). The activation rows are then one contiguous slab, so the squishification
      runs on contiguous memory (twice as fast as on a strided view at these tiny sizes).
    """

    def __init__(self, network: Network, batch_size: int, momentum: float = 0.0):
        self.net = network
        self.m = 0
        #: Momentum μ: each step moves by ``v ← μ·v − η·∇C`` instead of ``−η·∇C`` (0 = plain SGD).
        self.momentum = float(momentum)
        self.velocity = [np.zeros_like(blk) for blk in network.blocks]
        self._resize(batch_size)

    def _resize(self, m: int) -> None:
        net = self.net
        self.m = m
        dt = net.dtype  # float32, except in float64 tests
        blocks, last = net.blocks, len(net.blocks) - 1
        z_t = [np.empty((n, m), dt) for n in net.sizes[1:-1]]
        a_t = [np.ones((n + 1, m), dt) for n in net.sizes[1:-1]]  # last row stays 1
        back_t = [np.empty((n_in + 1, m), dt) for n_in, _ in net.layer_shapes]
        delta_t = [np.empty((n, m), dt) for n in net.sizes[1:-1]]
        self.grad = [np.empty_like(blk) for blk in blocks]
        # the output layer in row layout, like the targets; δ is used transposed
        n_out = net.sizes[-1]
        self.z_out, self.a_out, self.d_out, self.scratch = (np.empty((m, n_out), dt) for _ in range(4))
        self.scale = np.zeros((), dt)  # −η/m as a 0-d array: a ufunc converts a Python float on every call
        # Every view a step uses, made once (a view costs about as much as a small ufunc call):
        # forward through the hidden layers: z → a (without its row of ones) → the next layer's z
        self._hidden = [(z_t[i], a_t[i][:-1], blocks[i + 1] if i + 1 < last else None, a_t[i],
                         z_t[i + 1] if i + 1 < last else None) for i in range(last)]
        self._to_output = (a_t[-1].T, blocks[last].T) if last else (None, blocks[0].T)
        # backward, from the top: δ goes down through Wᵀ, is multiplied by f'(z) below, and makes the step
        # (the product through Wᵀ has a row for the bias input too: computed, and left unused)
        self._layers_down = [(blocks[i].T, back_t[i], back_t[i][:-1], a_t[i - 1][:-1], a_t[i - 1].T, delta_t[i - 1],
                              i) for i in range(last, 0, -1)]
        self._d_out_t = self.d_out.T

    def step(self, x_aug: np.ndarray, y: np.ndarray, learning_rate: float) -> float:
        """Update the network by one SGD step on ``x_aug`` ``(m, n_in + 1)`` and ``y`` ``(m, n_out)``; return the cost.

        The cost returned is the mini-batch's mean cost *before* the update.
        """
        m = len(x_aug)
        if m != self.m:
            self._resize(m)
        net, dot, add, multiply = self.net, np.dot, np.add, np.multiply
        blocks, grad, mu = net.blocks, self.grad, self.momentum
        hidden, output, z_out = net.activation, net.output, self.z_out
        # forward: z = [W | b] · [a; 1], one column per example
        a_last_t, out_block_t = self._to_output
        if a_last_t is None:
            dot(x_aug, out_block_t, z_out)
        else:
            dot(blocks[0], x_aug.T, self._hidden[0][0])
            for z, a, next_block, a_full, next_z in self._hidden:
                hidden.forward(z, a)
                if next_block is not None:
                    dot(next_block, a_full, next_z)
            dot(a_last_t, out_block_t, z_out)
        out = output.forward(z_out, self.a_out)
        cost, _ = net.cost.mean_and_delta(output, z_out, out, y, self.d_out, self.scratch)
        # backward: δ is pre-scaled by −η/m, so each layer's update is one product and one in-place add
        delta_t, scale = self._d_out_t, self.scale
        scale[()] = -learning_rate / m
        multiply(delta_t, scale, delta_t)
        for block_t, back_full, back, a, a_full_t, prev, i in self._layers_down:
            # propagate through the weights *before* they change
            dot(block_t, delta_t, back_full)
            hidden.slope_from_output(a, prev)
            multiply(prev, back, prev)
            dot(delta_t, a_full_t, grad[i])
            add(blocks[i], self._with_momentum(i) if mu else grad[i], blocks[i])
            delta_t = prev
        dot(delta_t, x_aug, grad[0])
        add(blocks[0], self._with_momentum(0) if mu else grad[0], blocks[0])
        return cost

    def _with_momentum(self, i: int) -> np.ndarray:
        """v ← μ·v + step, and v is the move to apply."""
        v = self.velocity[i]
        v *= self.momentum
        v += self.grad[i]
        return v
