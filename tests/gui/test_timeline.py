"""The timeline in the real window, driven by real keys and clicks: Home shows the starting weights and End the live
ones, the bar's slider, Live and Play, the cost plot's click, branching, a recorded run saved and opened again
without data, your drawing through the run, and the recording across a killed process and in thread mode."""

import os
import signal

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QStyle, QStyleOptionSlider

from nnviz.core.network import Network
from nnviz.core.run import LIVE
from nnviz.gui import file_actions


def settle(w, qtbot) -> None:
    """Wait until the frame scheduler has drawn everything that changed, and Qt has painted it."""
    qtbot.waitUntil(lambda: not w.frames.busy and not w.frames._pending, timeout=5_000)
    qtbot.wait(80)
    qtbot.waitUntil(lambda: not w.frames.busy and not w.frames._pending, timeout=5_000)


def weights_pixels(w):
    """The weight images as painted (a grab of their view)."""
    return w.weights_panel.view.grab().toImage()


def train_and_pause(w, qtbot, steps: int, seconds: float = 0) -> None:
    """Space, until the run has taken ``steps`` mini-batches (and ``seconds`` have passed), then Space again; wait
    for the final state."""
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.wait(int(seconds * 1000))
    qtbot.waitUntil(lambda: w.latest.step >= steps, timeout=30_000)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not w.controls.train_button.isChecked() and not w.latest.running, timeout=5_000)
    step = w.latest.step
    qtbot.wait(200)
    assert w.latest.step == step
    # the store is made in the background; the bar shows its checkpoints once it is there, by itself
    qtbot.waitUntil(lambda: w.timeline.bar.slider.maximum() == w.run.checkpoints > 0, timeout=10_000)
    settle(w, qtbot)


def test_home_shows_the_starting_weights_and_end_the_live_ones(window, qtbot):
    """The issue's check: after training a few seconds and pausing, Home paints the weight images exactly as right
    after Reset, End exactly as before Home, and the status bar says which moment is on screen."""
    w = window
    settle(w, qtbot)
    at_reset = weights_pixels(w)
    np.testing.assert_array_equal(w.latest.params, Network(seed=0).params)
    train_and_pause(w, qtbot, 1, seconds=3)
    live, step = weights_pixels(w), w.latest.step
    assert live != at_reset and not w.status.moment.isVisible()
    qtbot.keyClick(w, Qt.Key.Key_Home)
    settle(w, qtbot)
    assert weights_pixels(w) == at_reset
    np.testing.assert_array_equal(w.run.shown().params, Network(seed=0).params)
    assert w.status.moment.isVisible() and w.status.moment.text() == f"viewing mini-batch 0 of {step:,}"
    assert w.status_labels["batches"].text() == "0 mini-batches"
    assert w.timeline.bar.viewing == f"viewing mini-batch 0 of {step:,}"
    qtbot.keyClick(w, Qt.Key.Key_End)
    settle(w, qtbot)
    assert weights_pixels(w) == live
    assert not w.status.moment.isVisible() and w.timeline.bar.viewing == "live"
    assert w.status_labels["batches"].text() == f"{step:,} mini-batches"


def test_comma_period_and_alt_arrows_walk_the_checkpoints_and_step_stays_step(window, qtbot):
    """',' and '.' (and Alt+← / Alt+→) move through the checkpoints; → and S still take a step of training."""
    w = window
    for _ in range(5):
        qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.latest.step == 5 and w.run.checkpoints == 6, timeout=10_000)
    qtbot.keyClick(w, Qt.Key.Key_Comma)
    assert w.run.cursor == 4 and w.run.shown().step == 4
    qtbot.keyClick(w, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert w.run.cursor == 3
    qtbot.keyClick(w, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(w, Qt.Key.Key_Period)
    assert w.run.cursor == 5
    qtbot.keyClick(w, Qt.Key.Key_Right)  # Step: the live network moves on underneath, the cursor stays
    qtbot.waitUntil(lambda: w.latest.step == 6, timeout=5_000)
    assert w.run.cursor == 5 and w.run.viewing() == "viewing mini-batch 5 of 6"
    settle(w, qtbot)
    assert w.status.moment.text() == "viewing mini-batch 5 of 6"
    qtbot.keyClick(w, Qt.Key.Key_Period)
    qtbot.keyClick(w, Qt.Key.Key_Period)
    assert w.run.cursor is LIVE


def slider_point(slider, value: int) -> QPoint:
    """Where on ``slider`` the handle sits for ``value``."""
    opt = QStyleOptionSlider()
    slider.initStyleOption(opt)
    groove = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove,
                                           slider)
    handle = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle,
                                           slider)
    span = groove.width() - handle.width()
    x = groove.left() + handle.width() // 2 + QStyle.sliderPositionFromValue(slider.minimum(), slider.maximum(),
                                                                           value, span)
    return QPoint(x, handle.center().y())


