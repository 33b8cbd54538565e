"""Training with extra examples: the share of each epoch they make up, counted at the SGD kernel's input."""

import numpy as np
import pytest

from nnviz.core.data import MNIST
from nnviz.core.examples_file import Examples
from nnviz.core.mixing import Mixture
from nnviz.core.training import Trainer, preset


def fake_mnist(n=2000, seed=0):
    """Random digits whose first pixel is 0: extra examples are told apart by theirs (255)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 200, (n, 28, 28), np.uint8)
    x[:, 0, 0] = 0
    y = rng.integers(0, 10, n).astype(np.uint8)
    return MNIST(x, y, x[:200], y[:200], "fake")


def marked(n, label, mark=255, seed=1):
    """``n`` extra examples of one ``label``, first pixel ``mark``, the next two their index (to count repeats)."""
    images = np.random.default_rng(seed).integers(0, 200, (n, 28, 28), np.uint8)
    images[:, 0, 0] = mark
    images[:, 0, 1], images[:, 0, 2] = np.arange(n) % 256, np.arange(n) // 256
    return Examples(images, np.full(n, label, np.uint8))


def recorded_inputs(trainer, epochs):
    """Run ``epochs`` epochs and return every row the SGD kernel trained on, with its target digit."""
    rows, targets = [], []
    step = trainer._kernel.step

    def recording_step(x, t, eta):
        rows.append(x.copy())
        targets.append(t.argmax(axis=1))
        return step(x, t, eta)

    trainer._kernel.step = recording_step
    for _ in range(epochs):
        trainer.run_epoch()
    return np.concatenate(rows), np.concatenate(targets)


def test_extra_examples_make_up_their_share_of_every_epoch():
    """At W = 0.2, 500 of each epoch's 2,500 training rows are the extra digits (with their labels), each of the 30
    repeated 16 or 17 times an epoch, and every MNIST image is still seen exactly once an epoch."""
    data = fake_mnist()
    tr = Trainer(preset("video"), data, extra=[marked(30, 7)], extra_weight=0.2, variation=None)
    assert tr.train_size == 2500
    x, t = recorded_inputs(tr, 2)
    assert len(x) == 5000
    extra = x[:, 0] == 1.0
    assert extra[:2500].sum() == 500 and extra[2500:].sum() == 500  # the share, counted per epoch
    assert (t[extra] == 7).all()
    repeats = np.bincount(np.rint(x[:2500][extra[:2500], 1] * 255).astype(int), minlength=30)
    assert repeats.min() >= 16 and repeats.max() <= 17
    assert tr.samples_seen == 5000 and tr.epoch == 2


def test_two_extra_sets_share_the_weight_equally():
    """A set of 30 and a set of 400 each get half of W = 0.1 (111 rows an epoch), whatever their size."""
    data = fake_mnist()
    tr = Trainer(preset("video"), data, extra=[marked(30, 3, 255), marked(400, 5, 128, seed=2)], extra_weight=0.1,
                 variation=None)
    x, t = recorded_inputs(tr, 1)
    first = np.isclose(x[:, 0], 1.0)
    second = np.isclose(x[:, 0], 128 / 255)
    assert first.sum() == 111 and second.sum() == 111 and (t[first] == 3).all() and (t[second] == 5).all()
    assert len(np.unique(x[second, 1:3], axis=0)) == 111, "a set larger than its share is not repeated within an epoch"


def test_varied_repetitions_keep_the_share_and_the_labels():
    """With the default variation, 500 of each epoch's 2,500 rows are still the extra digits (counted by their
    label, which no MNIST image here has); each is a slightly turned, sized or moved copy, new every epoch."""
    data = fake_mnist()
    data = MNIST(data.x_train, data.y_train % 9, data.x_test, data.y_test % 9, "fake, no 9s")
    images = np.zeros((30, 28, 28), np.uint8)
    for i in range(30):  # smooth shapes (a turned copy of noise would look like no copy at all)
        images[i, 4 + i % 10 : 14 + i % 10, 6 + i // 10 * 4 : 12 + i // 10 * 4] = 255
    extra = Examples(images, np.full(30, 9, np.uint8))
    tr = Trainer(preset("video"), data, extra=[extra])
    tr_share = Trainer(preset("video"), data, extra=[extra], extra_weight=0.2)
    x, t = recorded_inputs(tr_share, 2)
    assert (t[:2500] == 9).sum() == 500 and (t[2500:] == 9).sum() == 500
    originals = extra.images.reshape(30, -1) / 255.0
    varied = x[t == 9][:, :-1]
    nearest = np.array([np.corrcoef(v, originals)[0, 1:].max() for v in varied[:50]])
    assert nearest.min() > 0.5 and (nearest < 0.999).mean() > 0.9, "near their originals, but not copies of them"
    assert tr.train_size == 2000 + round(0.05 * 2000 / 0.95)


def test_no_extra_or_zero_weight_trains_exactly_as_before():
    """Without extra sets, or with W = 0, the epochs' orders and costs are the same as a plain trainer's."""
    data = fake_mnist()
    plain = Trainer(preset("video"), data)
    zero = Trainer(preset("video"), data, extra=[marked(30, 7)], extra_weight=0)
    for tr in (plain, zero):
        tr.run_steps(250)
    np.testing.assert_array_equal(plain.history.recent()[0], zero.history.recent()[0])
    assert zero.train_size == 2000 and not zero.mixture.has_extra


def test_extra_examples_change_what_the_network_learns():
    """A blank-but-bright image labelled 3, mixed in at W = 0.05, is learned; the same training without it is not."""
    data = fake_mnist()
    bright = Examples(np.full((5, 28, 28), 250, np.uint8), np.full(5, 3, np.uint8))
    probe = np.full((1, 784), 250 / 255, np.float32)
    with_extra = Trainer(preset("best", epochs=3), data, extra=[bright], extra_weight=0.05, variation=None)
    without = Trainer(preset("best", epochs=3), data)
    for tr in (with_extra, without):
        for _ in range(3):
            tr.run_epoch()
    assert with_extra.network.classify(probe)[0] == 3
    assert without.network.predict(probe)[0, 3] < 0.5


@pytest.mark.parametrize("weight", [-0.1, 1.0, float("nan")])
def test_impossible_weights_are_refused(weight):
    """A share below 0, of the whole epoch or more, or NaN, is a clear error."""
    with pytest.raises(ValueError, match="share of each epoch"):
        Mixture(np.zeros((10, 784), np.uint8), np.zeros(10, np.uint8), [marked(3, 1)], weight)


def test_set_extra_takes_effect_from_the_next_epoch():
    """Switching "train with my digits" on mid-epoch changes nothing until the epoch ends, then the next epoch
    has the share; switching it off returns to MNIST alone."""
    data = fake_mnist()
    tr = Trainer(preset("video"), data)
    tr.run_steps(50)
    tr.set_extra([marked(30, 7)], 0.2, variation=None)
    assert tr.train_size == 2000
    x, _ = recorded_inputs(tr, 2)  # the rest of epoch 1 (1,500 rows), then all of epoch 2
    assert (x[:1500, 0] == 1.0).sum() == 0 and (x[1500:, 0] == 1.0).sum() == 500 and tr.train_size == 2500
    tr.set_extra([])
    tr.run_epoch()
    assert tr.train_size == 2000 and not tr.mixture.has_extra
