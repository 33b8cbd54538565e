"""Dreams views draw the dreams' pixels exactly and say how strongly the network answers each."""

import numpy as np
import pytest

from nnviz.core.dreams import Dream, digit_dreams, neuron_dream
from nnviz.core.model_io import load_model
from nnviz.gui import theme
from nnviz.gui.dreams_view import GAP, SIDE, DreamsView, NeuronDreamView


@pytest.fixture(scope="module")
def example():
    return load_model("resources/example-model.npz")


def test_ten_dreams_side_by_side(shown, example):
    """Tile d of the mosaic is digit d's dream (ink white), and its label gives the network's answer to it."""
    view = shown(DreamsView(), 700, 160)
    dreams = digit_dreams(example, steps=30)
    view.show_dreams(dreams)
    for d, dream in enumerate(dreams):
        tile = view.mosaic[:, d * (SIDE + GAP) : d * (SIDE + GAP) + SIDE, 0]
        np.testing.assert_array_equal(tile, np.round(dream.pixels.reshape(28, 28) * 255))
        assert f"{d}: {dream.outputs[d]:.2f}" in view.labels[d].toPlainText()


def test_a_misread_dream_says_what_it_reads(shown):
    """A dream the network reads as another digit is labelled with that digit, in the other colour."""
    view = shown(DreamsView(), 700, 160)
    outputs = np.full(10, 0.1)
    outputs[7] = 0.8
    dreams = [Dream(3, d, np.zeros(784), outputs, 0.1) for d in range(10)]
    view.show_dreams(dreams)
    assert "reads 7" in view.labels[2].toPlainText() and "reads" not in view.labels[7].toPlainText()
    assert theme.DREAM_MISREAD.lower() in view.labels[2].textItem.toHtml().lower()
    assert theme.DREAM_ANSWERED.lower() in view.labels[7].textItem.toHtml().lower()


def test_neuron_dream_beside_its_weights(shown, example):
    """Left: the neuron's dream in grey; right: its incoming weights in the diverging colours, zero in the middle."""
    view = shown(NeuronDreamView(), 400, 250)
    dream = neuron_dream(example, 1, 5, steps=30)
    view.show_dream(dream, example)
    np.testing.assert_array_equal(view.mosaic[:, :SIDE, 0], np.round(dream.pixels.reshape(28, 28) * 255))
    w = example.weights[0][5]
    lut = theme.diverging_lut("standard")
    strongest = np.unravel_index(np.argmax(w), (28, 28))
    np.testing.assert_array_equal(view.mosaic[:, SIDE + GAP :][strongest], lut[-1, :3])
    assert "layer 1, neuron 5" in view.title.text
    view.set_palette("colour-blind safe")
    np.testing.assert_array_equal(view.mosaic[:, SIDE + GAP :][strongest], theme.diverging_lut("colour-blind safe")[-1, :3])