def test_the_bar_drags_to_a_moment_plays_the_film_and_goes_live(window, qtbot):
    """Dragging the slider's handle to its left end shows the start; Play runs through the checkpoints by itself
    (training stays paused); Live follows the run again."""
    w = window
    train_and_pause(w, qtbot, 200)
    bar = w.timeline.bar
    start = slider_point(bar.slider, bar.slider.maximum())
    qtbot.mousePress(bar.slider, Qt.MouseButton.LeftButton, pos=start)
    for frac in (0.75, 0.5, 0.25, 0.0):
        qtbot.mouseMove(bar.slider, QPoint(int(start.x() * frac), start.y()))
    qtbot.mouseRelease(bar.slider, Qt.MouseButton.LeftButton, pos=QPoint(0, start.y()))
    assert w.run.cursor == 0
    np.testing.assert_array_equal(w.run.shown().params, w.run.recording.params(0))
    step = w.latest.step
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.run.cursor is not LIVE and w.run.cursor >= 10, timeout=5_000)
    assert bar.play_button.text() == "Pause"
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    at = w.run.cursor
    qtbot.wait(300)
    assert w.run.cursor == at and w.latest.step == step, "paused replay, paused training"
    settle(w, qtbot)
    assert bar.slider.value() == at and bar.live_button.isEnabled()
    qtbot.mouseClick(bar.live_button, Qt.MouseButton.LeftButton)
    assert w.run.cursor is LIVE
    settle(w, qtbot)
    assert bar.slider.value() == bar.slider.maximum() and not bar.live_button.isEnabled()


