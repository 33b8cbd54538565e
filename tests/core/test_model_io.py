"""Model files: round trip, and every kind of bad file refused with a clear message, never unpickled."""

import errno
import zipfile

import numpy as np
import pytest

from nnviz.core import model_io
from nnviz.core.model_io import ModelFileError, load_model, read_model, save_model
from nnviz.core.network import Network


def test_round_trip_keeps_weights_config_and_history(tmp_path):
    """What is saved loads back identical: architecture, every parameter, the config and the history."""
    net = Network((784, 30, 10), activation="relu", output="softmax", cost="cross-entropy", init="scaled", seed=5)
    path = save_model(net, tmp_path / "m.npz", {"learning_rate": 0.1}, costs=[2.0, 1.5], cost_samples=[10, 20],
                      test_accuracy=[(60000, 0.9)])
    m = read_model(path)
    assert m.network.sizes == (784, 30, 10) and m.network.config() == net.config()
    assert np.array_equal(m.network.params, net.params)
    assert m.config["learning_rate"] == 0.1 and m.costs.tolist() == [2.0, 1.5] and m.cost_samples.tolist() == [10, 20]
    assert m.test_accuracy.tolist() == [[60000, 0.9]]
    assert np.array_equal(load_model(path).params, net.params)


def test_truncated_and_garbage_files(tmp_path):
    """A cut-off or random file is refused, naming the file."""
    path = save_model(Network(), tmp_path / "m.npz")
    raw = path.read_bytes()
    for name, content in [("cut.npz", raw[: len(raw) // 2]), ("junk.npz", b"not a model at all"), ("empty.npz", b"")]:
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ModelFileError, match=name):
            load_model(tmp_path / name)


def test_foreign_npz_and_mnist_are_not_models(tmp_path):
    """A dataset or another program's npz is refused: it has no nnviz format tag."""
    np.savez(tmp_path / "data.npz", x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(ModelFileError, match="format tag"):
        load_model(tmp_path / "data.npz")
    np.save(tmp_path / "single.npy", np.zeros(3))
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "single.npy")


def _rewrite(path, **changes):
    with np.load(path) as f:
        arrays = {k: f[k] for k in f.files}
    arrays.update(changes)
    np.savez(path, **arrays)


def test_wrong_shapes_and_values(tmp_path):
    """Parameters that do not fit the sizes, bad sizes, NaN weights, bad config: each a clear refusal."""
    for changes, pattern in [
        ({"params": np.zeros(10, np.float32)}, "parameters"),
        ({"sizes": np.array([784, -3, 10])}, "positive"),
        ({"params": np.full(Network().params.size, np.nan, np.float32)}, "NaN"),
        ({"config": np.str_("[1, 2]")}, "JSON object"),
        ({"config": np.str_('{"activation": "swish"}')}, "swish"),
        ({"version": np.int64(99)}, "newer"),
    ]:
        path = save_model(Network(), tmp_path / "m.npz")
        _rewrite(path, **changes)
        with pytest.raises(ModelFileError, match=pattern):
            load_model(path)


def test_pickled_content_is_refused(tmp_path):
    """An object array inside the file is never unpickled."""
    path = save_model(Network(), tmp_path / "m.npz")
    _rewrite(path, params=np.array([object()], dtype=object))
    with pytest.raises(ModelFileError, match="m.npz"):
        load_model(path)


def test_full_disk_keeps_the_old_file(tmp_path, monkeypatch):
    """If writing fails (disk full), the previous model file is untouched and no temp file is left."""
    path = save_model(Network(seed=1), tmp_path / "m.npz")
    before = path.read_bytes()

    def full(*a, **kw):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(model_io.np, "savez", full)
    with pytest.raises(ModelFileError, match="disk is full"):
        save_model(Network(seed=2), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_saved_file_is_a_plain_npz(tmp_path):
    """The format is documented and inspectable: a zip of .npy arrays with the expected names."""
    path = save_model(Network(), tmp_path / "m.npz")
    names = set(zipfile.ZipFile(path).namelist())
    assert {"format.npy", "config.npy", "sizes.npy", "params.npy"} <= names
