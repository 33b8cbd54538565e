"""The learner's run kept aside while the tour borrows the window, and put back exactly (no Qt)."""

import numpy as np
import pytest

from nnviz.core import kept_run
from nnviz.core import protocol as p
from nnviz.core.data import MNIST
from nnviz.core.model_io import save_model
from nnviz.core.network import Network
from nnviz.core.run import EXAMPLE_MODEL, LIVE, Run
from nnviz.core.training import TrainConfig, preset
from tests.core.test_timeline import Window  # the window's side, fed by a real training loop


@pytest.fixture(scope="module")
def small():
    """Digit-shaped random data: enough for a training loop to run (no need for the real MNIST here)."""
    rng = np.random.default_rng(7)
    x = rng.integers(0, 256, (600, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, 600).astype(np.uint8)
    return MNIST(x, y, x[:100], y[:100], "random")


def test_put_back_restores_the_network_its_history_and_timeline_and_the_loop_goes_on_from_it(small):
    """After a run of the tour's own, put_back shows the kept snapshot again (weights, mini-batches, costs), the
    timeline holds the kept checkpoints, and the Load it returns makes the training loop continue that run."""
    w = Window(small)
    w.steps(30)
    before = w.run.latest
    steps_before = w.run.recording.steps.tolist()
    kept = kept_run.keep(w.run)
    w.run.started_over(preset("video"))  # the tour's fresh network, trained a little
    w.loop.handle(p.Reset(preset("video")))
    w.pump()
    w.steps(5)
    assert w.run.latest.step == 5 and w.run.recording.steps.tolist() == list(range(6))
    load = kept_run.put_back(w.run, kept)
    assert w.run.latest is before and w.run.cursor is LIVE
    assert w.run.recording.steps.tolist() == steps_before
    np.testing.assert_array_equal(w.run.recording.params(-1), before.params)
    np.testing.assert_array_equal(load.network.params, before.params)
    assert load.resume.step == 30 and load.resume.history.steps == 30
    w.loop.handle(load)
    w.pump()
    w.steps(1)
    assert w.run.latest.step == 31 and len(w.run.latest.costs) == 31
    np.testing.assert_allclose(w.run.latest.costs[:30], before.costs)
    assert w.run.recording.steps.tolist() == steps_before + [31]


def test_the_moment_the_views_showed_is_shown_again(small):
    """A learner looking at a recorded moment gets that moment back, not the live one."""
    w = Window(small)
    w.steps(12)
    w.run.move_cursor(4)
    shown = w.run.shown().step
    kept = kept_run.keep(w.run)
    w.run.started_over(preset("video"))
    w.loop.handle(p.Reset(preset("video")))
    w.pump()
    w.loop.handle(kept_run.put_back(w.run, kept))
    assert w.run.cursor == 4 and w.run.shown().step == shown == 4
    w.pump()  # the loop's first snapshot of the network put back
    assert w.run.cursor == 4 and w.run.shown().step == 4 and w.run.latest.step == 12


def test_without_data_the_example_standing_in_comes_back_as_it_was(tmp_path):
    """No MNIST: the example stood in (no title); after another model was opened, put_back shows the example
    again, standing in, and the window's title names no file."""
    run = Run(TrainConfig())
    run.model_opened(run.open_model(EXAMPLE_MODEL, TrainConfig()), standing_in=True)
    example = run.latest
    kept = kept_run.keep(run)
    other = save_model(Network((784, 16, 16, 10), seed=5), tmp_path / "other.npz")
    run.model_opened(run.open_model(other, TrainConfig()))
    assert run.title_name == "other.npz"
    load = kept_run.put_back(run, kept)
    assert run.shown() is example and run.example_standing_in and run.title_name is None
    assert run.model_path == EXAMPLE_MODEL and run.window_title() == "nnviz — watch a neural network learn"
    np.testing.assert_array_equal(load.network.params, example.params)


def test_a_learner_with_no_network_yet_gets_no_load():
    """Before the first snapshot (the data still loading) there is nothing to put back: the caller starts over."""
    run = Run(TrainConfig())
    assert kept_run.put_back(run, kept_run.keep(run)) is None


def test_history_of_a_snapshot_holds_its_costs_and_accuracies(small):
    """The history rebuilt from a snapshot has its mini-batches, costs and accuracy rows."""
    w = Window(small)
    w.steps(8)
    h = kept_run.history_of(w.run.latest)
    costs, samples = h.recent()
    assert h.steps == 8
    np.testing.assert_array_equal(costs, w.run.latest.costs)
    np.testing.assert_array_equal(samples, w.run.latest.cost_samples)
