"""The 100-noise-images experiment: the images themselves with their guesses, in a window of their own."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from nnviz.gui.noise_view import NoiseView, mosaic


def test_mosaic_puts_each_image_in_its_tile():
    """Image i sits at row i // 10, column i % 10 of the mosaic, 30 pixels apart, unchanged (scaled to 0-255)."""
    images = np.random.default_rng(0).random((100, 784)).astype(np.float32)
    m = mosaic(images)
    assert m.shape == (300, 300)
    r, c = divmod(37, 10)
    np.testing.assert_array_equal(m[r * 30 : r * 30 + 28, c * 30 : c * 30 + 28],
                                  (images[37] * 255).astype(np.uint8).reshape(28, 28))


def test_view_shows_each_guess_and_a_summary(qtbot):
    """Each image's guess and top output are kept for drawing; the summary names the digit seen most often."""
    view = NoiseView()
    qtbot.addWidget(view)
    outputs = np.full((100, 10), 0.1, np.float32)
    outputs[:60, 8] = 0.95
    outputs[60:, 3] = 0.5
    view.show_batch(np.zeros((100, 784), np.float32), outputs, "activation")
    assert list(view.grid.guesses[:60]) == [8] * 60 and list(view.grid.guesses[60:]) == [3] * 40
    assert "<b>8</b> (60 of 100)" in view.summary.text() and "activation" in view.summary.text()


def test_the_experiment_has_a_window_of_its_own_and_ends_cleanly(window, qtbot):
    """Clicking "100 noise images" opens a window with the 100 images and each one's guess (the training network's,
    kept current while it trains); the Draw panel does not reflow; "End the experiment" closes it and the panel's
    text and bars return to the canvas. A stroke on the canvas ends it too."""
    panel = window.draw_panel
    before = (panel.canvas.geometry(), panel.bars.geometry(), panel.answer.geometry())
    qtbot.mouseClick(panel.noise100_button, Qt.MouseButton.LeftButton)
    view = panel.noise_view
    qtbot.waitUntil(view.isVisible, timeout=3_000)
    guesses = window.run.network().predict(panel.noise_batch).argmax(axis=1)
    np.testing.assert_array_equal(view.grid.guesses, guesses)
    assert panel.bars.values.sum() == pytest.approx(1.0) and "Noise" in panel.answer.text()
    qtbot.keyClick(window, Qt.Key.Key_Space)  # train: the guesses follow the training network
    step = window.latest.step
    qtbot.waitUntil(lambda: window.latest.step > step + 1000, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.latest.running, timeout=3_000)
    qtbot.wait(200)
    window.classify_input()
    np.testing.assert_array_equal(view.grid.guesses, window.run.network().predict(panel.noise_batch).argmax(axis=1))
    assert (panel.canvas.geometry(), panel.bars.geometry(), panel.answer.geometry()) == before
    qtbot.mouseClick(view.end_button, Qt.MouseButton.LeftButton)
    assert not view.isVisible() and panel.noise_batch is None
    qtbot.waitUntil(lambda: "Noise" not in panel.answer.text(), timeout=3_000)
    qtbot.mouseClick(panel.noise100_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(view.isVisible, timeout=3_000)
    qtbot.mousePress(panel.canvas, Qt.MouseButton.LeftButton, pos=QPoint(150, 60))
    qtbot.mouseMove(panel.canvas, QPoint(150, 200))
    qtbot.mouseRelease(panel.canvas, Qt.MouseButton.LeftButton, pos=QPoint(150, 200))
    qtbot.waitUntil(lambda: not view.isVisible() and "Noise" not in panel.answer.text(), timeout=3_000)
