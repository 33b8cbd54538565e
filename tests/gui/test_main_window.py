"""The real main window driven with real key presses and clicks: training in its thread, controls, files."""

import os

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from nnviz.core.model_io import save_model
from nnviz.core.network import Network
from nnviz.core import protocol as p
from nnviz.gui import main_window as mw


def settled(window, qtbot, learning_rate=None):
    """The snapshot the training loop publishes after handling everything sent before: a learning-rate change
    (to the current value unless given) is answered by a snapshot that carries it. No sleeping: whatever the
    loop was going to do by then, it has done."""
    lr = window.latest.learning_rate * (1 + 1e-6) if learning_rate is None else learning_rate
    window.training.post(p.SetLearningRate(lr))
    qtbot.waitUntil(lambda: window.latest.learning_rate == pytest.approx(lr, rel=1e-9), timeout=5_000)
    return window.latest


def test_space_trains_and_pauses(window, qtbot):
    """Space starts training (the cost plot fills, the status bar counts, its "Press Space" hint goes), Space
    again pauses it."""
    window.statusBar().showMessage("MNIST loaded. Press Space to train.", 8000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.statusBar().currentMessage() == ""
    qtbot.waitUntil(lambda: window.latest.step > 500, timeout=10_000)
    assert window.controls.train_button.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.latest.running, timeout=2_000)  # the pause's own snapshot: the final state
    step = window.latest.step
    assert settled(window, qtbot, 0.5).step == step, "training went on after Pause"
    qtbot.waitUntil(lambda: window.cost_view.mini_batches_drawn == step, timeout=2_000)
    assert "mini-batches" in window.status_labels["batches"].text()


def test_step_runs_exactly_one_mini_batch(window, qtbot):
    """→ and S each take exactly one step of gradient descent while paused."""
    for key, expected in ((Qt.Key.Key_Right, 1), (Qt.Key.Key_S, 2)):
        qtbot.keyClick(window, key)
        qtbot.waitUntil(lambda: window.latest.step == expected, timeout=5_000)
    last = settled(window, qtbot)
    assert last.step == 2 and last.samples_seen == 20


def test_reset_button_starts_over_with_fresh_weights(window, qtbot):
    """After training, clicking Reset gives step 0 and the seed's initial weights; the old curve stays dimmed."""
    initial = Network(seed=0).params
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.latest.step == 3 and window.cost_view.mini_batches_drawn == 3, timeout=5_000)
    assert not np.array_equal(window.latest.params, initial)
    qtbot.mouseClick(window.controls.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.latest.step == 0, timeout=10_000)
    np.testing.assert_array_equal(window.latest.params, initial)
    assert len(window.cost_view.earlier) == 1


def test_learning_rate_change_reaches_the_trainer_live(window, qtbot):
    """Typing a new η while training changes the worker's trainer without a reset."""
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.latest.step > 10, timeout=10_000)
    spin = window.controls.lr_spin
    spin.selectAll()
    qtbot.keyClicks(spin, "0.5")
    qtbot.keyClick(spin, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: window.latest.learning_rate == pytest.approx(0.5), timeout=5_000)  # read from the trainer
    assert window.controls.train_button.isChecked(), "a live change must not stop training"


def test_nan_cost_pauses_and_explains_in_the_window(window, qtbot, monkeypatch):
    """The overflow preset: training pauses by itself, a banner (not a dialog) names the learning rate, weights
    finite."""
    from nnviz.core.training import PRESETS

    dialogs = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: dialogs.append(a))
    window.apply_preset("overflow")
    qtbot.waitUntil(lambda: window.latest.config.learning_rate == PRESETS["overflow"].learning_rate, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10_000)
    assert "learning rate" in window.banner.text()
    qtbot.waitUntil(lambda: not window.controls.train_button.isChecked(), timeout=2_000)
    assert np.isfinite(window.latest.params).all() and not dialogs
    window.controls.lr_spin.setValue(0.01)  # lowering η clears it
    assert not window.banner.isVisible()


def test_closing_while_training_stops_the_thread(make_window, mnist_path, qtbot):
    """Closing mid-training ends the worker thread cleanly, within a second."""
    w = make_window(mnist_path)
    qtbot.waitUntil(lambda: w.has_data, timeout=20_000)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.latest is not None and w.latest.step > 100, timeout=10_000)
    thread = w.worker.thread
    w.close()
    assert thread.wait(1000) and thread.isFinished()


