"""The whole network's cost surface: its planes hold the path, its random directions are filter-normalised."""

import numpy as np
import pytest

from nnviz.core.landscape import Sample, flat_gradient, layer_blocks, network_cost
from nnviz.core.network import Network
from nnviz.core.recording import Recording
from nnviz.core.surface import (ending_at, network_surface, path_directions, project, random_directions,
                                recorded_path)


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


def descent_recording(net, sample, steps=200, learning_rate=3.0):
    """A recording of real gradient descent on the sample (every step a checkpoint); ``net`` ends at its last."""
    rec = Recording(net.params.size, capacity=1000)
    for step in range(steps):
        rec.add(step, step * len(sample.x), step / 10, np.nan, net.params)
        _, g = flat_gradient(net, sample)
        net.set_params(net.params - learning_rate * g)
    return rec


def test_recorded_path_is_an_even_bounded_part_of_the_recording(setup):
    """The path handed to the surface is at most 64 of the recording's checkpoints, in order, from the first to the
    one asked for (the newest by default), copied out of the store."""
    net, sample = setup
    rec = descent_recording(net, sample)
    trajectory, steps = recorded_path(rec)
    assert len(trajectory) == len(steps) == 64 and steps[0] == 0 and steps[-1] == 199
    assert np.all(np.diff(steps) > 0) and np.all(np.diff(steps) <= 4)  # evenly spread: no gap of more than 4
    np.testing.assert_array_equal(trajectory[10], rec.params(int(steps[10])))
    trajectory[0] += 1.0  # a copy: the store is untouched
    assert not np.array_equal(trajectory[0], rec.params(0))
    trajectory, steps = recorded_path(rec, last=30)  # the timeline's cursor at checkpoint 30: the path up to it
    assert len(steps) == 31 and steps[-1] == 30
    assert len(recorded_path(Recording(5, capacity=10))[0]) == 0


def test_the_path_ends_at_the_current_point_and_spans_the_plane(setup):
    """A live network a little past the last checkpoint is the path's last point, so it projects onto the surface's
    current point (0, 0); the plane's directions are combinations of the path's checkpoints (they span it), and
    the path drawn is the recorded one projected."""
    net, sample = setup
    rec = descent_recording(net, sample)
    _, g = flat_gradient(net, sample)
    net.set_params(net.params - 3.0 * g)  # one step past the last checkpoint
    trajectory, steps = ending_at(*recorded_path(rec), net.params, 200)
    assert len(trajectory) == 65 and steps[-1] == 200
    np.testing.assert_array_equal(trajectory[-1], net.params.astype(np.float32))
    assert ending_at(trajectory, steps, net.params, 200)[0] is trajectory  # already there: unchanged
    surface = network_surface(net, sample, "path", trajectory, steps, points=5)
    np.testing.assert_allclose(surface.path[-1], (0.0, 0.0), atol=1e-6)
    assert surface.path.shape == (65, 2) and list(surface.steps) == list(steps)
    d, explained = path_directions(trajectory, net.params)
    offsets = trajectory.astype(np.float64) - net.params
    coeffs, *_ = np.linalg.lstsq(offsets.T, d.T, rcond=None)
    np.testing.assert_allclose(offsets.T @ coeffs, d.T, atol=1e-6)  # each direction is a mix of the checkpoints
    assert explained[0] > 0.5 and explained.sum() <= 1.0 + 1e-9
    np.testing.assert_allclose(surface.path, project(d, trajectory, net.params), atol=1e-6)


def test_a_moment_of_the_timeline_ends_its_path_there(setup):
    """At a recorded moment the path is the run up to it, ending exactly on its checkpoint: nothing is added, and a
    later checkpoint given by mistake is left out."""
    net, sample = setup
    rec = descent_recording(net, sample, steps=50)
    moment = rec.params(20).copy()
    trajectory, steps = ending_at(*recorded_path(rec, last=20), moment, 20)
    assert len(trajectory) == 21 and steps[-1] == 20
    trajectory, steps = ending_at(*recorded_path(rec), moment, 20)  # the whole run given: cut at the moment
    assert steps[-1] == 20 and len(steps) == 21
    np.testing.assert_array_equal(trajectory[-1], moment)
