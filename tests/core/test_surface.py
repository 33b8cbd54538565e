"""The whole network's cost surface: its planes hold the path, its random directions are filter-normalised."""

import numpy as np
import pytest

from nnviz.core.landscape import Sample, layer_blocks, network_cost
from nnviz.core.network import Network
from nnviz.core.surface import network_surface, path_directions, project, random_directions


@pytest.fixture
def setup(rng):
    """A small float64 network and random images (the properties hold for any data)."""
    net = Network((784, 6, 5, 10), init="scaled", seed=2, dtype=np.float64)
    sample = Sample.from_images(rng.uniform(0, 1, (40, 784)), rng.integers(0, 10, 40))
    return net, sample


def planar_trajectory(net, rng, k=12):
    """Checkpoints that lie exactly in a plane through the current weights."""
    basis = rng.standard_normal((2, net.params.size))
    coords = rng.uniform(-1, 1, (k, 2))
    return net.params + coords @ basis, coords, basis


def test_principal_directions_hold_a_planar_path(setup, rng):
    """A path that lies in a plane is held entirely: orthonormal directions, explained fractions summing to 1, and
    the projected points rebuild the checkpoints exactly."""
    net, _ = setup
    trajectory, _, _ = planar_trajectory(net, rng)
    d, explained = path_directions(trajectory, net.params)
    np.testing.assert_allclose(d @ d.T, np.eye(2), atol=1e-12)
    assert explained.sum() == pytest.approx(1.0) and explained[0] >= explained[1] > 0
    coords = project(d, trajectory, net.params)
    np.testing.assert_allclose(net.params + coords @ d, trajectory, atol=1e-9)


def test_principal_directions_of_a_noisy_path_come_first(setup, rng):
    """With a little noise off the plane, the first two directions still hold almost all of the path."""
    net, _ = setup
    trajectory, _, _ = planar_trajectory(net, rng)
    trajectory = trajectory + 1e-3 * rng.standard_normal(trajectory.shape)
    _, explained = path_directions(trajectory, net.params)
    assert explained.sum() > 0.99


def test_straight_path_still_gets_a_plane(setup, rng):
    """A path along one line gives one direction along it and a second one at right angles."""
    net, _ = setup
    line = net.params + np.outer(np.linspace(-1, 1, 5), rng.standard_normal(net.params.size))
    d, explained = path_directions(line, net.params)
    np.testing.assert_allclose(d @ d.T, np.eye(2), atol=1e-9)
    assert explained[0] == pytest.approx(1.0) and explained[1] == pytest.approx(0.0, abs=1e-9)


def test_random_directions_are_filter_normalised(setup):
    """Each neuron's row of incoming weights in a random direction has that neuron's weights' length; biases 0."""
    net, _ = setup
    directions = random_directions(net, seed=5)
    for d in directions:
        for blk, w in zip(layer_blocks(net, d), net.weights):
            np.testing.assert_allclose(np.linalg.norm(blk[:, :-1], axis=1), np.linalg.norm(w, axis=1))
            assert not np.any(blk[:, -1])
    assert not np.allclose(directions[0], directions[1])
    np.testing.assert_array_equal(random_directions(net, seed=5), directions)  # reproducible


@pytest.mark.parametrize("kind", ["path", "random"])
def test_surface_points_are_the_network_moved_there(kind, setup, rng):
    """Every grid point's cost is the network's cost with its params at θ + a·d₁ + b·d₂, and the path lies inside
    the grid."""
    net, sample = setup
    trajectory, _, _ = planar_trajectory(net, rng, k=6)
    if kind == "random":  # a short path, inside the ±1 box the random plane draws
        trajectory = net.params + 1e-3 * (trajectory - net.params)
    steps = np.arange(6) * 100
    surface = network_surface(net, sample, kind, trajectory, steps, points=7)
    assert surface.costs.shape == (7, 7) and surface.current_cost == pytest.approx(network_cost(net, sample))
    if kind == "path":
        d, _ = path_directions(trajectory, net.params)
        assert surface.a[0] < surface.path[:, 0].min() and surface.path[:, 0].max() < surface.a[-1]
        assert surface.b[0] < surface.path[:, 1].min() and surface.path[:, 1].max() < surface.b[-1]
    else:
        d = random_directions(net)
        assert (surface.a[0], surface.a[-1]) == (-1.0, 1.0)
    moved = net.copy()
    for r, c in ((0, 0), (3, 5), (6, 2)):
        moved.set_params(net.params + surface.a[c] * d[0] + surface.b[r] * d[1])
        assert surface.costs[r, c] == pytest.approx(network_cost(moved, sample), rel=1e-9)
    np.testing.assert_array_equal(surface.steps, steps)


def test_path_plane_needs_a_path(setup):
    """Asking for the path's plane without a trajectory (or one that never left the current point) says so."""
    net, sample = setup
    with pytest.raises(ValueError, match="trajectory"):
        network_surface(net, sample, "path")
    with pytest.raises(ValueError, match="trajectory"):
        network_surface(net, sample, "path", np.stack([net.params, net.params]))


def test_path_recorder_keeps_an_even_bounded_path():
    """Offered 1,000 steps with room for 16, it keeps at most 16, evenly spread from the first step on, and
    ignores a step it has already seen; an earlier step starts a new path; clear forgets everything."""
    from nnviz.core.surface import PathRecorder

    rec = PathRecorder(capacity=16)
    for step in range(1000):
        rec.record(np.full(3, float(step)), step)
        rec.record(np.full(3, -1.0), step)  # the same step again (a repeated frame): ignored
    trajectory, steps = rec.trajectory()
    assert 8 <= len(steps) <= 16 and steps[0] == 0 and steps[-1] >= 1000 - rec.stride
    assert len(set(np.diff(steps))) == 1  # evenly spaced
    np.testing.assert_array_equal(trajectory[:, 0], steps)
    rec.record(np.zeros(3), 5)  # an earlier step: a new run
    assert list(rec.trajectory()[1]) == [5] and rec.stride == 1
    rec.clear()
    assert rec.trajectory()[0].shape[0] == 0
