"""Your handwriting in the window: My digits and Why misread? under the Draw panel, driven by real mouse drags on
the canvas and real key presses; training with your digits and the nearest MNIST images go through the training
loop (its process, or the relay's thread)."""

import os
import signal

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from nnviz.core import protocol as p
from nnviz.core.my_digits import FILE_NAME, MyDigits, data_dir
from nnviz.core.nearest import NearestImages
from nnviz.gui.handwriting_pages import MISREAD, MY_DIGITS, OUTPUTS
from nnviz.gui.misread_view import NEIGHBOURS

from .handwriting import replay
from .test_layout import _resized, squeezed


@pytest.fixture(scope="module")
def pen_digits(pen_digits_path):
    """The UCI pen digits: real writers' strokes, replayed as mouse drags."""
    from nnviz.core.pendigits import read_pendigits

    return read_pendigits(pen_digits_path)


def open_page(qtbot, w, page):
    """Click the switch under the answer to show ``page``."""
    switch = w.handwriting.switch
    qtbot.mouseClick(switch, Qt.MouseButton.LeftButton, pos=switch.tabRect(page).center())
    qtbot.waitUntil(lambda: w.handwriting.pages.currentIndex() == page, timeout=2_000)


def draw(qtbot, w, digit, seed=0):
    """Clear the canvas and draw ``digit`` (a pen digit) on it with mouse drags; the canvas then has the focus."""
    canvas = w.draw_panel.canvas
    qtbot.mouseClick(w.draw_panel.clear_button, Qt.MouseButton.LeftButton)
    replay(canvas, digit, np.random.default_rng(seed))
    qtbot.waitUntil(canvas.hasFocus, timeout=2_000)
    assert not canvas.is_blank()


def nines_and_sevens(pen_digits, n):
    """``n`` pen 9s and ``n`` pen 7s by the first writers."""
    return [d for d in pen_digits if d.label == 9][:n] + [d for d in pen_digits if d.label == 7][:n]


def test_a_digit_key_on_the_canvas_keeps_the_drawing_in_my_digits(window, qtbot, pen_digits):
    """With My digits open, pressing 9 on the canvas after drawing keeps the drawing as a 9, saved in the user
    data folder, and "I meant" becomes 9; on the Outputs page a digit key keeps nothing and says where to go."""
    w = window
    nine = next(d for d in pen_digits if d.label == 9)
    draw(qtbot, w, nine)
    qtbot.keyClick(w.draw_panel.canvas, Qt.Key.Key_9)
    assert len(w.handwriting.my_digits.store) == 0 and "My digits" in w.statusBar().currentMessage()
    open_page(qtbot, w, MY_DIGITS)
    qtbot.keyClick(w.draw_panel.canvas, Qt.Key.Key_9)
    store = w.handwriting.my_digits.store
    assert store.path == data_dir() / FILE_NAME and store.labels.tolist() == [9]
    assert MyDigits.open(store.path).labels.tolist() == [9]
    np.testing.assert_array_equal(store.images[0], np.rint(w.draw_panel.canvas.network_input() * 255).reshape(28, 28))
    assert w.handwriting.misread.meant.currentData() == 9
    panel = w.handwriting.my_digits
    assert panel.gallery.count() == 1 and "Kept as one of your 9s" in panel.message.text()


