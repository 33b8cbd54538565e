"""The neuron inspector's arithmetic: for every neuron of random networks, the weighted sum written out term by term
adds up to the network's own z, a = f(z) is the network's own activation, the terms shown are the largest, and the
squishification curve passes through (z, a) — softmax included."""

import numpy as np
import pytest

from nnviz.core.inspection import (TOP_TERMS, activation_range, curve_range, input_name, layer_shapes_text,
                                   neuron_name, read_neuron, squish_curve)
from nnviz.core.network import Network

ARCHITECTURES = [
    ((784, 16, 16, 10), "sigmoid", "sigmoid"),
    ((784, 30, 10), "relu", "softmax"),
    ((784, 12, 8, 10), "tanh", "sigmoid"),
    ((784, 10), "sigmoid", "softmax"),
]


def sparse_drawing(rng) -> np.ndarray:
    """A drawing-like input: most pixels 0, a stroke of values in (0, 1]."""
    x = rng.random(784).astype(np.float32)
    x[rng.random(784) < 0.8] = 0.0
    return x


@pytest.mark.parametrize("sizes, activation, output", ARCHITECTURES)
def test_every_neurons_sum_and_activation_equal_the_networks_own_forward_pass(sizes, activation, output, rng):
    """z = Σ w·a + b and a = f(z), as the inspector writes them, equal the forward pass for every neuron of a random
    network; the shown terms, the rest and the bias add up to z."""
    net = Network(sizes, activation=activation, output=output, seed=int(rng.integers(1000)))
    x = sparse_drawing(rng)
    forward = net.forward(x[None, :])
    for layer in range(1, len(sizes)):
        for j in range(sizes[layer]):
            r = read_neuron(net, x, layer, j)
            own_z = float(forward.weighted_sums[layer - 1][0, j])
            own_a = float(forward.activations[layer][0, j])
            assert r.weighted_sum == pytest.approx(own_z, rel=1e-5, abs=1e-4)
            assert r.activation == pytest.approx(own_a, rel=1e-4, abs=1e-6)
            shown = sum(t.product for t in r.terms)
            assert shown + r.rest_sum + r.bias == pytest.approx(r.weighted_sum, abs=1e-9)
            assert r.sum_of_terms + r.bias == pytest.approx(r.weighted_sum, abs=1e-12)
            assert r.bias == float(net.biases[layer - 1][j])
            assert len(r.terms) + r.rest_count == sizes[layer - 1]
            for t in r.terms:
                assert t.weight == float(net.weights[layer - 1][j, t.index])
                assert t.activation == float(forward.activations[layer - 1][0, t.index])
                assert t.product == pytest.approx(t.weight * t.activation, rel=1e-12)


def test_the_terms_shown_are_the_largest_and_the_rest_counts_its_zeros(rng):
    """The inspector writes out the TOP_TERMS largest |w·a| (largest first); no shown term is smaller than any
    term left in the rest, and the rest says how many of its terms are exactly 0 (blank pixels)."""
    net = Network(seed=3)
    x = sparse_drawing(rng)
    r = read_neuron(net, x, 1, 7)
    products = net.weights[0][7].astype(np.float64) * x
    sizes = [abs(t.product) for t in r.terms]
    assert len(r.terms) == TOP_TERMS and sizes == sorted(sizes, reverse=True)
    rest = np.delete(products, [t.index for t in r.terms])
    assert min(sizes) >= np.abs(rest).max()
    assert r.rest_zeros == int((x == 0).sum()) and r.rest_count == 784 - TOP_TERMS


def test_a_blank_canvas_makes_z_the_bias(rng):
    """With every pixel 0 no term is written out (each is 0): all 784 are in the rest, all zero, and z = b."""
    net = Network(seed=1)
    r = read_neuron(net, np.zeros(784, np.float32), 1, 2)
    assert r.terms == () and r.rest_count == r.rest_zeros == 784 and r.rest_sum == 0.0
    assert r.weighted_sum == r.bias


@pytest.mark.parametrize("sizes, activation, output", ARCHITECTURES)
def test_the_curve_is_the_layers_own_function_and_passes_through_the_neuron(sizes, activation, output, rng):
    """The squishification curve drawn for a neuron is its layer's function (softmax: this output with the others
    held fixed, a σ shifted by ln Σ_{k≠j} e^z_k), and a read off it at z is the neuron's a."""
    net = Network(sizes, activation=activation, output=output, seed=5)
    x = sparse_drawing(rng)
    for layer in range(1, len(sizes)):
        r = read_neuron(net, x, layer, 1)
        lo, hi = curve_range(r)
        assert lo < r.weighted_sum < hi and lo == -hi
        z, a = squish_curve(net, r, lo, hi, n=4001)
        assert np.interp(r.weighted_sum, z, a) == pytest.approx(r.activation, abs=2e-3)
        expected = {"sigmoid": 1 / (1 + np.exp(-z)), "relu": np.maximum(z, 0), "tanh": np.tanh(z),
                    "softmax": 1 / (1 + np.exp(-(z - r.softmax_shift)))}[r.function]
        np.testing.assert_allclose(a, expected, atol=1e-6)
        low, high = activation_range(r, lo, hi)
        assert low < a.min() + 1e-9 and a.max() - 1e-9 < high


def test_names_and_shapes_read_as_the_explanation_does():
    """A first-layer input is a pixel (row, column); a deeper one a neuron of the layer below; the layer's matrix form
    carries its real shapes."""
    net = Network((784, 16, 16, 10), seed=0)
    x = np.zeros(784, np.float32)
    first, second, out = (read_neuron(net, x, layer, 3) for layer in (1, 2, 3))
    assert input_name(first, 28 * 4 + 11) == "pixel (4, 11)"
    assert input_name(second, 7) == "h1 neuron 7"
    assert neuron_name(first) == "hidden layer 1, neuron 3" and neuron_name(out) == "output neuron 3"
    assert layer_shapes_text(first) == "16×784 · 784 + 16 → 16"
    assert layer_shapes_text(out) == "10×16 · 16 + 10 → 10"
    assert out.is_output and not second.is_output and second.shape == (16, 16)


def test_a_neuron_that_does_not_exist_is_refused():
    """Layer 0 (the pixels have no weighted sum) and indices past the layer are refused with a sentence."""
    net = Network((784, 16, 10), seed=0)
    with pytest.raises(ValueError, match="no neuron 16 in layer 1 of a 784-16-10 network"):
        read_neuron(net, np.zeros(784), 1, 16)
    with pytest.raises(ValueError):
        read_neuron(net, np.zeros(784), 0, 0)
