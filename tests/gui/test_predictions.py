"""The output bars say what they measure, give a blank canvas no answer and an untrained network no confidence."""

import numpy as np
import pytest
from PySide6.QtGui import QColor

from nnviz.gui import theme
from nnviz.gui.predictions import PredictionBars

OUTPUT = np.array([0.01, 0.0, 0.02, 0.05, 0.08, 0.97, 0.0, 0.01, 0.3, 0.0], np.float32)


@pytest.fixture
def bars(shown):
    return shown(PredictionBars(), 400, 140)


def bar_colour(bars, digit):
    """The colour painted in the middle of ``digit``'s bar area, a little above the digit labels."""
    image = bars.grab().toImage()
    ratio = image.devicePixelRatio()
    x = (digit + 0.5) * bars.width() / 10
    y = bars.height() - 22 - 6  # just above the labels: inside any bar taller than 6 px
    return image.pixelColor(int(x * ratio), int(y * ratio))


@pytest.mark.parametrize("kind,words", [("sigmoid", "activation"), ("relu", "activation"),
                                        ("softmax", "probability"), ("share", "share")])
def test_bars_say_what_they_measure(bars, kind, words):
    """Sigmoid outputs are activations, not probabilities; softmax outputs are; a batch's bars are shares."""
    bars.show_output(OUTPUT, kind)
    assert words in bars.caption
    assert ("not a probability" in bars.caption) == (words == "activation")
    assert bars.confident and bar_colour(bars, 5) == QColor(theme.ACCURACY)  # the guess, highlighted


def test_blank_canvas_gets_no_answer(bars):
    """A blank canvas: no bar at all (the network's output for nothing is no answer), only "draw a digit"."""
    bars.show_output(OUTPUT, "sigmoid", blank=True)
    assert bars.caption == "draw a digit" and not bars.confident
    for digit in (5, 8):
        assert bar_colour(bars, digit) == QColor(theme.PLOT_BACKGROUND)
    bars.show_output(OUTPUT, "sigmoid")  # drawing again brings the bars back
    assert bar_colour(bars, 8) != QColor(theme.PLOT_BACKGROUND)


def test_untrained_network_says_so_in_grey(bars):
    """An untrained network's bars are grey, its top output not highlighted, and the caption says why."""
    bars.show_output(OUTPUT, "sigmoid", untrained=True)
    assert "untrained" in bars.caption and not bars.confident
    assert bar_colour(bars, 5) == QColor(theme.COST_EARLIER)
    assert bars.guess == 5  # the data is still there (the window's text may name it)


def test_draw_panel_gives_a_blank_canvas_no_answer_and_says_untrained(qtbot):
    """The Draw panel: with nothing drawn the bars show no answer ("Draw a digit"); an untrained network's answer
    is called a guess; a trained one names its activation (not a probability, for sigmoid outputs)."""
    from nnviz.gui.draw_panel import DrawPanel

    panel = DrawPanel()
    qtbot.addWidget(panel)
    panel.show_output(OUTPUT, "sigmoid")
    assert panel.answer.text() == "Draw a digit" and not panel.bars.confident
    panel.canvas.set_image(np.ones((28, 28)) * 0.5)
    panel.show_output(OUTPUT, "sigmoid", untrained=True)
    assert "Untrained" in panel.answer.text() and not panel.bars.confident
    panel.show_output(OUTPUT, "sigmoid")
    assert "activation" in panel.answer.text() and panel.bars.confident
