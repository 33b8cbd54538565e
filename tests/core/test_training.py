"""The trainer: SGD as a stream of steps, live settings, divergence handling, history, and the accuracy targets."""

import math

import numpy as np
import pytest

from nnviz.core.training import PRESETS, History, TrainConfig, Trainer, TrainingDiverged, preset


@pytest.fixture(scope="module")
def small(mnist):
    """2,000 training and 1,000 test images of the real MNIST: fast epochs for behaviour tests."""
    return mnist.subset(2000, 1000)


def test_steps_record_every_mini_batch_cost(small):
    """Each step records its cost and the samples seen; an epoch ends with a full test accuracy."""
    tr = Trainer(preset("video"), small)
    costs = [tr.step() for _ in range(5)]
    c, s = tr.history.recent()
    assert c.tolist() == pytest.approx(costs) and s.tolist() == [10, 20, 30, 40, 50]
    acc = tr.run_epoch()
    assert tr.epoch == 1 and tr.samples_seen == 2000 and tr.history.test_accuracy[-1] == (2000, acc)
    assert tr.step_count == 200


def test_cost_falls_and_accuracy_rises_within_an_epoch(small):
    """Learning is happening: later mini-batches cost less and test accuracy beats chance (10 %) by far."""
    tr = Trainer(preset("video"), small)
    acc = max(tr.run_epoch() for _ in range(3))
    c = tr.history.recent()[0]
    assert c[-50:].mean() < 0.6 * c[:20].mean()
    assert acc > 0.5


def test_learning_rate_and_batch_size_change_between_steps(small):
    """A new η and batch size take effect at the next step (the GUI changes them live)."""
    tr = Trainer(preset("video"), small)
    tr.step()
    before = tr.network.params.copy()
    tr.learning_rate = 1e-9
    tr.step()
    assert np.abs(tr.network.params - before).max() < 1e-5
    tr.batch_size = 50
    tr.step()
    assert tr.samples_seen == 10 + 10 + 50
    with pytest.raises(ValueError):
        tr.learning_rate = float("nan")


def test_batch_size_that_does_not_divide_the_epoch(small):
    """With 2,000 images and batches of 128 the epoch ends on a short batch of 80, then a new epoch begins."""
    tr = Trainer(preset("video", batch_size=128), small)
    tr.run_epoch()
    assert tr.epoch == 1 and tr.samples_seen == 2000 and tr.step_count == 16
    _, s = tr.history.recent()
    assert s[-1] - s[-2] == 2000 - 15 * 128
    tr.step()
    assert tr.samples_seen == 2128


def test_next_mini_batch_is_what_the_next_step_uses(small):
    """next_mini_batch shows exactly the examples the next step trains on: its cost matches that step's."""
    tr = Trainer(preset("video"), small)
    tr.run_steps(7)
    x, labels = tr.next_mini_batch()
    expected = tr.network.backprop(x / 255.0, np.eye(10)[labels]).cost
    assert tr.step() == pytest.approx(expected, rel=1e-5)


def test_every_image_once_per_epoch_across_chunk_boundaries(small, monkeypatch):
    """Steps read their inputs from chunks converted ahead; with chunks of 64 rows, batches of 7 straddling them
    and a change to 5 mid-epoch, every step still trains on exactly the images next_mini_batch shows (same cost as
    backprop on them), and each epoch uses every training image once."""
    import nnviz.core.training as training

    monkeypatch.setattr(training, "CONVERT_ROWS", 64)
    data = small.subset(300, 100)
    tr = Trainer(preset("video", batch_size=7), data)
    seen = []
    for epoch in range(2):
        first = len(seen)
        while tr.epoch == epoch:
            if len(seen) == 20:
                tr.batch_size = 5
            x, labels = tr.next_mini_batch()
            expected = tr.network.backprop(x / 255.0, np.eye(10)[labels]).cost
            assert tr.step() == pytest.approx(expected, rel=1e-5)
            seen.extend(zip(map(bytes, x), labels))
        epoch_images = sorted(seen[first:])
        assert epoch_images == sorted(zip(map(bytes, data.x_train.reshape(300, -1)), data.y_train))
    assert tr.samples_seen == 600


def test_same_seed_same_run(small):
    """Two trainers with the same config produce identical weights and costs (reproducible experiments)."""
    a, b = Trainer(preset("video"), small), Trainer(preset("video"), small)
    a.run_steps(30)
    b.run_steps(30)
    assert np.array_equal(a.network.params, b.network.params)


def test_random_labels_are_a_permutation_that_still_trains(small):
    """Random-label mode shuffles which label goes with which image, keeping the label counts."""
    tr = Trainer(preset("video", random_labels=True), small)
    assert sorted(tr.train_labels) == sorted(small.y_train)
    assert (tr.train_labels == small.y_train).mean() < 0.2
    tr.run_steps(50)
    assert math.isfinite(tr.history.costs[49])


def test_diverge_preset_climbs_and_oscillates_instead_of_falling(mnist):
    """The 'diverge' preset shows a learning rate too large for all to see: the cost climbs to several times its
    start within a few dozen mini-batches and keeps swinging (it used to turn NaN at mini-batch 4, too fast to see),
    and the network learns nothing (test accuracy at chance)."""
    tr = Trainer(preset("diverge"), mnist)
    tr.run_steps(6000)
    costs = np.asarray(tr.history.recent()[0])
    assert costs[20:60].mean() > 3 * costs[:3].mean()  # climbs, within the first dozens of mini-batches
    assert costs[40:80].max() - costs[40:80].min() > 5  # and oscillates
    assert costs[-1000:].mean() > 3 * costs[:3].mean() and tr.history.test_accuracy[-1][1] < 0.2


