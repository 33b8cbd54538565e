"""Real handwriting on the real canvas: replay the UCI pen digits (30 writers) as mouse drags, classify them.

Each digit is drawn at a natural random size (45-80 % of the canvas height) and position with mouse press/move/
release events on a DrawingCanvas, and classified with a model (default: the shipped example network). Prints
accuracy overall and per digit, with MNIST normalisation (what the app feeds) and for the raw 10x-downsampled grid.

Then, for writers held out of the drawn-digits training set: the model itself when it never learned from some of
the file's writers (its file records the writers it did), else the model's recipe retrained without
``--held-out`` writers (the shipped model learned from all 30); beside it, the same settings trained on MNIST
alone. Both read the held-out writers' digits replayed as mouse drags: overall, per digit, commonest confusions.

    python benchmarks/pendigits_accuracy.py [--count N] [--model M.npz] [--pen-width W] [--held-out 25-30]
        [--drawn D.npz] [--no-held-out] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from drawn_digits_cv import summary  # noqa: E402

SHARED = Path(os.environ.get("NNVIZ_TEST_DATA", ROOT.parent / "shared" / "data"))  # as the tests find it


def replayed(digits, order, rng, pen_width=None):
    """Draw ``digits[i]`` for ``i`` in ``order`` on a real canvas by mouse events: (normalised, raw) inputs."""
    from nnviz.gui import canvas as canvas_module
    from nnviz.gui.app import make_app
    from tests.gui.handwriting import replay

    app = make_app()
    if pen_width is not None:
        canvas_module.PEN_WIDTH = pen_width
    canvas = canvas_module.DrawingCanvas()
    canvas.resize(308, 308)
    canvas.show()
    app.processEvents()
    norm, raw = np.empty((len(order), 784), np.float32), np.empty((len(order), 784), np.float32)
    for k, i in enumerate(order):
        canvas.clear()
        replay(canvas, digits[i], rng)
        norm[k], raw[k] = canvas.network_input(), canvas.grid().reshape(-1)
    return norm, raw


def evaluate(model_path, pendigits_path, count=None, pen_width=None, seed=0):
    """Replay ``count`` digits (all if None; stratified by a seeded shuffle); return accuracies."""
    from nnviz.core.model_io import load_model
    from nnviz.core.pendigits import read_pendigits

    net = load_model(model_path)
    digits = read_pendigits(pendigits_path)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(digits))
    if count is not None:
        order = order[:count]
    norm, raw = replayed(digits, order, rng, pen_width)
    labels = np.array([digits[i].label for i in order])
    norm_guess, raw_guess = net.classify(norm), net.classify(raw)
    per_digit = {str(k): float((norm_guess[labels == k] == k).mean()) for k in range(10)}
    return {"count": len(labels), "normalized": float((norm_guess == labels).mean()),
            "raw": float((raw_guess == labels).mean()), "per_digit": per_digit}


def learned_writers(config: dict) -> set[int]:
    """The pen-digit writers a model's extra training sets came from (its file records them)."""
    return {w for entry in config.get("extra", []) for w in entry.get("writers", [])}


def train_like(config: dict, data, extra, weight, variation):
    """A network trained with ``config``'s settings (as ``nnviz train`` does) on MNIST plus ``extra``."""
    from nnviz.core.training import TrainConfig, Trainer

    cfg = TrainConfig.from_dict(config)
    trainer = Trainer(cfg, data, extra=extra, extra_weight=weight, variation=variation)
    for _ in range(cfg.epochs):
        trainer.run_epoch()
    return trainer.network