def test_save_and_open_model_round_trip(window, qtbot, tmp_path):
    """Save model writes the current weights; Open brings them back (and the architecture fields follow)."""
    qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.latest.step == 1, timeout=5_000)
    saved = window.latest.params.copy()
    assert window.files.save_to(tmp_path / "m.npz")
    other = Network((784, 30, 10), seed=9)
    save_model(other, tmp_path / "other.npz")
    assert window.files.open_path(tmp_path / "other.npz")
    qtbot.waitUntil(lambda: window.latest.sizes == (784, 30, 10), timeout=10_000)
    assert window.controls.layers_edit.text() == "30"
    assert window.files.open_path(tmp_path / "m.npz")
    qtbot.waitUntil(lambda: window.latest.sizes == (784, 16, 16, 10), timeout=10_000)
    np.testing.assert_array_equal(window.latest.params, saved)


def test_bad_model_file_is_explained_and_the_network_kept(window, qtbot, tmp_path, monkeypatch, mnist_path):
    """Opening the dataset as a model shows why it is refused; the current network is unchanged."""
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: messages.append(text))
    before = window.latest.params.copy()
    assert not window.files.open_path(mnist_path)
    assert messages and "not a valid nnviz model" in messages[0] and "unchanged" in messages[0]
    np.testing.assert_array_equal(settled(window, qtbot).params, before)


def test_first_run_without_data_offers_the_ways_to_get_it(make_window, qtbot):
    """No MNIST anywhere: the window opens, says so in place, and shows the example network at once, so a digit
    drawn on the canvas is read; the example button loads it again with one click."""
    from PySide6.QtCore import QPoint

    w = make_window(None)
    assert w.data_panel.isVisible() and "not here yet" in w.data_message.text()
    assert "example network" in w.data_message.text()
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    assert w.latest.sizes == (784, 16, 16, 10) and w.run.model_path == mw.EXAMPLE_MODEL
    canvas = w.draw_panel.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(150, 60))
    for y in range(70, 260, 10):
        qtbot.mouseMove(canvas, QPoint(150, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(150, 250))
    qtbot.waitUntil(lambda: bool(w.network_view.activations()) and w.network_view.activations()[0].max() > 0.9,
                    timeout=3_000)
    qtbot.waitUntil(lambda: w.draw_panel.bars.guess == 1, timeout=3_000)  # a vertical stroke reads as a 1
    qtbot.keyClick(w, Qt.Key.Key_Space)
    assert w.banner.isVisible() and "needs MNIST" in w.banner.text()
    qtbot.mouseClick(w.example_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    assert w.latest.sizes == (784, 16, 16, 10)
    assert w.run.model_path == mw.EXAMPLE_MODEL
    assert not w.backprop_panel.apply_button.isEnabled()  # no training network to step yet


def test_settings_persist_between_sessions(make_window, settings, mnist_path, qtbot):
    """Architecture fields, speed, the colour-blind palette, the graph's K and MNIST-style drawing chosen in one
    session come back in the next."""
    w = make_window(None, autoload=False)
    w.controls.layers_edit.setText("30")
    w.controls.speed_slider.setValue(2)
    w.colourblind_action.trigger()
    w.network_panel.set_input_edges(100)
    w.draw_panel.normalize_box.setChecked(False)
    w.close()
    again = make_window(None, autoload=False)
    assert again.controls.layers_edit.text() == "30" and again.controls.speed_slider.value() == 2
    assert again.colourblind_action.isChecked() and again.network_view.palette_name == "colour-blind safe"
    assert again.network_panel.input_edges() == 100 and again.network_view.input_edges_per_neuron == 100
    assert not again.draw_panel.normalize_box.isChecked() and not again.draw_panel.canvas.normalization


def test_slow_motion_shows_every_mini_batch(window, qtbot):
    """At 5 mini-batches/s the window sees the steps one at a time (each published: 1, 2, 3, …), where full speed
    jumps by dozens between frames. (The pacing itself is tested against a clock in test_training_loop.py.)"""
    steps = []
    window.training.snapshot_ready.connect(lambda snap: steps.append(snap.step))
    window.controls.speed_slider.setValue(2)  # 5 per second
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.latest.step >= 6, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not window.latest.running, timeout=5_000)
    seen = sorted(set(steps))
    assert seen[:5] == list(range(seen[0], seen[0] + 5)) and seen[0] <= 1


def test_export_csv_has_one_row_per_mini_batch(window, qtbot):
    """The history CSV lists every mini-batch's cost."""
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.latest.step == 3, timeout=5_000)
    rows = window.cost_view.history_csv(window.latest).strip().splitlines()
    assert rows[0].startswith("mini_batch,samples_seen") and len(rows) == 4
    assert float(rows[-1].split(",")[3]) == pytest.approx(window.latest.last_cost, rel=1e-5)


