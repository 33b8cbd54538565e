"""The misread view: a drawing beside MNIST's nearest images of the digit read and the digit meant."""

import numpy as np
import pytest

from nnviz.core.nearest import NearestImages
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


def answering(view, images, labels):
    """Answer the view's questions as the training loop does (core.nearest over the training set); returns the
    list of the digits it was asked about."""
    index, asked = NearestImages(images, labels), []

    def answer(drawing, digits):
        asked.append(tuple(digits))
        found = index.nearest(drawing, digits, NEIGHBOURS)
        view.show_nearest(drawing, digits, np.stack([images[n.indices] for n in found]),
                          np.stack([n.distances for n in found]))

    view.nearest_wanted.connect(answer)
    return asked


def left_bar():
    drawing = np.zeros((28, 28), np.float32)
    drawing[:, 5:10] = 1.0
    return drawing.reshape(-1)


def test_a_misread_drawing_is_shown_nearer_the_digit_it_was_read_as(shown, training_set, qtbot):
    """A left bar meant as 9 but read as 3: the 3s shown are the nearest 3s, the 9s are 9s, and the verdict says
    it is nearer MNIST's 3s."""
    view = shown(MisreadView(), 480, 260)
    images, labels = training_set
    asked = answering(view, images, labels)
    view.show_misread(left_bar(), read_as=3, meant=9)
    assert asked == [(3, 9)]
    (read, read_d), (meant, meant_d) = view.found[3], view.found[9]
    assert len(read) == NEIGHBOURS and (read[:, 0, 5:10] == 250).all() and (meant[:, 0, 18:23] == 250).all()
    assert read_d.max() < meant_d.min()
    assert "nearer MNIST's 3s" in view.verdict.text()
    assert len(view.strips.rows) == 2 and not view.grab().isNull()


def test_picking_the_digit_meant_asks_only_for_what_is_missing(shown, training_set, qtbot):
    """Choosing 'I meant: 1' asks for MNIST's 1s alone (the 3s are kept), and says so with a signal; a new
    reading of the same drawing asks nothing it has; a new drawing starts again."""
    view = shown(MisreadView(), 480, 260)
    asked = answering(view, *training_set)
    view.show_misread(np.full(784, 0.2, np.float32), read_as=3, meant=9)
    with qtbot.waitSignal(view.meant_changed) as sig:
        view.set_meant(1)
    assert sig.args == [1] and asked == [(3, 9), (1,)] and view.digits() == [3, 1]
    view.show_misread(np.full(784, 0.2, np.float32), read_as=9)
    view.show_misread(np.full(784, 0.2, np.float32), read_as=3)
    assert len(asked) == 2  # the network wavers between 9 and 3: both are known, nothing is asked
    view.set_meant(3)
    assert "Read right as 3" in view.verdict.text() and len(view.strips.rows) == 1
    view.show_misread(left_bar(), read_as=9)
    assert asked[-1] == (9, 3)


def test_an_answer_for_an_older_drawing_is_ignored(shown, training_set):
    """The drawing changed while the loop was looking: its late answer is not drawn beside the new drawing."""
    view = shown(MisreadView(), 480, 260)
    view.show_misread(left_bar(), read_as=3, meant=9)
    view.show_misread(np.full(784, 0.5, np.float32), read_as=3, meant=9)
    images = training_set[0][:NEIGHBOURS]
    view.show_nearest(left_bar(), (3, 9), np.stack([images, images]), np.zeros((2, NEIGHBOURS)))
    assert view.found == {} and "Looking for" in view.verdict.text()


def test_without_mnist_it_says_what_is_needed(shown):
    """An answer with no images (MNIST not loaded in the training loop): one sentence saying to load MNIST."""
    view = shown(MisreadView(), 480, 260)
    view.show_misread(left_bar(), read_as=3, meant=9)
    view.show_nearest(left_bar(), (3, 9), np.zeros((2, 0, 28, 28), np.uint8), np.zeros((2, 0)))
    assert "load MNIST" in view.verdict.text()


def test_until_you_say_what_you_meant_only_the_reading_is_shown(shown, training_set):
    """With the digit meant not said ("?"), only MNIST's images of the digit read are asked for and shown, and
    the verdict asks which digit you meant."""
    view = shown(MisreadView(), 480, 260)
    asked = answering(view, *training_set)
    view.show_misread(left_bar(), read_as=3)
    assert view.meant.currentText() == "?" and asked == [(3,)] and len(view.strips.rows) == 1
    assert "Which digit did you mean?" in view.verdict.text()