def held_out_comparison(model_path, pendigits_path, held_out, drawn_path, seed=0, pen_width=None) -> dict:
    """The model (or its recipe retrained without ``held_out``) beside MNIST-only, on held-out writers."""
    from nnviz.core.data import load_mnist
    from nnviz.core.examples_file import load_examples
    from nnviz.core.model_io import read_model
    from nnviz.core.pendigits import read_pendigits
    from nnviz.core.variation import Variation

    model = read_model(model_path)
    digits = read_pendigits(pendigits_path)
    learned = learned_writers(model.config)
    unseen = sorted({d.writer for d in digits} - learned)
    retrained = bool(learned) and not unseen  # it learned from every writer here: hold some out, train again
    held = sorted(held_out) if retrained or not learned else unseen
    data = load_mnist(SHARED / "mnist.npz" if (SHARED / "mnist.npz").is_file() else None)
    weight = model.config.get("extra_weight", 0.05)
    variation = Variation(**model.config["extra_variation"]) if model.config.get("extra_variation") else None
    network = model.network
    if retrained:
        drawn = load_examples(drawn_path)
        network = train_like(model.config, data, [drawn.take(~np.isin(drawn.writers, held))], weight, variation)
    mnist_only = train_like(model.config, data, [], weight, variation)
    order = [i for i, d in enumerate(digits) if d.writer in held]
    norm, _ = replayed(digits, order, np.random.default_rng(seed), pen_width)
    labels = np.array([digits[i].label for i in order])
    return {"writers": held, "retrained": retrained,
            "model": summary(network.classify(norm), labels), "mnist_only": summary(mnist_only.classify(norm), labels),
            "mnist_test_accuracy": {"model": network.accuracy(_inputs(data.x_test), data.y_test),
                                    "mnist_only": mnist_only.accuracy(_inputs(data.x_test), data.y_test)}}


def _inputs(images):
    from nnviz.core.data import MNIST

    return MNIST.inputs(images)


def writer_range(text: str) -> list[int]:
    """``"25-30"`` or ``"1,7,13"`` → writer ids."""
    ids: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        ids += list(range(int(lo), int(hi or lo) + 1))
    return ids


def print_comparison(h: dict) -> None:
    how = "its recipe retrained without them" if h["retrained"] else "the model itself (it never saw them)"
    print(f"\nheld-out writers {h['writers'][0]}-{h['writers'][-1]} ({h['model']['count']} digits as mouse drags), "
          f"{how}, beside the same settings on MNIST only:")
    for key, name in (("model", "with drawn digits"), ("mnist_only", "MNIST only")):
        r = h[key]
        print(f"  {name:>17}: {100 * r['accuracy']:5.1f} %  (MNIST test {100 * h['mnist_test_accuracy'][key]:.2f} %)"
              f"  per digit: " + " ".join(f"{k}:{100 * v:.0f}" for k, v in r["per_digit"].items())
              + "  confusions: " + ", ".join(f"{k} ×{v}" for k, v in r["confusions"].items()))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, help="how many digits (default: all 7,494)")
    p.add_argument("--model", default=str(ROOT / "resources" / "example-model.npz"))
    p.add_argument("--pendigits", default=str(SHARED / "pendigits" / "pendigits-orig.tra"))
    p.add_argument("--pen-width", type=float, help="stroke width in drawing-buffer pixels (280 across)")
    p.add_argument("--held-out", type=writer_range, default=writer_range("25-30"),
                   help="writers to hold out when the model's recipe is retrained (default 25-30)")
    p.add_argument("--drawn", help="drawn-digits set for retraining (default: built once into the nnviz cache)")
    p.add_argument("--no-held-out", action="store_true", help="skip the held-out comparison (it trains twice)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    t0 = time.perf_counter()
    r = evaluate(args.model, args.pendigits, args.count, args.pen_width)
    r["seconds"] = time.perf_counter() - t0
    if not args.no_held_out:
        if args.drawn is None:
            from nnviz.gui.drawn_digits import cached

            args.drawn = str(cached(args.pendigits))
        r["held_out"] = held_out_comparison(args.model, args.pendigits, args.held_out, args.drawn,
                                            pen_width=args.pen_width)
        r["seconds"] = time.perf_counter() - t0
    if args.json:
        print(json.dumps(r))
        return
    print(f"{r['count']} pen digits replayed as mouse drags in {r['seconds']:.0f} s")
    print(f"accuracy with MNIST normalisation: {100 * r['normalized']:.1f} %   raw grid: {100 * r['raw']:.1f} %")
    print("per digit: " + "  ".join(f"{k}: {100 * v:.0f}%" for k, v in r["per_digit"].items()))
    if "held_out" in r:
        print_comparison(r["held_out"])


if __name__ == "__main__":
    main()
