"""`nnviz train --extra FILE.npz --extra-weight W`: extra examples on the command line, and their mistakes."""

import json

import numpy as np

from nnviz.cli import main
from nnviz.core.examples_file import Examples, save_examples
from nnviz.core.model_io import read_model


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_train_with_extra_files_records_them(mnist_path, tmp_path, capsys):
    """Two --extra files at W = 0.1 add 6,666 examples an epoch (3,333 each); the model file says which files it learned from."""
    files = []
    for i, n in enumerate((20, 50)):
        ex = Examples(np.full((n, 28, 28), 40 * i, np.uint8), np.full(n, i, np.uint8),
                      np.arange(n, dtype=np.uint8) % 3 + 1 if i else None)
        files += ["--extra", str(save_examples(tmp_path / f"x{i}.npz", ex))]
    model = tmp_path / "m.npz"
    code, out, err = run(capsys, "train", "--data", str(mnist_path), "--epochs", "1", "--batch-size", "100",
                         *files, "--extra-weight", "0.1", "--json", "--out", str(model))
    assert code == 0, err
    assert "plus 6,666 extra examples an epoch" in err
    config = read_model(model).config
    assert config["extra"] == [{"file": "x0.npz", "examples": 20},
                               {"file": "x1.npz", "examples": 50, "writers": [1, 2, 3]}]
    assert config["extra_weight"] == 0.1 and config["extra_variation"]["rotate"] > 0
    assert json.loads(out.strip().splitlines()[-1])["test_accuracy"] > 0.5


def test_extra_mistakes_are_one_sentence(mnist_path, tmp_path, capsys):
    """A bad extra file, a weight of 1, or a weight without files: exit code 2 and one line naming the problem."""
    bad = tmp_path / "bad.npz"
    np.savez(bad, images=np.zeros((3, 28, 28), np.float32), labels=np.zeros(3, np.uint8))
    for argv, words in ((["--extra", str(bad)], "must be uint8"),
                        (["--extra", str(bad), "--extra-weight", "1"], "below 1"),
                        (["--extra-weight", "0.2"], "give --extra FILE.npz too")):
        code, out, err = run(capsys, "train", "--data", str(mnist_path), "--epochs", "1", *argv)
        assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err
