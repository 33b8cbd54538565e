"""`nnviz dream`: the issue's check — every digit's dream is read as that digit by the same network, run apart."""

import json

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.core.model_io import load_model
from tests.core.test_png import decode

EXAMPLE = "resources/example-model.npz"


def dream_json(capsys, model, digit, *extra):
    """Run `nnviz dream MODEL --digit D --json` and parse its one line."""
    assert main(["dream", str(model), "--digit", str(digit), "--json", *extra]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def check_every_digit(capsys, model):
    net = load_model(model)  # independent of the command: a fresh load
    for digit in range(10):
        out = dream_json(capsys, model, digit)
        assert out["digit"] == digit and len(out["pixels"]) == 784 and len(out["outputs"]) == 10
        pixels = np.array(out["pixels"])
        assert pixels.min() >= 0 and pixels.max() <= 1
        answer = net.predict(pixels)[0]
        assert answer.argmax() == digit and answer[digit] >= 0.9, (digit, answer.round(3))
        np.testing.assert_allclose(answer, out["outputs"], atol=1e-4)


def test_example_model_dreams_every_digit(capsys):
    """The shipped model reads each of its ten dreams as the digit, with an output activation of 0.9 or more."""
    check_every_digit(capsys, EXAMPLE)


def test_freshly_trained_model_dreams_every_digit(capsys, tmp_path, mnist_path):
    """The same for a model trained just now (`nnviz train --preset video --epochs 3`)."""
    model = tmp_path / "x.npz"
    assert main(["train", "--preset", "video", "--epochs", "3", "--data", str(mnist_path), "--out", str(model)]) == 0
    capsys.readouterr()
    check_every_digit(capsys, model)


def test_png_and_summary(capsys, tmp_path):
    """--out writes the dream as a 28×28 greyscale PNG, the same pixels as --json gives; the summary says so."""
    out = tmp_path / "3.png"
    assert main(["dream", EXAMPLE, "--digit", "3", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "dream of 3" in said and str(out) in said
    pixels = decode(out.read_bytes())
    assert pixels.shape == (28, 28)
    as_json = np.array(dream_json(capsys, EXAMPLE, 3)["pixels"]).reshape(28, 28)
    np.testing.assert_array_equal(pixels, np.round(as_json * 255))


@pytest.mark.parametrize("args, words", [
    (["dream", "missing.npz", "--digit", "1"], "missing.npz does not exist"),
    (["dream", EXAMPLE, "--digit", "1", "--smoothness", "-1"], "smoothness must be 0 (off) or more"),
])
def test_mistakes_get_one_sentence(capsys, args, words):
    """A missing model or a negative smoothness is one sentence saying so, exit code 2, no traceback."""
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2 and words in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
