"""The ``nnviz`` command: opens the app, or trains, evaluates and fetches data from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import __version__

EXIT_USER_ERROR = 2


class UserError(Exception):
    """A mistake the user can fix; printed as one sentence, no traceback."""


def _layers(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(t) for t in text.replace(" ", "").split(",") if t)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--layers takes hidden layer sizes like 16,16, not {text!r}") from None
    if any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("hidden layer sizes must be positive")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    from .core.functions import ACTIVATIONS, COSTS, OUTPUTS
    from .core.network import INITS
    from .core.training import PRESETS

    p = argparse.ArgumentParser(prog="nnviz", description="Watch a neural network learn to read handwritten digits. "
                                "With no command, opens the app.")
    p.add_argument("--version", action="version", version=f"nnviz {__version__}")
    p.add_argument("--data", help="MNIST to use: an mnist.npz or a folder of IDX files (default: $NNVIZ_DATA, "
                   "then the cache)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    t = sub.add_parser("train", help="train a network on MNIST from the terminal")
    t.add_argument("--preset", default="video", choices=list(PRESETS),
                   help="starting settings (video: 784-16-16-10 sigmoid, quadratic, η=3, batch 10); "
                        "options given explicitly override it")
    t.add_argument("--layers", type=_layers, help="hidden layer sizes, e.g. 16,16 or 30")
    t.add_argument("--activation", choices=list(ACTIVATIONS), help="hidden layers' squishification")
    t.add_argument("--output", choices=list(OUTPUTS), help="output layer's squishification")
    t.add_argument("--cost", choices=list(COSTS))
    t.add_argument("--init", choices=list(INITS), help="normal = N(0,1); scaled = N(0,1/n_in) (He for relu)")
    t.add_argument("--lr", type=float, help="learning rate η")
    t.add_argument("--lr-decay", type=float, help="η multiplier per epoch (1 = constant)")
    t.add_argument("--batch-size", type=int)
    t.add_argument("--epochs", type=int)
    t.add_argument("--seed", type=int)
    t.add_argument("--random-labels", action="store_true", default=None, help="train on shuffled labels")
    t.add_argument("--data", dest="sub_data", help=argparse.SUPPRESS)
    t.add_argument("--out", type=Path, help="save the trained model here (.npz)")
    t.add_argument("--json", action="store_true", help="end with one JSON line of results")

    e = sub.add_parser("evaluate", help="test accuracy of a saved model on the MNIST test set")
    e.add_argument("model", type=Path)
    e.add_argument("--data", dest="sub_data", help=argparse.SUPPRESS)
    e.add_argument("--confusion", action="store_true",
                   help="also the confusion matrix (true digit x answer), per-digit accuracy and the most confused pairs")
    e.add_argument("--json", action="store_true")

    d = sub.add_parser("data", help="MNIST: where it is, download it, import a copy")
    dsub = d.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    di = dsub.add_parser("info", help="say which MNIST would be used, and check it")
    di.add_argument("--data", dest="sub_data", help=argparse.SUPPRESS)
    dsub.add_parser("download", help="download MNIST (11 MB) into the cache")
    dm = dsub.add_parser("import", help="validate an mnist.npz or IDX folder and copy it into the cache")
    dm.add_argument("path", type=Path)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``nnviz`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "sub_data", None):
        args.data = args.sub_data
    try:
        if args.command is None:
            return _open_app(args)
        if args.command == "train":
            return _train(args)
        if args.command == "evaluate":
            return _evaluate(args)
        return _data(args)
    except UserError as e:
        print(f"nnviz: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("\nnnviz: interrupted.", file=sys.stderr)
        return 130


def _user_errors(fn):
    """Turn the core's data/model/config errors into :class:`UserError`."""
    from .core.data import DataError
    from .core.model_io import ModelFileError
    from .core.training import TrainingDiverged

    def wrapped(*a, **kw):
        try:
            return fn(*a, **kw)
        except (DataError, ModelFileError, TrainingDiverged, ValueError) as e:
            raise UserError(str(e)) from None

    return wrapped


def _open_app(args) -> int:
    try:
        from .gui.app import main as gui_main
    except ImportError as e:
        raise UserError(f"the desktop app cannot start: {e}. Reinstall with `pip install .`; "
                        "meanwhile `nnviz train` works from the terminal.") from None
    return gui_main(data=args.data)


