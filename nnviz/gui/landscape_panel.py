"""The cost landscape panel: the step along the gradient, two weights with a rolling ball, the whole surface.

``show_network`` is cheap (it keeps a copy of the weights), so a frame scheduler may call it every frame. A timer
then asks the background workers (:class:`nnviz.core.background.LatestJobs`) for what the visible views need,
each kind at its own pace (:class:`~nnviz.core.background.Recompute`): the step plot a few times a second, the
two-weight map about once a second, the whole surface every several seconds. Each kind takes a few per cent of one
core at most, in worker processes of lower priority than training, and only when the weights, the learning rate or
a choice have changed. Nothing here waits for a worker."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QTabWidget, QVBoxLayout, QWidget

from ..core.background import LatestJobs, Recompute, gradient_slice_job, surface_job, two_weights_job
from ..core.landscape import Sample, TwoWeights, parameter_index, steepest_pair
from ..core.network import Network
from ..core.surface import SURFACE_POINTS, PathRecorder, ending_at
from . import step_view, surface_view, two_weights_view
from .step_view import GradientStepView
from .surface_view import SurfaceView
from .two_weights_view import TwoWeightsView, weight_label, weight_name
from .widgets import button

KEYS = ("slice", "two weights", "surface")
TICK_MS = 100
TWO_WEIGHT_POINTS = 41
SPANS = (1.0, 2.0, 4.0, 8.0)
HOW_TO_CHOOSE = "click two edges of the graph or Ctrl+click two pixels of a weight image"


def caption(html: str, more: str = "") -> QLabel:
    """A view's explanation: a sentence or two in the app's words, wrapped (``more``: the longer one, its tooltip)."""
    label = QLabel(html)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    if more:
        label.setToolTip(more)
    return label


def _tab(explanation: tuple[str, str], controls: list[QWidget], view: QWidget, note: QWidget | None = None) -> QWidget:
    """A tab: the view's explanation (one sentence, and the longer one as its tooltip), a row of its controls (and a
    note under them), the view."""
    tab = QWidget()
    layout = QVBoxLayout(tab)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.addWidget(caption(*explanation))
    if note is not None:
        layout.addWidget(note)
    row = QHBoxLayout()
    for w in controls:
        row.addWidget(w)
    row.addStretch(1)
    layout.addLayout(row)
    layout.addWidget(view, 1)
    return tab


class LandscapePanel(QWidget):
    """The cost as a landscape, and gradient descent walking on it, for the network being shown."""

    marked = Signal(list)  #: the weights ``(layer, j, k)`` to mark in the graph and the weight images (0 to 2)

    def __init__(self, jobs: LatestJobs | None = None, parent=None):
        super().__init__(parent)
        self.jobs = jobs if jobs is not None else LatestJobs()
        self._owns_jobs = jobs is None
        self.step_view, self.two_view, self.surface_view = GradientStepView(), TwoWeightsView(), SurfaceView()
        self.span = QComboBox()
        self.span.addItems([f"±{s:g}" for s in SPANS])
        self.span.setCurrentIndex(SPANS.index(4.0))
        self.span.setToolTip("How far the map reaches on each side of the two weights' current values.")
        self.steepest = button("Steepest two", "Show the two weights the cost is most sensitive to right now.")
        self.plane = QComboBox()
        self.plane.addItems(["path of training", "random directions"])
        self.plane.setToolTip("The plane through the current weights: the two directions the run moved along most "
                              "(its path lies in it), or two random filter-normalised directions (Li et al. 2018).")
        self.plane_note = QLabel()
        # the note wraps into the room the row has left: it must never widen the dock (and squeeze the graph)
        self.plane_note.setWordWrap(True)
        self.plane_note.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.choice = caption("")  # which two weights are mapped, and how to choose others
        self.choice.setToolTip("A weight is an edge of the graph (click it), or a pixel of a first-layer weight "
                               "image (Ctrl+click it; the strip under a tile is the unit's bias). The last two "
                               "chosen are mapped; the next one replaces the older.")
        self._build_layout()

        self.network: Network | None = None
        self.learning_rate = 1.0
        self.sample: Sample | None = None
        self._shared = None
        self._version = 0  # bumped whenever the weights change
        self.pair: tuple[tuple[int, int, int], tuple[int, int, int]] | None = None
        self._picks: list[tuple[int, int, int]] = []
        self._steepest = False  # the pair is the steepest two (not chosen by hand)
        self._step: int | None = None  # the shown network's mini-batch count (where the path of training ends)
        self.recorder = PathRecorder()
        self._given_path: tuple[np.ndarray, np.ndarray] | None = None
        #: Where the run's path comes from when none is given: a function returning (trajectory, steps) or None,
        #: asked only when a surface is about to be computed (the window's timeline recording; see AnalysisDocks).
        self.path_source = None
        self._asked: dict[str, tuple] = {}  # what each running job was computed from
        # each kind's share of one core at most (all four panels' kinds together: about a sixth of one core)
        self.schedule = {"slice": Recompute("slice", 0.25, duty=0.05),
                         "two weights": Recompute("two weights", 1.0, duty=0.05),
                         "surface": Recompute("surface", 2.0, duty=0.03)}
        self.span.currentIndexChanged.connect(lambda _: self.schedule["two weights"].now())
        self.plane.currentIndexChanged.connect(lambda _: self.schedule["surface"].now())
        self.steepest.clicked.connect(self.choose_steepest)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _build_layout(self) -> None:
        # One sentence each, the longer explanation in its tooltip: in a dock a third of the window wide, the
        # explanations in full left the two-weight map a sliver of 30 px at 1280 × 800.
        two = _tab((two_weights_view.SUMMARY, two_weights_view.EXPLANATION),
                   [QLabel("Reach"), self.span, self.steepest], self.two_view, self.choice)
        whole = _tab((surface_view.SUMMARY, surface_view.EXPLANATION), [QLabel("Plane"), self.plane, self.plane_note],
                     self.surface_view)
        self.tabs = QTabWidget()
        self.tabs.addTab(two, "Two weights")
        self.tabs.addTab(whole, "Whole network")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(caption(step_view.SUMMARY, step_view.EXPLANATION))
        layout.addWidget(self.step_view, 1)
        layout.addWidget(self.tabs, 2)

    # --- what to show ---------------------------------------------------------------------------------------------
    def show_network(self, network: Network, learning_rate: float, sample: Sample | None = None,
                     trajectory: np.ndarray | None = None, steps: np.ndarray | None = None,
                     step: int | None = None) -> None:
        """Show the landscape of ``network`` at learning rate η (cheap: call it every frame).

        ``sample``: the fixed training images (:meth:`Sample.from_images`), made once and given once or every time
        (a different object is written anew for the workers, so do not rebuild it per frame). ``trajectory``
        ``(k, n_params)``: the run's recorded flat parameter vectors at ``steps`` ``(k,)``; without one the panel
        records its own from the networks it is shown (``step``: the network's mini-batch count, if known).
        """
        if sample is not None and sample is not self.sample:
            self.set_sample(sample)
        if self.network is None or network.config() != self.network.config():
            self.network = network.copy()
            self.recorder.clear()
            self.pair, self._picks = None, []
            self._version += 1
            self._show_choice()
        elif not np.array_equal(network.params, self.network.params):
            self.network.set_params(network.params)
            self._version += 1
        self.learning_rate = float(learning_rate)
        self.two_view.set_learning_rate(self.learning_rate)
        self._step = None if step is None else int(step)
        if trajectory is not None:
            self._given_path = (np.asarray(trajectory), np.arange(len(trajectory)) if steps is None else steps)
        else:
            self._given_path = None
            self.recorder.record(self.network.params, self._version if step is None else step)
        if self.pair is None and self.sample is not None:
            self.choose_steepest()

    def set_sample(self, sample: Sample) -> None:
        """The fixed training images every picture here is measured on."""
        self.sample = sample
        self._shared = self.jobs.share(sample)
        self._version += 1
        if self.pair is None and self.network is not None:
            self.choose_steepest()

    @Slot()
    def choose_steepest(self) -> None:
        """Show the two weights with the steepest slope of the cost right now."""
        if self.network is not None and self.sample is not None:
            self._picks = []
            self.choose_weights(*steepest_pair(self.network, self.sample))
            self._steepest = True
            self._show_choice()

    def choose_weights(self, first: tuple[int, int, int], second: tuple[int, int, int]) -> None:
        """Map the cost over these two parameters, each ``(layer, j, k)``: layer 1 … L, into neuron j from neuron k
        of the layer below (``k = n_in``: neuron j's bias)."""
        if self.network is None:
            return
        try:
            indices = [parameter_index(self.network, *w) for w in (first, second)]
        except ValueError as e:
            self.two_view.show_message(str(e))
            return
        if indices[0] == indices[1]:
            self.two_view.show_message("Choose two different weights.")
            return
        self.pair = (tuple(first), tuple(second))
        self._steepest = False
        self.two_view.set_names(*(weight_name(w, self._inputs_of(w)) for w in self.pair))
        self.two_view.clear_ball()
        self.schedule["two weights"].now()
        self._show_choice()

    def mapped_weights(self) -> tuple:
        """The weights mapped and those picked so far, to give back to :meth:`map_again`."""
        return self.pair, list(self._picks), self._steepest

    def map_again(self, mapped: tuple) -> None:
        """Map and mark again the weights of an earlier :meth:`mapped_weights` (none: no weight marked until the
        panel is next shown a network, which chooses the steepest two)."""
        pair, picks, steepest = mapped
        if pair is not None and self.network is not None:
            self.choose_weights(*pair)
        else:
            self.pair = None
        self._picks, self._steepest = list(picks), steepest and self.pair is not None
        self._show_choice()

    def choose_weight(self, layer: int, j: int, k: int) -> None:
        """One more weight picked (a click on an edge or a weight-image pixel): the last two picked are mapped."""
        self._picks = [w for w in self._picks if w != (layer, j, k)][-1:] + [(layer, j, k)]
        if len(self._picks) == 2:
            self.choose_weights(*self._picks)
        else:
            self._show_choice()

    def _inputs_of(self, weight: tuple[int, int, int]) -> int | None:
        """n_in of the weight's layer (its bias is k = n_in), if the layer exists."""
        layer = weight[0]
        return self.network.layer_shapes[layer - 1][0] if 1 <= layer < self.network.num_layers else None

    def _show_choice(self) -> None:
        """Say which two weights are mapped (or the one picked so far) and how to choose others; mark them."""
        name = (lambda w: weight_label(w, self._inputs_of(w))) if self.network is not None else str
        if len(self._picks) == 1:
            marked = list(self._picks)
            text = f"<b>{name(self._picks[0])}</b> picked: click one more edge, or Ctrl+click one more pixel."
        elif self.pair is not None:
            marked = list(self.pair)
            how = "the two steepest now" if self._steepest else "chosen"
            text = (f"<b>{name(self.pair[0])}</b> and <b>{name(self.pair[1])}</b> ({how}). Others: click two edges "
                    "or Ctrl+click two pixels.")
        else:
            marked, text = [], f"To choose two weights, {HOW_TO_CHOOSE}."
        if text != self.choice.text():
            self.choice.setText(text)
        self.marked.emit(marked)

    def shutdown(self) -> None:
        """Stop asking for work; stop the workers if this panel started them."""
        self._timer.stop()
        if self._owns_jobs:
            self.jobs.close()

    # --- the background work ----------------------------------------------------------------------------------------
    @Slot()
    def _tick(self) -> None:
        for done in self.jobs.poll(KEYS):
            self._finished(done)
        if self.network is None or self._shared is None:
            return
        if self.network.sizes[0] != self.sample.x.shape[1]:
            self.step_view.show_message(f"The landscape needs a network with {self.sample.x.shape[1]} inputs.")
            return
        config, params = self.network.config(), self.network.params
        if self.step_view.isVisible():
            state = (self._version, self.learning_rate)
            self._ask("slice", state, gradient_slice_job, config, params.copy(), self._shared, self.learning_rate)
        if self.two_view.isVisible() and self.pair is not None:
            span = SPANS[self.span.currentIndex()]
            state = (self._version, self.pair, span)
            self._ask("two weights", state, two_weights_job, config, params.copy(), self._shared, *self.pair, span,
                      TWO_WEIGHT_POINTS)
        if self.surface_view.isVisible():
            self._ask_surface(config, params)

    def _path(self) -> tuple[np.ndarray, np.ndarray]:
        """The run's path: the one given, else the path source's, else the one recorded from the networks shown."""
        if self._given_path is not None:
            return self._given_path
        path = self.path_source() if self.path_source is not None else None
        return path if path is not None else self.recorder.trajectory()

    def _ask_surface(self, config: dict, params: np.ndarray) -> None:
        trajectory, steps = self._path()
        kind = "path" if self.plane.currentIndex() == 0 else "random"
        # (the first checkpoint, the random start, almost always differs: most ticks compare one row, not 64)
        moved = len(trajectory) > 0 and (np.any(trajectory[0] != params) or np.any(trajectory != params))
        if kind == "path" and not moved:
            kind = "random"
            self.plane_note.setText("No path recorded yet: random directions until training moves.")
        else:
            self.plane_note.setText("")
        state = (self._version, kind, len(steps), int(steps[-1]) if len(steps) else None)  # new weights or path
        if not self.schedule["surface"].wanted(state, self.jobs):
            return
        if len(trajectory):  # the path of training leads to the point shown (after it, if its step is unknown)
            end = self._step if self._step is not None else int(steps[-1]) + 1
            trajectory, steps = ending_at(trajectory, steps, params, end)
        self._ask("surface", state, surface_job, config, params.copy(), self._shared, kind,
                  trajectory if len(trajectory) else None, steps, SURFACE_POINTS, 0)

    def _ask(self, key: str, state, fn, *args) -> None:
        if self.schedule[key].submit_if_wanted(state, self.jobs, fn, *args):
            self._asked[key] = (state, args[1])  # args[1]: the weights it is computed with

    def _finished(self, done) -> None:
        self.schedule[done.key].finished(done.seconds)
        view = {"slice": self.step_view, "two weights": self.two_view, "surface": self.surface_view}[done.key]
        if done.error is not None:
            view.show_message(f"Could not compute this: {done.error}")
            return
        if done.key == "slice":
            self.step_view.show_slice(done.result)
        elif done.key == "surface":
            self.surface_view.show_surface(done.result)
        else:  # the ball needs the same two weights of the same network, here on the window's side
            state, params = self._asked[done.key]
            pair = state[1]
            if self.network is None or pair != self.pair:
                return  # the user has chosen others meanwhile
            net = self.network.copy()
            net.set_params(params)
            self.two_view.show_surface(done.result, TwoWeights(net, self.sample, *pair), self.learning_rate)
