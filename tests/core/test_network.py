"""The network: forward pass, backpropagation's gradients and nudges, and the fast training kernel."""

import itertools

import numpy as np
import pytest

from nnviz.core.functions import ACTIVATIONS, COSTS, OUTPUTS
from nnviz.core.network import Network, SGDKernel

COMBOS = list(itertools.product(sorted(ACTIVATIONS), sorted(OUTPUTS), sorted(COSTS)))


def small_problem(rng, m=4, sizes=(6, 5, 4, 3), dtype=np.float64, **kw):
    net = Network(sizes, seed=7, dtype=dtype, **kw)
    x = rng.random((m, sizes[0]))
    y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], m)]
    return net, x, y


def mean_cost(net, x, y):
    return net.cost.per_example(net.predict(x), y, net.output).mean()


@pytest.mark.parametrize("activation,output,cost", COMBOS)
def test_gradients_equal_finite_differences(activation, output, cost, rng):
    """∂C/∂w and ∂C/∂b from backprop equal central differences of the cost (float64), for every combination."""
    net, x, y = small_problem(rng, activation=activation, output=output, cost=cost, init="scaled")
    net.params[:] = rng.normal(scale=0.7, size=net.params.size)  # non-zero biases, varied signs
    bp = net.backprop(x, y)
    analytic = np.concatenate([np.column_stack([gw, gb]).ravel() for gw, gb in zip(bp.nabla_w, bp.nabla_b)])
    numeric = np.empty_like(net.params)
    eps = 1e-6
    for i in range(net.params.size):
        keep = net.params[i]
        net.params[i] = keep + eps
        up = mean_cost(net, x, y)
        net.params[i] = keep - eps
        down = mean_cost(net, x, y)
        net.params[i] = keep
        numeric[i] = (up - down) / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("activation,output,cost", COMBOS)
def test_nudges_equal_minus_dC_da(activation, output, cost, rng):
    """nudges[l] is −∂C_x/∂a for each example's own cost, found by perturbing the activation and re-running the rest."""
    net, x, y = small_problem(rng, m=2, activation=activation, output=output, cost=cost)
    bp = net.backprop(x, y)
    fp = bp.forward
    L = net.num_layers - 1

    def cost_from(layer, a):
        for l in range(layer + 1, L + 1):
            a = net.activation_for(l).forward(a @ net.weights[l - 1].T + net.biases[l - 1])
        return net.cost.per_example(a, y, net.output)

    eps = 1e-6
    for layer in range(1, L + 1):
        a = fp.activations[layer]
        numeric = np.empty_like(a)
        for idx in np.ndindex(a.shape):
            ap, am = a.copy(), a.copy()
            ap[idx] += eps
            am[idx] -= eps
            numeric[idx] = (cost_from(layer, ap) - cost_from(layer, am))[idx[0]] / (2 * eps)
        np.testing.assert_allclose(bp.nudges[layer], -numeric, rtol=1e-4, atol=1e-7)
    assert bp.nudges[0] is None
    np.testing.assert_allclose(bp.mean_nudges()[L], bp.nudges[L].mean(axis=0))


def test_batch_equals_per_example_formula(rng):
    """A mini-batch through the matrix code gives the average of Nielsen's one-example-at-a-time backprop."""
    net, x, y = small_problem(rng, m=5)
    bp = net.backprop(x, y)
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    sum_w = [np.zeros_like(w) for w in net.weights]
    sum_b = [np.zeros_like(b) for b in net.biases]
    for xi, yi in zip(x, y):
        acts, zs = [xi[:, None]], []
        for w, b in zip(net.weights, net.biases):
            zs.append(w @ acts[-1] + b[:, None])
            acts.append(sig(zs[-1]))
        delta = (acts[-1] - yi[:, None]) * sig(zs[-1]) * (1 - sig(zs[-1]))
        for l in range(len(net.weights) - 1, -1, -1):
            sum_w[l] += delta @ acts[l].T
            sum_b[l] += delta[:, 0]
            if l:
                delta = (net.weights[l].T @ delta) * sig(zs[l - 1]) * (1 - sig(zs[l - 1]))
    for l in range(len(net.weights)):
        np.testing.assert_allclose(bp.nabla_w[l], sum_w[l] / len(x), rtol=1e-10)
        np.testing.assert_allclose(bp.nabla_b[l], sum_b[l] / len(x), rtol=1e-10)


