"""The run model: what the window shows and what an action may do, decided without Qt."""

import numpy as np
import pytest

from nnviz.core import protocol as p
from nnviz.core.model_io import ModelFileError, read_model, save_model
from nnviz.core.network import Network
from nnviz.core.run import EXAMPLE_MODEL, Run
from nnviz.core.snapshot import Snapshot
from nnviz.core.training import TrainConfig


def data_loaded():
    x = np.zeros((5, 28, 28), np.uint8)
    return p.DataLoaded("somewhere", 60000, x, np.zeros(5, np.uint8), x, np.zeros(5, np.uint8))


def snapshot(step=0, config=TrainConfig()):
    return Snapshot.of_network(config.network(), config, step=step)


def test_without_data_training_is_refused_with_a_sentence():
    """No MNIST: train, step and the experiment are refused with a sentence that says what to do."""
    run = Run(TrainConfig())
    for action in ("train", "step", "experiment", "apply a step"):
        assert "needs MNIST" in run.why_not(action)
    run.data_arrived(data_loaded())
    assert all(run.why_not(a) is None for a in ("train", "step", "experiment", "apply a step"))


def test_the_example_stands_in_until_data_arrives_then_training_starts_fresh():
    """First run without MNIST: the example network is shown (snapshot returned at once, no title); when MNIST
    arrives, the run asks for fresh weights and forgets the example's file."""
    run = Run(TrainConfig())
    opened = run.open_model(EXAMPLE_MODEL, TrainConfig())
    snap = run.model_opened(opened, standing_in=True)
    assert snap is not None and run.shown() is snap and run.title_name is None
    assert run.model_path == EXAMPLE_MODEL and run.example_standing_in
    assert run.data_arrived(data_loaded()) is True
    assert run.model_path is None and not run.example_standing_in


def test_a_model_opened_on_purpose_stays_when_data_arrives(tmp_path):
    """A model chosen by the user is kept (no fresh weights) and named in the title; with data present no local
    snapshot is made (the training loop sends one)."""
    run = Run(TrainConfig())
    path = save_model(Network((784, 30, 10), seed=3), tmp_path / "mine.npz")
    assert run.model_opened(run.open_model(path, TrainConfig())) is not None
    assert run.data_arrived(data_loaded()) is False and run.model_path == path and run.title_name == "mine.npz"
    assert run.model_opened(run.open_model(path, TrainConfig())) is None
    assert run.window_title() == "mine.npz — nnviz"
    run.started_over(TrainConfig())
    assert run.window_title() == "nnviz — watch a neural network learn"


def test_opening_a_model_carries_its_history(tmp_path):
    """A model's recorded history becomes the Resume (mini-batch count, samples, costs) and, without data, the
    shown snapshot's counters and costs."""
    net = Network(seed=1)
    path = save_model(net, tmp_path / "m.npz", {"learning_rate": 0.1}, np.array([0.5, 0.4, 0.3], np.float32), np.array([10, 20, 30]),
                      [(30, 0.25)])
    run = Run(TrainConfig())
    opened = run.open_model(path, TrainConfig(learning_rate=0.7))
    assert opened.resume.step == 3 and opened.resume.samples_seen == 30
    assert opened.config.learning_rate == pytest.approx(0.1)  # the file's own setting wins over the form's
    assert opened.config.batch_size == 10  # what the file does not record comes from the form
    snap = run.model_opened(opened)
    assert snap.step == 3 and snap.costs.tolist() == pytest.approx([0.5, 0.4, 0.3]) and snap.test_accuracy


def test_a_network_that_cannot_read_mnist_is_refused(tmp_path):
    """A 784-in/10-out check, with the network's shape in the sentence."""
    path = save_model(Network((100, 5, 10), seed=0), tmp_path / "small.npz")
    with pytest.raises(ModelFileError, match="100-5-10"):
        Run(TrainConfig()).open_model(path, TrainConfig())


def test_the_network_is_built_once_per_snapshot_and_reads_the_drawing():
    """network() is cached per shown snapshot; classify() equals the network's own predict."""
    run = Run(TrainConfig())
    assert run.network() is None and run.classify(np.zeros(784)) is None
    first = snapshot()
    run.snapshot_arrived(first)
    net = run.network()
    assert run.network() is net
    x = np.random.default_rng(0).random(784).astype(np.float32)
    np.testing.assert_allclose(run.classify(x), net.predict(x[None])[0])
    assert run.classify(np.stack([x, x])).shape == (2, 10)
    version = run.version
    run.snapshot_arrived(snapshot(step=1))
    assert run.network() is not net and run.version == version + 1


def test_only_a_trained_network_needs_confirmation_to_discard():
    """Reset asks first only when a network has trained (step > 0)."""
    run = Run(TrainConfig())
    assert not run.would_lose_training()
    run.snapshot_arrived(snapshot(step=0))
    assert not run.would_lose_training()
    run.snapshot_arrived(snapshot(step=5))
    assert run.would_lose_training()


def test_save_never_overwrites_the_shipped_example(tmp_path):
    """Save goes to the model's file, except the shipped example (then Save As asks)."""
    run = Run(TrainConfig())
    assert run.save_path() is None
    run.model_opened(run.open_model(EXAMPLE_MODEL, TrainConfig()))
    assert run.save_path() is None
    run.saved(tmp_path / "a.npz")
    assert run.save_path() == tmp_path / "a.npz" and run.title_name == "a.npz"


def test_resume_point_is_the_latest_snapshot():
    """After the training process dies, the run resumes from the newest snapshot's counters and costs."""
    run = Run(TrainConfig())
    from nnviz.core.history import History

    assert run.resume_point(History()) is None
    model = read_model(EXAMPLE_MODEL)
    snap = Snapshot.of_network(model.network, TrainConfig(), step=4, samples_seen=40, epoch_progress=0.25,
                               costs=np.ones(4, np.float32), cost_samples=np.arange(1, 5) * 10)
    run.snapshot_arrived(snap)
    history = History()
    r = run.resume_point(history)
    assert (r.step, r.samples_seen, r.epoch_progress, r.history) == (4, 40, 0.25, history)