def test_the_score_follows_training_and_the_timeline(window, qtbot, pen_digits):
    """The shown network reads your digits: after steps of training the marks are the live network's readings,
    and Home (the timeline's start) shows the starting network's readings."""
    w = window
    open_page(qtbot, w, MY_DIGITS)
    for i, digit in enumerate(nines_and_sevens(pen_digits, 3)):
        draw(qtbot, w, digit, seed=i)
        qtbot.keyClick(w.draw_panel.canvas, getattr(Qt.Key, f"Key_{digit.label}"))
    panel, store = w.handwriting.my_digits, w.handwriting.my_digits.store
    inputs = store.images.reshape(len(store), -1) / np.float32(255)

    def read_by_shown_network():
        net = w.run.graph_network()
        return net is not None and np.array_equal(panel.guesses, net.classify(inputs))

    qtbot.keyClick(w.cost_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.latest.step > 3000, timeout=60_000)
    qtbot.keyClick(w.cost_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not w.latest.running and w.run.checkpoints > 1 and read_by_shown_network(),
                    timeout=10_000)
    live, live_guesses, step = panel.score.text(), panel.guesses.copy(), w.latest.step
    assert "of your 6 digits right" in live
    qtbot.keyClick(w.cost_view, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: w.run.shown().step == 0 and read_by_shown_network(), timeout=5_000)
    assert not np.array_equal(panel.guesses, live_guesses)  # the random start reads them otherwise
    qtbot.keyClick(w.cost_view, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: w.run.shown().step == step and read_by_shown_network(), timeout=5_000)
    assert panel.score.text() == live


