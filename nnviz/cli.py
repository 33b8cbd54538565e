"""The ``nnviz`` command: opens the app, or trains, evaluates and fetches data from a terminal."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from . import __version__

EXIT_USER_ERROR = 2


class UserError(Exception):
    """A mistake the user can fix; printed as one sentence, no traceback."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake prints one sentence and one usage line (not the whole usage first)."""

    def error(self, message: str):
        """Print ``nnviz: <what is wrong>`` and a one-line usage, then exit with code 2."""
        # argparse prefixes "argument --seed: "; our own messages already start with the option's name
        head, _, rest = message.partition(": ")
        if head.startswith("argument ") and rest.startswith(head[len("argument "):].split("/")[0]):
            message = rest
        usage = " ".join(self.format_usage().split())
        if len(usage) > 100:
            usage = f"usage: {self.prog} [options]  (`{self.prog} --help` lists them)"
        self.exit(EXIT_USER_ERROR, f"nnviz: {message}\n{usage}\n")


def _whole(option: str, minimum: int, meaning: str = ""):
    """An argparse type: a whole number of at least ``minimum``, refused with a sentence naming ``option``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"{option} must be a whole number of at least {minimum}{meaning}, "
                                             f"not {text}")
        return value

    return parse


def _number(option: str, low: float, high: float | None, meaning: str):
    """An argparse type: a number in (``low``, ``high``], refused with a sentence naming ``option``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not (math.isfinite(value) and value > low and (high is None or value <= high)):
            raise argparse.ArgumentTypeError(f"{option} must be {meaning}, not {text}")
        return value

    return parse


def _layers(text: str) -> tuple[int, ...]:
    from .core.architecture import ArchitectureError, parse_hidden

    try:
        return parse_hidden(text)
    except ArchitectureError as e:
        raise argparse.ArgumentTypeError(f"--layers: {e}") from None


