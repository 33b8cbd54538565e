"""The misread view: a drawing beside MNIST's nearest images of the digit read and the digit meant."""

import numpy as np
import pytest

from nnviz.gui.misread_view import NEIGHBOURS, MisreadView


@pytest.fixture
def training_set():
    """Ten 3s that are a left bar, ten 9s that are a right bar, and ten 1s, slightly noisy."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 30, (30, 28, 28)).astype(np.uint8)
    images[:10, :, 5:10] = 250
    images[10:20, :, 18:23] = 250
    images[20:, 10:18, :] = 250
    labels = np.repeat([3, 9, 1], 10).astype(np.uint8)
    return images, labels


def test_a_misread_drawing_is_shown_nearer_the_digit_it_was_read_as(shown, training_set, qtbot):
    """A left bar meant as 9 but read as 3: the 3s shown are the nearest 3s, the 9s are 9s, and the verdict says
    it is nearer MNIST's 3s."""
    view = shown(MisreadView(), 480, 260)
    view.set_training_set(*training_set)
    drawing = np.zeros((28, 28), np.float32)
    drawing[:, 5:10] = 1.0
    view.show_misread(drawing.reshape(-1), read_as=3, meant=9)
    read, meant = view.neighbours
    assert read.digit == 3 and (training_set[1][read.indices] == 3).all() and len(read.indices) == NEIGHBOURS
    assert meant.digit == 9 and (training_set[1][meant.indices] == 9).all()
    assert read.distances.max() < meant.distances.min()
    assert "nearer MNIST's 3s" in view.verdict.text()
    assert len(view.strips.rows) == 3 and not view.grab().isNull()


def test_picking_the_digit_meant_updates_the_comparison(shown, training_set, qtbot):
    """Choosing 'I meant: 1' compares with MNIST's 1s instead, and says so with a signal."""
    view = shown(MisreadView(), 480, 260)
    view.set_training_set(*training_set)
    view.show_misread(np.full(784, 0.2, np.float32), read_as=3, meant=9)
    with qtbot.waitSignal(view.meant_changed) as sig:
        view.meant.setCurrentIndex(1)
    assert sig.args == [1] and [n.digit for n in view.neighbours] == [3, 1]
    view.meant.setCurrentIndex(3)
    assert "Read right as 3" in view.verdict.text() and len(view.strips.rows) == 2
