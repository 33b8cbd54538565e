"""The drawn-digits set: what its fast painter makes equals what the real canvas makes from real mouse events."""

import numpy as np
import pytest

from nnviz.core.drawing import center_of_mass
from nnviz.core.examples_file import load_examples
from nnviz.core.pendigits import mouse_paths, read_pendigits
from nnviz.gui.canvas import DrawingCanvas
from nnviz.gui.drawn_digits import StrokePainter, as_uint8, build, main

from .handwriting import replay


@pytest.fixture(scope="module")
def pen_digits(pen_digits_path):
    return read_pendigits(pen_digits_path)


def test_fast_path_equals_the_canvas_fed_by_mouse_events(shown, pen_digits):
    """For 60 digits of all writers and classes, the set's image is bit for bit the canvas's network input × 255
    after the same strokes arrive as mouse press/move/release events on a 308-pixel DrawingCanvas."""
    canvas = shown(DrawingCanvas(), 308, 308)
    painter = StrokePainter()
    for i in np.linspace(0, len(pen_digits) - 1, 60).astype(int):
        digit = pen_digits[i]
        canvas.clear()
        replay(canvas, digit, np.random.default_rng(i))
        fast = as_uint8(painter.network_input(mouse_paths(digit, 0.0, 0.0, 308, np.random.default_rng(i))))
        assert fast.any()
        np.testing.assert_array_equal(fast, as_uint8(canvas.network_input()), err_msg=f"pen digit {i}")


def test_build_writes_the_examples_format(tmp_path, pen_digits, pen_digits_path, monkeypatch, qapp):
    """The command writes images uint8 (n, 28, 28) MNIST-style (centred ink), labels and writers per digit."""
    import nnviz.gui.drawn_digits as module

    monkeypatch.setattr(module, "read_pendigits", lambda path: pen_digits[:40])
    out = tmp_path / "drawn.npz"
    assert main([str(out), "--pendigits", str(pen_digits_path), "--copies", "2"]) == 0
    ex = load_examples(out)
    assert ex.images.shape == (80, 28, 28) and ex.images.dtype == np.uint8
    assert list(ex.labels[::2]) == [d.label for d in pen_digits[:40]] and list(ex.labels[1::2]) == list(ex.labels[::2])
    assert set(ex.writers) == {d.writer for d in pen_digits[:40]}
    assert ex.images.max() == 255
    centres = np.array([center_of_mass(im.astype(float)) for im in ex.images])
    assert np.abs(centres - 14).max() < 2, "MNIST-style: centred by the centre of mass"
    assert not np.array_equal(ex.images[0], ex.images[1]), "two copies are drawn at different sizes and places"


def test_missing_pen_digit_file_is_one_sentence(tmp_path, capsys):
    """A wrong --pendigits path is reported in one sentence with exit code 2, and nothing is written."""
    assert main([str(tmp_path / "o.npz"), "--pendigits", str(tmp_path / "nope.tra")]) == 2
    assert "does not exist" in capsys.readouterr().err and not (tmp_path / "o.npz").exists()


def test_build_copies_share_one_seeded_stream(pen_digits, qapp):
    """The same seed builds the same set (the set is reproducible by its command)."""
    a, b = build(pen_digits[:5], seed=3), build(pen_digits[:5], seed=3)
    np.testing.assert_array_equal(a.images, b.images)