def test_a_digit_double_clicked_in_the_gallery_goes_on_the_canvas(window, qtbot, pen_digits):
    """Double-clicking one of your digits puts it on the canvas with its label: the answer says what you meant."""
    w = window
    qtbot.keyClick(w.cost_view, Qt.Key.Key_S)  # one step: a network that has learned a little answers, not guesses
    qtbot.waitUntil(lambda: w.latest.step == 1, timeout=5_000)
    open_page(qtbot, w, MY_DIGITS)
    draw(qtbot, w, next(d for d in pen_digits if d.label == 4))
    qtbot.keyClick(w.draw_panel.canvas, Qt.Key.Key_4)
    qtbot.mouseClick(w.draw_panel.clear_button, Qt.MouseButton.LeftButton)
    gallery = w.handwriting.my_digits.gallery
    rect = gallery.visualItemRect(gallery.item(0))
    qtbot.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click: a click,
    qtbot.mouseDClick(gallery.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # then its second press
    qtbot.waitUntil(lambda: w.draw_panel.true_label == 4, timeout=2_000)
    np.testing.assert_allclose(w.draw_panel.canvas.network_input(), w.handwriting.my_digits.store.images[0].ravel()
                               / 255.0, atol=1e-6)
    qtbot.waitUntil(lambda: "You meant 4" in w.draw_panel.answer.text(), timeout=2_000)


def extra_epoch_size(train_count, weight=0.05):
    """Examples per epoch when your digits are ``weight`` of it."""
    return train_count + round(weight * train_count / (1 - weight))


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_train_with_my_digits_reaches_the_training_loop(make_window, mnist_path, qtbot, pen_digits, mode):
    """Clicking "Train with my digits" sends your digits to the training loop: from the next epoch on every epoch
    is MNIST's 60,000 images plus your share (5 %), as the trainer's own count shows; switched off, it is back
    to MNIST alone."""
    w = make_window(mnist_path, training=mode)
    qtbot.waitUntil(lambda: w.has_data and w.latest is not None, timeout=20_000)
    w.controls.speed_slider.setValue(w.controls.speed_slider.maximum())
    open_page(qtbot, w, MY_DIGITS)
    for i, digit in enumerate(nines_and_sevens(pen_digits, 2)):
        draw(qtbot, w, digit, seed=i)
        qtbot.keyClick(w.draw_panel.canvas, getattr(Qt.Key, f"Key_{digit.label}"))
    box = w.handwriting.my_digits.train_box
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # on the tick box
    assert box.isChecked() and "join training" in w.handwriting.my_digits.message.text()
    n = w.latest.train_size
    qtbot.keyClick(w.cost_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.latest.train_size == extra_epoch_size(n), timeout=120_000)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    qtbot.waitUntil(lambda: w.latest.train_size == n, timeout=120_000)
    qtbot.keyClick(w.cost_view, Qt.Key.Key_Space)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_restarted_training_process_trains_with_my_digits_again(window, qtbot, pen_digits, monkeypatch):
    """Train-with is on and the training process is killed: the process started by the next Train is given your
    digits again (after the network it continues from)."""
    w = window
    open_page(qtbot, w, MY_DIGITS)
    draw(qtbot, w, pen_digits[0])
    qtbot.keyClick(w.draw_panel.canvas, getattr(Qt.Key, f"Key_{pen_digits[0].label}"))
    w.handwriting.my_digits.train_box.setChecked(True)
    os.kill(w.worker.process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: w.training.dead, timeout=5_000)
    posted = []
    from nnviz.gui.worker import TrainingRelay

    original = TrainingRelay.post
    monkeypatch.setattr(TrainingRelay, "post", lambda self, c: (posted.append(c), original(self, c)))
    qtbot.keyClick(w.cost_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: any(isinstance(c, p.SetExtra) for c in posted), timeout=5_000)
    kinds = [type(c) for c in posted]
    extra = next(c for c in posted if isinstance(c, p.SetExtra))
    assert kinds.index(p.Load) < kinds.index(p.SetExtra) and extra.labels.tolist() == [pen_digits[0].label]
    qtbot.waitUntil(lambda: w.latest.running, timeout=20_000)  # the new loop has its data and trains
    qtbot.keyClick(w.cost_view, Qt.Key.Key_Space)


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_why_misread_shows_mnists_nearest_training_images(make_window, mnist_path, mnist, qtbot, pen_digits, mode):
    """A drawn 9 on the Why misread? page, 3 pressed on the canvas as the digit meant: the training loop answers
    with the MNIST training images nearest to the drawing among the digit read and the 3s — the very ones a
    search over the whole training set finds — and the view shows them beside the drawing."""
    w = make_window(mnist_path, training=mode)
    qtbot.waitUntil(lambda: w.has_data and w.latest is not None, timeout=20_000)
    open_page(qtbot, w, MISREAD)
    draw(qtbot, w, next(d for d in pen_digits if d.label == 9))
    qtbot.keyClick(w.draw_panel.canvas, Qt.Key.Key_3)
    view = w.handwriting.misread
    qtbot.waitUntil(lambda: view.read_as is not None and set(view.digits()) <= set(view.found), timeout=20_000)
    drawing = w.draw_panel.canvas.network_input()
    assert view.digits()[-1] == 3 and np.array_equal(view.drawing, drawing)
    index = NearestImages(mnist.x_train, mnist.y_train)
    for found in index.nearest(drawing, view.digits(), NEIGHBOURS):
        np.testing.assert_array_equal(view.found[found.digit][0], mnist.x_train[found.indices])
    assert len(view.strips.rows) == len(view.digits())
    assert f"Read as {view.read_as}, meant 3" in view.verdict.text() if view.read_as != 3 else "Read right"
    open_page(qtbot, w, OUTPUTS)
    assert not view.isVisible()


def test_each_page_fits_the_smallest_window(make_window, qtbot):
    """The switch keeps the window's minimum within a 1024×768 screen, and at that minimum every page (scrolled
    where it is short) has nothing squeezed."""
    w = make_window(None, autoload=False)
    hint = w.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 720
    _resized(qtbot, w, 1, 1)
    for page in (MY_DIGITS, MISREAD, OUTPUTS):
        open_page(qtbot, w, page)
        qtbot.wait(50)
        assert not squeezed(w), page


def test_the_noise_experiment_brings_the_bars_back(make_window, qtbot):
    """"100 noise images" answers on the bars: pressed while My digits is open, the Outputs page comes back."""
    w = make_window(None, autoload=False)
    open_page(qtbot, w, MY_DIGITS)
    qtbot.mouseClick(w.draw_panel.noise100_button, Qt.MouseButton.LeftButton)
    assert w.handwriting.pages.currentIndex() == OUTPUTS and w.handwriting.switch.currentIndex() == OUTPUTS
    w.draw_panel.end_noise_batch()
