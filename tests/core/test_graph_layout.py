"""The graph's geometry and edge choices, without Qt: positions, top-K edges, thinning, buckets, selection, nudges."""

import numpy as np
import pytest

from nnviz.core import graph_layout as gl
from nnviz.core.graph_layout import STRENGTHS, NetworkLayout


def weights_for(sizes, rng):
    return [rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def test_edges_run_between_the_neurons_of_each_weight(rng):
    """Edge i of weight layer l leaves the source neuron of W_l's column and ends at the neuron of its row, in
    W's row-major order (so an index into ``w.ravel()`` names its edge)."""
    layout = NetworkLayout((784, 16, 16, 10))
    for layer, (n_out, n_in) in enumerate(((16, 784), (16, 16), (10, 16)), start=1):
        for _ in range(20):
            j, i = int(rng.integers(n_out)), int(rng.integers(n_in))
            np.testing.assert_array_equal(layout.edge_start[layer - 1][j * n_in + i], layout.sources(layer)[i])
            np.testing.assert_array_equal(layout.edge_end[layer - 1][j * n_in + i], layout.columns[layer - 1][j])
    assert len(layout.all_start) == 784 * 16 + 16 * 16 + 16 * 10


def test_neuron_at_finds_every_neuron_where_it_is_drawn():
    """Pointing at a neuron's position names that neuron; the input square names its pixels, row 0 at the top."""
    for sizes in ((784, 16, 16, 10), (784, 100, 10), (784, 1000, 10)):
        layout = NetworkLayout(sizes)
        for layer in range(1, len(sizes)):
            for index in (0, sizes[layer] // 2, sizes[layer] - 1):
                assert layout.neuron_at(*layout.position(layer, index)) == (layer, index)
        assert layout.neuron_at(*layout.position(0, 0)) == (0, 0)
        assert layout.neuron_at(*layout.position(0, 783)) == (0, 783)
        assert layout.position(0, 0)[1] > layout.position(0, 27 * 28)[1]  # row 0 above row 27
        (x0, x1), (y0, y1) = layout.view_range()
        assert x0 < layout.neuron_xy[:, 0].min() and layout.neuron_xy[:, 0].max() < x1
        assert y0 < layout.neuron_xy[:, 1].min() and layout.neuron_xy[:, 1].max() < y1
    assert NetworkLayout((784, 16, 10)).neuron_at(1.2, 0.95) is None  # empty space


def test_strongest_edges_are_each_rows_largest_magnitudes(rng):
    """Top-K keeps, per neuron (row), exactly the K entries of largest |w|, with their values; K ≥ n_in keeps all."""
    w = rng.normal(size=(16, 784))
    idx, values = gl.strongest_edges(w, 5)
    assert len(idx) == 16 * 5
    np.testing.assert_array_equal(values, w.ravel()[idx])
    for j in range(16):
        mine = idx[idx // 784 == j] % 784
        assert set(mine) == set(np.argsort(-np.abs(w[j]))[:5])
    idx, values = gl.strongest_edges(w, 784)
    np.testing.assert_array_equal(idx, np.arange(w.size))
    assert set(gl.strongest(w[0], 3)) == set(np.argsort(-np.abs(w[0]))[:3])
    np.testing.assert_array_equal(gl.strongest(w[0], 800), np.arange(784))


@pytest.mark.parametrize("sizes,k,expected,note", [
    ((784, 16, 16, 10), 32, (32, 16, 16), ""),
    ((784, 16, 16, 10), 784, (784, 16, 16), ""),
    ((784, 100, 10), 32, (20, 100), "large network: showing 20 input edges per neuron"),
    ((784, 1000, 10), 32, (2, 100), "large network: showing 2 input edges per neuron and the strongest incoming "
                                     "edges between large layers"),
    ((784, 1000, 10), 784, (784, 1000), ""),  # every edge asked for: the view paints them as one picture
    ((784, 100, 100, 10), 5, (5, 10, 100), "large network: showing the strongest incoming edges between large "
                                           "layers"),
])
def test_large_layers_are_thinned_and_the_note_says_so(sizes, k, expected, note):
    """Each layer's edges per neuron stay within the line budgets (unless all are asked for), and the note names
    exactly what was left out."""
    got = tuple(gl.edges_per_neuron(sizes, l, k) for l in range(1, len(sizes)))
    assert got == expected
    assert gl.thinning_note(sizes, k) == note
    if k < sizes[0]:  # lines, not the all-edges picture: within the budgets
        assert sizes[1] * got[0] <= gl.INPUT_EDGE_BUDGET
        assert all(sizes[l] * got[l - 1] <= gl.LAYER_EDGE_BUDGET for l in range(2, len(sizes)))


def test_strength_buckets_split_by_sign_and_grow_with_magnitude(rng):
    """Positive values land in buckets 0 … S−1, negative in S … 2S−1, and a larger |value| is never dimmer."""
    values = rng.normal(size=5000)
    keys = gl.strength_buckets(values)
    np.testing.assert_array_equal(keys < STRENGTHS, values >= 0)
    assert keys.min() >= 0 and keys.max() < 2 * STRENGTHS
    for sign in (1, -1):
        mine = np.flatnonzero(np.sign(values) == sign)
        order = mine[np.argsort(np.abs(values[mine]))]
        assert np.all(np.diff(keys[order] % STRENGTHS) >= 0)
    assert keys[np.argmax(values)] == STRENGTHS - 1 and keys[np.argmin(values)] == 2 * STRENGTHS - 1


def test_strength_scale_moves_in_steps_not_every_frame(rng):
    """A training step's small change of the weights leaves almost every edge in its bucket: the scale is a
    rounded percentile, not the exact maximum."""
    values = rng.normal(size=5000)
    before = gl.strength_buckets(values)
    after = gl.strength_buckets(values * 1.01)
    assert (before != after).mean() < 0.02
    assert len(gl.strength_buckets(np.empty(0))) == 0


def test_selected_neuron_edges_are_its_inputs_and_outputs(rng):
    """A hidden neuron's selection is its incoming weights (a first-layer neuron's K strongest) and its outgoing
    ones, each edge ending at that neuron or leaving it."""
    sizes = (784, 16, 16, 10)
    layout, w = NetworkLayout(sizes), weights_for(sizes, rng)
    start, end, values = gl.neuron_edges(layout, w, 2, 3, k=32)
    np.testing.assert_array_equal(values, np.concatenate([w[1][3], w[2][:, 3]]))
    me = layout.position(2, 3)
    assert np.all(end[:16] == me) and np.all(start[16:] == me)
    np.testing.assert_array_equal(start[:16], layout.columns[0])
    np.testing.assert_array_equal(end[16:], layout.columns[2])
    start, end, values = gl.neuron_edges(layout, w, 1, 7, k=5)
    assert len(values) == 5 + 16
    assert set(np.abs(values[:5])) == set(np.sort(np.abs(w[0][7]))[-5:])
    start, end, values = gl.neuron_edges(layout, w, 3, 0, k=32)  # an output neuron: incoming only
    assert len(values) == 16 and np.all(end == layout.position(3, 0))


def test_nudge_bars_point_the_way_each_neuron_should_move():
    """Positive nudges give bars going up, negative ones down, as long as the nudge relative to the layer's
    largest (which spans 1.6 neuron gaps); layers without nudges get none."""
    layout = NetworkLayout((784, 4, 3))
    nudges = [None, np.array([0.5, -1.0, 0.25, 0.0]), None]
    up, down = gl.nudge_bars(layout, nudges)
    assert len(up) == 2 * 2 and len(down) == 2 * 2  # 0.5, 0.25 up; −1.0 and 0.0 down
    heights_up = up[1::2, 1] - up[0::2, 1]
    np.testing.assert_allclose(heights_up, np.array([0.5, 0.25]) * layout.spacing * 1.6)
    np.testing.assert_allclose(down[3, 1] - down[2, 1], 0.0)
    np.testing.assert_allclose(down[1, 1] - down[0, 1], -layout.spacing * 1.6)
    assert np.all(up[:, 0] < layout.columns[0][0, 0])  # beside the neurons, to their left
    up, down = gl.nudge_bars(layout, [None, None, None])
    assert up.shape == down.shape == (0, 2)


def test_shades_pairs_and_upright():
    """Fill levels stay in [0, 1] for each activation; segments interleave start/end; images flip bottom-up."""
    a = np.array([-1.0, 0.0, 0.5, 2.0])
    np.testing.assert_allclose(gl.activation_shade(a, "sigmoid"), [0, 0, 0.5, 1])
    np.testing.assert_allclose(gl.activation_shade(a, "tanh"), [0, 0.5, 0.75, 1.5])
    np.testing.assert_allclose(gl.activation_shade(np.array([0.0, 1.0, 4.0]), "relu"), [0, 0.25, 1])
    np.testing.assert_allclose(gl.activation_shade(np.zeros(3), "relu"), 0)
    p = gl.pairs(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[2.0, 2.0], [3.0, 3.0]]))
    np.testing.assert_array_equal(p[:, 0], [0, 2, 1, 3])
    image = np.arange(6).reshape(3, 2)
    np.testing.assert_array_equal(gl.upright(image)[0], image[-1])


def _reference_distances(x, y, start, end, samples=1001):
    """Distance from (x, y) to each segment by brute force: the nearest of many points spread along it."""
    t = np.linspace(0.0, 1.0, samples)[None, :, None]
    points = start[:, None, :] + t * (end - start)[:, None, :]
    return np.hypot(points[..., 0] - x, points[..., 1] - y).min(axis=1)


def test_edge_at_names_the_nearest_drawn_edge_like_a_brute_force_search(rng):
    """Wherever one clicks outside the input image, the edge named is the drawn edge nearest the point (checked
    against sampling every segment densely), as (layer, j, k) with j its target and k its source, and only within
    the tolerance."""
    sizes = (784, 16, 16, 10)
    layout, w = NetworkLayout(sizes), weights_for(sizes, rng)
    drawn = [gl.strongest_edges(w[0], 8)[0], np.arange(16 * 16), np.arange(10 * 16)]
    starts = np.concatenate([layout.edge_start[l][i] for l, i in enumerate(drawn)])
    ends = np.concatenate([layout.edge_end[l][i] for l, i in enumerate(drawn)])
    names = [(l + 1, int(i) // sizes[l], int(i) % sizes[l]) for l, idx in enumerate(drawn) for i in idx]
    (x0, x1), (y0, y1) = layout.view_range()
    checked = 0
    for x, y in zip(rng.uniform(1.0, x1, 200), rng.uniform(y0, y1, 200)):
        ref = _reference_distances(x, y, starts, ends)
        order = np.argsort(ref)
        if ref[order[1]] - ref[order[0]] < 2e-3:
            continue  # two edges equally near (within the sampling's error): either would be right
        hit = gl.edge_at(layout, drawn, x, y, tolerance=10.0)
        assert hit == names[order[0]]
        if ref[order[0]] > 2e-3:  # (the sampled distance is at most half a sample's spacing too long)
            assert gl.edge_at(layout, drawn, x, y, tolerance=ref[order[0]] - 1e-3) is None
        checked += 1
    assert checked > 80


def test_edge_at_ignores_edges_not_drawn_and_the_input_image(rng):
    """A point on an edge that is not drawn names the nearest one that is (or none); a point inside the input image
    is a pixel, never an edge, even where an input edge starts."""
    layout = NetworkLayout((784, 4, 3))
    start, end = layout.edge_start[1][5], layout.edge_end[1][5]  # into neuron 1 of layer 2 from neuron 1
    mid = (start + end) / 2
    assert gl.edge_at(layout, [np.empty(0, np.intp), np.array([5])], *mid, 0.01) == (2, 1, 1)
    assert gl.edge_at(layout, [np.empty(0, np.intp), np.array([0])], *mid, 0.01) is None
    pixel_edge = np.array([3 * 784 + 400])
    inside = layout.edge_start[0][pixel_edge[0]] + [0.01, 0.0]
    assert gl.edge_at(layout, [pixel_edge, np.empty(0, np.intp)], *inside, 0.1) is None
    beyond = layout.edge_start[0][pixel_edge[0]] + 0.9 * (layout.edge_end[0][pixel_edge[0]] - layout.edge_start[0][pixel_edge[0]])
    assert gl.edge_at(layout, [pixel_edge, np.empty(0, np.intp)], *beyond, 0.01) == (1, 3, 400)


def test_selected_neuron_edge_indices_name_its_edges(rng):
    """The indices of a selected neuron's edges point, in each layer's W.ravel(), at its incoming row and outgoing
    column: the same edges :func:`neuron_edges` draws."""
    sizes = (784, 16, 16, 10)
    layout, w = NetworkLayout(sizes), weights_for(sizes, rng)
    chosen = gl.neuron_edge_indices(w, 2, 3, k=32)
    assert len(chosen[0]) == 0
    np.testing.assert_array_equal(chosen[1], 3 * 16 + np.arange(16))
    np.testing.assert_array_equal(chosen[2], np.arange(10) * 16 + 3)
    first = gl.neuron_edge_indices(w, 1, 7, k=5)[0]
    assert set(first // 784) == {7} and set(np.abs(w[0].ravel()[first])) == set(np.sort(np.abs(w[0][7]))[-5:])


def test_chosen_weights_become_their_edges():
    """A chosen weight is drawn as its own edge, from its source neuron (an input pixel in layer 1) to its target; a
    bias has no edge and draws nothing."""
    layout = NetworkLayout((784, 16, 16, 10))
    pts = gl.weight_segments(layout, [(1, 3, 400), (3, 9, 2), (2, 5, 16)])
    assert pts.shape == (4, 2)
    np.testing.assert_array_equal(pts[0], layout.position(0, 400))
    np.testing.assert_array_equal(pts[1], layout.position(1, 3))
    np.testing.assert_array_equal(pts[2], layout.position(2, 2))
    np.testing.assert_array_equal(pts[3], layout.position(3, 9))
    assert gl.weight_segments(layout, []).shape == (0, 2)