def _model_path(text: str) -> Path:
    if not text.lower().endswith(".npz"):
        raise argparse.ArgumentTypeError(f"--out takes a model file name ending in .npz (like model.npz), not {text}")
    return Path(text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    from .core.architecture import MAX_HIDDEN_LAYERS, MAX_HIDDEN_NEURONS
    from .core.functions import ACTIVATIONS, COSTS, OUTPUTS
    from .core.network import INITS
    from .core.training import PRESETS

    p = _Parser(prog="nnviz", description="Watch a neural network learn to read handwritten digits. "
                                "With no command, opens the app.")
    p.add_argument("--version", action="version", version=f"nnviz {__version__}")
    p.add_argument("--data", help="MNIST to use: an mnist.npz or a folder of IDX files (default: $NNVIZ_DATA, "
                   "then the cache)")
    p.add_argument("--training", choices=["process", "thread"], default="process",
                   help="where the app trains: in a process of its own (default; the window stays smooth) or in a "
                        "thread of the window's process")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    t = sub.add_parser("train", help="train a network on MNIST from the terminal")
    t.add_argument("--preset", default="video", choices=list(PRESETS),
                   help="starting settings (video: 784-16-16-10 sigmoid, quadratic, η=3, batch 10); "
                        "options given explicitly override it")
    t.add_argument("--layers", type=_layers, help="hidden layer sizes, e.g. 16,16 or 30 (at most "
                   f"{MAX_HIDDEN_LAYERS} layers, {MAX_HIDDEN_NEURONS} neurons in all)")
    t.add_argument("--activation", choices=list(ACTIVATIONS), help="hidden layers' squishification")
    t.add_argument("--output", choices=list(OUTPUTS), help="output layer's squishification")
    t.add_argument("--cost", choices=list(COSTS))
    t.add_argument("--init", choices=list(INITS), help="normal = N(0,1); scaled = N(0,1/n_in) (He for relu)")
    t.add_argument("--lr", type=_number("--lr", 0, None, "a positive number (the learning rate η)"),
                   help="learning rate η")
    t.add_argument("--lr-decay", type=_number("--lr-decay", 0, 1, "a number above 0 and at most 1 (η's factor per "
                                              "epoch)"), help="η multiplier per epoch (1 = constant)")
    t.add_argument("--batch-size", type=_whole("--batch-size", 1, " (images per mini-batch)"))
    t.add_argument("--epochs", type=_whole("--epochs", 1))
    t.add_argument("--seed", type=_whole("--seed", 0))
    t.add_argument("--random-labels", action="store_true", default=None, help="train on shuffled labels")
    t.add_argument("--extra", action="append", type=Path, metavar="FILE.npz",
                   help="also train on these examples (images uint8 (n,28,28), labels (n,)); repeatable")
    t.add_argument("--extra-weight", type=float, metavar="W",
                   help="share of each epoch drawn from the --extra sets, by repetition (default 0.05)")
    t.add_argument("--exact-extra", action="store_true", help="repeat the --extra examples unchanged (by default "
                   "each repetition is slightly turned, sized and moved)")
    t.add_argument("--data", dest="sub_data", help=argparse.SUPPRESS)
    t.add_argument("--out", type=_model_path, help="save the trained model here (.npz)")
    t.add_argument("--record", action="store_true", help="record checkpoints of the run into --out, to replay "
                   "it in the app")
    t.add_argument("--json", action="store_true", help="end with one JSON line of results")

    e = sub.add_parser("evaluate", help="test accuracy of a saved model on the MNIST test set")
    e.add_argument("model", type=Path)
    e.add_argument("--data", dest="sub_data", help=argparse.SUPPRESS)
    e.add_argument("--confusion", action="store_true",
                   help="also the confusion matrix (true digit x answer), per-digit accuracy and the most confused pairs")
    e.add_argument("--json", action="store_true")

    r = sub.add_parser("dream", help="the input a saved model's output neuron for a digit wants most (gradient ascent)")
    r.add_argument("model", type=Path)
    r.add_argument("--digit", type=int, required=True, choices=range(10), metavar="D", help="the digit, 0 … 9")
    r.add_argument("--out", type=Path, help="write the dream here as a 28×28 greyscale PNG")
    r.add_argument("--json", action="store_true", help='print one line {"digit", "pixels", "outputs"}')
    r.add_argument("--start", choices=("blank", "noise"), default="blank", help="the image the climb starts from")
    r.add_argument("--smoothness", type=float, default=0.0, help="pull each pixel toward its neighbours (0 = off)")
    r.add_argument("--seed", type=int, default=0, help="for the noise start")

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
        if args.command == "dream":
            return _dream(args)
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
    from .gui.platform_check import xcb_problem

    problem = xcb_problem()  # before Qt loads: a missing X11 library makes Qt abort the process
    if problem:
        raise UserError(problem)
    try:
        from .gui.app import main as gui_main
    except ImportError as e:
        raise UserError(f"the desktop app cannot start: {e}. Reinstall with `pip install .`; "
                        "meanwhile `nnviz train` works from the terminal.") from None
    return gui_main(data=args.data, training=args.training)


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
    from .core.architecture import describe, mnist_sizes
    from .core.data import load_mnist
    from .core.recording import Recording
    from .core.training import Trainer, TrainingDiverged, preset
    from .core.mixing import ExtraSets

    config = preset(args.preset, learning_rate=args.lr, lr_decay=args.lr_decay, batch_size=args.batch_size,
                    epochs=args.epochs, seed=args.seed, activation=args.activation, output=args.output,
                    cost=args.cost, init=args.init, random_labels=args.random_labels,
                    sizes=mnist_sizes(args.layers) if args.layers else None)
    if args.out:
        _check_can_save(args.out)  # before training: a run that cannot be saved is refused, not lost at the end
    if args.record and not args.out:
        raise UserError("--record keeps the run in the model file: give --out run.npz too.")
    data = load_mnist(args.data)
    if config.batch_size > len(data.x_train):
        raise UserError(f"--batch-size {config.batch_size:,} is larger than the {len(data.x_train):,} training "
                        "images; choose at most that many (10 is the classic choice).")
    extra = ExtraSets.from_files(args.extra, args.extra_weight, exact=args.exact_extra)
    trainer = Trainer(config, data, **extra.trainer_arguments())
    if args.record:
        trainer.record_into(Recording(trainer.network.params.size))
    log = sys.stderr if args.json else sys.stdout
    print(f"Training {describe(config.sizes)} ({config.activation}, {config.output} output, {config.cost} "
          f"cost, η={config.learning_rate:g}, batch {config.batch_size}{', random labels' if config.random_labels else ''})"
          f" on {len(data.x_train):,} images{extra.note(trainer.mixture)} for {config.epochs} epoch{'s' if config.epochs != 1 else ''}", file=log)
    bar = _ProgressBar()
    started = time.perf_counter()
    train_seconds = 0.0
    try:
        for epoch in range(1, config.epochs + 1):
            t0 = time.perf_counter()
            acc = trainer.run_epoch(lambda done, total: bar(f"epoch {epoch}/{config.epochs}", done, total))
            train_seconds += time.perf_counter() - t0
            bar.done()
            print(f"epoch {epoch:3d}: test accuracy {100 * acc:6.2f} %  "
                  f"cost {trainer.history.last_cost:.4f}", file=log, flush=True)
    except TrainingDiverged:
        bar.done()
        saved = f" The last good weights were saved to {_save(trainer, args.out, log, extra.record())}." if args.out else ""
        print(f"nnviz: training diverged: the cost became NaN or infinite at mini-batch {trainer.step_count + 1} "
              f"(epoch {trainer.epoch + 1}), so the learning rate {config.learning_rate:g} is too large for this "
              f"network.{saved} Run `nnviz train` again with a smaller --lr (try "
              f"--lr {config.learning_rate / 10:g}).", file=sys.stderr)
        return 1
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
        result["model"] = str(_save(trainer, args.out, log, extra.record()))
    if not args.json:
        print(f"best test accuracy {100 * result['best_test_accuracy']:.2f} %, "
              f"{result['samples_per_second']:,.0f} samples/s")
    if not args.out:
        print("Nothing was saved: add --out MODEL.npz to keep the trained network (then `nnviz evaluate "
              "MODEL.npz`, or open it in the app).", file=log)
    if args.json:
        print(json.dumps(result))
    return 0


def _check_can_save(out: Path) -> None:
    from .core.atomic import check_writable, write_problem

    try:
        check_writable(out)
    except OSError as e:
        raise UserError(f"cannot save to {out}: {write_problem(e)}; nothing was trained.") from None


def _save(trainer, out: Path, log, extra_config: dict | None = None) -> Path:
    """Save the trainer's network and history to ``out``; if that fails after all, beside the working folder or in
    the cache, and say where. Returns where it was saved."""
    from .core.data import cache_dir
    from .core.model_io import ModelFileError, save_model

    config = {**trainer.config.to_dict(), **(extra_config or {})}  # the extra sets' files and writers too
    save = lambda path: save_model(trainer.network, path, config,  # noqa: E731
                                   history=trainer.history, recording=trainer.recording)
    try:
        save(out)
        rec = trainer.recording
        print(f"saved {out}" + (f" with {len(rec):,} checkpoints" if rec is not None else ""), file=log)
        return out
    except ModelFileError as e:
        first = e
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for folder in (Path.cwd(), cache_dir()):
        fallback = folder / f"{out.stem}-{stamp}.npz"
        try:
            save(fallback)
        except ModelFileError:
            continue
        print(f"nnviz: {first} The trained model was saved to {fallback} instead.", file=sys.stderr)
        return fallback
    raise UserError(f"{first} Saving in the working folder and the cache failed too.")


@_user_errors
def _evaluate(args) -> int:
    from .core.architecture import describe
    from .core.data import MNIST, load_mnist
    from .core.model_io import read_model

    net = read_model(args.model).network  # a model file is always a network for MNIST (checked on reading)
    data = load_mnist(args.data)
    if args.confusion:
        return _evaluate_confusion(args, net, data)
    acc = net.accuracy(MNIST.inputs(data.x_test), data.y_test)
    if args.json:
        print(json.dumps({"test_accuracy": acc, "sizes": list(net.sizes), "model": str(args.model)}))
    else:
        print(f"{args.model}: {describe(net.sizes)}, test accuracy {100 * acc:.2f} % on {len(data.y_test):,} images")
    return 0


@_user_errors
def _dream(args) -> int:
    from .core.dreams import digit_dreams
    from .core.model_io import read_model
    from .core.png import write_png

    net = read_model(args.model).network
    if net.sizes[0] != 784 or net.sizes[-1] != 10:
        raise UserError(f"{args.model} is a {'-'.join(map(str, net.sizes))} network; a dream needs 784 inputs "
                        "and 10 outputs.")
    (dream,) = digit_dreams(net, start=args.start, smoothness=args.smoothness, seed=args.seed, digits=[args.digit])
    if args.out:
        try:
            write_png(args.out, dream.pixels.reshape(28, 28))
        except OSError as e:
            raise UserError(f"cannot write {args.out}: {e.strerror or e}.") from None
    if args.json:
        print(json.dumps({"digit": args.digit, "pixels": [round(float(p), 6) for p in dream.pixels],
                          "outputs": [float(a) for a in dream.outputs]}))
    else:
        print(f"dream of {args.digit}: the network answers {dream.outputs[args.digit]:.3f} for {args.digit}"
              f" (its guess: {int(dream.outputs.argmax())})" + (f"; saved {args.out}" if args.out else ""))
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