def _serve(body: bytes):
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def test_download_button_fetches_verifies_and_loads(make_window, mnist_path, qtbot):
    """First run → Download: a real HTTP download (local server) with its progress dialog, then MNIST is in use."""
    import hashlib

    body = mnist_path.read_bytes()
    httpd = _serve(body)
    try:
        w = make_window(None)
        w.data_panel.download_source = (f"http://127.0.0.1:{httpd.server_address[1]}/mnist.npz",
                             hashlib.sha256(body).hexdigest(), len(body))
        labels = []
        from nnviz.gui import data_panel

        original = data_panel.QProgressDialog.setLabelText
        data_panel.QProgressDialog.setLabelText = lambda self, text: (labels.append(text), original(self, text))[1]
        try:
            qtbot.mouseClick(w.download_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: w.has_data, timeout=20_000)
        finally:
            data_panel.QProgressDialog.setLabelText = original
        assert not w.data_panel.isVisible()
        total = f"of {len(body) / 1e6:.1f} MB"  # the dialog counts the megabytes as they arrive
        assert labels and all(total in text for text in labels)
        from nnviz.core.data import cache_path, load_npz

        assert load_npz(cache_path()).x_train.shape == (60000, 28, 28)  # the cache holds the downloaded MNIST
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_download_failure_says_what_happened(make_window, qtbot, monkeypatch):
    """A download that cannot connect explains itself in a message and leaves the first-run panel up."""
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: messages.append(text))
    w = make_window(None)
    w.data_panel.download_source = (f"http://127.0.0.1:{port}/mnist.npz", "0" * 64, 100)
    qtbot.mouseClick(w.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    assert "could not download" in messages[0]
    assert w.data_panel.isVisible() and not w.has_data


def test_opening_a_bad_dataset_is_refused_clearly(make_window, qtbot, monkeypatch, tmp_path, mnist_path):
    """Open dataset with a corrupt file: a message naming it; a good file then loads."""
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: messages.append(text))
    w = make_window(None)
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(mnist_path.read_bytes()[:1000])
    w.use_dataset(bad)
    qtbot.waitUntil(lambda: "mnist.npz" in w.data_message.text(), timeout=10_000)
    assert not w.has_data and w.data_panel.isVisible()
    w.use_dataset(mnist_path)
    qtbot.waitUntil(lambda: w.has_data, timeout=20_000)


def test_random_label_experiment_runs_both_side_by_side(window, qtbot):
    """One click trains the same network on true and on shuffled labels at once; both curves are drawn; the
    shuffled one learns slower and Reset ends it."""
    window.start_label_experiment()
    qtbot.waitUntil(lambda: window.cost_view.comparison_drawn > 3000 and window.latest.step > 3000, timeout=30_000)
    assert window.training.comparison is not None and window.cost_view.comparing
    window.toggle_training()  # pause both
    qtbot.waitUntil(lambda: not window.controls.train_button.isChecked(), timeout=2000)
    true_avg = window.cost_view.avg_curve.yData[-1]
    random_avg = window.cost_view.comparison_curve.yData[-1]
    assert random_avg > true_avg, "shuffled labels should still cost more"
    qtbot.mouseClick(window.controls.reset_button, Qt.MouseButton.LeftButton)
    assert window.training.comparison is None and not window.cost_view.comparing


def test_help_opens_with_f1_and_covers_every_panel(make_window, qtbot):
    """F1 opens "How it works" in a scrolling window of its own (it fits a 768-pixel screen) that names every
    panel and the keys; pressing F1 again brings back the same window."""
    w = make_window(None, autoload=False)
    qtbot.keyClick(w, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(w, "help_window", None) is not None and w.help_window.isVisible(), timeout=3000)
    help_window = w.help_window
    assert help_window.height() <= 600 and not help_window.isModal()
    text = help_window.text.toPlainText()
    for topic in ("cost plot", "Test accuracy", "network", "Draw", "Weight images", "Backpropagation", "Keys"):
        assert topic in text
    help_window.close()
    qtbot.keyClick(w, Qt.Key.Key_F1)
    qtbot.waitUntil(help_window.isVisible, timeout=3000)
    assert w.help_window is help_window
    help_window.close()


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="process priorities are a POSIX feature")
def test_training_yields_the_cpu_to_the_window(window):
    """The training process runs at a lower CPU priority than the window, so that with more training processes
    than cores (the random-labels experiment on 2 cores) input and frames still come first."""
    from nnviz.core.training_loop import TRAINING_NICENESS

    child = os.getpriority(os.PRIO_PROCESS, window.worker.process.pid)
    assert child >= min(os.getpriority(os.PRIO_PROCESS, 0) + TRAINING_NICENESS, 19)


def test_window_fits_a_small_screen(make_window):
    """Every dock open, the window can shrink to fit a 1024×768 screen (it needed 1,049 px before the Draw
    panel's buttons went into one column)."""
    w = make_window(None, autoload=False)
    hint = w.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 720


