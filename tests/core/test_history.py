"""The bounded cost history: flat memory however long the run, an honest summary, views that never change."""

import numpy as np
import pytest

from nnviz.core import history as history_module
from nnviz.core.history import RECENT_CAPACITY, RECENT_STEPS, SUMMARY_BUCKETS, History
from nnviz.core.training import Trainer, preset


def fill(h: History, costs: np.ndarray, samples: np.ndarray, chunks: np.ndarray) -> None:
    """Write like the trainer does: reserve a run of steps, write into the buffers, commit."""
    i = 0
    for k in chunks:
        k = int(min(k, len(costs) - i))
        if k <= 0:
            break
        buf_c, buf_s, at = h.reserve(k)
        buf_c[at : at + k], buf_s[at : at + k] = costs[i : i + k], samples[i : i + k]
        h.commit(at + k)
        i += k


def assert_summary_is_exact(h: History, costs: np.ndarray, samples: np.ndarray) -> None:
    """Every bucket's min/max/mean and sample range equal those of the costs it claims, taken from the full list."""
    env = h.envelope()
    for b in range(len(env)):
        seg = costs[env.start[b] : env.end[b]]
        assert len(seg) == env.count[b]
        assert env.min[b] == seg.min() and env.max[b] == seg.max()
        assert env.mean[b] == pytest.approx(seg.astype(np.float64).mean(), rel=1e-9)
        assert (env.first_sample[b], env.last_sample[b]) == (samples[env.start[b]], samples[env.end[b] - 1])
    assert env.steps == h.first and (len(env) == 0 or env.end[-1] == h.first)
    recent_costs, recent_samples = h.recent()
    np.testing.assert_array_equal(recent_costs, costs[h.first : h.steps])
    np.testing.assert_array_equal(recent_samples, samples[h.first : h.steps])


def test_memory_is_the_same_after_n_and_ten_times_n_steps(rng):
    """Fed like the trainer feeds it, the history holds the same bytes after N and 10·N mini-batches, and its
    summary's min/max/mean equal those computed from the full cost list directly."""
    n = 2 * RECENT_CAPACITY
    costs = rng.random(10 * n).astype(np.float32)
    samples = np.arange(1, 10 * n + 1, dtype=np.int64) * 10
    h = History()
    fill(h, costs[:n], samples[:n], rng.integers(1, 700, 10 * n))
    at_n = h.nbytes
    assert_summary_is_exact(h, costs[:n], samples[:n])
    fill(h, costs[n:], samples[n:], rng.integers(1, 700, 10 * n))
    assert h.nbytes == at_n and h.steps == 10 * n
    assert len(h.envelope()) <= SUMMARY_BUCKETS and RECENT_STEPS <= len(h.recent()[0]) <= RECENT_CAPACITY
    assert_summary_is_exact(h, costs, samples)


def test_a_trainer_s_history_stays_flat(small, monkeypatch):
    """Driven by a real trainer for N and 10·N steps (buffers shrunk so that this is quick), the history's bytes
    do not change and its summary matches every cost the trainer reported."""
    monkeypatch.setattr(history_module, "RECENT_STEPS", 256)
    monkeypatch.setattr(history_module, "RECENT_CAPACITY", 512)
    monkeypatch.setattr(history_module, "FIRST_CAPACITY", 64)
    tr = Trainer(preset("video"), small)
    costs, samples = [], []

    def train(steps):
        while tr.step_count < steps:
            before = tr.history.steps
            tr.run_steps(min(97, steps - tr.step_count))
            c, s = tr.history.since(before)
            costs.extend(c.tolist())
            samples.extend(s.tolist())

    train(2_000)
    at_n = tr.history.nbytes
    train(20_000)
    assert tr.history.nbytes == at_n and tr.history.steps == len(costs) == 20_000
    assert_summary_is_exact(tr.history, np.asarray(costs, np.float32), np.asarray(samples))


def test_handed_out_views_never_change(rng):
    """Views of the recent costs and of the summary stay valid and unchanged while the history grows, folds its
    oldest costs into the summary and merges buckets: they can go to another thread without a copy."""
    h = History()
    h.extend(np.arange(10, dtype=np.float32), np.arange(1, 11))
    small_view = h.recent()[0]
    h.extend(rng.random(RECENT_CAPACITY).astype(np.float32), np.arange(11, RECENT_CAPACITY + 11))
    costs, samples = h.recent()
    env = h.envelope()
    before = [a.copy() for a in (costs, samples, env.min, env.mean, env.start)]
    for i in range(40):  # many folds and merges
        n = RECENT_CAPACITY // 3
        start = int(h.samples[h.fill - 1]) + 1
        h.extend(rng.random(n).astype(np.float32) - 5, np.arange(start, start + n))
    assert small_view.tolist() == list(range(10)) and not small_view.flags.writeable
    for a, b in zip(before, (costs, samples, env.min, env.mean, env.start)):
        np.testing.assert_array_equal(a, b)
        assert not b.flags.writeable


