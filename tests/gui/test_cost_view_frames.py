"""The cost plot's frames: the same snapshot is folded in once, and new quick estimates are added to those shown."""

from dataclasses import replace

import numpy as np

from nnviz.core.snapshot import Snapshot
from nnviz.core.training import TrainConfig
from nnviz.gui.cost_view import CostView


def snapshot(n: int, quick: int) -> Snapshot:
    """``n`` mini-batches of 10 images and ``quick`` quick estimates, one every 600 mini-batches."""
    return Snapshot(config=TrainConfig(), sizes=(784, 16, 16, 10), params=np.zeros(1, np.float32), step=n, epoch=0,
                    epoch_progress=n * 10 / 60000, samples_seen=n * 10, train_size=60000,
                    cost_samples=np.arange(1, n + 1) * 10, costs=np.linspace(1, 0.1, n).astype(np.float32),
                    test_accuracy=(), quick_accuracy=tuple((6000 * (i + 1), 0.1 + 0.01 * i) for i in range(quick)),
                    learning_rate=3.0)


def shown_quick(view):
    x, y = view.quick_curve.getData()
    return np.column_stack([x, y])


def test_quick_estimates_are_added_frame_after_frame_and_a_new_run_redraws_them(qtbot):
    """Snapshots bringing more quick estimates leave exactly all of them on the plot (the new ones added to those
    shown), on either time axis; a run whose estimates are not a continuation (another run) shows only its own."""
    view = CostView()
    qtbot.addWidget(view)
    for quick in (2, 5, 9):
        view.show_snapshot(snapshot(600 * quick + 10, quick))
        expected = np.column_stack([0.1 * np.arange(1, quick + 1), 100 * (0.1 + 0.01 * np.arange(quick))])
        np.testing.assert_allclose(shown_quick(view), expected)
    view.set_log_time(True)
    view.show_snapshot(snapshot(600 * 11 + 10, 11))
    np.testing.assert_allclose(shown_quick(view)[:, 0], np.log10(0.1 * np.arange(1, 12)))
    view.set_log_time(False)
    other = snapshot(600 * 3 + 10, 3)
    other = replace(other, quick_accuracy=tuple((s, a / 2) for s, a in other.quick_accuracy))
    view.show_snapshot(other)  # an earlier step: another run
    np.testing.assert_allclose(shown_quick(view)[:, 1], 50 * (0.1 + 0.01 * np.arange(3)))


def test_the_same_snapshot_is_folded_in_once(qtbot, monkeypatch):
    """A frame that shows the same live snapshot again (the cursor moved) reads none of its costs: only the
    marker moves."""
    view = CostView()
    qtbot.addWidget(view)
    snap = snapshot(2000, 3)
    view.show_snapshot(snap)
    read = []
    monkeypatch.setattr(view, "_new_costs", lambda *a: read.append(1))
    view.show_snapshot(snap, moment=0.1)
    assert read == [] and view.marker.isVisible() and view.marker.value() == 0.1
