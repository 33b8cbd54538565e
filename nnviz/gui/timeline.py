"""The timeline: a cursor over every recorded moment of the run, under the cost plot; replay, branch, and keys.

:class:`TimelineBar` is the widget (a slider over the checkpoints whose right end is "live", Play/Pause at a
chosen pace, Live, Branch from here; what is on screen, "viewing mini-batch N of M", is said in the status bar).
:class:`Timeline` puts it to work in the window: it moves the run model's cursor (``Run.move_cursor``) and has
the moment drawn at once (every view draws ``run.shown()``), plays the run back as a film, branches, feeds
your drawing's outputs through the run to their plot, and adds the Timeline menu whose keys work wherever the
focus is (Home: the start; End: live; ``,`` / ``.`` or Alt+← / Alt+→: the previous / next checkpoint — → and S
stay Step). Training goes on underneath whatever the cursor shows.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMenu, QSizePolicy, QSlider, QSplitter, QVBoxLayout, \
    QWidget

from ..core import protocol as p
from ..core.run import LIVE
from ..core.through_run import DrawingThroughRun
from .frames import INPUT, LIVE as LIVE_RUN, SNAPSHOT
from .menus import _action
from .through_run_view import DrawingThroughRunView
from .widgets import button

SLIDER_TIP = ("Every recorded moment of the run: drag to show one in every view; the right end is the live "
              "network (Home: the start, End: live, ',' and '.': step through).")
PACES = (("10/s", 10), ("30/s", 30), ("60/s", 60))  # checkpoints shown per second in a replay
DEFAULT_PACE = 1


class TimelineBar(QWidget):
    """A slider over the run's checkpoints (its right end is live), with Play, Live and Branch from here (what is on
    screen is said in the status bar, and in the slider's tooltip)."""

    moment_requested = Signal(object)  #: a checkpoint index, or None for live
    play_toggled = Signal(bool)
    pace_changed = Signal(int)  #: checkpoints a second
    branch_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.play_button = button("Play", "Replay the run as a film, from its random start (P)")
        self.play_button.setCheckable(True)
        self.pace = QComboBox()
        self.pace.setToolTip("How many recorded moments the replay shows a second (the first few hundred "
                             "mini-batches are recorded one by one, later ones further apart)")
        self.pace.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for text, per_second in PACES:
            self.pace.addItem(text, per_second)
        self.pace.setCurrentIndex(DEFAULT_PACE)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its arrow keys would shadow Step (→)
        self.slider.setRange(0, 0)
        self.live_button = button("Live", "Follow the training again (End)")
        self.branch_button = button("Branch", "Branch from here: continue training from the moment shown, with "
                                    "the settings in the Training panel; the old future stays in the plot, dimmed "
                                    "(Ctrl+B)")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 2)
        for widget in (self.play_button, self.pace):
            row.addWidget(widget)
        row.addWidget(self.slider, 1)
        for widget in (self.live_button, self.branch_button):
            row.addWidget(widget)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # opaque: a moved handle repaints the bar alone, not the whole dock behind it (its frame and title)
        self.setAutoFillBackground(True)
        self.slider.valueChanged.connect(self._slid)
        self.play_button.toggled.connect(self._play_toggled)
        self.pace.currentIndexChanged.connect(lambda i: self.pace_changed.emit(int(self.pace.itemData(i))))
        self.live_button.clicked.connect(lambda: self.moment_requested.emit(LIVE))
        self.branch_button.clicked.connect(self.branch_requested)
        self.show_timeline(0, LIVE, None)

    @property
    def per_second(self) -> int:
        """The replay's pace: checkpoints a second."""
        return int(self.pace.currentData())

    def show_timeline(self, count: int, index: int | None, viewing: str | None) -> None:
        """``count`` checkpoints, the cursor on ``index`` (None: live), and what is on screen (None: live; the
        status bar says it too)."""
        self.slider.blockSignals(True)  # only the user's moves ask for a moment
        self.slider.setRange(0, count)
        if not self.slider.isSliderDown():  # the handle stays under the pointer while it is dragged
            self.slider.setValue(count if index is LIVE else index)
        self.slider.blockSignals(False)
        self.slider.setEnabled(count > 0)
        self.play_button.setEnabled(count > 0)
        self.live_button.setEnabled(index is not LIVE)
        self.branch_button.setEnabled(index is not LIVE)
        self.viewing = viewing or "live"  #: what the views show, also the slider's tooltip
        self.slider.setToolTip(f"{self.viewing[0].upper()}{self.viewing[1:]}. {SLIDER_TIP}")

    def set_playing(self, playing: bool) -> None:
        """Show Play or Pause (without asking for either)."""
        self.play_button.blockSignals(True)
        self.play_button.setChecked(playing)
        self.play_button.setText("Pause" if playing else "Play")
        self.play_button.blockSignals(False)

    def _slid(self, value: int) -> None:
        self.moment_requested.emit(LIVE if value >= self.slider.maximum() else value)

    def _play_toggled(self, on: bool) -> None:
        self.play_button.setText("Pause" if on else "Play")
        self.play_toggled.emit(on)


