"""The drawn-digits set: every UCI pen digit drawn the way the app's canvas draws a mouse stroke, made MNIST-style.

Each digit is placed on a 308-pixel canvas at a natural random size and place, its pen points rounded to whole
widget pixels as mouse events are, mapped into the canvas's 280×280 buffer, painted with the canvas's own
``paint_stroke`` segment by segment (as each mouse move paints one), and normalised like the canvas's network
input. No widget and no events are needed; a test checks that the result equals a ``DrawingCanvas`` fed the same
strokes by real mouse events.

    python -m nnviz.gui.drawn_digits OUT.npz [--pendigits pendigits-orig.tra] [--copies K] [--seed S]

Writes ``images`` uint8 ``(n, 28, 28)`` (= network_input() × 255), ``labels`` and ``writers`` uint8 ``(n,)``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

from ..core.drawing import SIZE, normalize
from ..core.examples_file import Examples, save_examples
from ..core.pendigits import PenDigit, mouse_paths, read_pendigits

CANVAS_SIDE = 308  # the canvas's size hint: the size it has in the window and in the tests
# beside the repository, as the tests look for it ($NNVIZ_TEST_DATA overrides the data folder)
DEFAULT_PENDIGITS = Path(os.environ.get("NNVIZ_TEST_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")) \
    / "pendigits" / "pendigits-orig.tra"


class StrokePainter:
    """Paints mouse paths into a canvas-sized buffer exactly as ``DrawingCanvas`` does, and reads its input."""

    def __init__(self, side: float = CANVAS_SIDE):
        from PySide6.QtGui import QImage

        from .canvas import RES

        self.side = side
        self.buffer = QImage(RES, RES, QImage.Format.Format_Grayscale8)
        self._res = RES

    def network_input(self, paths: list[np.ndarray]) -> np.ndarray:
        """The canvas's ``network_input()`` for these mouse paths (widget pixels), ``(28, 28)`` float32."""
        from PySide6.QtCore import QPointF

        from . import canvas

        self.buffer.fill(0)
        for path in paths:
            # DrawingCanvas.to_buffer's arithmetic, on the same integer mouse positions
            points = [QPointF(float(x) * self._res / self.side, float(y) * self._res / self.side) for x, y in path]
            # mouse press paints a dot, then every move paints one segment: the same calls, the same rounding
            for i in range(len(points)):
                canvas.paint_stroke(self.buffer, False, canvas.PEN_WIDTH, points[: i + 1], i)
        return normalize(canvas.image_to_array(self.buffer))


def as_uint8(network_input: np.ndarray) -> np.ndarray:
    """A network input in [0, 1] as the stored uint8 image (ink 255), ``(28, 28)``."""
    return np.rint(np.asarray(network_input, np.float32).reshape(SIZE, SIZE) * 255).astype(np.uint8)


def build(digits: list[PenDigit], copies: int = 1, seed: int = 0, progress=None) -> Examples:
    """Draw every digit ``copies`` times (each at its own random size and place) → :class:`Examples`."""
    rng = np.random.default_rng(seed)
    painter = StrokePainter()
    n = len(digits) * copies
    images = np.empty((n, SIZE, SIZE), np.uint8)
    labels = np.empty(n, np.uint8)
    writers = np.empty(n, np.uint8)
    k = 0
    for i, digit in enumerate(digits):
        for _ in range(copies):
            paths = mouse_paths(digit, 0.0, 0.0, painter.side, rng)
            images[k] = as_uint8(painter.network_input(paths))
            labels[k], writers[k] = digit.label, max(digit.writer, 0)
            k += 1
        if progress and i % 500 == 0:
            progress(i, len(digits))
    return Examples(images, labels, writers, "drawn digits")


def cached(pendigits: str | os.PathLike = DEFAULT_PENDIGITS, copies: int = 1, seed: int = 0) -> Path:
    """The drawn-digits set in the nnviz cache, built on first use (about half a minute): its path.

    The set is derived data (1.2 MB compressed for one copy of each digit), so it is made where it is needed
    rather than shipped; the benchmarks and the example model's recipe use this.
    """
    from ..core.data import cache_dir

    path = cache_dir() / f"drawn-digits-{copies}x-seed{seed}.npz"
    if not path.is_file():
        from PySide6.QtGui import QGuiApplication

        _app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - QPainter needs one
        save_examples(path, build(read_pendigits(pendigits), copies, seed))
    return path


def main(argv: list[str] | None = None) -> int:
    """Build the drawn-digits set from the pen-digit file and save it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    p = argparse.ArgumentParser(prog="python -m nnviz.gui.drawn_digits", description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path, help="the .npz to write")
    p.add_argument("--pendigits", type=Path, default=DEFAULT_PENDIGITS, help="the UNIPEN file (pendigits-orig.tra)")
    p.add_argument("--copies", type=int, default=1, help="drawings per pen digit, each at its own size and place")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    if not args.pendigits.is_file():
        print(f"drawn_digits: {args.pendigits} does not exist; pass --pendigits PATH to pendigits-orig.tra.",
              file=sys.stderr)
        return 2
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 - QPainter needs one
    digits = read_pendigits(args.pendigits)
    examples = build(digits, args.copies, args.seed,
                     lambda done, total: print(f"\r{done:,} of {total:,} digits", end="", file=sys.stderr))
    save_examples(args.out, examples)
    print(f"\rwrote {len(examples):,} drawn digits by {len(np.unique(examples.writers))} writers to {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