def test_since_gives_only_what_is_new():
    """since(step) returns the mini-batches from that step on, as (costs, samples)."""
    h = History()
    h.extend(np.array([3.0, 2.0, 1.0], np.float32), np.array([10, 20, 30]))
    c, s = h.since(1)
    assert c.tolist() == [2.0, 1.0] and s.tolist() == [20, 30]
    assert len(h.since(3)[0]) == 0 and h.last_cost == 1.0


def test_truncated_history_for_a_branch(rng):
    """A branch's history holds exactly the costs up to its step: one by one where they were held, summarised
    (never past the step) where they were summarised; the original keeps its future."""
    n = 3 * RECENT_CAPACITY
    costs = rng.random(n).astype(np.float32)
    samples = np.arange(1, n + 1) * 10
    h = History()
    h.extend(costs, samples)
    h.test_accuracy = [(100_000, 0.5), (130_000, 0.6)]
    late = h.first + 100
    t = h.truncated(late, int(samples[late - 1]))
    assert t.steps == late and len(t.envelope()) == len(h.envelope())
    assert_summary_is_exact(t, costs[:late], samples[:late])
    early = 12_345
    t = h.truncated(early, int(samples[early - 1]))
    env = t.envelope()
    assert t.steps == early and t.first == early and len(t.recent()[0]) == 0
    assert env.end[-1] <= early and early - env.end[-1] < env.size  # a gap of less than one bucket
    assert t.test_accuracy == [(100_000, 0.5)] and h.steps == n
    t.extend(np.ones(10, np.float32), samples[early - 1] + np.arange(1, 11) * 10)
    assert t.steps == early + 10 and t.since(early)[0].tolist() == [1.0] * 10


def test_quick_estimates_stay_bounded_and_even():
    """Past QUICK_KEEP estimates every second one goes, so they stay evenly spread and few."""
    h = History()
    for i in range(10 * history_module.QUICK_KEEP):
        h.add_quick_accuracy((i + 1) * 6000, 0.5)
    rows = [s for s, _ in h.quick_accuracy]
    assert len(rows) < history_module.QUICK_KEEP and rows[0] == 6000
    gaps = np.diff(rows)
    assert (gaps == gaps[0]).all()


def test_file_members_round_trip(rng):
    """to_members/from_members rebuild the same recent costs and summary; old files with every cost load too."""
    n = 2 * RECENT_CAPACITY + 123
    costs = rng.random(n).astype(np.float32)
    samples = np.arange(1, n + 1) * 10
    h = History()
    h.extend(costs, samples)
    members = h.to_members()
    back = History.from_members(members, members["costs"], members["cost_samples"])
    assert back.first == h.first and back.steps == h.steps
    for k in ("start", "end", "count", "min", "max", "mean", "first_sample", "last_sample"):
        np.testing.assert_array_equal(getattr(back.envelope(), k), getattr(h.envelope(), k))
    old = History.from_members({}, costs, samples)  # a file from before the summary: every cost
    assert old.steps == n
    assert_summary_is_exact(old, costs, samples)


@pytest.mark.parametrize("change, pattern", [
    ({"cost_first": np.array([1, 2])}, "step number"),
    ({"cost_envelope_size": np.int64(3)}, "power of two"),
    ({"cost_envelope": np.zeros((5, 3))}, "shape"),
    ({"cost_envelope_size": np.int64(1 << 20)}, "inconsistent"),
])
def test_bad_summaries_are_refused(change, pattern, rng):
    """A summary whose shapes, counts or bucket size do not fit is refused with a reason."""
    n = 2 * RECENT_CAPACITY
    h = History()
    h.extend(rng.random(n).astype(np.float32), np.arange(1, n + 1))
    members = h.to_members()
    members.update(change)
    with pytest.raises(ValueError, match=pattern):
        History.from_members(members, members["costs"], members["cost_samples"])


@pytest.fixture(scope="module")
def small(mnist):
    """2,000 training and 1,000 test images of the real MNIST."""
    return mnist.subset(2000, 1000)