class Timeline(QObject):
    """The window's timeline: the bar under the cost plot, the replay, branching, your drawing through the run,
    and the Timeline menu. Build it before the docks (``panel`` is the cost dock's widget), ``wire()`` it after
    the frame scheduler and the menus."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.bar = TimelineBar()
        self.through_run = DrawingThroughRunView()
        self.through_run.setMinimumWidth(160)
        self.outputs = DrawingThroughRun()
        self._drawn: tuple | None = None  # what the drawing-through-the-run plot shows
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(window.cost_view)
        split.addWidget(self.through_run)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        self.panel = QWidget()  #: the cost plot and your drawing through the run, the timeline under them
        layout = QVBoxLayout(self.panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(split, 1)
        layout.addWidget(self.bar)
        self.player = QTimer(self)
        self.player.timeout.connect(self._play_on)
        self._set_pace(self.bar.per_second)
        self._store_check = QTimer(self)  # while the store is made in the background, look again for it
        self._store_check.setSingleShot(True)
        self._store_check.setInterval(100)

    def wire(self) -> None:
        """Connect to the window's run, frames, cost plot and menus."""
        w, bar = self.window, self.bar
        bar.moment_requested.connect(self.move_to)
        bar.play_toggled.connect(self.play)
        bar.pace_changed.connect(self._set_pace)
        bar.branch_requested.connect(self.branch)
        w.cost_view.moment_clicked.connect(lambda epochs: self.move_to(w.run.checkpoint_at(epochs)))
        w.cost_view.follow_requested.connect(self.end)
        self.through_run.moment_clicked.connect(self.move_to)
        f = w.frames
        self._store_check.timeout.connect(f.mark_live)
        # Qt paints what these change in the next turn of the event loop, as the frame goes on: no repaint tasks
        f.add("timeline", self.show_timeline, on=[SNAPSHOT, LIVE_RUN])
        f.add("through run", self.show_through_run, on=[SNAPSHOT, LIVE_RUN, INPUT])
        self._build_menu()

    def _build_menu(self) -> None:
        w = self.window
        bar = w.menuBar()
        m = QMenu("Time&line", bar)
        bar.insertMenu(bar.actions()[-1], m)  # before Help
        key = QKeySequence
        _action(w, m, "Go to the &start", self.home, key(Qt.Key.Key_Home),
                tip="Show the network's starting weights in every view")
        _action(w, m, "&Previous moment", self.previous, [key(Qt.Key.Key_Comma), key("Alt+Left")])
        _action(w, m, "&Next moment", self.next, [key(Qt.Key.Key_Period), key("Alt+Right")])
        _action(w, m, "Go &live", self.end, key(Qt.Key.Key_End), tip="Follow the training again")
        m.addSeparator()
        _action(w, m, "P&lay / pause the replay", lambda: self.bar.play_button.click(), key(Qt.Key.Key_P))
        _action(w, m, "&Branch from here", self.branch, key("Ctrl+B"),
                tip="Continue training from the moment shown (the old future stays in the plot, dimmed)")
        self.menu = m

    # --- moving the cursor ------------------------------------------------------------------------------------
    @Slot(object)
    def move_to(self, index: int | None) -> None:
        """Show checkpoint ``index`` (or live) in every view, drawn at once."""
        if index is LIVE:
            self.play(False)
        if self.window.run.move_cursor(index):
            self.window.frames.draw_now()

    @Slot()
    def home(self) -> None:
        """The start: the network's starting weights."""
        self.move_to(0)

    @Slot()
    def end(self) -> None:
        """Live again."""
        self.move_to(LIVE)

    @Slot()
    def previous(self) -> None:
        """The checkpoint before the one shown (from live: the last one before the live moment)."""
        if self.window.run.step_cursor(-1):
            self.window.frames.draw_now()

    @Slot()
    def next(self) -> None:
        """The checkpoint after the one shown (after the last: live)."""
        if self.window.run.step_cursor(+1):
            self.window.frames.draw_now()

    # --- the replay -------------------------------------------------------------------------------------------
    @Slot(bool)
    def play(self, on: bool) -> None:
        """Play the run from the moment shown (from the start if live) at the bar's pace, or pause."""
        run = self.window.run
        on = bool(on) and run.checkpoints > 0
        self.bar.set_playing(on)
        if not on:
            self.player.stop()
            return
        if run.cursor is LIVE:
            self.home()
        self.player.start()

    def _set_pace(self, per_second: int) -> None:
        self.player.setInterval(max(1, round(1000 / per_second)))

    def _play_on(self) -> None:
        run = self.window.run
        if run.cursor is LIVE or not run.step_cursor(+1):
            self.play(False)
            return
        self.window.frames.draw_now()
        if run.cursor is LIVE:  # the film has reached the present
            self.play(False)

    # --- branching --------------------------------------------------------------------------------------------
    @Slot()
    def branch(self) -> None:
        """Continue training from the moment shown, with the Training panel's settings; the old future is kept in
        the plot as an earlier run."""
        w, run = self.window, self.window.run
        if run.cursor is LIVE:
            w.statusBar().showMessage("Move the timeline to a moment first: branching continues from there.", 5000)
            return
        why = run.why_not("branch")
        if why:
            w.banner.say(why)
            return
        try:
            config = w.controls.config()
        except ValueError as e:
            w.banner.say(f"Cannot branch: {e}")
            return
        self.play(False)
        running = w.controls.train_button.isChecked()
        w.stop_comparison()
        command = run.branch_here(config)
        w.cost_view.start_new_run(keep_previous=True)  # the old future, dimmed
        w.controls.set_config(command.config)
        w.training.post(command)
        if running:  # training went on underneath: it goes on from the branch
            w.training.post(p.SetRunning(True))
        w.statusBar().showMessage(f"Branched from mini-batch {command.branch.step:,}.", 5000)
        w.frames.draw_now()

    # --- frame tasks ------------------------------------------------------------------------------------------
    def show_timeline(self) -> None:
        """The bar: how many checkpoints, where the cursor is, what is on screen."""
        run = self.window.run
        self.bar.show_timeline(run.checkpoints, run.cursor, run.viewing())
        if run.timeline.making:  # the checkpoints so far wait for it: draw them once it is there
            self._store_check.start()

    def show_through_run(self) -> None:
        """Your drawing's ten outputs at the recorded moments (computed only for what is new), and the cursor."""
        view, run = self.through_run, self.window.run
        if not view.isVisible():
            return
        rec, net, canvas = run.recording, run.graph_network(), self.window.draw_panel.canvas
        if rec is None or not run.checkpoints or net is None or rec.n_params != net.params.size:
            key = None  # nothing recorded (yet) for the network shown
        else:
            x = canvas.network_input()
            key = (rec.version, run.timeline.generation, None if canvas.is_blank() else x.tobytes())
        if key != self._drawn:
            self._drawn = key
            if key is None:
                view.show_outputs([], [], None, LIVE)
            elif key[2] is None:
                view.show_outputs(rec.steps.copy(), [], None, run.cursor)
            else:
                indices, outputs = self.outputs.outputs(rec, net, x, run.timeline.generation)
                view.show_outputs(rec.steps.copy(), indices, outputs, run.cursor)
        view.show_cursor(run.cursor)
