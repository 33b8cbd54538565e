"""Hostile model files: refused before anything big is allocated, with a sentence naming the field; old files load."""

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nnviz.core.architecture import MAX_PARAMETERS
from nnviz.core.model_io import ModelFileError, read_model, save_model
from nnviz.core.network import Network

from .child_memory import run_measured
from .zips import members_of, npy_bytes, npy_header, stored, write_zip, zeros_bomb

ROOT = Path(__file__).resolve().parents[2]


def model_members(tmp_path, **changes) -> list[tuple]:
    """A valid default model's members (stored), with some replaced by arrays (``None`` removes one)."""
    good = save_model(Network(seed=3), tmp_path / "good.npz", {"learning_rate": 3.0}, costs=[1.0, 0.5],
                      cost_samples=[10, 20], test_accuracy=[(20, 0.5)])
    members = [m for m in members_of(good) if m[0][:-4] not in changes]
    members += [stored(f"{k}.npy", npy_bytes(v)) for k, v in changes.items() if v is not None]
    return members


def bad_model(tmp_path, **changes) -> Path:
    return write_zip(tmp_path / "bad.npz", model_members(tmp_path, **changes))


def message(path) -> str:
    with pytest.raises(ModelFileError) as e:
        read_model(path)
    return str(e.value)


def peak_mb_reading(path: Path) -> tuple[str, int]:
    """Read ``path`` in a fresh interpreter; return (outcome, its peak resident memory in MB)."""
    code = ("from nnviz.core.model_io import read_model, ModelFileError\n"
            f"try: m = read_model({str(path)!r}); print('loaded', m.network.sizes)\n"
            "except ModelFileError as e: print('refused', e)\n")
    r, lines, peak = run_measured(code, ROOT)
    assert r.returncode == 0, r.stderr[-2000:]
    return lines[0], peak


def test_example_model_still_loads():
    """The model shipped in resources/ (written before these checks) loads with its history."""
    m = read_model(ROOT / "resources" / "example-model.npz")
    assert m.network.sizes == (784, 16, 16, 10) and len(m.costs) == len(m.cost_samples) > 0


def test_huge_declared_network_is_refused_without_allocating(tmp_path):
    """A 1.3 KB file declaring [784, 10⁶, 10] is refused from its sizes alone: peak memory < 500 MB (it took 6 GB)."""
    path = bad_model(tmp_path, sizes=np.array([784, 10**6, 10]), params=np.zeros(10, np.float32))
    assert path.stat().st_size < 3000
    outcome, peak = peak_mb_reading(path)
    assert outcome.startswith("refused") and f"{MAX_PARAMETERS:,}" in outcome
    assert peak < 500, f"peak memory {peak} MB"


def test_params_header_must_match_the_sizes_and_the_member(tmp_path):
    """A params entry declaring 10⁹ numbers in a few bytes, or more numbers than the sizes need, is refused from
    its header, before its data is read."""
    path = write_zip(tmp_path / "bad.npz", [m for m in model_members(tmp_path) if m[0] != "params.npy"]
                     + [stored("params.npy", npy_header((10**9,), "<f4"))])
    assert "'params' entry declares (1000000000,) float32 (4 GB) but holds 0 bytes" in message(path)
    assert "13,002 parameters, the file holds 20,000" in message(bad_model(tmp_path, params=np.zeros(20000, "f4")))


