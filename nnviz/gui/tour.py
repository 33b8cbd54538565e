"""The guided tour (Help → Guided tour): the explanation step by step, on the live window.

:class:`Tour` walks through :data:`nnviz.core.tour_steps.STEPS`. Each step is set up as the learner needs it
(the example network, a 2 on the canvas, training paused or in slow motion, the right dock in front), its views are
framed and the rest dimmed, and the card says what to look at and one thing to try; the tour listens to the
window's signals and ticks the task when it is done. Back, Next (always there: a task can be skipped) and Leave, or
Alt+B, Alt+N and Escape (the window's own keys stay as they are). Before the first step the tour records what it
may change (``tour_state``); Leave, Finish or closing the window puts it back. Where it stopped is remembered.

The window needs two lines: ``Tour(window)`` with a Help menu entry for :meth:`Tour.start` (``install``), and
:func:`offer_at_first_launch` once the window is on screen.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QDockWidget, QLineEdit, QWidget

from ..core.model_io import ModelFileError, read_model
from ..core.run import LIVE
from ..core.tour_steps import DATA_NOTE, DIGIT, STEPS, Step, cost_fell, drawn_two, index_of, neuron_to_inspect
from . import tour_state
from .controls import SPEEDS
from .tour_card import TourCard, TourOffer, Veil, place_card

STEP_KEY = "tour/step"  #: the step where the tour stopped (removed once it is finished)
OFFERED_KEY = "tour/offered"  #: the tour was offered at a first launch
TICK_MS = 200  # how often the frame follows moving docks and the tour looks at what has no signal

#: which window events tick which task: (event name, its arguments, the output layer's index) → done?
EVENT_NOTICES = {
    "neuron clicked": lambda e, args, top: e == "neuron" and args[0] >= 1,
    "output neuron": lambda e, args, top: e == "inspected" and args[0] == top,
    "neuron inspected": lambda e, args, top: e == "inspected" and args[0] >= 1,
    # the inspector's z moved: another drawing under the neuron it shows, or another neuron
    "z moved": lambda e, args, top: (e == "input" and args[0]) or (e == "inspected" and args[0] >= 1),
    "input changed": lambda e, args, top: e == "input",
    "weight image": lambda e, args, top: e == "unit" and args[1] >= 0,
    "target changed": lambda e, args, top: e == "target" and args[0] != DIGIT,
    "learning rate changed": lambda e, args, top: e == "lr",
    "batch averaged": lambda e, args, top: e == "batch",
    "noise shown": lambda e, args, top: e == "noise",
}


class Tour(QObject):
    """The guided tour of main window ``window``; :meth:`start` opens it where it stopped."""

    step_entered = Signal(int)  #: the index of the step now shown
    noticed = Signal(str)  #: the key of the step whose task was just done
    left = Signal()  #: the tour ended and the window is as the learner left it

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.active = False
        self.index = 0
        self.kept: tour_state.WindowState | None = None
        self.done: set[str] = set()  #: the steps whose task was done, this time through
        self.card = TourCard(window)
        self.veil = Veil(window)
        self.card.back_button.clicked.connect(self.back)
        self.card.next_button.clicked.connect(self.next)
        self.card.leave_button.clicked.connect(self.leave)
        self.shortcuts = []
        for keys, slot in (("Alt+N", self.next), ("Alt+B", self.back), ("Escape", self._escape)):
            shortcut = QShortcut(QKeySequence(keys), window)
            shortcut.activated.connect(slot)
            shortcut.setEnabled(False)  # only while the tour is on: Escape is the fields' key otherwise
            self.shortcuts.append(shortcut)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._connected = False
        self._listening = False
        self._example_step: int | None = None  # the shipped example's mini-batch count, once it has been opened
        self._fresh = (False, False)  # (the tour started the run from random weights, its step-0 snapshot is due)
        self._two: tuple[np.ndarray, int | None] | None = None
        self._example = None  # the shipped example network, read once
        self._watch: dict = {}
        window.installEventFilter(self)

    # --- the steps -------------------------------------------------------------------------------------------
    def step(self, index: int | None = None) -> Step:
        """Step ``index`` (the current one by default)."""
        return STEPS[self.index if index is None else index]

    @Slot()
    def start(self) -> None:
        """Help → Guided tour: open the tour where it last stopped (the first step once it was finished)."""
        if self.active:
            self.card.raise_()
            return
        w = self.window
        if not self._connected:
            self._connect()
        self.kept = tour_state.keep(w)
        self.active = True
        self.done.clear()
        for shortcut in self.shortcuts:
            shortcut.setEnabled(True)
        self.veil.setGeometry(w.rect())
        self.veil.show()
        self.card.show()
        self._timer.start()
        self._enter(index_of(w.settings.value(STEP_KEY)))

    @Slot()
    def next(self) -> None:
        """The next step (Finish on the last one)."""
        if not self.active:
            return
        if self.index + 1 < len(STEPS):
            self._enter(self.index + 1)
        else:
            self.leave(finished=True)

    @Slot()
    def back(self) -> None:
        """The step before."""
        if self.active and self.index > 0:
            self._enter(self.index - 1)

    @Slot()
    def leave(self, finished: bool = False, closing: bool = False) -> None:
        """End the tour and put the window back as the learner left it (``closing``: only what the window saves as
        it closes); a finished tour starts afresh next time."""
        if not self.active:
            return
        self._listening = False
        self.active = False
        self._timer.stop()
        for shortcut in self.shortcuts:
            shortcut.setEnabled(False)
        self.card.hide()
        self.veil.hide()
        if finished:
            self.window.settings.remove(STEP_KEY)
        tour_state.put_back(self.window, self.kept, closing)
        self.kept = None
        self.left.emit()

    def _enter(self, index: int) -> None:
        self._listening = False  # what the set-up itself sets off is not the learner's doing
        self.index = index
        s = self.step()
        self._set_up(s)
        self.window.settings.setValue(STEP_KEY, s.key)
        latest = self.window.run.latest
        self._watch = {"step": None if self._fresh[1] else (latest.step if latest else 0), "press": None,
                       "before": None}
        note = ""
        if not self.window.has_data:
            note = " ".join(t for t in (DATA_NOTE if s.needs_data else "", s.without_data) if t)
        self.card.show_step(index + 1, len(STEPS), s.title, s.body(), s.task, note, s.done)
        if s.key in self.done:
            self.card.set_done(s.done)
        self._frame()
        self._listening = True
        self.step_entered.emit(index)

    # --- setting a step up -------------------------------------------------------------------------------------
    def _set_up(self, s: Step) -> None:
        w, setup = self.window, s.setup
        if w.run.cursor is not LIVE:
            w.timeline.end()  # the steps are about the live network
        w.network_view.select(-1, -1)  # a neuron picked in an earlier step would dim the graph of this one
        w.weights_panel.view.select(-1, -1)
        if setup.paused and w.controls.train_button.isChecked():
            w.controls.train_button.setChecked(False)
        if setup.network == "example" and not self._example_shown():
            w.files.open_example()
        elif setup.network == "fresh" and w.has_data and not self._fresh_kept(setup.fresh_until):
            w.start_over(w.controls.use_preset("video"))
            w.cost_view.clear_earlier_runs()  # the curve of the run just left is no comparison here
            self._fresh = (True, True)
        if setup.speed is not None:
            w.controls.speed_slider.setValue(SPEEDS.index(setup.speed))
        if setup.two:
            self._put_two()
        if setup.backprop_canvas:
            b = w.backprop_panel
            b.source.setCurrentIndex(0)
            b.target.setValue(DIGIT)
            b.overlay.setChecked(True)
        dock = self._view(setup.dock) if setup.dock else None
        if isinstance(dock, QDockWidget):
            dock.show()
            dock.raise_()
        if setup.inspect is not None:
            layer, index = setup.inspect
            if index is None:  # chosen on the example network and the 2 (what the step is set up to show)
                example = self._example_network()
                x = w.draw_panel.canvas.network_input()
                index = neuron_to_inspect(example, x, layer) if example is not None else 0
            w.inspector.inspect(layer, index)

    def _example_network(self):
        """The shipped example network as shipped (None if its file cannot be read)."""
        if self._example is None:
            try:
                self._example = read_model(self.window.run.example).network
            except ModelFileError:
                return None
        return self._example

    def _example_shown(self) -> bool:
        """The shipped example network is the live one, as it was shipped."""
        run = self.window.run
        if run.example_standing_in:
            return True
        snap = run.latest
        return (run.model_path is not None and run.model_path.resolve() == run.example.resolve()
                and snap is not None and snap.step == self._example_step and not self.window.cost_view.comparing)

    def _fresh_kept(self, until: int) -> bool:
        """The tour's own fresh network is the live one and has taken at most ``until`` mini-batches."""
        run, (started, due) = self.window.run, self._fresh
        snap = run.latest
        return (started and run.model_path is None and not self.window.cost_view.comparing
                and (due or (snap is not None and snap.step <= until)))

    def _put_two(self) -> None:
        """An MNIST 2 that the example network reads right on the canvas (a drawn 2 without the data)."""
        panel = self.window.draw_panel
        if self._two is None or (self._two[1] is None and panel.test_images is not None):
            self._two = self._choose_two()
        image, label = self._two
        if not panel.canvas.strokes and np.allclose(panel.canvas.network_input(), image.reshape(-1)):
            return
        if label is None:
            panel.canvas.set_image(image)
        else:
            panel.show_labelled(image, label)

    def _choose_two(self) -> tuple[np.ndarray, int | None]:
        panel = self.window.draw_panel
        if panel.test_images is None:
            return drawn_two(), None
        twos = (panel.test_images[np.flatnonzero(panel.test_labels == DIGIT)[:300]] / np.float32(255))
        flat = twos.reshape(len(twos), -1)
        typical = flat @ flat.mean(axis=0) / np.maximum(np.linalg.norm(flat, axis=1), 1e-6)  # like most 2s
        example = self._example_network()
        if example is not None:  # the most typical of those the example network reads right, and surely
            typical = np.where(example.predict(flat)[:, DIGIT] > 0.9, typical, -np.inf)
        return twos[int(np.argmax(typical))].astype(np.float32), DIGIT

    # --- what is framed, and where the card goes ----------------------------------------------------------------
    def _view(self, name: str | None) -> QWidget | None:
        w = self.window
        views = {"graph": w.network_panel, "draw": w.draw_dock, "bars": w.draw_panel.bars, "weights": w.weights_dock,
                 "cost": w.cost_dock, "training": w.controls_dock, "backprop": w.backprop_dock,
                 "landscape": w.analysis.landscape_dock, "insight": w.insight.dock,
                 "inspector": w.inspector_dock}
        return views.get(name)

    def _holes(self) -> list[QRect]:
        holes = []
        for name in self.step().views:
            view = self._view(name)
            if view is None or not view.isVisible() or view.window() is not self.window:  # closed, or floating
                continue
            holes.append(QRect(view.mapTo(self.window, view.rect().topLeft()), view.size()))
        return holes

    def _frame(self) -> None:
        """Frame the step's views and put the card where it hides none of them."""
        w = self.window
        self.veil.setGeometry(w.rect())
        holes = self._holes()
        self.veil.set_holes(holes)
        top = w.menuBar().height()
        area = QRect(0, top, w.width(), w.height() - top - w.statusBar().height())
        self.card.move(*place_card((self.card.width(), self.card.height()), holes, area))
        on_top = [c for c in w.children() if isinstance(c, QWidget) and not c.isWindow()][-2:]
        if on_top != [self.veil, self.card]:  # (raising repaints the whole window under the veil: only if needed)
            self.veil.raise_()
            self.card.raise_()

    # --- noticing ------------------------------------------------------------------------------------------------
    def _connect(self) -> None:
        """Listen to the window (once: the training control exists only once the window is built)."""
        w, event = self.window, self._event
        queued = Qt.ConnectionType.QueuedConnection
        w.network_view.neuron_selected.connect(lambda layer, j: event("neuron", layer, j))
        w.weights_panel.view.unit_selected.connect(lambda layer, j: event("unit", layer, j))
        w.draw_panel.input_changed.connect(lambda: event("input", w.inspector.chosen is not None))
        w.draw_panel.noise_batch_requested.connect(lambda _images: event("noise"))
        w.draw_panel.noise_button.clicked.connect(lambda: event("noise"))
        w.backprop_panel.target.valueChanged.connect(lambda digit: event("target", digit))
        w.backprop_panel.params_requested.connect(self._on_step_applied)
        w.controls.learning_rate_changed.connect(lambda value: event("lr", value))
        w.controls.train_toggled.connect(self._on_train)
        w.training.snapshot_ready.connect(self._on_snapshot, queued)
        w.training.batch_ready.connect(lambda *_: w.backprop_panel.source.currentIndex() == 2 and event("batch"),
                                       queued)
        w.files.opened.connect(self._on_opened)
        w.inspector.inspected.connect(lambda layer, j: event("inspected", layer, j))
        self._connected = True

    def _event(self, name: str, *args) -> None:
        if not self._listening:
            return
        match = EVENT_NOTICES.get(self.step().notice)
        net = self.window.run.network()
        top = len(net.sizes) - 1 if net is not None else 3
        if match is not None and match(name, args, top):
            self._notice()

    def _notice(self) -> None:
        """The step's task was done: tick it (once)."""
        s = self.step()
        if s.key in self.done:
            return
        self.done.add(s.key)
        self.card.set_done(s.done)
        self.noticed.emit(s.key)

    @Slot(object, bool)
    def _on_opened(self, opened, standing_in: bool) -> None:
        if opened.path.resolve() == self.window.run.example.resolve():
            self._example_step = opened.resume.step
        self._fresh = (False, False)

    @Slot(bool)
    def _on_train(self, running: bool) -> None:
        latest = self.window.run.latest
        if self._listening and running:  # the costs from here on are the ones that should fall
            self._watch["press"] = latest.samples_seen if latest is not None else 0

    @Slot(object)
    def _on_step_applied(self, _params) -> None:
        """Apply one step (or Undo): remember the output the step should raise, as it is before the step."""
        w = self.window
        if self._listening:
            digit = w.backprop_panel.target.value()
            before = w.run.classify(w.draw_panel.canvas.network_input())
            self._watch["before"] = (digit, float(before[digit])) if before is not None else None

    @Slot(object)
    def _on_snapshot(self, snap) -> None:
        if snap.step == 0:
            self._fresh = (self._fresh[0], False)
        if not self._listening:
            return
        watch, notice = self._watch, self.step().notice
        if notice == "stepped":
            if watch["step"] is None:
                watch["step"] = 0 if snap.step == 0 else None  # the fresh network's first snapshot is the start
            elif snap.step > watch["step"]:
                self._notice()
        elif notice == "cost fell" and watch["press"] is not None:
            if snap.samples_seen < watch["press"]:
                watch["press"] = 0  # a new run began since Train was pressed
            if cost_fell(snap.costs[snap.cost_samples > watch["press"]]):
                self._notice()
        elif notice == "output rose" and watch["before"] is not None:
            digit, before = watch["before"]
            x = self.window.draw_panel.canvas.network_input()
            if float(snap.network().predict(x[None, :])[0][digit]) > before + 1e-4:
                self._notice()

    @Slot()
    def _tick(self) -> None:
        if not self.active:
            return
        self._frame()
        if self._listening and self.step().notice == "experiment started" and self.window.cost_view.comparing:
            self._notice()

    @Slot()
    def _escape(self) -> None:
        """Escape leaves a field first (as everywhere in the window), then the tour."""
        focus = QApplication.focusWidget()
        if isinstance(focus, (QLineEdit, QAbstractSpinBox)) and self.window.isAncestorOf(focus):
            self.window.keys.home.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            self.leave()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.window and self.active:
            if event.type() == QEvent.Type.Close:
                self.leave(closing=True)  # before the window saves its settings: the learner's, not the tour's
            elif event.type() == QEvent.Type.Resize:
                QTimer.singleShot(0, self._frame)
        return False


def install(window, help_menu, add_action) -> Tour:
    """Give ``window`` its tour and the Help menu's entry for it (``add_action`` is the menus' own helper)."""
    window.tour = Tour(window)
    add_action(window, help_menu, "Guided &tour", window.tour.start,
               tip="The explanation step by step on this window: neurons, layers, weights, the weighted sum, the "
                   "bias, the squishification function, the cost, gradient descent, backpropagation, the experiments")
    return window.tour


def offer_at_first_launch(window) -> TourOffer | None:
    """The first time nnviz starts, offer the tour in a corner of the window (never again: Help → Guided tour is
    there); the offer waits for an answer without standing in the way."""
    settings = window.settings
    if settings.value(OFFERED_KEY, False, type=bool):
        return None
    settings.setValue(OFFERED_KEY, True)
    offer = TourOffer(window, len(STEPS))
    offer.take_button.clicked.connect(window.tour.start)
    offer.fit()
    offer.place()
    offer.show()
    offer.raise_()
    window.tour_offer = offer
    return offer
