"""The nnviz command line: train/evaluate/data end to end on real MNIST, and user mistakes as one clear sentence."""

import json
import subprocess
import sys
import time

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
    (["train", "--lr", "-1", "--epochs", "1"], "learning rate"),
    (["train", "--data", "/nonexistent/mnist.npz"], "does not exist"),
    (["evaluate", "/nonexistent/model.npz"], "does not exist"),
])
def test_user_mistakes_are_one_sentence_not_a_traceback(argv, pattern, capsys, mnist_path):
    """Bad options, missing files: exit code 2, one line on stderr, no traceback."""
    if "--data" not in argv and argv[0] == "train":
        argv = [*argv, "--data", str(mnist_path)]
    code, out, err = run(capsys, *argv)
    assert code == 2 and pattern in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


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
    """nnviz.core (and the headless CLI) never load Qt or pyqtgraph: the core stays pure NumPy."""
    code = ("import sys, nnviz.core.network, nnviz.core.training, nnviz.core.data, nnviz.core.model_io, "
            "nnviz.core.snapshot, nnviz.core.functions, nnviz.cli; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]; "
            "print(bad); sys.exit(1 if bad else 0)")
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
