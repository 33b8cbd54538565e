"""The main window: builds the views and wires them to the run model, the training relay, menus and shortcuts.

It wires; it does not compute. The training loop trains (in its own process, or the relay's thread); the run model
(``nnviz.core.run``) decides what is shown and what an action may do; the frame scheduler hands the shown snapshot
to the views, each of which draws one thing.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMainWindow, QMessageBox, QVBoxLayout, QWidget

from ..core import data as mnist_data
from ..core import protocol as p
from ..core.run import EXAMPLE_MODEL, RESOURCES, Run
from ..core.training import TrainConfig
from . import file_actions, handwriting_pages, keys, menus, run_actions, timeline
from .analysis_docks import AnalysisDocks
from .backprop_view import BackpropPanel
from .controls import ControlsPanel
from .cost_view import CostView
from .data_panel import DataPanel
from .draw_panel import DrawPanel
from .frames import LIVE, SNAPSHOT, FrameScheduler
from .help_window import HelpWindow
from .inspector_dock import NeuronInspector
from .layout import DockProportions
from .network_panel import NetworkPanel
from .settings import restore, save
from .status_figures import StatusFigures
from .weights_view import WeightsPanel
from .widgets import Banner, dock
from .training_control import TrainingControl

class MainWindow(QMainWindow):
    """nnviz's window."""

    def __init__(self, data: str | None = None, settings: QSettings | None = None, autoload: bool = True,
                 training: str = "process"):
        super().__init__()
        self.setWindowIcon(QIcon(str(RESOURCES / "nnviz.svg")))
        self.settings = settings or QSettings()
        self.training_mode = training
        self.controls = ControlsPanel()
        self.run = Run(self.controls.config())
        self.cost_view = CostView()
        self.timeline = timeline.Timeline(self)  # the timeline under the cost plot (and your drawing through the run)
        self.draw_panel = DrawPanel()
        self.network_panel = NetworkPanel()
        self.network_view = self.network_panel.view
        self.weights_panel = WeightsPanel()
        self.backprop_panel = BackpropPanel()
        self.backprop_panel.set_can_step(False)  # until MNIST (and so a training network) is there
        self.data_panel = DataPanel()
        self.help_window: HelpWindow | None = None
        self.files = file_actions.ModelFiles(self, self.run, lambda: self._config_for("open the model") or
                                             self.run.config)
        self.resize(1280, 760)
        self._build_central()
        self._build_docks()
        self.status = StatusFigures(self.statusBar())
        self.status_labels = self.status.labels
        self.analysis = AnalysisDocks(self)
        self.insight = self.analysis.insight
        self.proportions = DockProportions(self)  # each dock's share of the window, kept as it is resized
        self.frames = FrameScheduler(self)
        self._add_frame_tasks()
        menus.build(self)
        self.settings_table = menus.settings_table(self)
        restore(self.settings, self.settings_table)
        self.training = TrainingControl(self.run, training, self)
        self._wire()
        self.timeline.wire()
        self.handwriting = handwriting_pages.HandwritingPages(self)  # My digits and Why misread? under the canvas
        self.training.start(p.Reset(self.run.config), p.SetSpeed(self.controls.speed()))
        self._update_title()
        self.frames.start()
        self.keys = keys.install(self)
        if autoload:
            self.find_data(data)

    # --- building ------------------------------------------------------------------------------------------
    def _build_central(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        self.banner = Banner()
        layout.addWidget(self.banner)
        layout.addWidget(self.data_panel)
        layout.addWidget(self.network_panel, 1)
        self.setCentralWidget(central)
        self.data_message = self.data_panel.message
        self.download_button = self.data_panel.download_button
        self.example_button = self.data_panel.example_button

    def _build_docks(self) -> None:
        area = Qt.DockWidgetArea
        self.draw_dock = dock(self, "Draw", "dock-draw", self.draw_panel, area.LeftDockWidgetArea)
        self.controls_dock = dock(self, "Training", "dock-controls", self.controls, area.RightDockWidgetArea,
                                  scrolling=True)
        self.cost_dock = dock(self, "Cost and accuracy", "dock-cost", self.timeline.panel,
                              area.BottomDockWidgetArea)
        self.backprop_dock = dock(self, "Backpropagation", "dock-backprop", self.backprop_panel,
                                        area.RightDockWidgetArea)
        self.tabifyDockWidget(self.controls_dock, self.backprop_dock)
        self.controls_dock.raise_()
        self.weights_dock = dock(self, "Weight images", "dock-weights", self.weights_panel, area.BottomDockWidgetArea)
        self.splitDockWidget(self.cost_dock, self.weights_dock, Qt.Orientation.Horizontal)
        self.inspector = NeuronInspector(self)  # the "Neuron" dock: a clicked neuron worked out

    def _add_frame_tasks(self) -> None:
        """Each view's share of a frame, in drawing order (Qt paints each in the turn after its task)."""
        f, run = self.frames, self.run
        f.add("cost", lambda: self.cost_view.show_snapshot(run.latest, run.moment_epochs()), on=[SNAPSHOT, LIVE])
        f.add("status", lambda: self.status.show_snapshot(run.shown(), run.viewing()), on=[SNAPSHOT, LIVE])
        f.add("outputs", self.classify_input, on=[SNAPSHOT])
        f.add("graph", self._show_graph)
        f.add("weights", lambda: self.weights_dock.isVisible() and self.run.graph_network() and
              self.weights_panel.show_network(self.run.graph_network(), self.draw_panel.canvas.network_input()))
        f.add("analysis", self.analysis.show_shown)
        f.add("insight", self.insight.show_shown, on=[SNAPSHOT])
        f.add("inspector", self.inspector.show_shown)

    def _wire(self) -> None:
        queued = Qt.ConnectionType.QueuedConnection
        t = self.training
        t.snapshot_ready.connect(self.on_snapshot, queued)
        t.comparison_snapshot.connect(self.cost_view.show_comparison, queued)
        t.diverged.connect(self.on_diverged, queued)
        t.failed.connect(self.on_worker_failed, queued)
        t.data_ready.connect(self.on_data_ready, queued)
        t.data_failed.connect(self.on_data_failed, queued)
        t.running_changed.connect(self.controls.set_running, queued)
        t.batch_ready.connect(self.backprop_panel.set_batch, queued)
        t.died.connect(self.on_worker_died, queued)
        t.notice.connect(lambda text: self.statusBar().showMessage(text, 10000))
        c = self.controls
        c.train_toggled.connect(self.set_training)
        c.step_requested.connect(self.step_once)
        c.reset_requested.connect(self.reset)
        c.learning_rate_changed.connect(lambda value: (self.banner.hide(), self.training.post(p.SetLearningRate(value))))
        c.batch_size_changed.connect(lambda v: self.training.post(p.SetBatchSize(v)))
        c.speed_changed.connect(lambda speed: self.training.post_all(p.SetSpeed(speed)))
        c.preset_chosen.connect(self.apply_preset)
        d = self.draw_panel
        d.input_changed.connect(self.classify_input)
        d.noise_batch_requested.connect(lambda _images: self.classify_input())
        d.input_changed.connect(self.frames.mark_input)
        d.input_changed.connect(lambda: self.backprop_panel.set_drawing(d.canvas.network_input(), d.true_label))
        self.network_panel.input_edges_changed.connect(self.frames.mark_input)
        # selecting a neuron in the graph selects its weight image, and the reverse
        self.network_view.neuron_selected.connect(self.weights_panel.view.select)
        self.weights_panel.view.unit_selected.connect(self.network_view.select)
        self.weights_panel.times_input.toggled.connect(self.frames.mark_input)
        b = self.backprop_panel
        b.overlay_changed.connect(self.on_backprop_changed)
        self.backprop_dock.visibilityChanged.connect(b.set_open)  # leaving the tab ends the graph's overlay
        b.params_requested.connect(lambda ps: self._refuse("apply a step") or self.training.post(p.SetParams(ps)))
        b.show_image.connect(d.show_labelled)
        b.batch_requested.connect(lambda: self.training.post(p.PeekBatch()))
        for each in (self.backprop_dock, self.weights_dock, self.analysis.landscape_dock, self.analysis.dreams_dock):
            each.visibilityChanged.connect(lambda visible: visible and self.frames.mark_input())
        self.data_panel.downloaded.connect(self.use_dataset)
        self.data_panel.dataset_chosen.connect(self.use_dataset)
        self.data_panel.example_requested.connect(self.files.open_example)
        self.files.opened.connect(self._use_model)
        self.files.saved.connect(self._update_title)

    # --- the run's events ------------------------------------------------------------------------------------
    worker = property(lambda self: self.training.relay, doc="The relay to the live run's training loop.")
    latest = property(lambda self: self.run.latest, doc="The newest snapshot of the live run (None before one).")
    has_data = property(lambda self: self.run.has_data, doc="MNIST is loaded, so the network can train.")

    @Slot(object)
    def on_snapshot(self, snap) -> None:
        """Keep only the newest snapshot; the next frame draws it (only the live run's views if not shown)."""
        (self.frames.mark_snapshot if self.run.snapshot_arrived(snap) else self.frames.mark_live)()

    @Slot(object)
    def on_data_ready(self, data: p.DataLoaded) -> None:
        if self.run.data_arrived(data):
            config = self._config_for("start training")
            if config is not None:
                self.training.post(p.Reset(config))
            self._update_title()
        self.draw_panel.set_test_set(data.x_test, data.y_test)
        self.backprop_panel.set_training_images(data.x_train_sample, data.y_train_sample)
        self.backprop_panel.set_can_step(self.run.why_not("apply a step") is None)
        self.analysis.data_arrived(data)
        self.data_panel.hide()
        self.statusBar().showMessage(f"{data.train_count:,} MNIST images loaded. Press Space to train.", 8000)

    @Slot(str)
    def on_data_failed(self, message: str) -> None:
        if self.has_data:
            QMessageBox.warning(self, "Not MNIST", f"{message}\n\nTraining goes on with the data it had.")
        else:
            self.data_panel.explain(message)

    @Slot(str)
    def on_diverged(self, message: str) -> None:
        self.controls.set_running(False)
        self.banner.say(message + " (Change the learning rate to clear this.)")

    @Slot(str)
    def on_worker_failed(self, message: str) -> None:
        self.controls.set_running(False)
        (self.banner.say if self.has_data else self.data_panel.explain)(message)

    @Slot(str)
    def on_worker_died(self, message: str) -> None:
        """The training process is gone: say so; the last snapshot stays, and the next Train starts a new one."""
        self.controls.set_running(False)
        self.banner.say(message)

    # --- drawing ---------------------------------------------------------------------------------------------
    @Slot()
    def classify_input(self) -> None:
        """Read the canvas (or the noise experiment's images) with the shown network and show the ten outputs."""
        net = self.run.network()
        if net is None:
            return
        panel = self.draw_panel
        if panel.noise_batch is not None:  # the noise experiment is on the bars: keep it, live
            panel.show_noise_batch(self.run.classify(panel.noise_batch), net.output_name)
        else:
            panel.show_output(self.run.classify(panel.canvas.network_input()), net.output_name,
                              untrained=self.run.untrained())

    def _show_graph(self) -> None:
        net = self.run.graph_network()
        if net is None:
            return
        panel = self.backprop_panel
        panel.set_network(net, self.run.shown().learning_rate)  # recomputed only while its tab is open
        if self.network_panel.isVisible():
            batch = panel.batch_average() if panel.showing_overlay() else None
            self.network_panel.show_network(net, *(batch or (self.draw_panel.canvas.network_input(),)))

    @Slot()
    def on_backprop_changed(self) -> None:
        """Show (or stop showing) the backprop panel's nudges and steps on the graph."""
        self.network_view.set_backprop(*(self.backprop_panel.overlay_picture() or (None, None)))
        self.frames.mark_input()

    @Slot(bool)
    def set_colourblind(self, on: bool) -> None:
        name = "colour-blind safe" if on else "standard"
        self.network_view.set_palette(name)
        self.weights_panel.view.set_palette(name)
        self.analysis.set_palette(name)
        self.frames.mark_input()

    # --- data ----------------------------------------------------------------------------------------------
    def find_data(self, explicit: str | None = None) -> None:
        """Use MNIST from --data, NNVIZ_DATA or the cache; otherwise show the first-run panel."""
        try:
            path = mnist_data.find_mnist(explicit)
        except mnist_data.DataError as e:
            self.data_panel.explain(str(e))
            return
        if path is not None:
            self.statusBar().showMessage(f"Loading MNIST from {path}…")
            self.use_dataset(path)
            return
        self.data_panel.explain_missing(showing_example=self.files.open_path(EXAMPLE_MODEL, standing_in=True))

    def use_dataset(self, path) -> None:
        """Train on MNIST at ``path``; the training loop loads it once and says if it is not MNIST."""
        self.run.data_source = str(path)
        self.training.post(p.LoadData(str(path)))

    # --- training --------------------------------------------------------------------------------------------
    def _refuse(self, action: str) -> bool:
        """True (after saying why in the banner) if ``action`` cannot be done now."""
        why = self.run.why_not(action)
        if why:
            self.banner.say(why)
        return why is not None

    @Slot(bool)
    def set_training(self, running: bool) -> None:
        if running and self._refuse("train"):
            self.controls.set_running(False)
            return
        if running:
            self.banner.hide()
            self.statusBar().clearMessage()  # "… Press Space to train." has been done
        self.training.post_all(p.SetRunning(running))

    @Slot()
    def toggle_training(self) -> None:
        self.controls.train_button.click()  # exactly what pressing the button does

    @Slot()
    def step_once(self) -> None:
        if self.controls.train_button.isChecked() or self._refuse("step"):
            return  # Step is for a paused network
        self.training.post(p.Step())

    def ask(self, title: str, question: str) -> bool:
        """Ask a yes/no question (tests replace this)."""
        return QMessageBox.question(self, title, question) == QMessageBox.StandardButton.Yes

    def _config_for(self, action: str) -> TrainConfig | None:
        """The fields' configuration, or None after telling the user what is wrong with it."""
        try:
            return self.controls.config()
        except ValueError as e:
            QMessageBox.warning(self, f"Cannot {action}", str(e))
            return None

    # the actions that put a new run in place of the live one, written in their own module
    reset = run_actions.reset
    start_over = run_actions.start_over
    apply_preset = run_actions.apply_preset
    start_label_experiment = run_actions.start_label_experiment
    stop_comparison = run_actions.stop_comparison

    # --- model files -----------------------------------------------------------------------------------------
    @Slot(object, bool)
    def _use_model(self, opened, standing_in: bool = False) -> None:
        """A model replaces the network; chosen on purpose, its settings fill the form and its history the plot."""
        self.stop_comparison()
        if not standing_in:
            self.cost_view.start_new_run(keep_previous=True)
            self.controls.set_config(opened.config)
        self.training.post(p.Load(opened.config, opened.network, opened.resume))
        if self.run.model_opened(opened, standing_in) is not None:  # no data: nothing comes from the loop
            self.frames.mark_snapshot()
        self._update_title()

    def _update_title(self) -> None:
        self.setWindowTitle(self.run.window_title())

    # --- help and shutdown -----------------------------------------------------------------------------------
    @Slot()
    def show_how_it_works(self) -> None:
        """The help (F1), in a window of its own."""
        if self.help_window is None:
            self.help_window = HelpWindow(self)
        self.help_window.present()

    def shutdown(self) -> None:
        """Stop the training relays cleanly: stop → quit → wait."""
        self.stop_comparison()
        self.training.shutdown()
        self.analysis.shutdown()
        self.data_panel.cancel_download()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.frames.stop()
        save(self.settings, self.settings_table)
        self.shutdown()
        super().closeEvent(event)
