"""The cost landscape's numbers are exact: the gradient slice, planes through the weights, two weights and the ball."""

import numpy as np
import pytest

from nnviz.core.landscape import (Ball, PlaneCosts, Sample, TwoWeights, flat_gradient, gradient_slice, layer_blocks,
                                  network_cost, parameter_index)
from nnviz.core.model_io import load_model
from nnviz.core.network import Network

KINDS = [("sigmoid", "sigmoid", "quadratic"), ("relu", "softmax", "cross-entropy"), ("tanh", "sigmoid", "cross-entropy")]


def tiny_sample(rng, m=60, n_in=784):
    """Random images and labels: the properties below hold for any data, so no MNIST is needed."""
    return Sample.from_images(rng.uniform(0, 1, (m, n_in)), rng.integers(0, 10, m))


def twin64(kind, sizes=(784, 7, 5, 10)):
    activation, output, cost = kind
    return Network(sizes, activation, output, cost, init="scaled", seed=3, dtype=np.float64)


@pytest.mark.parametrize("kind", KINDS)
def test_slice_starts_at_the_cost_and_lands_where_one_gradient_step_does(kind, rng):
    """C(θ − s∇C) at s = 0 is the network's cost; at s = η it is the cost after one full-batch gradient step."""
    net, sample = twin64(kind), tiny_sample(rng)
    eta = 0.7
    cut = gradient_slice(net, sample, eta)
    assert cut.steps[0] == 0 and cut.steps[cut.at_learning_rate] == eta and cut.steps[-1] == pytest.approx(3 * eta)
    assert cut.cost_now == pytest.approx(network_cost(net, sample), rel=1e-12)
    stepped = net.copy()
    stepped.apply_gradient(stepped.backprop(sample.x, sample.y), eta)
    assert cut.cost_after_step == pytest.approx(network_cost(stepped, sample), rel=1e-12)
    assert cut.cost_after_step != pytest.approx(cut.cost_now, rel=1e-9)  # the step moved somewhere


def test_slice_on_the_example_model_and_real_digits(mnist):
    """The same two properties for the shipped float32 model on 1,000 real training images."""
    net = load_model("resources/example-model.npz")
    sample = Sample.from_images(mnist.x_train, mnist.y_train)
    assert len(sample.x) == 1000
    cut = gradient_slice(net, sample, 3.0)
    assert cut.cost_now == pytest.approx(network_cost(net, sample), rel=1e-5)
    stepped = net.copy()
    stepped.apply_gradient(stepped.backprop(sample.x, sample.y), 3.0)
    assert cut.cost_after_step == pytest.approx(network_cost(stepped, sample), rel=1e-5)
    # a tiny step goes downhill: the slope at s = 0 is −|∇C|²
    assert cut.costs[1] < cut.costs[0]


@pytest.mark.parametrize("kind", KINDS)
def test_plane_costs_equal_the_network_moved_there(kind, rng):
    """Every batched plane cost equals the cost of a network whose params are set to θ + a·d₁ + b·d₂."""
    net, sample = twin64(kind), tiny_sample(rng)
    directions = rng.standard_normal((2, net.params.size)) * 0.3
    coefficients = rng.uniform(-1, 1, (37, 2))  # more than one chunk
    got = PlaneCosts(net, sample, directions).costs(coefficients)
    moved = net.copy()
    for c, cost in zip(coefficients, got):
        moved.set_params(net.params + c @ directions)
        assert cost == pytest.approx(network_cost(moved, sample), rel=1e-10)


def test_plane_through_upper_layers_only_starts_there(rng):
    """Directions that leave the first layer alone: the frozen layers are computed once, the costs stay exact."""
    net, sample = twin64(KINDS[0]), tiny_sample(rng)
    d = np.zeros((1, net.params.size))
    layer_blocks(net, d[0])[2][:] = rng.standard_normal(layer_blocks(net, d[0])[2].shape)
    plane = PlaneCosts(net, sample, d)
    assert plane.first == 2
    moved = net.copy()
    moved.set_params(net.params + 0.4 * d[0])
    assert plane.costs([[0.4]])[0] == pytest.approx(network_cost(moved, sample), rel=1e-10)