@pytest.mark.parametrize("where", ["extra", "params", "costs"])
def test_two_gigabyte_zip_bomb(tmp_path, where):
    """A member that inflates to 2 GB: ignored when it is an extra member (the model loads), refused from its
    declared size as params or costs; peak memory stays under 500 MB either way."""
    total = 2**31
    stream, crc = zeros_bomb(npy_header((total // 4 - 32,), "<f4"), total)
    name = {"extra": "junk.npy", "params": "params.npy", "costs": "costs.npy"}[where]
    members = [m for m in model_members(tmp_path) if m[0] != name]
    members.append((name, stream, zipfile.ZIP_DEFLATED, crc, total, 0))
    path = write_zip(tmp_path / "bomb.npz", members)
    outcome, peak = peak_mb_reading(path)
    assert outcome.startswith("loaded" if where == "extra" else "refused"), outcome
    if where != "extra":
        assert where in outcome
    assert peak < 500, f"peak memory {peak} MB"


def test_float64_weights_beyond_float32_are_refused(tmp_path):
    """One float64 weight of 1e300 becomes inf in float32: refused (it was accepted, then read 9.8 %)."""
    params = Network(seed=1).params.astype(np.float64)
    params[5] = 1e300
    assert "infinite" in message(bad_model(tmp_path, params=params))


@pytest.mark.parametrize("version,pattern", [
    (np.array([1, 2]), "one whole number"),
    (np.str_("one"), "'version' entry should be a whole number, not text"),
])
def test_bad_version_entries(tmp_path, version, pattern):
    """A version that is an array or a word is named, not a TypeError."""
    assert pattern in message(bad_model(tmp_path, version=version))


@pytest.mark.parametrize("field,value,pattern", [
    ("activation", [], "activation must be a name"),
    ("batch_size", "ten", "batch_size must be a whole number, got 'ten'"),
    ("learning_rate", -1, "learning rate must be a positive number"),
    ("random_labels", "yes", "random_labels must be true or false"),
    ("epochs", 2.5, "epochs must be a whole number"),
])
def test_config_values_of_the_wrong_type_name_the_field(tmp_path, field, value, pattern):
    """Config values of the wrong type or range are a ModelFileError naming the field."""
    cfg = {**Network().config(), field: value}
    text = message(bad_model(tmp_path, config=np.str_(json.dumps(cfg))))
    assert "configuration is wrong" in text and pattern in text


@pytest.mark.parametrize("key", ["costs", "cost_samples", "test_accuracy"])
def test_text_where_numbers_belong(tmp_path, key):
    """String costs (or samples, accuracies) are named."""
    assert f"'{key}' entry should hold numbers" in message(bad_model(tmp_path, **{key: np.array(["a", "b"])}))


@pytest.mark.parametrize("key", ["params", "config", "costs"])
def test_member_that_is_not_npy(tmp_path, key):
    """A member with something else than a .npy in it names the entry."""
    members = [m for m in model_members(tmp_path) if m[0] != f"{key}.npy"]
    path = write_zip(tmp_path / "bad.npz", [*members, stored(f"{key}.npy", b"this is not an array")])
    assert f"'{key}' entry that is not a NumPy array" in message(path)


def test_non_mnist_network_is_refused(tmp_path):
    """A model of a network that cannot read MNIST (wrong inputs or outputs) says what MNIST needs."""
    net = Network((100, 5, 10))
    path = write_zip(tmp_path / "bad.npz", [m for m in model_members(tmp_path) if m[0][:-4] not in
                                            ("sizes", "params")]
                     + [stored("sizes.npy", npy_bytes(np.array(net.sizes))), stored("params.npy",
                                                                                    npy_bytes(net.params))])
    assert "needs 784 inputs" in message(path)


def test_config_sizes_disagreeing_with_the_network_are_corrected(tmp_path):
    """A config whose sizes differ from the sizes entry: the sizes entry wins, and the returned config says so."""
    cfg = {**Network().config(), "sizes": [784, 30, 10]}
    m = read_model(bad_model(tmp_path, config=np.str_(json.dumps(cfg))))
    assert m.network.sizes == (784, 16, 16, 10) and m.config["sizes"] == [784, 16, 16, 10]


def test_other_kinds_of_file(tmp_path):
    """A PNG or a CSV handed over as a model says what it is and what was expected."""
    for name, content, kind in [("a.png", b"\x89PNG\r\n\x1a\n" + bytes(50), "PNG image"),
                                ("b.csv", b"x,y\n1,2\n", "text file")]:
        (tmp_path / name).write_bytes(content)
        text = message(tmp_path / name)
        assert kind in text and "model file saved by nnviz" in text and "pickle" not in text


def test_only_the_needed_members_are_read(tmp_path):
    """An extra member that is damaged does not matter: it is never read."""
    garbage = ("extra.npy", b"\x00 not deflate at all", zipfile.ZIP_DEFLATED, 0, 1000, 0)  # would raise zlib.error
    members = [*model_members(tmp_path), garbage]
    m = read_model(write_zip(tmp_path / "extra.npz", members))
    assert m.network.sizes == (784, 16, 16, 10)


def test_the_peak_memory_measured_is_the_child_s_own():
    """The memory tests measure the loading interpreter alone: after this process held 300 MB, a child that
    allocates nothing reads far less (``ru_maxrss`` carried the parent's peak into the child), and one that
    allocates 200 MB reads at least that."""
    held = np.ones(300 * 2**20 // 8)  # touched: resident
    held[::512] += 1.0
    del held
    assert run_measured("", ROOT)[2] < 150
    assert run_measured("import numpy as np; a = np.ones(200 * 2**20 // 8)", ROOT)[2] >= 200
