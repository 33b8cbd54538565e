"""The drawing-through-the-run plot's mini-batch axis stays readable however many checkpoints it has."""

import numpy as np
from PySide6.QtGui import QFont, QFontMetrics

from nnviz.gui.through_run_view import DrawingThroughRunView


def test_the_mini_batch_labels_never_run_into_one_another(shown, qtbot):
    """Hundreds of checkpoints up to 685,000 mini-batches along a 178-pixel plot (the window at 1280×760): the
    labels ("2,449", "396k") read apart, each narrower than the space to the next (they used to overlap)."""
    view = shown(DrawingThroughRunView(), 178, 170)
    for steps in (np.arange(30), np.unique(np.concatenate([np.arange(0, 2500, 10),
                                                           np.geomspace(2500, 685_000, 120).astype(int)]))):
        view.show_outputs(steps, np.arange(len(steps)), np.full((len(steps), 10), 0.5, np.float32), None)
        qtbot.wait(50)
        axis = view.axis
        low, high = view.getPlotItem().vb.viewRange()[0]
        size = axis.width() if axis.orientation in ("top", "bottom") else axis.height()
        metrics = QFontMetrics(axis.style.get("tickFont") or QFont())
        for spacing, ticks in axis.tickValues(low, high, size):
            labels = [t for t in axis.tickStrings(ticks, 1.0, spacing) if t]
            assert labels, "some mini-batch is named"
            gap = spacing * size / (high - low)  # pixels between neighbouring ticks
            assert max(metrics.horizontalAdvance(t) for t in labels) < gap, (labels, gap)
