"""Which training reads drawings by people it has never seen? Writer-disjoint cross-validation on the drawn digits.

The drawn-digits set (the 30 pen-digit writers drawn through the canvas, ``python -m nnviz.gui.drawn_digits``) is
split by writer into folds (default 5 of 6 writers). For each fold a network is trained the way
``nnviz train --extra DRAWN.npz --extra-weight W`` trains it, on MNIST plus the drawings of the *other* writers,
and tested on the held-out writers' drawings; so every writer is read once by a network that never saw them.
The reference printed beside it is the same training on MNIST alone (W = 0). Prints, per setting, the held-out
accuracy (pooled over all writers, and the worst fold), per digit, and the MNIST test accuracy.

    python benchmarks/drawn_digits_cv.py --drawn /tmp/drawn.npz [--test-drawn D1.npz] [--preset best]
        [--epochs 30] [--weights 0,0.1,0.2] [--layers 16,16] [--folds 5] [--seed 0] [--exact-extra] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nnviz.core.data import MNIST, load_mnist  # noqa: E402
from nnviz.core.examples_file import Examples, load_examples  # noqa: E402
from nnviz.core.training import Trainer, preset  # noqa: E402
from nnviz.core.variation import DEFAULT_VARIATION  # noqa: E402

SHARED = Path(os.environ.get("NNVIZ_TEST_DATA", ROOT.parent / "shared" / "data"))  # as the tests find it


def writer_folds(writers: np.ndarray, folds: int) -> list[np.ndarray]:
    """The writers split into ``folds`` groups of consecutive ids (5 folds of the 30: 1-6, 7-12, …)."""
    ids = np.unique(writers)
    return [part for part in np.array_split(ids, folds)]


def read_rate(network, examples: Examples) -> tuple[np.ndarray, np.ndarray]:
    """The network's guesses for ``examples`` and their true labels."""
    return network.classify(MNIST.inputs(examples.images)), examples.labels.astype(int)


def summary(guesses: np.ndarray, labels: np.ndarray, top: int = 5) -> dict:
    """Overall and per-digit accuracy, and the ``top`` most common confusions ``"9→3": count``."""
    per_digit = {str(k): float((guesses[labels == k] == k).mean()) for k in range(10) if (labels == k).any()}
    wrong = guesses != labels
    pairs, counts = np.unique(labels[wrong] * 10 + guesses[wrong], return_counts=True)
    order = np.argsort(-counts, kind="stable")[:top]
    return {"accuracy": float((guesses == labels).mean()), "per_digit": per_digit,
            "min_digit": min(per_digit.values()), "count": int(len(labels)),
            "confusions": {f"{pairs[i] // 10}→{pairs[i] % 10}": int(counts[i]) for i in order}}


def cross_validate(data: MNIST, drawn: Examples, test_drawn: Examples, config, weight: float, folds: int,
                   variation=DEFAULT_VARIATION) -> dict:
    """Train one network per fold (MNIST + the other writers' drawings at ``weight``), read the held-out ones."""
    guesses, labels, fold_acc, mnist_acc = [], [], [], []
    for held_out in writer_folds(test_drawn.writers, folds):
        train = drawn.take(~np.isin(drawn.writers, held_out))
        test = test_drawn.take(np.isin(test_drawn.writers, held_out))
        trainer = Trainer(config, data, extra=[train] if weight > 0 else [], extra_weight=weight, variation=variation)
        for _ in range(config.epochs):
            trainer.run_epoch()
        g, y = read_rate(trainer.network, test)
        guesses.append(g)
        labels.append(y)
        fold_acc.append(float((g == y).mean()))
        mnist_acc.append(trainer.history.test_accuracy[-1][1])
    result = summary(np.concatenate(guesses), np.concatenate(labels))
    result.update(worst_fold=min(fold_acc), folds=fold_acc, mnist_test_accuracy=float(np.mean(mnist_acc)))
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--drawn", required=True, help="the drawn-digits set to train on (python -m nnviz.gui.drawn_digits)")
    p.add_argument("--test-drawn", help="the drawn digits to test on (default: --drawn)")
    p.add_argument("--data", default=str(SHARED / "mnist.npz"))
    p.add_argument("--preset", default="best")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--layers", default="16,16")
    p.add_argument("--lr", type=float)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--weights", default="0,0.1,0.2", help="extra-weights to compare (0 = MNIST only, the reference)")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--exact-extra", action="store_true", help="repeat the drawn digits unchanged (as --exact-extra)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    data = load_mnist(args.data)
    drawn = load_examples(args.drawn)
    test_drawn = load_examples(args.test_drawn) if args.test_drawn else drawn
    sizes = (784, *(int(n) for n in args.layers.split(",") if n), 10)
    config = preset(args.preset, epochs=args.epochs, seed=args.seed, sizes=sizes, learning_rate=args.lr)
    results = {}
    for weight in (float(w) for w in args.weights.split(",")):
        t0 = time.perf_counter()
        r = cross_validate(data, drawn, test_drawn, config, weight, args.folds,
                           None if args.exact_extra else DEFAULT_VARIATION)
        r["seconds"] = time.perf_counter() - t0
        results[f"{weight:g}"] = r
        if not args.json:
            label = "MNIST only (reference)" if weight == 0 else f"W = {weight:g}"
            print(f"{label:>24}: held-out writers {100 * r['accuracy']:5.1f} % (worst fold "
                  f"{100 * r['worst_fold']:.1f} %, worst digit {100 * r['min_digit']:.0f} %), MNIST test "
                  f"{100 * r['mnist_test_accuracy']:.2f} %  [{r['seconds']:.0f} s]", flush=True)
            print(" " * 26 + "per digit: " + " ".join(f"{k}:{100 * v:.0f}" for k, v in r["per_digit"].items())
                  + "   confusions: " + ", ".join(f"{k} ×{v}" for k, v in r["confusions"].items()), flush=True)
    setting = {"preset": args.preset, "epochs": args.epochs, "sizes": list(sizes), "seed": args.seed,
               "folds": args.folds, "exact_extra": args.exact_extra, "drawn": args.drawn, "test_drawn": args.test_drawn or args.drawn}
    if args.json:
        print(json.dumps({"setting": setting, "results": results}))


if __name__ == "__main__":
    main()