def test_nan_cost_stops_and_keeps_last_good_weights(mnist):
    """The 'overflow' preset blows the weights up: TrainingDiverged names the learning rate; the weights stay
    finite."""
    tr = Trainer(preset("overflow"), mnist)
    with pytest.raises(TrainingDiverged, match="learning rate"):
        tr.run_steps(2000)
    assert np.isfinite(tr.network.params).all()
    assert np.isfinite(tr.network.predict(np.zeros((1, 784), np.float32))).all()
    with pytest.raises(TrainingDiverged):
        tr.step()  # refuses to go on until told
    tr.learning_rate = 0.01
    tr.clear_divergence()
    assert math.isfinite(tr.step())


def test_overflowing_weights_are_rolled_back(small):
    """Weights turned NaN mid-run: the step is refused and the weights return to the last good backup."""
    tr = Trainer(preset("video"), small)
    tr.run_steps(20)
    tr.network.params[:100] = np.nan  # as if the previous update had exploded
    with pytest.raises(TrainingDiverged, match="mini-batch 21"):
        tr.run_steps(5)
    assert np.isfinite(tr.network.params).all()
    assert tr.step_count == 20


def test_quick_accuracy_is_recorded_during_an_epoch(mnist):
    """Quick estimates appear every 6,000 samples, between the full test evaluations."""
    tr = Trainer(preset("video"), mnist.subset(13000, 2000))
    tr.run_epoch()
    assert [s for s, _ in tr.history.quick_accuracy] == [6000, 12000]


def test_history_views_never_change_after_growth():
    """A cost view handed to another thread stays valid and unchanged while the history grows past its buffer."""
    h = History()
    for i in range(10):
        h.record(float(i), i)
    c, s = h.recent()
    for i in range(10, 10000):
        h.record(-1.0, i)
    assert c.tolist() == list(range(10)) and not c.flags.writeable


def test_config_validation_and_round_trip():
    """Bad settings are refused with their names; to_dict/from_dict round-trips."""
    with pytest.raises(ValueError, match="learning rate"):
        TrainConfig(learning_rate=-1)
    with pytest.raises(ValueError, match="cost"):
        TrainConfig(cost="hinge")
    c = preset("video", sizes=(784, 30, 10))
    assert TrainConfig.from_dict(c.to_dict()) == c
    with pytest.raises(ValueError, match="preset"):
        preset("nope")


def test_video_preset_is_the_explanations_network():
    """video = 784-16-16-10, sigmoid, sigmoid output, quadratic, N(0,1), η = 3, batch 10."""
    v = PRESETS["video"]
    assert (v.sizes, v.activation, v.output, v.cost, v.init, v.learning_rate, v.batch_size) == (
        (784, 16, 16, 10), "sigmoid", "sigmoid", "quadratic", "normal", 3.0, 10)


# --- the accuracy the project promises (full MNIST; ~40 s in all) ---------------------------------------------
def best_of(trainer, epochs):
    return max(trainer.run_epoch() for _ in range(epochs))


@pytest.mark.slow
def test_video_preset_reaches_93_percent_in_10_epochs(mnist):
    """784-16-16-10 sigmoid/quadratic, η = 3, batch 10: best ≥ 93.0 % on the 10,000 test images within 10 epochs.

    Best, as Nielsen reports peaks: with η = 3 the epoch-to-epoch accuracy jitters by ±0.5 % (seeds 0-5 peak at
    93.2-93.7 %, their 10th epoch alone lands anywhere in 92.4-93.7 %).
    """
    assert best_of(Trainer(preset("video"), mnist), 10) >= 0.93


@pytest.mark.slow
def test_nielsen_784_30_10_reaches_95_percent(mnist):
    """Nielsen's chapter 1 network (784-30-10, video settings): best ≥ 95.0 % over 30 epochs (he reports 95.42 %)."""
    assert best_of(Trainer(preset("video", sizes=(784, 30, 10)), mnist), 30) >= 0.95


@pytest.mark.slow
def test_best_preset_reaches_96_percent(mnist):
    """The 'best' preset on 784-16-16-10: ≥ 96.0 % within 30 epochs."""
    assert best_of(Trainer(preset("best"), mnist), 30) >= 0.96


def test_speed_leaves_pauses_out(small, monkeypatch):
    """The images/s figure measures training, not the pause before it: after ten seconds paused, the first figures
    are the speed before the pause, then the new one (it used to average the pause in: a tenth of the speed)."""
    from nnviz.core import training

    clock = [100.0]
    monkeypatch.setattr(training.time, "perf_counter", lambda: clock[0])
    tr = Trainer(preset("video"), small)
    tr.samples_per_second()
    for _ in range(4):  # 100 mini-batches of 10 a second
        clock[0] += 0.5
        tr.run_steps(50)
        assert tr.samples_per_second() == pytest.approx(1000)
    clock[0] += 10.0  # paused
    tr.run_steps(1)
    assert tr.samples_per_second() == pytest.approx(1000)
    clock[0] += 0.5
    tr.run_steps(100)
    assert tr.samples_per_second() == pytest.approx(2000)