def test_data_arriving_after_the_stand_in_example_starts_from_fresh_weights(make_window, mnist_path, qtbot):
    """First run: the example network stands in while MNIST is missing; once the data is opened, training starts
    from random weights (the configured seed), not from the already-trained example."""
    from nnviz.core.model_io import load_model

    w = make_window(None)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    example = load_model(mw.EXAMPLE_MODEL).params
    np.testing.assert_array_equal(w.latest.params, example)
    w.use_dataset(mnist_path)
    fresh = w.controls.config().network().params
    qtbot.waitUntil(lambda: w.has_data and w.latest is not None and np.array_equal(w.latest.params, fresh),
                    timeout=20_000)
    assert w.run.model_path is None and not w.data_panel.isVisible()


def test_cancel_stops_a_download_from_a_stalled_server(make_window, qtbot):
    """Cancel in the download dialog ends the download at once even when the server has gone quiet (it would hold
    the read for 30 s): the dialog goes, the status bar says nothing was kept, and no partial file is left."""
    import http.server
    import threading

    release = threading.Event()

    class Stall(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "11490434")
            self.end_headers()
            self.wfile.write(b"\0" * 1000)
            self.wfile.flush()
            release.wait(30)  # then nothing more: a stalled server

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stall)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        w = make_window(None)
        w.data_panel.download_source = (f"http://127.0.0.1:{httpd.server_address[1]}/mnist.npz", "0" * 64, 11490434)
        qtbot.mouseClick(w.download_button, Qt.MouseButton.LeftButton)
        download = w.data_panel.running
        with qtbot.waitSignal(download.progress, timeout=10_000):
            pass  # connected, the first bytes are in
        with qtbot.waitSignal(download.cancelled, timeout=5_000):  # far less than the server's 30 s stall
            from PySide6.QtWidgets import QPushButton

            from nnviz.gui.data_panel import DownloadDialog

            cancel = [b for b in w.findChild(DownloadDialog).findChildren(QPushButton) if "Cancel" in b.text()][0]
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: w.data_panel.running is None, timeout=5_000)
        assert "cancelled" in w.statusBar().currentMessage()
        from nnviz.core.data import cache_path

        assert not cache_path().with_name(cache_path().name + ".part").exists()
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
def test_a_preset_asks_first_and_no_changes_nothing(window, qtbot):
    """Choosing a preset (↓ in the preset box) while a trained network exists asks first; No leaves the form, the
    preset box, the live learning rate and the network as they were (the form used to be filled before asking);
    Yes starts over with the preset."""
    questions = []
    window.ask = lambda title, question: questions.append(question) or False
    for _ in range(2):
        qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.latest.step == 2, timeout=5_000)
    c = window.controls
    before = c.config()
    c.preset_combo.setFocus()
    qtbot.keyClick(c.preset_combo, Qt.Key.Key_Down)  # "best"
    assert questions and "best" in questions[0]
    assert c.config() == before and c.preset_combo.currentText() == "video"
    qtbot.wait(300)
    assert window.latest.learning_rate == before.learning_rate and window.latest.step == 2
    window.ask = lambda title, question: True
    qtbot.keyClick(c.preset_combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.latest.step == 0 and window.latest.config.activation == "relu", timeout=10_000)
    assert c.preset_combo.currentText() == "best" and c.activation_combo.currentText() == "relu"


def test_diverge_preset_climbs_on_the_plot(window, qtbot):
    """Chosen in the preset box and trained with Space, the diverge preset's average cost on the plot climbs well
    above where it started and the run goes on (no NaN pause): a learning rate too large, seen."""
    c = window.controls
    c.preset_combo.setFocus()
    for _ in range(c.preset_combo.findText("diverge")):
        qtbot.keyClick(c.preset_combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.latest.config.activation == "tanh" and window.latest.step == 0, timeout=10_000)
    qtbot.keyClick(window.cost_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.cost_view.mini_batches_drawn > 300, timeout=10_000)
    qtbot.keyClick(window.cost_view, Qt.Key.Key_Space)
    costs = np.asarray(window.cost_view.avg_curve.yData)
    assert costs[-1] > 3 * costs[0] and not window.banner.isVisible()


def test_images_per_second_reads_a_dash_while_paused_and_stepping(window, qtbot):
    """The status bar's speed is a number while training runs and "—" after Pause and while stepping by hand
    (a step is no speed)."""
    label = window.status_labels["speed"]
    qtbot.keyClick(window.cost_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: label.text()[0].isdigit(), timeout=10_000)
    qtbot.keyClick(window.cost_view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: label.text() == "— images/s", timeout=3_000)
    step = window.latest.step
    for _ in range(3):
        qtbot.keyClick(window.cost_view, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.latest.step == step + 3, timeout=5_000)
    qtbot.wait(100)
    assert label.text() == "— images/s"