class _ProgressBar:
    """A one-line progress bar on a terminal (nothing when output is piped)."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.enabled = stream.isatty()

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        self.stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {100 * done / max(total, 1):3.0f}%")
        self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()


@_user_errors
def _train(args) -> int:
    from .core.data import load_mnist
    from .core.model_io import save_model
    from .core.training import Trainer, preset

    config = preset(args.preset, learning_rate=args.lr, lr_decay=args.lr_decay, batch_size=args.batch_size,
                    epochs=args.epochs, seed=args.seed, activation=args.activation, output=args.output,
                    cost=args.cost, init=args.init, random_labels=args.random_labels,
                    sizes=(784, *args.layers, 10) if args.layers else None)
    data = load_mnist(args.data)
    trainer = Trainer(config, data)
    log = sys.stderr if args.json else sys.stdout
    print(f"Training {'-'.join(map(str, config.sizes))} ({config.activation}, {config.output} output, {config.cost} "
          f"cost, η={config.learning_rate:g}, batch {config.batch_size}{', random labels' if config.random_labels else ''})"
          f" on {len(data.x_train):,} images for {config.epochs} epochs", file=log)
    bar = _ProgressBar()
    started = time.perf_counter()
    train_seconds = 0.0
    for epoch in range(1, config.epochs + 1):
        t0 = time.perf_counter()
        acc = trainer.run_epoch(lambda done, total: bar(f"epoch {epoch}/{config.epochs}", done, total))
        train_seconds += time.perf_counter() - t0
        bar.done()
        print(f"epoch {epoch:3d}: test accuracy {100 * acc:6.2f} %  cost {trainer.history.costs[trainer.history.steps - 1]:.4f}",
              file=log, flush=True)
    history = trainer.history
    result = {
        "test_accuracy": history.test_accuracy[-1][1] if history.test_accuracy else trainer.test_accuracy(),
        "best_test_accuracy": history.best_test_accuracy() if history.test_accuracy else trainer.test_accuracy(),
        "epochs": config.epochs,
        "samples_per_second": trainer.samples_seen / train_seconds if train_seconds else 0.0,
        "seconds": time.perf_counter() - started,
        "config": config.to_dict(),
    }
    if args.out:
        s, c = history.cost_view()
        save_model(trainer.network, args.out, config.to_dict(), c, s, history.test_accuracy)
        result["model"] = str(args.out)
        print(f"saved {args.out}", file=log)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"best test accuracy {100 * result['best_test_accuracy']:.2f} %, "
              f"{result['samples_per_second']:,.0f} samples/s")
    return 0


@_user_errors
def _evaluate(args) -> int:
    from .core.data import MNIST, load_mnist
    from .core.model_io import read_model

    model = read_model(args.model)
    net = model.network
    if net.sizes[0] != 784 or net.sizes[-1] != 10:
        raise UserError(f"{args.model} is a {'-'.join(map(str, net.sizes))} network; MNIST needs 784 inputs and 10 outputs.")
    data = load_mnist(args.data)
    if args.confusion:
        return _evaluate_confusion(args, net, data)
    acc = net.accuracy(MNIST.inputs(data.x_test), data.y_test)
    if args.json:
        print(json.dumps({"test_accuracy": acc, "sizes": list(net.sizes), "model": str(args.model)}))
    else:
        print(f"{args.model}: {'-'.join(map(str, net.sizes))}, test accuracy {100 * acc:.2f} % on {len(data.y_test):,} images")
    return 0


@_user_errors
def _data(args) -> int:
    from .core import data as mnist

    if args.data_command == "info":
        path = mnist.find_mnist(args.data)
        if path is None:
            print(f"MNIST not found. Expected at {mnist.cache_path()} (run `nnviz data download`), "
                  "or give --data PATH / set NNVIZ_DATA.")
            return 1
        d = mnist.load_mnist(path)
        print(f"MNIST at {path}: {len(d.x_train):,} training and {len(d.x_test):,} test images, valid.")
        return 0
    if args.data_command == "import":
        dest = mnist.import_mnist(args.path)
        print(f"imported {args.path} into {dest}")
        return 0
    bar = _ProgressBar()
    dest = mnist.download_mnist(progress=lambda done, total: bar("downloading MNIST", done, total))
    bar.done()
    print(f"downloaded and verified {dest}")
    return 0


def _evaluate_confusion(args, net, data) -> int:
    """``evaluate --confusion``: the accuracy, confusion matrix, per-digit accuracy and most confused pairs, all from
    one forward pass (so the accuracy is exactly the matrix's trace over the number of images)."""
    from .core.insight import LabelledImages, compute_insight, confusion_report

    insight = compute_insight(net, LabelledImages.of(data.x_test, data.y_test))
    if args.json:
        print(json.dumps({"test_accuracy": insight.accuracy, "sizes": list(net.sizes), "model": str(args.model),
                          **insight.summary()}))
        return 0
    print(f"{args.model}: {'-'.join(map(str, net.sizes))}, test accuracy {100 * insight.accuracy:.2f} % on "
          f"{insight.count:,} images; their average cost {insight.cost:.5f}\n")
    print(confusion_report(insight))
    return 0
