"""Dreams: the climb on the pixels reaches what each neuron wants, stays in 0…1, and the distances are honest."""

import numpy as np
import pytest

from nnviz.core.data import MNIST
from nnviz.core.dreams import _smoothness_slope, climb, digit_dreams, dream_distances, nearest_distances, neuron_dream
from nnviz.core.model_io import load_model
from nnviz.core.training import Trainer, preset

EXAMPLE = "resources/example-model.npz"


@pytest.mark.parametrize("start", ["blank", "noise"])
def test_example_model_reads_each_dream_as_its_digit(start):
    """Run independently, the shipped network answers each digit's dream with that digit, at 0.9 or more."""
    net = load_model(EXAMPLE)
    dreams = digit_dreams(net, start=start)
    pixels = np.array([d.pixels for d in dreams])
    assert pixels.min() >= 0.0 and pixels.max() <= 1.0
    outputs = load_model(EXAMPLE).predict(pixels)
    assert list(outputs.argmax(axis=1)) == list(range(10))
    assert outputs[np.arange(10), np.arange(10)].min() >= 0.9
    np.testing.assert_allclose(outputs, [d.outputs for d in dreams], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("start", ["blank", "noise"])
def test_softmax_network_dreams(mnist, start):
    """A freshly trained ReLU/softmax network (the 'best' preset): each dream is read as its digit at 0.9 or more,
    though from a blank image every ReLU starts off (zero biases) and passes no slope of its own."""
    trainer = Trainer(preset("best", epochs=1), mnist.subset(20_000, 100))
    trainer.run_epoch()
    net = trainer.network
    dreams = digit_dreams(net, start=start)
    outputs = net.predict(np.array([d.pixels for d in dreams]))
    assert list(outputs.argmax(axis=1)) == list(range(10))
    assert outputs[np.arange(10), np.arange(10)].min() >= 0.9


def test_a_saturated_network_still_climbs():
    """From noise the example's first layer is saturated (its sigmoid slope rounds to 0 in float32); the climb
    computes the slope in a form that does not vanish, so every dream still moves off its start."""
    net = load_model(EXAMPLE)
    start = climb(net, 3, range(10), steps=0, start="noise")
    end = climb(net, 3, range(10), start="noise")
    assert np.abs(end - start).max(axis=1).min() > 0.5


def test_hidden_neuron_dream_excites_it_more_than_digits_do(mnist):
    """A hidden neuron's dream drives it harder than any of 1,000 real test digits."""
    net = load_model(EXAMPLE)
    x = MNIST.inputs(mnist.x_test[:1000])
    for layer, unit in ((1, 3), (2, 7)):
        dream = neuron_dream(net, layer, unit)
        z_dream = net.forward(dream.pixels[None]).weighted_sums[layer - 1][0, unit]
        z_digits = net.forward(x).weighted_sums[layer - 1][:, unit]
        assert z_dream > z_digits.max()
        assert dream.activation == pytest.approx(net.forward(dream.pixels[None]).activations[layer][0, unit])


def test_smoothness_prior_makes_smoother_dreams():
    """With the prior on, neighbouring pixels differ less than without it."""
    net = load_model(EXAMPLE)
    rough = climb(net, 3, [4])
    smooth = climb(net, 3, [4], smoothness=0.5)
    assert np.mean(np.abs(np.diff(smooth.reshape(28, 28), axis=1))) < 0.5 * np.mean(
        np.abs(np.diff(rough.reshape(28, 28), axis=1)))


def test_smoothness_slope_is_minus_the_gradient_of_the_penalty(rng):
    """The prior's pull is −∂/∂x of Σ (pixel − neighbour)², checked by finite differences on a few pixels."""
    x = rng.uniform(0, 1, (1, 784))

    def penalty(v):
        img = v.reshape(28, 28)
        return np.sum(np.diff(img, axis=0) ** 2) + np.sum(np.diff(img, axis=1) ** 2)

    pull = _smoothness_slope(x)[0]
    h = 1e-6
    for i in (0, 29, 400, 783):
        e = np.zeros(784)
        e[i] = h
        assert pull[i] == pytest.approx(-(penalty(x[0] + e) - penalty(x[0] - e)) / (2 * h), rel=1e-6)


def test_bad_requests_are_refused():
    """A layer or neuron that does not exist, or an unknown start, is a ValueError naming the problem."""
    net = load_model(EXAMPLE)
    with pytest.raises(ValueError, match="layer"):
        climb(net, 0, [0])
    with pytest.raises(ValueError, match="neurons"):
        climb(net, 1, [16])
    with pytest.raises(ValueError, match="start"):
        climb(net, 3, [1], start="grey")


def test_distances_measure_what_they_say(rng):
    """A test image is at distance 0 from its nearest test image; a pair's distances match a direct computation."""
    x = rng.uniform(0, 1, (50, 784))
    y = np.repeat(np.arange(10), 5)
    d = dream_distances({3: x[15]}, x, y)[3]
    assert d["dream_to_nearest"] == pytest.approx(0.0, abs=1e-6)
    assert d["dream_best_correlation"] == pytest.approx(1.0)
    same = x[y == 3]
    pairs = [np.linalg.norm(a - b) for i, a in enumerate(same) for b in same[i + 1:]]
    assert min(pairs) * 0.99 <= d["typical_pair"] <= max(pairs) * 1.01
    np.testing.assert_allclose(nearest_distances(same[:2], same, exclude_self=True),
                               [min(np.linalg.norm(same[i] - same[j]) for j in range(5) if j != i) for i in range(2)])
