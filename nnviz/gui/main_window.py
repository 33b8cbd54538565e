"""The main window: builds the views, owns the training thread, wires signals, menus and shortcuts.

It wires; it does not compute. The worker trains; each view draws one thing from the newest snapshot, which a
~30 Hz timer hands out (older snapshots that arrived in between are simply dropped).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, Qt, QThread, QTimer, Slot
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..core import data as mnist_data
from ..core.model_io import ModelFileError, read_model, save_model
from ..core.snapshot import Snapshot
from ..core.training import PRESETS, TrainConfig
from . import theme
from .backprop_view import BackpropPanel
from .controls import ControlsPanel
from .cost_view import CostView
from .draw_panel import DrawPanel
from .network_view import DEFAULT_INPUT_EDGES, NetworkView
from .weights_view import WeightsPanel
from .widgets import button
from .worker import TrainingWorker

RESOURCES = next((p for p in (Path(__file__).resolve().parents[1] / "resources",
                              Path(__file__).resolve().parents[2] / "resources") if p.is_dir()),
                 Path(__file__).resolve().parents[2] / "resources")
EXAMPLE_MODEL = RESOURCES / "example-model.npz"
FRAME_MS = 33  # ~30 redraws a second at most
MAX_FRAME_MS = 250  # ...and never fewer than 4

HOW_IT_WORKS = """
<h3>What you are looking at</h3>
<p><b>The cost plot</b> is the network's report card. For every training image the network produces ten numbers,
one per digit; the cost adds up how far they are from the right answer (1 for the true digit, 0 for the others).
Each faint wiggle is one mini-batch; the bold line is its running average. Training means walking downhill on this
cost: <i>gradient descent</i>.</p>
<p><b>Train</b> repeats one simple step: take a mini-batch of images, run them forward through the layers (each
neuron takes a weighted sum of the previous layer's activations, adds its bias, and squishes the result),
compare the outputs with the labels, then let <i>backpropagation</i> work out, for every weight and bias, which
way and how much it should move to lower the cost. Every parameter is nudged a little in that direction, scaled
by the <b>learning rate</b>.</p>
<p><b>Step</b> does that exactly once, so you can watch a single nudge. <b>Speed</b> slows training down to a few
mini-batches a second.</p>
<p><b>Test accuracy</b> (green dots) is measured on 10,000 images the network never trains on: it tells you
whether the network learned digits, or merely memorised the training set. Try <b>Random labels</b>: the cost still
falls, slowly, while the test accuracy stays at chance.</p>
<p>A learning rate far too large makes the weights explode; nnviz pauses, keeps the last good weights, and says
so. Try the <b>diverge</b> preset.</p>
<p><b>The network</b> in the middle is the picture from the explanation, alive: the 28×28 input on the left,
then each layer of neurons, shaded by how active they are for the current input (black 0, white 1). Edges are the
weights: blue pulls the next neuron up, red pulls it down, brighter means stronger. Hover a neuron for its numbers,
click it to follow its connections.</p>
<p><b>Draw</b> a digit on the canvas and the network reads it as you draw; the bars are its ten outputs. The
canvas centres and scales your drawing the way MNIST's digits were prepared (untick <i>MNIST-style</i> to feed
it raw). <b>Noise</b> shows what it makes of random pixels: it still answers.</p>
<p><b>Weight images</b> show, for each neuron of the first hidden layer, its 784 incoming weights laid out as the
image they look at: the pattern it is looking for.</p>
<p><b>Backpropagation</b> (the tab beside Training) takes one example, or a mini-batch, and shows what the cost
asks of every output, how that wish is passed back to the earlier layers, and the step every weight would take.
<b>Apply one step</b> takes it; <b>Undo</b> takes it back.</p>
<p><b>Keys:</b> Space train / pause · → or S one step · Ctrl+R reset · Ctrl+O / Ctrl+S open / save a model ·
F1 this help.</p>
"""


class MainWindow(QMainWindow):
    """nnviz's window."""

    def __init__(self, data: str | None = None, settings: QSettings | None = None, autoload: bool = True):
        super().__init__()
        self.setWindowTitle("nnviz — watch a neural network learn")
        icon = RESOURCES / "nnviz.svg"
        if icon.is_file():
            self.setWindowIcon(QIcon(str(icon)))
        self.settings = settings or QSettings()
        self.latest: Snapshot | None = None
        self._dirty = False
        self.has_data = False
        self.data_source = None
        self.comparison: TrainingWorker | None = None
        self.comparison_thread: QThread | None = None
        self.model_path: Path | None = None
        self._example_until_data = False  # the example network is shown only because MNIST is missing
        self.redraw_times: list[float] = []  # seconds per frame, for the benchmark

        self.controls = ControlsPanel()
        self.cost_view = CostView()
        self.draw_panel = DrawPanel()
        self.network_view = NetworkView()
        self._frame_tasks: list = []
        self._frame_spent = 0.0
        self.weights_panel = WeightsPanel()
        self.backprop_panel = BackpropPanel()
        self.backprop_panel.set_can_step(False)  # until MNIST (and so a training network) is there
        self._graph_dirty = False
        self._network_of: tuple[Snapshot | None, object] = (None, None)  # the newest snapshot's network, built once
        self._build_central()
        self._build_docks()
        self._build_status_bar()
        self._build_actions()
        self._restore_settings()
        self.reference_action.setChecked(self.cost_view.reference.isVisible())
        self.log_action.setChecked(self._log_setting)

        self.worker, self.thread = self._new_worker(self.controls.config())
        self.worker.snapshot_ready.connect(self.on_snapshot, Qt.ConnectionType.QueuedConnection)
        self.worker.diverged.connect(self.on_diverged, Qt.ConnectionType.QueuedConnection)
        self.worker.failed.connect(self.on_worker_failed, Qt.ConnectionType.QueuedConnection)
        self.worker.data_ready.connect(self.on_data_ready, Qt.ConnectionType.QueuedConnection)
        self.worker.running_changed.connect(self.on_running_changed, Qt.ConnectionType.QueuedConnection)
        self._wire_controls()
        self.worker.set_speed(self.controls.speed())
        self.thread.start()

        self.frame_timer = QTimer(self)
        self.frame_timer.setInterval(FRAME_MS)
        self.frame_timer.timeout.connect(self.redraw)
        self.frame_timer.start()
        self._task_timer = QTimer(self)  # owned by the window: dies with it, never fires on a closed window
        self._task_timer.setSingleShot(True)
        self._task_timer.setInterval(0)
        self._task_timer.timeout.connect(self._next_frame_task)
        # Start with the focus on the plot, not in a text field, so Space/→/S act at once.
        self.cost_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.cost_view.setFocus()
        if autoload:
            self.find_data(data)

    # --- building ------------------------------------------------------------------------------------------
    def _build_central(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(f"background:{theme.WARNING_BACKGROUND};color:{theme.WARNING_TEXT};"
                                  "padding:8px;border-radius:4px;")
        self.banner.hide()
        layout.addWidget(self.banner)
        self.data_panel = self._build_data_panel()
        self.data_panel.hide()
        layout.addWidget(self.data_panel)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Input edges drawn per first-layer neuron:"))
        self.edges_spin = QSpinBox()
        self.edges_spin.setRange(1, 784)
        self.edges_spin.setValue(DEFAULT_INPUT_EDGES)
        self.edges_spin.setToolTip("Each first-layer neuron has 784 incoming weights, one per pixel. Show only "
                                   "the strongest K of each to see which pixels matter most (784 = all).")
        bar.addWidget(self.edges_spin)
        self.thinning_label = QLabel()
        self.thinning_label.setToolTip("Qt draws about 700 lines a millisecond: to keep the window responsive the "
                                       "graph draws at most a few thousand edges, each neuron's strongest. Set "
                                       "784 to see every input edge as one picture.")
        bar.addWidget(self.thinning_label)
        bar.addStretch(1)
        layout.addLayout(bar)
        layout.setSpacing(0)
        layout.addWidget(self.network_view.legend)
        layout.addWidget(self.network_view, 1)
        self.setCentralWidget(central)

    def _build_data_panel(self) -> QFrame:
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        v = QVBoxLayout(panel)
        self.data_message = QLabel()
        self.data_message.setWordWrap(True)
        self.data_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(self.data_message)
        row = QHBoxLayout()
        self.download_button = button("Download MNIST (11 MB)", "Fetch the 70,000 digits from the Keras mirror "
                                      "into your cache, checked against its SHA-256.")
        self.open_data_button = button("Open a file…", "An mnist.npz, or a folder holding the four MNIST IDX files.")
        self.example_button = button("Load the example trained network", "A small network already trained on "
                                     "MNIST (shipped with nnviz), so you can explore without the data.")
        for b in (self.download_button, self.open_data_button, self.example_button):
            row.addWidget(b)
        row.addStretch(1)
        v.addLayout(row)
        self.download_button.clicked.connect(self.download_mnist)
        self.open_data_button.clicked.connect(self.open_dataset)
        self.example_button.clicked.connect(self.load_example)
        return panel

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.draw_dock = self._dock("Draw", "dock-draw", self.draw_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.controls_dock = self._dock("Training", "dock-controls", self.controls, Qt.DockWidgetArea.RightDockWidgetArea)
        self.cost_dock = self._dock("Cost and accuracy", "dock-cost", self.cost_view, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.backprop_dock = self._dock("Backpropagation", "dock-backprop", self.backprop_panel,
                                        Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.controls_dock, self.backprop_dock)
        self.controls_dock.raise_()
        self.weights_dock = self._dock("Weight images", "dock-weights", self.weights_panel,
                                       Qt.DockWidgetArea.BottomDockWidgetArea)
        self.splitDockWidget(self.cost_dock, self.weights_dock, Qt.Orientation.Horizontal)
        self.resizeDocks([self.cost_dock], [250], Qt.Orientation.Vertical)
        self.resizeDocks([self.cost_dock, self.weights_dock], [700, 500], Qt.Orientation.Horizontal)

    def _build_status_bar(self) -> None:
        self.status_labels = {}
        for key, tip in [("epoch", "Passes through the 60,000 training images"),
                         ("samples", "Training images seen so far"),
                         ("batches", "Mini-batches: steps of gradient descent taken"),
                         ("speed", "Training speed"),
                         ("cost", "Cost of the latest mini-batch"),
                         ("accuracy", "Accuracy on the 10,000 test images at the last epoch's end")]:
            label = QLabel("–")
            label.setToolTip(tip)
            label.setMinimumWidth(90)
            self.statusBar().addPermanentWidget(label)
            self.status_labels[key] = label

    def _action(self, menu, text, slot, shortcut=None, tip=None, checkable=False) -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.setCheckable(checkable)
        (a.toggled if checkable else a.triggered).connect(slot)
        menu.addAction(a)
        self.addAction(a)  # shortcuts work wherever the focus is
        return a

    def _build_actions(self) -> None:
        mb = self.menuBar()
        m = mb.addMenu("&File")
        self._action(m, "&Open model…", self.open_model, QKeySequence.StandardKey.Open)
        self._action(m, "&Save model", self.save_model, QKeySequence.StandardKey.Save)
        self._action(m, "Save model &as…", self.save_model_as, QKeySequence.StandardKey.SaveAs)
        m.addSeparator()
        self._action(m, "Open &dataset…", self.open_dataset, tip="An mnist.npz or a folder of IDX files")
        self._action(m, "Download &MNIST…", self.download_mnist)
        self._action(m, "Load the &example network", self.load_example)
        m.addSeparator()
        self._action(m, "Export history as &CSV…", self.export_csv)
        self._action(m, "Export cost plot as &PNG…", self.export_png)
        m.addSeparator()
        self._action(m, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        t = mb.addMenu("&Training")
        self.train_action = self._action(t, "&Train / Pause", self.toggle_training, QKeySequence(Qt.Key.Key_Space))
        self._action(t, "&Step one mini-batch", self.step_once, [QKeySequence(Qt.Key.Key_Right), QKeySequence(Qt.Key.Key_S)])
        self._action(t, "&Reset", self.reset, QKeySequence("Ctrl+R"))
        self._action(t, "Experiment: true vs random &labels", self.start_label_experiment,
                     tip="Train the same network twice at once, once on shuffled labels, and compare the curves")
        presets = t.addMenu("&Presets")
        for name in PRESETS:
            self._action(presets, name, lambda _=False, n=name: self.apply_preset(n))

        v = mb.addMenu("&View")
        self.reference_action = self._action(v, "Reference accuracy line", self.cost_view.set_reference_visible,
                                             checkable=True)
        self.reference_action.setChecked(True)
        self.log_action = self._action(v, "Logarithmic cost axis", self.cost_view.set_log_cost, checkable=True,
                                       tip="Shows the slow late decline of the cost as clearly as the first plunge")
        self._action(v, "Clear earlier runs from the plot", self.cost_view.clear_earlier_runs)
        self.colourblind_action = self._action(
            v, "Colour-blind-safe colours", self.set_colourblind, checkable=True,
            tip="Blue/orange instead of blue/red for positive/negative weights")
        v.addSeparator()
        v.addAction(self.draw_dock.toggleViewAction())
        v.addAction(self.cost_dock.toggleViewAction())
        v.addAction(self.weights_dock.toggleViewAction())
        v.addAction(self.backprop_dock.toggleViewAction())
        v.addAction(self.controls_dock.toggleViewAction())

        h = mb.addMenu("&Help")
        self._action(h, "&How it works", self.show_how_it_works, QKeySequence.StandardKey.HelpContents)
        self._action(h, "&About nnviz", self.show_about)

    def _wire_controls(self) -> None:
        c = self.controls
        c.train_toggled.connect(self.set_training)
        c.step_requested.connect(self.step_once)
        c.reset_requested.connect(self.reset)
        c.learning_rate_changed.connect(self.on_learning_rate)
        # Through slots of this (GUI-thread) window: a direct connection to the worker would be queued to its
        # thread, whose busy loop never runs queued calls.
        c.batch_size_changed.connect(self.on_batch_size)
        c.speed_changed.connect(self.on_speed)
        c.preset_chosen.connect(self.apply_preset)
        self.draw_panel.input_changed.connect(self.classify_input)
        self.draw_panel.noise_batch_requested.connect(self.classify_noise_batch)
        self.draw_panel.input_changed.connect(self.mark_graph_dirty)
        self.edges_spin.valueChanged.connect(self.network_view.set_input_edges)
        # selecting a neuron in the graph selects its weight image, and the reverse
        self.network_view.neuron_selected.connect(self.weights_panel.view.select)
        self.weights_panel.view.unit_selected.connect(self.network_view.select)
        self.weights_panel.times_input.toggled.connect(self.mark_graph_dirty)
        self.backprop_panel.overlay_changed.connect(self.on_backprop_changed)
        self.backprop_panel.params_requested.connect(self.on_params_requested)
        self.backprop_panel.show_image.connect(self.draw_panel.show_labelled)
        self.backprop_panel.batch_requested.connect(self.on_batch_requested)
        self.worker.batch_ready.connect(self.backprop_panel.set_batch, Qt.ConnectionType.QueuedConnection)
        self.draw_panel.input_changed.connect(self.on_input_for_backprop)
        self.backprop_dock.visibilityChanged.connect(self.on_dock_visibility)
        self.weights_dock.visibilityChanged.connect(self.on_dock_visibility)

    # --- settings --------------------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 760)
        state = s.value("window/state")
        if state is not None:
            self.restoreState(state)
        raw = s.value("training/config")
        if raw:
            try:
                self.controls.set_config(TrainConfig.from_dict(json.loads(raw)))
            except (ValueError, TypeError):
                pass  # an old or hand-edited setting: keep the defaults
        speed = s.value("training/speed_index")
        if speed is not None:
            self.controls.speed_slider.setValue(int(speed))
        self.cost_view.set_reference_visible(s.value("view/reference", "true") in (True, "true"))
        self._log_setting = s.value("view/log_cost", "false") in (True, "true")
        # the accessibility and viewing choices a user should not have to make again at every start
        self.colourblind_action.setChecked(s.value("view/colourblind", "false") in (True, "true"))
        self.draw_panel.normalize_box.setChecked(s.value("draw/mnist_style", "true") in (True, "true"))
        try:
            k = int(s.value("graph/input_edges", DEFAULT_INPUT_EDGES))
        except (TypeError, ValueError):
            k = DEFAULT_INPUT_EDGES
        self.edges_spin.setValue(k)
        self.network_view.set_input_edges(self.edges_spin.value())

    def _save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        try:
            s.setValue("training/config", json.dumps(self.controls.config().to_dict()))
        except ValueError:
            pass
        s.setValue("training/speed_index", self.controls.speed_slider.value())
        s.setValue("view/reference", "true" if self.reference_action.isChecked() else "false")
        s.setValue("view/log_cost", "true" if self.log_action.isChecked() else "false")
        s.setValue("view/colourblind", "true" if self.colourblind_action.isChecked() else "false")
        s.setValue("draw/mnist_style", "true" if self.draw_panel.normalize_box.isChecked() else "false")
        s.setValue("graph/input_edges", self.edges_spin.value())
        s.sync()

    # --- data ----------------------------------------------------------------------------------------------
    def find_data(self, explicit: str | None = None) -> None:
        """Use MNIST from --data, NNVIZ_DATA or the cache; otherwise show the first-run panel."""
        try:
            path = mnist_data.find_mnist(explicit)
        except mnist_data.DataError as e:
            self.show_data_panel(str(e))
            return
        if path is None:
            showing = self._show_example_until_data()
            self.show_data_panel(
                "<b>MNIST is not here yet.</b> nnviz trains on the MNIST digits (70,000 handwritten 28×28 images). "
                + ("Until they are here, you are looking at the example network shipped with nnviz, already trained "
                   "on them: draw a digit and watch it read it. " if showing else "")
                + "Download them (11 MB) or open a copy you have to train your own. "
                f"nnviz looks in its cache ({mnist_data.cache_path()}), the NNVIZ_DATA variable, and --data.")
            return
        self.statusBar().showMessage(f"Loading MNIST from {path}…")
        self._load_data(path)

    def _load_data(self, path) -> None:
        self.data_source = path
        self.worker.load_data(path)

    def show_data_panel(self, message: str) -> None:
        """Explain in place that data is missing, with the ways to get it."""
        self.data_message.setText(message)
        self.data_panel.show()

    @Slot(object)
    def on_data_ready(self, data) -> None:
        if self._example_until_data:
            # The example only stood in while there was no data: "download, press Train, watch it learn" starts
            # from random weights (the example stays one click away in the File menu).
            self._example_until_data = False
            self.model_path = None
            try:
                self.worker.reset(self.controls.config())
            except ValueError:
                pass  # a field is invalid: keep the example until the user fixes it and resets
        self.has_data = True
        self.draw_panel.set_test_set(data.x_test, data.y_test)
        self.backprop_panel.set_training_images(data.x_train_sample, data.y_train_sample)
        self.backprop_panel.set_can_step(True)
        self.data_panel.hide()
        self.statusBar().showMessage(f"MNIST loaded: {data.train_count:,} training and {len(data.x_test):,} test "
                                     "images. Press Space to train.", 8000)

    @Slot()
    def open_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open MNIST", str(Path.home()),
                                              "MNIST (*.npz *-ubyte *-ubyte.gz);;All files (*)")
        if path:
            # an IDX file picked by hand stands for its folder
            self.use_dataset(Path(path).parent if "ubyte" in Path(path).name else Path(path))

    def use_dataset(self, path: Path) -> None:
        """Validate ``path`` now (clear message if bad), then train on it."""
        try:
            mnist_data.load_mnist(path)
        except mnist_data.DataError as e:
            QMessageBox.warning(self, "Not MNIST", str(e))
            return
        self._load_data(path)

    @Slot()
    def download_mnist(self) -> None:
        """Download into the cache with a progress dialog (Cancel works); errors explained."""
        dialog = QProgressDialog("Downloading MNIST (11 MB)…", "Cancel", 0, 100, self)
        dialog.setWindowTitle("Download MNIST")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        state = {"done": 0, "total": mnist_data.MNIST_SIZE, "cancel": False, "result": None, "error": None}

        def progress(done, total):
            state["done"], state["total"] = done, total or state["total"]
            return not state["cancel"]

        def work():
            try:
                url, sha256, size = self.download_source
                state["result"] = mnist_data.download_mnist(progress=progress, url=url, sha256=sha256, size=size)
            except mnist_data.DataError as e:
                state["error"] = e

        thread = threading.Thread(target=work, name="nnviz-download", daemon=True)
        dialog.canceled.connect(lambda: state.__setitem__("cancel", True))
        thread.start()
        shown = None
        while thread.is_alive():
            done, total = state["done"], max(state["total"], 1)
            dialog.setValue(int(100 * done / total))
            text = f"Downloading MNIST: {done / 1e6:.1f} of {total / 1e6:.1f} MB…"
            if text != shown:
                dialog.setLabelText(text)
                shown = text
            thread.join(0.03)
            QApplication.processEvents()
        dialog.close()
        if isinstance(state["error"], mnist_data.DownloadCancelled):
            self.statusBar().showMessage("Download cancelled; nothing was kept.", 5000)
        elif state["error"] is not None:
            QMessageBox.warning(self, "Download failed", str(state["error"]))
        else:
            self._load_data(state["result"])

    #: Where Download fetches from: (url, SHA-256, size). Tests point it at a local server.
    download_source = (mnist_data.MNIST_URL, mnist_data.MNIST_SHA256, mnist_data.MNIST_SIZE)

    # --- training --------------------------------------------------------------------------------------------
    @Slot(bool)
    def set_training(self, running: bool) -> None:
        if running and not self.has_data:
            self.controls.set_running(False)
            self.show_banner("Training needs MNIST: download it or open a copy (File menu).")
            return
        self.worker.set_running(running)
        if running:
            self.statusBar().clearMessage()  # "… Press Space to train." has been done
        if self.comparison is not None:
            self.comparison.set_running(running)

    @Slot()
    def toggle_training(self) -> None:
        self.controls.train_button.click()  # exactly what pressing the button does

    @Slot()
    def step_once(self) -> None:
        if self.controls.train_button.isChecked():
            return  # Step is for a paused network
        if not self.has_data:
            self.show_banner("Stepping needs MNIST: download it or open a copy (File menu).")
            return
        self.worker.request_step()

    @Slot(float)
    def on_learning_rate(self, value: float) -> None:
        self.hide_banner()
        self.worker.set_learning_rate(value)

    @Slot(int)
    def on_batch_size(self, value: int) -> None:
        self.worker.set_batch_size(value)

    @Slot(object)
    def on_speed(self, speed) -> None:
        self.worker.set_speed(speed)
        if self.comparison is not None:
            self.comparison.set_speed(speed)

    def ask(self, title: str, question: str) -> bool:
        """Ask a yes/no question (tests replace this)."""
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes

    def _new_worker(self, config: TrainConfig) -> tuple[TrainingWorker, QThread]:
        """A training process and its relay thread (not started): connect its signals, then ``thread.start()``."""
        worker = TrainingWorker(config)
        thread = QThread(self)
        thread.setObjectName("nnviz-training")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.finished.connect(thread.quit)
        return worker, thread

    @staticmethod
    def _end_worker(worker: TrainingWorker, thread: QThread) -> None:
        """Stop a training process and its relay thread cleanly: stop → quit → wait."""
        if thread.isRunning():
            worker.stop()
            thread.quit()
            if not thread.wait(5000):
                thread.terminate()  # last resort; never seen in practice
                thread.wait()

    def _config_for(self, action: str) -> TrainConfig | None:
        """The fields' configuration, or None after telling the user what is wrong with it."""
        try:
            return self.controls.config()
        except ValueError as e:
            QMessageBox.warning(self, f"Cannot {action}", str(e))
            return None

    def _may_discard(self, title: str, question: str) -> bool:
        """True if no trained network would be lost, or the user agrees to lose it."""
        return self.latest is None or self.latest.step == 0 or self.ask(title, question)

    @Slot()
    def reset(self) -> None:
        """New random weights from the fields' settings; asks first if a trained network would be lost."""
        config = self._config_for("reset")
        if config is None or not self._may_discard(
                "Reset the network?", "Throw away the trained weights and start again from random ones?"):
            return
        self.hide_banner()
        self.stop_comparison()
        self.controls.set_running(False)
        self.cost_view.start_new_run(keep_previous=True)
        self.model_path = None
        self.worker.reset(config)

    @Slot()
    def start_label_experiment(self) -> None:
        """The explanation's experiment: the same network trained on true and on shuffled labels, side by side."""
        if not self.has_data:
            self.show_banner("The experiment needs MNIST: download it or open a copy (File menu).")
            return
        self.controls.random_labels.setChecked(False)
        config = self._config_for("start the experiment")
        if config is None or not self._may_discard(
                "Start the experiment?", "Throw away the trained weights and train two fresh networks?"):
            return
        self.stop_comparison()
        self.hide_banner()
        self.cost_view.start_new_run(keep_previous=False)
        self.cost_view.start_comparison("random labels (moving average)")
        self.worker.reset(config)
        worker, thread = self._new_worker(config.with_(random_labels=True))
        worker.snapshot_ready.connect(self.on_comparison_snapshot, Qt.ConnectionType.QueuedConnection)
        self.comparison, self.comparison_thread = worker, thread
        thread.start()
        worker.set_speed(self.controls.speed())
        worker.load_data(self.data_source)
        worker.set_running(True)
        self.worker.set_running(True)

    @Slot(object)
    def on_comparison_snapshot(self, snap: Snapshot) -> None:
        self.cost_view.show_comparison(snap)

    def stop_comparison(self) -> None:
        """End the random-labels run, if any (its process and thread)."""
        if self.comparison is None:
            return
        self._end_worker(self.comparison, self.comparison_thread)
        self.comparison = self.comparison_thread = None
        self.cost_view.clear_comparison()

    @Slot(str)
    def apply_preset(self, name: str) -> None:
        """Fill the fields from a preset, then reset to it."""
        self.controls.set_config(PRESETS[name])
        self.controls.preset_combo.setCurrentText(name)
        self.reset()

    @Slot(bool)
    def on_running_changed(self, running: bool) -> None:
        self.controls.set_running(running)

    @Slot(str)
    def on_diverged(self, message: str) -> None:
        self.controls.set_running(False)
        self.show_banner(message + " (Change the learning rate to clear this.)")

    @Slot(str)
    def on_worker_failed(self, message: str) -> None:
        if not self.has_data:
            self.show_data_panel(message)
        else:
            self.show_banner(message)

    def show_banner(self, text: str) -> None:
        """A message in the window (not a dialog): stays until the user acts on it."""
        self.banner.setText(text)
        self.banner.show()

    def hide_banner(self) -> None:
        self.banner.hide()

    # --- snapshots and drawing -------------------------------------------------------------------------------
    @Slot(object)
    def on_snapshot(self, snap: Snapshot) -> None:
        """Keep only the newest snapshot; the frame timer draws it."""
        self.latest = snap
        self._dirty = True

    @Slot()
    def redraw(self) -> None:
        """Draw every view from the newest snapshot (at most once per frame), and pace the frames.

        The views are painted right here, so the time measured is the whole frame; the next frame then waits at
        least twice that long. Drawing thus takes at most about a third of the GUI thread, which shares Python's
        GIL with training: the window stays responsive and training keeps most of its speed, and on a fast
        machine frames still come at ~30 a second.
        """
        if self._frame_tasks or not (self._dirty or self._graph_dirty) or self.latest is None:
            return  # the previous frame is still being drawn, or nothing changed
        self._frame_spent = 0.0
        if self._dirty:
            self._frame_tasks += [self._update_cost_and_status, self.cost_view.viewport().repaint]
        self._frame_tasks += [self._update_graph, self._paint_graph, self._update_weights, self._paint_weights,
                              self._end_frame]
        # cleared now, not when the frame ends: an input change while the frame is drawn must mark the next one
        self._graph_dirty = False
        self._dirty = False
        self._next_frame_task()

    @Slot()
    def _next_frame_task(self) -> None:
        # One view per turn of the event loop: input and timers get a turn between them.
        if not self._frame_tasks:
            return
        task = self._frame_tasks.pop(0)
        t0 = time.perf_counter()
        task()
        self._frame_spent += time.perf_counter() - t0
        if self._frame_tasks:
            self._task_timer.start()

    def _update_cost_and_status(self) -> None:
        snap = self.latest
        self.cost_view.show_snapshot(snap)
        self.classify_input()
        self._update_status(snap)

    def _frame_network(self):
        net = self.current_network()
        return net if net is not None and net.sizes[0] == 784 else None

    def _update_graph(self) -> None:
        net = self._frame_network()
        if net is not None and (self.backprop_panel.isVisible() or self.backprop_panel.overlay.isChecked()):
            self.backprop_panel.set_network(net, self.latest.learning_rate)
        if net is not None and self.network_view.isVisible():
            batch = self.backprop_panel.batch_average() if self.backprop_panel.overlay.isChecked() else None
            if batch is not None:  # a mini-batch's average nudges and steps: over its mean image and activations
                self.network_view.show_network(net, *batch)
            else:
                self.network_view.show_network(net, self.draw_panel.canvas.network_input())
            note = self.network_view.thinning_note()
            if note != self.thinning_label.text():
                self.thinning_label.setText(note)

    def _paint_graph(self) -> None:
        if self.network_view.isVisible():
            self.network_view.viewport().repaint()

    def _update_weights(self) -> None:
        net = self._frame_network()
        if net is not None and self.weights_dock.isVisible():
            self.weights_panel.show_network(net, self.draw_panel.canvas.network_input())

    def _paint_weights(self) -> None:
        if self.weights_dock.isVisible():
            self.weights_panel.view.viewport().repaint()

    def _end_frame(self) -> None:
        spent = self._frame_spent
        self.frame_timer.setInterval(int(min(max(FRAME_MS, 3000 * spent), MAX_FRAME_MS)))
        self.redraw_times.append(spent)
        if len(self.redraw_times) > 10_000:
            del self.redraw_times[:5_000]

    @Slot()
    def on_backprop_changed(self) -> None:
        """Show (or stop showing) the backprop panel's nudges and steps on the graph."""
        panel = self.backprop_panel
        if panel.overlay.isChecked() and panel.result is not None:
            bp = panel.result
            nudges = bp.mean_nudges() if len(bp.costs) > 1 else [None if n is None else n[0] for n in bp.nudges]
            self.network_view.set_backprop(panel.steps(), nudges)
        else:
            self.network_view.set_backprop(None, None)
        self._graph_dirty = True

    @Slot()
    def on_batch_requested(self) -> None:
        self.worker.request_next_batch()  # here, in the GUI thread (see _wire_controls)

    @Slot(object)
    def on_params_requested(self, params) -> None:
        self.worker.set_params(params)  # called here, in the GUI thread (see _wire_controls)

    @Slot(bool)
    def on_dock_visibility(self, visible: bool) -> None:
        if visible:
            self._graph_dirty = True  # a view coming into sight needs a frame even if nothing trains

    @Slot()
    def on_input_for_backprop(self) -> None:
        self.backprop_panel.set_drawing(self.draw_panel.canvas.network_input())

    @Slot()
    def mark_graph_dirty(self) -> None:
        """The input changed: redraw the graph at the next frame (not on every stroke segment)."""
        self._graph_dirty = True

    @Slot(bool)
    def set_colourblind(self, on: bool) -> None:
        name = "colour-blind safe" if on else "standard"
        self.network_view.set_palette(name)
        self.weights_panel.view.set_palette(name)
        self._graph_dirty = True

    def current_network(self):
        """The newest snapshot's network (built once per snapshot), or None before there is one."""
        snap, net = self._network_of
        if self.latest is not None and snap is not self.latest:
            net = self.latest.network()
            self._network_of = (self.latest, net)
        return net

    @Slot(object)
    def classify_noise_batch(self, images) -> None:
        """The noise experiment: classify a batch of random images and show the spread of guesses."""
        net = self.current_network()
        if net is not None:
            self.draw_panel.show_noise_batch(net.predict(np.asarray(images, np.float32)))

    @Slot()
    def classify_input(self) -> None:
        """Run the canvas's input through the newest weights and show the ten outputs (GUI thread, ~10 µs)."""
        net = self.current_network()
        if net is None:
            return
        if self.draw_panel.noise_batch is not None:  # the noise experiment is on the bars: keep it, live
            self.draw_panel.show_noise_batch(net.predict(self.draw_panel.noise_batch))
            return
        out = net.predict(self.draw_panel.canvas.network_input()[None, :])[0]
        self.draw_panel.show_output(out, probabilities=net.output_name == "softmax")

    def _update_status(self, s: Snapshot) -> None:
        L = self.status_labels
        L["epoch"].setText(f"epoch {s.epoch_progress:.2f}")
        L["samples"].setText(f"{s.samples_seen:,} images")
        L["batches"].setText(f"{s.step:,} mini-batches")
        L["speed"].setText(f"{s.samples_per_second:,.0f} images/s")
        L["cost"].setText(f"cost {s.last_cost:.4f}" if s.step else "cost –")
        acc = s.latest_test_accuracy
        L["accuracy"].setText(f"test {100 * acc:.2f} %" if acc == acc else "test –")

    # --- model files -----------------------------------------------------------------------------------------
    def _model_dir(self) -> str:
        return str(self.settings.value("files/model_dir", str(Path.home())))

    @Slot()
    def open_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open model", self._model_dir(), "nnviz models (*.npz)")
        if path:
            self.load_model_file(Path(path))

    def _show_example_until_data(self) -> bool:
        """First run without MNIST: show the shipped example network, so drawing works at once.

        Unlike File → Open it leaves the architecture fields (the user's saved choice) and the model folder alone.
        """
        try:
            m = read_model(EXAMPLE_MODEL)
        except ModelFileError:
            return False  # the panel still offers every way forward
        self._use_model(m, EXAMPLE_MODEL)
        self._example_until_data = True  # once MNIST is here, training starts from fresh weights (on_data_ready)
        return True

    def load_model_file(self, path: Path) -> bool:
        """Load a model; on a bad file say why and keep the current network."""
        try:
            m = read_model(path)
        except ModelFileError as e:
            QMessageBox.warning(self, "Cannot open model", f"{e}\n\nThe current network is unchanged.")
            return False
        if m.network.sizes[0] != 784 or m.network.sizes[-1] != 10:
            QMessageBox.warning(self, "Cannot open model", f"{path} is a {'-'.join(map(str, m.network.sizes))} "
                                "network; nnviz needs 784 inputs and 10 outputs. The current network is unchanged.")
            return False
        self.cost_view.start_new_run(keep_previous=True)
        self.controls.set_config(self._use_model(m, path))
        self._example_until_data = False  # chosen, not standing in: it stays when data arrives
        self._remember_model_file(path, f"Opened {path.name}")
        return True

    def _use_model(self, m, path: Path) -> TrainConfig:
        """Hand model ``m`` (read from ``path``) to the training process and show it; returns its full config."""
        config = TrainConfig.from_dict({**self.controls.config().to_dict(), **m.config})
        self.worker.load_network(m.network, config)
        if not self.has_data:  # no training process snapshots without data: show it from here
            self.on_snapshot(Snapshot.of_network(m.network, config))
        self.model_path = path
        return config

    def _remember_model_file(self, path: Path, message: str) -> None:
        """``path`` is the current model file (Ctrl+S saves there); its folder is where the next dialog opens."""
        self.model_path = path
        self.settings.setValue("files/model_dir", str(path.parent))
        self.statusBar().showMessage(message, 5000)

    @Slot()
    def load_example(self) -> None:
        if not EXAMPLE_MODEL.is_file():
            QMessageBox.warning(self, "Example missing", f"The example network should be at {EXAMPLE_MODEL}; "
                                "reinstall nnviz to get it back.")
            return
        self.load_model_file(EXAMPLE_MODEL)

    @Slot()
    def save_model(self) -> None:
        if self.model_path is None or self.model_path.resolve() == EXAMPLE_MODEL.resolve():
            self.save_model_as()
        else:
            self.save_model_to(self.model_path)

    @Slot()
    def save_model_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save model", str(Path(self._model_dir()) / "model.npz"),
                                              "nnviz models (*.npz)")
        if path:
            self.save_model_to(Path(path) if path.endswith(".npz") else Path(path + ".npz"))

    def save_model_to(self, path: Path) -> bool:
        """Save the newest snapshot's network and history; a failure is explained and nothing is overwritten."""
        snap = self.latest
        if snap is None:
            QMessageBox.information(self, "Nothing to save", "There is no network yet.")
            return False
        try:
            save_model(snap.network(), path, snap.config.to_dict(), snap.costs, snap.cost_samples, snap.test_accuracy)
        except ModelFileError as e:
            QMessageBox.warning(self, "Cannot save model", str(e))
            return False
        self._remember_model_file(path, f"Saved {path}")
        return True

    @Slot()
    def export_csv(self) -> None:
        if self.latest is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export history", str(Path(self._model_dir()) / "history.csv"),
                                              "CSV (*.csv)")
        if path:
            try:
                Path(path).write_text(self.cost_view.history_csv(self.latest))
            except OSError as e:
                QMessageBox.warning(self, "Cannot export", f"Could not write {path}: {e.strerror or e}.")

    @Slot()
    def export_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export plot", str(Path(self._model_dir()) / "cost.png"),
                                              "PNG (*.png)")
        if path and not self.cost_view.grab().save(path, "PNG"):
            QMessageBox.warning(self, "Cannot export", f"Could not write {path}.")

    # --- help ------------------------------------------------------------------------------------------------
    @Slot()
    def show_how_it_works(self) -> None:
        """The help (F1): a window of its own that scrolls, so it fits small screens, and stays open beside the
        main window while you try what it says."""
        if getattr(self, "help_window", None) is None:
            self.help_window = QDialog(self)
            self.help_window.setWindowTitle("How it works — nnviz")
            layout = QVBoxLayout(self.help_window)
            text = QTextBrowser()
            text.setHtml(HOW_IT_WORKS)
            layout.addWidget(text)
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            buttons.rejected.connect(self.help_window.close)
            layout.addWidget(buttons)
            self.help_window.resize(560, 520)
        self.help_window.show()
        self.help_window.raise_()
        self.help_window.activateWindow()

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(self, "About nnviz", f"<b>nnviz {__version__}</b><p>Watch a neural network learn to "
                          "read handwritten digits.</p><p>MNIST: Y. LeCun, C. Cortes, C. J. C. Burges (CC BY-SA 3.0)."
                          "</p>")

    # --- shutdown --------------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the training thread cleanly: stop → quit → wait."""
        self.stop_comparison()
        self._end_worker(self.worker, self.thread)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.frame_timer.stop()
        self._task_timer.stop()
        self._frame_tasks.clear()
        self._save_settings()
        self.shutdown()
        super().closeEvent(event)

