"""Learning a person's own hand: does training with 5 of their digits per class read the rest of theirs better?

For each of several pen-digit writers, 5 of their drawn digits per class (drawn through the canvas, see
``python -m nnviz.gui.drawn_digits``) go into MINE.npz, and

    nnviz train --preset best --epochs 10 --seed 0 --extra MINE.npz --extra-weight 0.05

is run (in process, exactly as the command line runs it). The model then reads that writer's *other* digits.
The reference, measured in the same run, is the same training without ``--extra`` (one model for all writers:
it does not depend on the writer). The target (issue 17): ≥ 93 % on average, no writer below 88 %, every writer
≥ 3 points above the reference.

    python benchmarks/my_digits_adaptation.py [--writers 8] [--per-class 5] [--drawn D.npz] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from nnviz.cli import main as nnviz  # noqa: E402
from nnviz.core.data import MNIST  # noqa: E402
from nnviz.core.examples_file import load_examples, save_examples  # noqa: E402
from nnviz.core.model_io import load_model  # noqa: E402

SHARED = Path(os.environ.get("NNVIZ_TEST_DATA", ROOT.parent / "shared" / "data"))  # as the tests find it


def train(args: list[str], out: Path) -> None:
    """Run ``nnviz train … --out out`` in this process, quietly."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = nnviz(["train", *args, "--out", str(out), "--json"])
    if code:
        raise SystemExit(f"nnviz train failed: {err.getvalue().strip()}")


def accuracy(model: Path, images: np.ndarray, labels: np.ndarray) -> float:
    """How many of ``images`` the saved model reads as ``labels``."""
    return float((load_model(model).classify(MNIST.inputs(images)) == labels).mean())


def pick_mine(labels: np.ndarray, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``per_class`` random examples of each digit (fewer if a digit has fewer)."""
    return np.concatenate([rng.permutation(np.flatnonzero(labels == d))[:per_class] for d in range(10)])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--writers", type=int, default=8, help="how many writers (spread evenly over the 30)")
    p.add_argument("--per-class", type=int, default=5)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--preset", default="best")
    p.add_argument("--extra-weight", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0, help="training seed (the command's --seed)")
    p.add_argument("--pick-seed", type=int, default=0, help="which of a writer's digits go into MINE.npz")
    p.add_argument("--exact-extra", action="store_true", help="pass --exact-extra (repeat MINE.npz unchanged)")
    p.add_argument("--drawn", help="the drawn-digits set (default: built once into the nnviz cache)")
    p.add_argument("--data", default=str(SHARED / "mnist.npz"))
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    t0 = time.perf_counter()
    if args.drawn is None:
        from nnviz.gui.drawn_digits import cached

        args.drawn = str(cached(SHARED / "pendigits" / "pendigits-orig.tra"))
    drawn = load_examples(args.drawn)
    ids = np.unique(drawn.writers)
    writers = ids[np.linspace(0, len(ids) - 1, min(args.writers, len(ids))).round().astype(int)]
    common = ["--data", args.data, "--preset", args.preset, "--epochs", str(args.epochs), "--seed", str(args.seed)]
    rng = np.random.default_rng(args.pick_seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        train(common, tmp / "reference.npz")
        for w in writers:
            theirs = drawn.take(drawn.writers == w)
            mine = pick_mine(theirs.labels, args.per_class, rng)
            rest = np.setdiff1d(np.arange(len(theirs)), mine)
            save_examples(tmp / "MINE.npz", theirs.take(mine))
            train([*common, "--extra", str(tmp / "MINE.npz"), "--extra-weight", str(args.extra_weight),
                   *(["--exact-extra"] if args.exact_extra else [])], tmp / "adapted.npz")
            x, y = theirs.images[rest], theirs.labels[rest]
            row = {"writer": int(w), "mine": int(len(mine)), "tested": int(len(rest)),
                   "without": accuracy(tmp / "reference.npz", x, y), "with": accuracy(tmp / "adapted.npz", x, y)}
            row["gain"] = row["with"] - row["without"]
            rows.append(row)
            if not args.json:
                print(f"writer {w:2d}: {100 * row['without']:5.1f} % -> {100 * row['with']:5.1f} % with "
                      f"{row['mine']} of their digits ({100 * row['gain']:+.1f} points, {row['tested']} tested)",
                      flush=True)
    with_, without, gain = (np.array([r[k] for r in rows]) for k in ("with", "without", "gain"))
    result = {"writers": rows, "mean_with": float(with_.mean()), "mean_without": float(without.mean()),
              "min_with": float(with_.min()), "min_gain": float(gain.min()),
              "passed": bool(with_.mean() >= 0.93 and with_.min() >= 0.88 and gain.min() >= 0.03),
              "command": "nnviz train " + " ".join(common[2:]) + f" --extra MINE.npz --extra-weight "
                         f"{args.extra_weight:g}" + (" --exact-extra" if args.exact_extra else ""), "seconds": time.perf_counter() - t0}
    if args.json:
        print(json.dumps(result))
        return
    print(f"mean {100 * result['mean_with']:.1f} % with their digits (reference without: "
          f"{100 * result['mean_without']:.1f} %), lowest writer {100 * result['min_with']:.1f} %, smallest gain "
          f"{100 * result['min_gain']:+.1f} points -> target (>= 93 %, none < 88 %, each >= +3): "
          f"{'met' if result['passed'] else 'NOT met'}  [{result['seconds']:.0f} s]")


if __name__ == "__main__":
    main()