@pytest.mark.parametrize("kind", KINDS)
def test_plane_slope_is_the_gradient_along_the_directions(kind, rng):
    """∂C/∂c_k from cost_and_gradient equals ⟨∇C, d_k⟩ by backprop and a central finite difference."""
    net, sample = twin64(kind), tiny_sample(rng)
    directions = rng.standard_normal((2, net.params.size)) * 0.2
    plane = PlaneCosts(net, sample, directions)
    c = np.array([0.3, -0.2])
    cost, slope = plane.cost_and_gradient(c)
    moved = net.copy()
    moved.set_params(net.params + c @ directions)
    _, g = flat_gradient(moved, sample)
    np.testing.assert_allclose(slope, directions @ g, rtol=1e-8)
    h = 1e-6
    fd = [(plane.costs([c + h * e])[0] - plane.costs([c - h * e])[0]) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(slope, fd, rtol=1e-5, atol=1e-10)
    assert cost == pytest.approx(network_cost(moved, sample), rel=1e-12)


def test_parameter_index_names_weights_and_biases():
    """(layer, j, k) is the weight into neuron j of `layer` from neuron k below; k = n_in is j's bias."""
    net = Network((784, 7, 5, 10), seed=0)
    assert net.params[parameter_index(net, 1, 3, 100)] == net.weights[0][3, 100]
    assert net.params[parameter_index(net, 2, 4, 6)] == net.weights[1][4, 6]
    assert net.params[parameter_index(net, 3, 9, 5)] == net.biases[2][9]
    for bad in ((0, 0, 0), (4, 0, 0), (1, 7, 0), (2, 0, 8)):
        with pytest.raises(ValueError):
            parameter_index(net, *bad)


@pytest.mark.parametrize("pair", [((1, 2, 300), (1, 5, 301)), ((2, 1, 3), (3, 4, 5)), ((1, 0, 784), (3, 2, 2))])
def test_two_weight_surface_at_the_current_weights_is_the_network_cost(pair, rng):
    """The centre of the two-weight grid is the current weights, and its cost the network's; any point is exact."""
    net, sample = twin64(KINDS[0]), tiny_sample(rng)
    two = TwoWeights(net, sample, *pair)
    surface = two.surface(span=2.0, points=9)
    assert (surface.first[4], surface.second[4]) == two.current
    assert surface.costs[4, 4] == pytest.approx(network_cost(net, sample), rel=1e-12)
    moved = net.copy()
    moved.params[two.indices[0]] = surface.first[1]
    moved.params[two.indices[1]] = surface.second[7]
    assert surface.costs[7, 1] == pytest.approx(network_cost(moved, sample), rel=1e-12)


def test_ball_follows_the_analytic_gradient(rng):
    """Each step of the ball is −η times the partial derivatives, which match central finite differences."""
    net, sample = twin64(KINDS[0]), tiny_sample(rng)
    two = TwoWeights(net, sample, (1, 2, 0), (2, 3, 7))  # (1, 2, 0): pixel 0, which carries ink in random images
    eta = 2.0
    ball = Ball(two, (two.current[0] + 1.5, two.current[1] - 1.0), eta)
    ball.advance(15)
    path = ball.points()
    assert len(path) == 16
    h = 1e-6
    for here, there in zip(path[:-1], path[1:]):
        fd = [(two.cost_and_slope(here + h * e)[0] - two.cost_and_slope(here - h * e)[0]) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(there - here, -eta * np.array(fd), rtol=1e-5, atol=1e-12)
    assert ball.costs[-1] < ball.costs[0]  # downhill


def test_ball_stops_when_a_step_throws_it_off_the_map(rng):
    """A learning rate far too large throws the ball off the map in one step, and it stops there; a small one
    stays on the map and runs until it settles or its steps run out."""
    net, sample = twin64(KINDS[1]), tiny_sample(rng)
    two = TwoWeights(net, sample, (3, 0, 1), (3, 1, 2))
    bounds = [(c - 50, c + 50) for c in two.current]
    wild = Ball(two, (two.current[0] + 40, two.current[1] - 40), 1e12, bounds=bounds)
    wild.advance(10)
    assert wild.stopped and wild.left and len(wild.path) == 2
    calm = Ball(two, (two.current[0] + 40, two.current[1] - 40), 0.5, max_steps=30, bounds=bounds)
    while calm.advance(10):
        pass
    assert not calm.left and len(calm.path) == 31


def test_parameter_of_inverts_parameter_index():
    """Every flat index maps to a (layer, j, k) that maps back to it."""
    from nnviz.core.landscape import parameter_of

    net = Network((784, 7, 5, 10), seed=0)
    for index in (0, 784, 785, 7 * 785 - 1, 7 * 785, net.params.size - 1):
        assert parameter_index(net, *parameter_of(net, index)) == index
    with pytest.raises(ValueError):
        parameter_of(net, net.params.size)


def test_steepest_pair_has_the_largest_slopes(rng):
    """The suggested pair are the two parameters with the largest |∂C/∂w|."""
    from nnviz.core.landscape import steepest_pair

    net, sample = twin64(KINDS[0]), tiny_sample(rng)
    _, g = flat_gradient(net, sample)
    pair = steepest_pair(net, sample)
    slopes = sorted(abs(g[parameter_index(net, *w)]) for w in pair)
    assert slopes[0] >= np.sort(np.abs(g))[-2] and pair[0] != pair[1]
