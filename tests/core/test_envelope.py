"""Envelopes of long cost series: each bucket holds exactly the min/max (or mean) of its points, whatever the
chunking; the logarithmic bucketing keeps the first mini-batches one per bucket; the moving average is exact."""

import math

import numpy as np
import pytest

from nnviz.core.envelope import AVERAGE_WINDOW, CostCurves, Envelope, LogEnvelope, MovingAverage


def feed(env, x, y, rng):
    """Append x, y in random-sized chunks, as frames would bring them."""
    i = 0
    while i < len(y):
        k = int(rng.integers(1, 3000))
        env.extend(x[i : i + k], y[i : i + k])
        i += k


@pytest.mark.parametrize("mean", [False, True])
def test_envelope_equals_exact_buckets_whatever_the_chunking(mean, rng):
    """Fed in random-sized chunks, each bucket holds exactly the min/max (or mean) of its points."""
    y = rng.random(50_001)
    x = np.arange(len(y), dtype=float)
    env = Envelope(max_buckets=64, mean=mean)
    feed(env, x, y, rng)
    px, py = env.points()
    size = env.size
    full = len(y) // size * size
    blocks = y[:full].reshape(-1, size)
    if mean:
        np.testing.assert_allclose(py[: len(blocks)], blocks.mean(axis=1))
        assert py[-1] == pytest.approx(y[full:].mean())
        np.testing.assert_array_equal(px[: len(blocks)], x[:full:size])
    else:
        np.testing.assert_allclose(py[0 : 2 * len(blocks) : 2], blocks.min(axis=1))
        np.testing.assert_allclose(py[1 : 2 * len(blocks) : 2], blocks.max(axis=1))
    assert env.n_buckets <= 64 and env.count == len(y)



@pytest.mark.parametrize("mean", [False, True])
def test_log_envelope_equals_exact_geometric_buckets_whatever_the_chunking(mean, rng):
    """Each bucket of the logarithmic envelope holds exactly the min/max (or mean) of the points whose time lies
    in its ratio band ``[x₀·r^k, x₀·r^(k+1))``; chunking does not change it."""
    y = rng.random(200_001)
    x = np.arange(1, len(y) + 1) * 10 / 60000  # epochs after each mini-batch of 10
    env = LogEnvelope(ratio=1.02, mean=mean)
    feed(env, x, y, rng)
    k = np.floor(np.log(x / x[0]) / math.log(1.02) + 1e-9).astype(int)
    keys, starts = np.unique(k, return_index=True)
    px, py = env.points()
    assert env.n_buckets == len(keys) < 800 and env.count == len(y)
    ends = np.append(starts[1:], len(y))
    if mean:
        np.testing.assert_allclose(py, [y[a:b].mean() for a, b in zip(starts, ends)])
        np.testing.assert_array_equal(px, x[starts])
    else:
        np.testing.assert_allclose(py[0::2], [y[a:b].min() for a, b in zip(starts, ends)])
        np.testing.assert_allclose(py[1::2], [y[a:b].max() for a, b in zip(starts, ends)])


def test_log_envelope_keeps_the_first_mini_batches_one_by_one(rng):
    """On a log time axis the first plunge is drawn point by point: the first 30 mini-batches have a bucket each,
    however long the run (the linear envelope has long merged them into one)."""
    y = rng.random(1_000_000)
    x = np.arange(1, len(y) + 1) / 6000
    log, linear = LogEnvelope(mean=True), Envelope(mean=True)
    log.extend(x, y)
    linear.extend(x, y)
    px, py = log.points()
    np.testing.assert_array_equal(px[:30], x[:30])
    np.testing.assert_array_equal(py[:30], y[:30])
    assert linear.size > 30
    log.clear()
    assert log.points()[0].size == 0 and log.count == 0


def test_moving_average_is_the_mean_of_the_last_window(rng):
    """Fed in chunks, each value's moving average is the mean of it and the AVERAGE_WINDOW − 1 before it."""
    y = rng.random(1000)
    avg = MovingAverage()
    got = np.concatenate([avg.extend(y[:7]), avg.extend(y[7:450]), avg.extend(y[450:])])
    expected = [y[max(0, i - AVERAGE_WINDOW + 1) : i + 1].mean() for i in range(len(y))]
    np.testing.assert_allclose(got, expected)


def test_cost_curves_hold_one_run_for_both_time_axes(rng):
    """A run's curves: the moving average's top, where the run starts and ends, the band and the average on a
    linear and a logarithmic time axis; a run without a band has none; clear forgets everything."""
    costs = np.linspace(2.0, 0.1, 5000)
    x = np.arange(1, 5001) * 10 / 60000
    curves = CostCurves()
    curves.extend(x[:1234], costs[:1234])
    curves.extend(x[1234:], costs[1234:])
    assert curves.count == 5000 and curves.first_x == x[0] and curves.last_x == x[-1]
    assert curves.average_top() == pytest.approx(2.0, rel=1e-3)  # the first bucket averages a few points
    assert curves.average_top(log_time=True) == 2.0  # the first mini-batch alone
    for log_time in (False, True):
        bx, by = curves.band_points(log_time)
        ax, ay = curves.average_points(log_time)
        assert by.max() == pytest.approx(2.0) and by.min() == pytest.approx(0.1)
        assert ax[0] == x[0] and ay[-1] == pytest.approx(costs[-AVERAGE_WINDOW:].mean(), rel=0.05)  # last bucket
    bare = CostCurves(with_band=False)
    bare.extend(x, costs)
    assert bare.band_points(False)[0].size == 0 and bare.count == 5000
    curves.clear()
    assert curves.count == 0 and math.isnan(curves.first_x) and math.isnan(curves.average_top())
