"""Real handwriting on the real canvas: replay the UCI pen digits (30 writers) as mouse drags, classify them.

Each digit is drawn at a natural random size (45-80 % of the canvas height) and position with mouse press/move/
release events on a DrawingCanvas, and classified with a model (default: the shipped example network, made by
`nnviz train --preset video --epochs 30`). Prints accuracy overall and per digit, with MNIST normalisation (what the
app feeds) and for the raw 10x-downsampled grid.

    python benchmarks/pendigits_accuracy.py [--count N] [--model M.npz] [--pen-width W] [--json]
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


def evaluate(model_path, pendigits_path, count=None, pen_width=None, seed=0):
    """Replay ``count`` digits (all if None; stratified by a seeded shuffle); return accuracies."""
    from nnviz.core.model_io import load_model
    from nnviz.core.pendigits import read_pendigits
    from nnviz.gui import canvas as canvas_module
    from nnviz.gui.app import make_app
    from tests.gui.handwriting import replay

    app = make_app()
    if pen_width is not None:
        canvas_module.PEN_WIDTH = pen_width
    net = load_model(model_path)
    digits = read_pendigits(pendigits_path)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(digits))
    if count is not None:
        order = order[:count]
    canvas = canvas_module.DrawingCanvas()
    canvas.resize(308, 308)
    canvas.show()
    app.processEvents()
    labels, norm_guess, raw_guess = [], [], []
    for i in order:
        d = digits[i]
        canvas.clear()
        replay(canvas, d, rng)
        labels.append(d.label)
        norm_guess.append(int(net.classify(canvas.network_input()[None])[0]))
        raw_guess.append(int(net.classify(canvas.grid().reshape(1, -1))[0]))
    labels, norm_guess, raw_guess = map(np.asarray, (labels, norm_guess, raw_guess))
    per_digit = {str(k): float((norm_guess[labels == k] == k).mean()) for k in range(10)}
    return {"count": len(labels), "normalized": float((norm_guess == labels).mean()),
            "raw": float((raw_guess == labels).mean()), "per_digit": per_digit}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--count", type=int, help="how many digits (default: all 7,494)")
    p.add_argument("--model", default=str(ROOT / "resources" / "example-model.npz"))
    p.add_argument("--pendigits", default=str(ROOT.parent / "shared" / "data" / "pendigits" / "pendigits-orig.tra"))
    p.add_argument("--pen-width", type=float, help="stroke width in drawing-buffer pixels (280 across)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    t0 = time.perf_counter()
    r = evaluate(args.model, args.pendigits, args.count, args.pen_width)
    r["seconds"] = time.perf_counter() - t0
    if args.json:
        print(json.dumps(r))
        return
    print(f"{r['count']} pen digits replayed as mouse drags in {r['seconds']:.0f} s")
    print(f"accuracy with MNIST normalisation: {100 * r['normalized']:.1f} %   raw grid: {100 * r['raw']:.1f} %")
    print("per digit: " + "  ".join(f"{k}: {100 * v:.0f}%" for k, v in r["per_digit"].items()))


if __name__ == "__main__":
    main()