@pytest.mark.parametrize("activation,output,cost", COMBOS)
@pytest.mark.parametrize("sizes", [(6, 5, 4, 3), (6, 3), (6, 7, 3)])
def test_kernel_step_equals_backprop_step(activation, output, cost, sizes, rng):
    """The fast SGD kernel makes exactly the update backprop + apply_gradient make, and returns the same cost."""
    net, x, y = small_problem(rng, m=4, sizes=sizes, activation=activation, output=output, cost=cost)
    twin = net.copy()
    kernel = SGDKernel(net, batch_size=4)
    for m in (4, 4, 3):  # includes a short last batch (the end of an epoch)
        bp = twin.backprop(x[:m], y[:m])
        twin.apply_gradient(bp, 0.3)
        c = kernel.step(np.column_stack([x[:m], np.ones(m)]), y[:m], 0.3)
        assert c == pytest.approx(bp.cost, rel=1e-10)
        np.testing.assert_allclose(net.params, twin.params, rtol=1e-10, atol=1e-12)


def test_kernel_momentum_accumulates_velocity(rng):
    """With momentum μ the second step moves by μ·(first move) + the new gradient step."""
    net, x, y = small_problem(rng)
    twin = net.copy()
    kernel = SGDKernel(net, 4, momentum=0.5)
    xa = np.column_stack([x, np.ones(len(x))])
    p0 = net.params.copy()
    bp0 = twin.backprop(x, y)
    kernel.step(xa, y, 0.1)
    move1 = net.params - p0
    twin.set_params(net.params)
    bp1 = twin.backprop(x, y)
    kernel.step(xa, y, 0.1)
    twin.apply_gradient(bp1, 0.1)
    np.testing.assert_allclose(net.params, twin.params + 0.5 * move1, rtol=1e-9, atol=1e-12)
    assert bp0.cost > 0


def test_views_share_one_parameter_buffer():
    """weights/biases are views of params: changing one shows in the other (snapshots copy one array)."""
    net = Network((4, 3, 2))
    net.weights[1][0, 2] = 42.0
    net.biases[0][1] = -7.0
    assert 42.0 in net.params and -7.0 in net.params
    assert net.params.size == 3 * 5 + 2 * 4


def test_initialisation_is_seeded_and_scaled():
    """Same seed, same network; 'normal' is N(0,1), 'scaled' has std 1/√n_in (√2 times that for ReLU)."""
    a, b, c = Network(seed=3), Network(seed=3), Network(seed=4)
    assert np.array_equal(a.params, b.params) and not np.array_equal(a.params, c.params)
    assert a.weights[0].std() == pytest.approx(1.0, rel=0.05)
    s = Network((784, 100, 10), init="scaled", seed=0)
    assert s.weights[0].std() == pytest.approx(1 / 28, rel=0.05) and not s.biases[0].any()
    r = Network((784, 100, 10), activation="relu", init="scaled", seed=0)
    assert r.weights[0].std() == pytest.approx(np.sqrt(2) / 28, rel=0.05)


def test_predict_shapes_and_errors():
    """predict maps (n, 784) → (n, 10); a wrong input shape or setting is a ValueError naming the problem."""
    net = Network()
    assert net.predict(np.zeros((3, 784), np.float32)).shape == (3, 10)
    assert net.predict(np.zeros(784, np.float32)).shape == (1, 10)
    with pytest.raises(ValueError, match="784"):
        net.predict(np.zeros((2, 100)))
    with pytest.raises(ValueError, match="activation"):
        Network(activation="swish")
    with pytest.raises(ValueError, match="init"):
        Network(init="zeros")
    with pytest.raises(ValueError):
        Network((784,))


def test_a_pickled_network_trains_its_params():
    """A network sent to the training process (pickled) keeps its weights and biases as views of ``params``: a
    step moves ``params``, which every snapshot reads (cut loose, an opened model seemed never to learn)."""
    import pickle

    net = pickle.loads(pickle.dumps(Network(seed=3)))
    assert all(np.shares_memory(net.params, b) for b in (*net.blocks, *net.weights, *net.biases))
    before = net.params.copy()
    net.weights[0][0, 0] += 1.0
    assert net.params[0] == before[0] + 1.0
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(net)).params, net.params)
