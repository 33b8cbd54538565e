"""The nnviz command line: train/evaluate/data end to end on real MNIST, and user mistakes as one clear sentence."""

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from nnviz.cli import main
from nnviz.core.model_io import read_model


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_train_json_save_and_evaluate(mnist_path, tmp_path, capsys):
    """`nnviz train --json --out` trains, saves a valid model, and `evaluate` reproduces its accuracy."""
    model = tmp_path / "m.npz"
    code, out, err = run(capsys, "train", "--data", str(mnist_path), "--epochs", "1", "--json", "--out", str(model))
    assert code == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert {"test_accuracy", "best_test_accuracy", "epochs", "samples_per_second"} <= set(result)
    assert result["epochs"] == 1 and result["test_accuracy"] > 0.8 and result["samples_per_second"] > 0
    m = read_model(model)
    assert m.network.sizes == (784, 16, 16, 10) and len(m.costs) == 6000 and len(m.test_accuracy) == 1
    code, out, _ = run(capsys, "evaluate", str(model), "--data", str(mnist_path), "--json")
    assert code == 0 and json.loads(out)["test_accuracy"] == pytest.approx(result["test_accuracy"])


def test_explicit_options_override_the_preset(mnist_path, tmp_path, capsys):
    """`--preset video --layers 30` is Nielsen's 784-30-10 with the video settings."""
    model = tmp_path / "n.npz"
    code, out, err = run(capsys, "train", "--preset", "video", "--layers", "30", "--epochs", "1", "--lr", "2.5",
                         "--data", str(mnist_path), "--out", str(model), "--json")
    assert code == 0, err
    cfg = json.loads(out.strip().splitlines()[-1])["config"]
    assert cfg["sizes"] == [784, 30, 10] and cfg["learning_rate"] == 2.5 and cfg["activation"] == "sigmoid"
    assert read_model(model).network.sizes == (784, 30, 10)


@pytest.mark.parametrize("argv,pattern", [
    (["train", "--data", "/nonexistent/mnist.npz"], "does not exist"),
    (["evaluate", "/nonexistent/model.npz"], "does not exist"),
])
def test_user_mistakes_are_one_sentence_not_a_traceback(argv, pattern, capsys):
    """Missing files: exit code 2, one line on stderr, no traceback."""
    code, out, err = run(capsys, *argv)
    assert code == 2 and pattern in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv,pattern", [
    (["train", "--seed", "-1"], "--seed must be a whole number of at least 0, not -1"),
    (["train", "--layers", "16,,16"], "--layers: the hidden layers “16,,16” have an empty place between commas"),
    (["train", "--layers", ""], "--layers: the hidden layers are empty"),
    (["train", "--layers", "4096,4096,4096"], "12,288 hidden neurons is more than the 512 nnviz can show live"),
    (["train", "--epochs", "0"], "--epochs must be a whole number of at least 1, not 0"),
    (["train", "--batch-size", "ten"], "--batch-size must be a whole number"),
    (["train", "--lr", "-1"], "--lr must be a positive number (the learning rate η), not -1"),
    (["train", "--lr-decay", "2"], "--lr-decay must be a number above 0 and at most 1"),
    (["train", "--out", "model.txt"], "--out takes a model file name ending in .npz"),
    (["train", "--activation", "swish"], "invalid choice: 'swish'"),
    (["evaluate"], "the following arguments are required: model"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_senseless_options_get_one_sentence_and_the_usage_line(argv, pattern, capsys):
    """Options that make no sense are refused before anything runs: the sentence (naming the option) first, then
    one usage line — not the whole usage before it."""
    with pytest.raises(SystemExit) as e:
        main(argv)
    lines = capsys.readouterr().err.strip().splitlines()
    assert e.value.code == 2 and len(lines) == 2, lines
    assert lines[0].startswith("nnviz: ") and pattern in lines[0] and lines[1].startswith("usage: nnviz")


def test_batch_larger_than_the_training_set_is_refused(mnist_path, capsys):
    """A mini-batch of more images than MNIST has is refused with the count, before training."""
    code, _, err = run(capsys, "train", "--batch-size", "70000", "--data", str(mnist_path))
    assert code == 2 and "larger than the 60,000 training images" in err


def test_train_without_out_says_nothing_was_saved(mnist_path, capsys):
    """A run without --out ends by saying nothing was saved and how to save."""
    code, out, err = run(capsys, "train", "--epochs", "1", "--data", str(mnist_path))
    assert code == 0, err
    assert "Nothing was saved: add --out MODEL.npz" in out.strip().splitlines()[-1]


def test_diverged_run_says_how_to_continue_in_a_terminal(mnist_path, tmp_path, capsys):
    """The overflow preset blows up: the message gives the mini-batch and a smaller --lr to try (not 'reset'), and
    the last good weights are saved to --out."""
    model = tmp_path / "d.npz"
    code, out, err = run(capsys, "train", "--preset", "overflow", "--epochs", "1", "--data", str(mnist_path),
                         "--out", str(model))
    assert code == 1 and "diverged" in err and "--lr" in err and "reset" not in err.lower()
    assert "saved to" in err and read_model(model).network.sizes == (784, 16, 16, 10)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /sys, where even root cannot create files")
def test_unwritable_out_is_refused_before_training(mnist_path, capsys):
    """--out where the user cannot write is refused at once, not after every epoch has been trained."""
    code, out, err = run(capsys, "train", "--out", "/sys/nnviz-test.npz", "--data", str(mnist_path))
    if "permission denied" not in err:
        pytest.skip("/sys is writable here")
    assert code == 2 and "nothing was trained" in err and "Training" not in out


def test_failed_final_save_lands_in_the_working_folder(mnist_path, tmp_path, capsys, monkeypatch):
    """If the save fails at the end after all (here: stubbed), the model is saved in the working folder and the
    message says where."""
    from nnviz.core import model_io

    real_save = model_io.save_model
    wanted = tmp_path / "out" / "m.npz"

    def fail_there(network, path, *a, **kw):
        if path == wanted:
            raise model_io.ModelFileError(f"cannot write {path}: permission denied. Nothing was overwritten.")
        return real_save(network, path, *a, **kw)

    monkeypatch.setattr(model_io, "save_model", fail_there)
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "train", "--epochs", "1", "--data", str(mnist_path), "--out", str(wanted),
                         "--json")
    assert code == 0, err
    saved = Path(json.loads(out.strip().splitlines()[-1])["model"])
    assert saved.parent == tmp_path and saved.name.startswith("m-") and read_model(saved).network.sizes[0] == 784
    assert "permission denied" in err and str(saved) in err


