"""The training loop's side of "my digits": SetExtra changes what every epoch trains on, FindNearest answers with
MNIST's nearest training images. Driven synchronously, command by command: no process, no thread, no sleep."""

import numpy as np
import pytest

from nnviz.core import protocol as p
from nnviz.core.data import MNIST
from nnviz.core.nearest import NearestImages
from nnviz.core.training import preset
from nnviz.core.training_loop import TrainingLoop

from .test_mixing import fake_mnist, marked, recorded_inputs


def no_nines():
    """Fake MNIST without a single 9: the extra digits (all 9s) are told apart by their label."""
    d = fake_mnist()
    return MNIST(d.x_train, d.y_train % 9, d.x_test, d.y_test % 9, "fake, no 9s")


def mine(n=30):
    """``n`` of "your" 9s."""
    return marked(n, 9)


def make_loop(data):
    """A loop with ``data`` loaded and a fresh video network, paused; ``sent`` collects its events."""
    sent = []
    loop = TrainingLoop(sent.append, clock=lambda: 0.0, load=lambda source: data)
    loop.handle(p.Reset(preset("video")))
    loop.handle(p.LoadData("fake"))
    return loop, sent


def extra_rows(trainer, epochs=1):
    """How many of the rows the SGD kernel trains on in the next ``epochs`` epochs are your 9s."""
    _, t = recorded_inputs(trainer, epochs)
    return int((t == 9).sum())


def test_set_extra_changes_the_share_of_the_epochs_that_follow():
    """SetExtra (30 of "your" 9s at 20 %) reaches the trainer: from the next epoch on 500 of the 2,500 rows trained
    on are those digits; SetExtra(None) returns to MNIST alone."""
    loop, sent = make_loop(no_nines())
    assert extra_rows(loop.trainer) == 0
    loop.handle(p.SetExtra(mine().images, mine().labels, 0.2))
    assert extra_rows(loop.trainer) == 0  # the epoch it arrived in ends first: they join the next one
    assert extra_rows(loop.trainer) == 500 and loop.trainer.train_size == 2500
    loop.handle(p.SetExtra(mine(60).images, mine(60).labels, 0.1))  # more digits, a smaller share
    extra_rows(loop.trainer)
    assert extra_rows(loop.trainer) == round(0.1 * 2000 / 0.9)
    loop.handle(p.SetExtra(None, None))
    extra_rows(loop.trainer)
    assert extra_rows(loop.trainer) == 0 and loop.trainer.train_size == 2000
    assert not [e for e in sent if isinstance(e, p.Failed)]


def test_a_new_trainer_keeps_training_with_them():
    """After Reset (or Load, or a branch) the new trainer has the extra digits from its first epoch, and the step
    after SetExtra was sent before MNIST arrived has them too."""
    data = no_nines()
    loop, _ = make_loop(data)
    loop.handle(p.SetExtra(mine().images, mine().labels, 0.2))
    loop.handle(p.Reset(preset("video")))
    assert extra_rows(loop.trainer) == 500
    early = TrainingLoop(lambda e: None, clock=lambda: 0.0, load=lambda source: data)
    early.handle(p.SetExtra(mine().images, mine().labels, 0.2))
    early.handle(p.Reset(preset("video")))
    early.handle(p.LoadData("fake"))
    assert extra_rows(early.trainer) == 500


def test_bad_extra_examples_are_refused_in_one_sentence_and_training_goes_on():
    """Images of the wrong shape: a Failed sentence naming your digits; the trainer trains on as before."""
    loop, sent = make_loop(no_nines())
    loop.handle(p.SetExtra(np.zeros((3, 10, 10), np.uint8), np.zeros(3, np.uint8), 0.2))
    failed = [e.message for e in sent if isinstance(e, p.Failed)]
    assert len(failed) == 1 and "your digits" in failed[0] and "\n" not in failed[0]
    assert loop.extra == [] and extra_rows(loop.trainer, 2) == 0


def test_find_nearest_answers_with_the_training_images_a_brute_force_search_finds(rng):
    """FindNearest: for each digit asked, the k training images of that digit nearest to the drawing (the same as
    a brute-force search over the training set), in order, with their distances; duplicates asked once."""
    data = fake_mnist()
    loop, sent = make_loop(data)
    drawing = rng.random(784).astype(np.float32)
    loop.handle(p.FindNearest(7, drawing, (3, 9, 3), k=4))
    answer = sent[-1]
    assert isinstance(answer, p.Nearest) and answer.request == 7 and answer.digits == (3, 9)
    assert answer.images.shape == (2, 4, 28, 28) and answer.images.dtype == np.uint8
    x = data.x_train.reshape(len(data.x_train), -1) / 255.0
    for digit, images, distances in zip(answer.digits, answer.images, answer.distances):
        rows = np.flatnonzero(data.y_train == digit)
        brute = np.sqrt(((x[rows] - drawing) ** 2).sum(axis=1))
        best = rows[np.argsort(brute)[:4]]
        assert (images == data.x_train[best]).all()
        assert distances == pytest.approx(np.sort(brute)[:4], rel=1e-4)
    assert loop._nearest[0] is data and isinstance(loop._nearest[1], NearestImages)  # built once, kept


def test_find_nearest_before_mnist_is_loaded_answers_with_no_images():
    """Asked before any data: an answer with no images (the window then says MNIST is needed), no error."""
    sent = []
    loop = TrainingLoop(sent.append, clock=lambda: 0.0, load=lambda source: None)
    loop.handle(p.FindNearest(1, np.zeros(784, np.float32), (4, 2)))
    assert isinstance(sent[-1], p.Nearest) and sent[-1].images.shape == (2, 0, 28, 28)