def test_a_click_on_the_cost_plot_moves_the_cursor_there_and_a_double_click_goes_live(window, qtbot):
    """A click in the cost plot shows the moment nearest to the clicked time, marked by a line on the plot; a
    double-click (follow the training again) goes live."""
    w = window
    train_and_pause(w, qtbot, 600)
    view = w.cost_view
    vb = view.getPlotItem().vb
    epochs = w.latest.samples_seen / w.latest.train_size / 2
    y = sum(vb.viewRange()[1]) / 2
    pos = view.mapFromScene(vb.mapViewToScene(QPointF(epochs, y)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert w.run.cursor is not LIVE
    shown = w.run.moment_epochs()
    steps_per_epoch = w.latest.train_size / w.latest.config.batch_size
    assert abs(shown - epochs) * steps_per_epoch < 0.02 * w.latest.step + 2  # the checkpoints are 1 % apart there
    settle(w, qtbot)
    assert view.marker.isVisible() and abs(view.marker.value() - shown) < 1e-9
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert w.run.cursor is LIVE
    settle(w, qtbot)
    assert not view.marker.isVisible()


def test_branch_from_here_continues_from_the_moment_with_new_settings(window, qtbot):
    """Branch from here (the bar's button) restarts training at the moment shown with the learning rate typed in
    the Training panel; the old future stays in the plot, dimmed, and leaves the timeline."""
    w = window
    train_and_pause(w, qtbot, 400)
    old_step = w.latest.step
    qtbot.keyClick(w, Qt.Key.Key_Home)
    for _ in range(100):
        qtbot.keyClick(w, Qt.Key.Key_Period)
    at = w.run.shown()
    assert 0 < at.step < old_step
    spin = w.controls.lr_spin
    spin.selectAll()
    qtbot.keyClicks(spin, "0.5")
    qtbot.keyClick(spin, Qt.Key.Key_Enter)
    w.cost_view.setFocus()
    settle(w, qtbot)
    qtbot.mouseClick(w.timeline.bar.branch_button, Qt.MouseButton.LeftButton)
    assert w.run.cursor is LIVE and len(w.cost_view.earlier) == 1
    qtbot.waitUntil(lambda: w.latest.step == at.step and w.latest.learning_rate == 0.5, timeout=10_000)
    np.testing.assert_array_equal(w.latest.params, at.params)
    assert int(w.run.recording.steps[-1]) == at.step
    for _ in range(3):
        qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.latest.step == at.step + 3, timeout=10_000)
    qtbot.waitUntil(lambda: int(w.run.recording.steps[-1]) == at.step + 3, timeout=5_000)
    steps = w.run.recording.steps
    assert (np.diff(steps) > 0).all() and int(steps.max()) <= w.latest.step < old_step


def test_a_recorded_run_saved_and_opened_without_data_replays(window, make_window, qtbot, tmp_path, monkeypatch):
    """Ctrl+S saves the run with its recording; a window without MNIST opens it (Ctrl+O), shows its starting
    weights at Home and replays it with Play, without training."""
    w = window
    train_and_pause(w, qtbot, 300)
    path = tmp_path / "run.npz"
    monkeypatch.setattr(file_actions, "ask_model_to_save", lambda window: path)
    monkeypatch.setattr(file_actions, "ask_model_to_open", lambda window: path)
    qtbot.keyClick(w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(path.is_file, timeout=10_000)
    recorded = w.run.recording
    count, step = len(recorded), w.latest.step
    first = recorded.params(0).copy()
    w.close()
    other = make_window(None)
    assert not other.has_data
    qtbot.keyClick(other, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: other.latest is not None and other.latest.step == step, timeout=10_000)
    assert other.run.checkpoints == count
    settle(other, qtbot)
    live = weights_pixels(other)
    qtbot.keyClick(other, Qt.Key.Key_Home)
    np.testing.assert_array_equal(other.run.shown().params, first)
    settle(other, qtbot)
    assert other.status.moment.text() == f"viewing mini-batch 0 of {step:,}" and weights_pixels(other) != live
    qtbot.keyClick(other, Qt.Key.Key_P)  # play
    qtbot.waitUntil(lambda: other.run.cursor is not LIVE and other.run.cursor > 5, timeout=5_000)
    qtbot.keyClick(other, Qt.Key.Key_End)
    settle(other, qtbot)
    assert weights_pixels(other) == live and other.latest.step == step


def test_your_drawing_through_the_run_equals_the_checkpoints_outputs_and_follows_the_pen(window, qtbot):
    """After a stroke on the canvas, the small plot's ten curves are the outputs each recorded network gives that
    drawing; another stroke changes them, still equal."""
    w = window
    train_and_pause(w, qtbot, 500)
    canvas, view = w.draw_panel.canvas, w.timeline.through_run

    def stroke(x0, y0, x1, y1):
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x0, y0))
        for t in np.linspace(0, 1, 12):
            qtbot.mouseMove(canvas, QPoint(int(x0 + t * (x1 - x0)), int(y0 + t * (y1 - y0))))
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x1, y1))

    def check():
        x = canvas.network_input()
        rec = w.run.recording
        indices, curves = view.curves[0].getData()[0].astype(int), [c.getData()[1] for c in view.curves]
        assert len(indices) > 100 and indices[0] == 0 and indices[-1] == len(rec) - 1
        for i in indices[:: max(1, len(indices) // 25)].tolist() + [int(indices[-1])]:
            expected = Network(params=rec.params(i)).predict(x[None])[0]
            got = [curve[list(indices).index(i)] for curve in curves]
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
        return [c.copy() for c in curves]

    assert canvas.is_blank() and len(view.outputs) == 0 and view.message.isVisible(), "no drawing, no curves"
    stroke(150, 60, 150, 250)
    settle(w, qtbot)
    first = check()
    stroke(90, 120, 220, 120)
    settle(w, qtbot)
    second = check()
    assert not np.allclose(first[1], second[1])


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_the_timeline_survives_a_killed_training_process(window, qtbot):
    """kill -9 of the training process: the recorded moments stay, and the new process's checkpoints follow on
    from them (Home still shows the starting weights)."""
    w = window
    for _ in range(3):
        qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.latest.step == 3 and w.run.checkpoints == 4, timeout=10_000)
    os.kill(w.worker.process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: "stopped unexpectedly" in w.banner.text(), timeout=5_000)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.latest.step > 400, timeout=15_000)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not w.latest.running, timeout=5_000)
    steps = w.run.recording.steps
    assert steps[:4].tolist() == [0, 1, 2, 3] and (np.diff(steps) > 0).all() and int(steps[-1]) > 300
    qtbot.keyClick(w, Qt.Key.Key_Home)
    np.testing.assert_array_equal(w.run.shown().params, Network(seed=0).params)


def test_thread_mode_records_the_run_too(make_window, mnist_path, qtbot):
    """--training thread: the same loop records, and its checkpoints reach the timeline."""
    w = make_window(mnist_path, training="thread")
    qtbot.waitUntil(lambda: w.has_data and w.latest is not None, timeout=20_000)
    for _ in range(4):
        qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.latest.step == 4 and w.run.checkpoints == 5, timeout=15_000)
    qtbot.keyClick(w, Qt.Key.Key_Comma)
    assert w.run.shown().step == 3