def _bad_files(tmp_path, mnist_path) -> dict:
    """The issue's bad files: a corrupt deflate member, a FIFO, a 0-dimension IDX file, random bytes."""
    import gzip
    import os
    import shutil
    import zipfile

    files = {}
    good = tmp_path / "compressed.npz"
    shutil.copy(mnist_path, good)
    with zipfile.ZipFile(good) as z:
        info = z.infolist()[0]
    raw = bytearray(good.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    raw[start + 1000 : start + 1100] = os.urandom(100)
    files["corrupt deflate"] = tmp_path / "corrupt.npz"
    files["corrupt deflate"].write_bytes(bytes(raw))
    files["fifo"] = tmp_path / "fifo.npz"
    os.mkfifo(files["fifo"])
    idx = tmp_path / "idx"
    idx.mkdir()
    for stem in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        (idx / f"{stem}.gz").write_bytes(gzip.compress(bytes([0, 0, 8, 0])))
    files["0-dim IDX"] = idx
    files["random bytes"] = tmp_path / "random.npz"
    files["random bytes"].write_bytes(os.urandom(100_000))
    return files


def test_bad_files_through_the_cli_end_in_one_sentence(mnist_path, tmp_path):
    """Each bad file ends the process with one sentence naming it, exit code 2 and no traceback (a FIFO used to
    hang, the others to print tracebacks); run as real processes, each with a timeout as a guard against hangs."""
    for what, path in _bad_files(tmp_path, mnist_path).items():
        r = subprocess.run([sys.executable, "-m", "nnviz", "data", "info", "--data", str(path)],
                           capture_output=True, text=True, timeout=60)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1 and path.name in lines[0], (what, r.stderr)
        assert "Traceback" not in r.stderr, what


@pytest.mark.parametrize("content,kind", [(b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
                                          (b"label,pixel\n7,0\n", "text file")])
def test_evaluate_of_another_kind_of_file_says_what_it_expected(tmp_path, capsys, content, kind):
    """A PNG or CSV handed to `evaluate` is named as such, with what was expected, never numpy's pickle advice."""
    path = tmp_path / "digit.png"
    path.write_bytes(content)
    code, _, err = run(capsys, "evaluate", str(path))
    assert code == 2 and kind in err and ".npz" in err and "pickle" not in err


def test_missing_x11_library_is_named_before_qt_loads(capsys, monkeypatch):
    """`nnviz` on Linux without libxcb-cursor0: one sentence with the apt command instead of Qt's abort."""
    from nnviz.gui import platform_check

    monkeypatch.setattr(platform_check, "_loads", lambda name: "cursor" not in name)
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    code, _, err = run(capsys)
    assert code == 2 and "libxcb-cursor.so.0" in err and "libxcb-cursor0" in err


def test_evaluate_refuses_a_dataset_passed_as_a_model(mnist_path, capsys):
    """Handing the dataset to `evaluate` says it is not a model."""
    code, _, err = run(capsys, "evaluate", str(mnist_path))
    assert code == 2 and "not a valid nnviz model" in err


@pytest.mark.parametrize("which", ["example", "fresh"])
def test_evaluate_confusion_equals_an_independent_count(which, mnist_path, mnist, tmp_path, capsys):
    """`evaluate --confusion --json` on the example model and on a freshly trained one equals a confusion matrix
    computed independently from the model file's weights (float64 loop, np.add.at), cell for cell; its accuracy is
    the trace / 10,000; the older keys stay."""
    from tests.core.test_insight import ROOT_MODEL, plain_confusion, plain_outputs

    model = ROOT_MODEL
    if which == "fresh":
        model = tmp_path / "fresh.npz"
        code, _, err = run(capsys, "train", "--data", str(mnist_path), "--epochs", "1", "--seed", "11",
                           "--out", str(model), "--json")
        assert code == 0, err
    code, out, err = run(capsys, "evaluate", str(model), "--data", str(mnist_path), "--confusion", "--json")
    assert code == 0, err
    result = json.loads(out)
    expected = plain_confusion(plain_outputs(model, mnist.x_test), mnist.y_test)
    assert result["confusion"] == expected.tolist()
    assert result["accuracy"] == np.trace(expected) / 10_000 == result["test_accuracy"]
    assert result["per_digit_accuracy"] == pytest.approx((np.diag(expected) / expected.sum(axis=1)).tolist())
    assert result["sizes"] == [784, 16, 16, 10] and result["model"] == str(model)


def test_evaluate_confusion_prints_matrix_accuracy_and_pairs(mnist_path, capsys):
    """The terminal version shows the matrix rows, each digit's recall and precision, and the most confused pairs."""
    from tests.core.test_insight import ROOT_MODEL

    code, out, err = run(capsys, "evaluate", str(ROOT_MODEL), "--data", str(mnist_path), "--confusion")
    assert code == 0, err
    assert "Confusion matrix" in out and "read right (recall)" in out and "Most confused:" in out
    assert len([line for line in out.splitlines() if " read as " in line]) == 5
    code, out, _ = run(capsys, "evaluate", str(ROOT_MODEL), "--data", str(mnist_path))
    assert code == 0 and "Confusion" not in out  # only when asked


def test_data_info_import_and_missing(mnist_path, capsys):
    """`data info` says when MNIST is missing; `data import` fills the cache; then `info` finds it."""
    code, out, _ = run(capsys, "data", "info")
    assert code == 1 and "nnviz data download" in out
    code, out, _ = run(capsys, "data", "import", str(mnist_path))
    assert code == 0 and "imported" in out
    code, out, _ = run(capsys, "data", "info")
    assert code == 0 and "60,000 training" in out


def test_bad_layers_option_is_rejected_by_the_parser(capsys):
    """--layers must be a list of positive integers."""
    with pytest.raises(SystemExit) as e:
        main(["train", "--layers", "16,x"])
    assert e.value.code == 2 and "--layers" in capsys.readouterr().err


def test_python_dash_m_works():
    """`python -m nnviz --version` runs the same command line."""
    r = subprocess.run([sys.executable, "-m", "nnviz", "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("nnviz ")


def test_core_imports_no_qt():
    """Every module of nnviz.core (found by walking the package, so a new one is checked too) and the headless
    CLI import without loading Qt or pyqtgraph: the core stays pure NumPy."""
    code = ("import sys, importlib, pkgutil, nnviz.core, nnviz.cli; "
            "names = [m.name for m in pkgutil.iter_modules(nnviz.core.__path__, 'nnviz.core.')]; "
            "[importlib.import_module(n) for n in names]; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]; "
            "print(len(names), bad); sys.exit(1 if bad or len(names) < 12 else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_nnviz_with_no_command_opens_the_app(mnist_path, tmp_path):
    """The README's first command: `nnviz` (here `python -m nnviz`) opens the window, trains nothing by itself,
    and closes cleanly with its training process (offscreen; it closes itself after 3 s)."""
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NNVIZ_QUIT_AFTER_MS": "3000",
           "NNVIZ_CACHE_DIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "nnviz", "--data", str(mnist_path)], capture_output=True, text=True,
                       timeout=120, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Traceback" not in r.stderr and "Destroyed while thread" not in r.stderr


def test_startup_report_for_the_benchmark(tmp_path):
    """benchmarks/bench_startup.py times launches by NNVIZ_REPORT_SHOWN: the app prints when its window's first
    paint is done, then closes itself cleanly (no data needed)."""
    import os

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NNVIZ_REPORT_SHOWN": "1",
           "NNVIZ_CACHE_DIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    env.pop("NNVIZ_DATA", None)
    before = time.time()
    r = subprocess.run([sys.executable, "-m", "nnviz"], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    shown = [float(line.split()[1]) for line in r.stdout.splitlines() if line.startswith("nnviz-shown ")]
    assert len(shown) == 1 and before < shown[0] < time.time()


def test_train_record_saves_a_replayable_run(mnist_path, tmp_path, capsys):
    """`nnviz train --record --out` saves the run's checkpoints with the model: the starting weights first, every
    mini-batch of the start, the final weights last; --record without --out is one sentence."""
    run_file = tmp_path / "run.npz"
    code, out, err = run(capsys, "train", "--data", str(mnist_path), "--epochs", "1", "--record", "--out",
                         str(run_file))
    assert code == 0, err
    m = read_model(run_file)
    rec = m.recording
    assert rec is not None and rec.steps[:301].tolist() == list(range(301)) and rec.steps[-1] == 6000
    assert (rec.params(-1) == m.network.params).all() and "checkpoints" in out
    code, _, err = run(capsys, "train", "--data", str(mnist_path), "--epochs", "1", "--record")
    assert code == 2 and "--out" in err and "Traceback" not in err
