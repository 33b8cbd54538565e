"""What the guided tour changes in the window, kept before its first step and put back when the learner leaves.

The tour drives the window as a learner would: it loads the example network, starts fresh ones and trains them,
puts a 2 on the canvas, slows training down, raises docks and may see the learning rate changed. :func:`keep`
records all of that first; :func:`put_back` restores it, the network and its run through the run model
(:mod:`nnviz.core.kept_run`), the rest widget by widget, in an order where nothing restored is undone by what
follows (the form before the banner, which a changed learning rate hides; the drawing after the backpropagation
tab, whose example can put an image on the canvas).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray

from ..core import kept_run
from ..core.config import TrainConfig


@dataclass
class WindowState:
    """The window as the learner left it (see the module's docstring)."""

    run: kept_run.KeptRun
    running: bool
    speed_index: int
    config: TrainConfig | None  #: the form's settings (None if a field was invalid: its texts are kept)
    layers_text: str
    preset: tuple[str, str]  #: the preset the form was filled from, and the one the box shows
    docks: QByteArray  #: QMainWindow.saveState: which docks are open, where, and which tab is in front
    drawing: tuple
    true_label: int | None
    earlier_runs: list
    backprop: tuple
    selected: tuple[int, int]
    weights_layer: int
    banner: str | None
    model_dir: object
    weights_mapped: tuple  #: the two weights Gradient descent maps (the tour's visit there chooses the steepest)


def keep(w) -> WindowState:
    """Record what the tour may change in main window ``w``."""
    c, b = w.controls, w.backprop_panel
    try:
        config = c.config()
    except ValueError:
        config = None
    return WindowState(
        run=kept_run.keep(w.run), running=c.train_button.isChecked(), speed_index=c.speed_slider.value(),
        config=config, layers_text=c.layers_edit.text(), preset=(c.applied_preset, c.preset_combo.currentText()),
        docks=w.saveState(), drawing=w.draw_panel.canvas.drawing(), true_label=w.draw_panel.true_label,
        earlier_runs=w.cost_view.earlier_runs(),
        backprop=(b.source.currentIndex(), b.target.value(), b.focus.value(), b.overlay.isChecked(), b.example,
                  list(b.undo_stack)),
        selected=w.network_view.selected or (-1, -1), weights_layer=w.weights_panel.layer_combo.currentIndex(),
        banner=w.banner.text() if w.banner.isVisible() else None, model_dir=w.settings.value("files/model_dir"),
        weights_mapped=w.analysis.landscape_panel.mapped_weights())


def put_back(w, s: WindowState, closing: bool = False) -> None:
    """Return main window ``w`` to the state ``s`` recorded; ``closing``: only what outlives the window (the
    settings it saves as it closes), not the network it is about to let go."""
    c = w.controls
    if closing:
        _put_back_settings(w, s)
        return
    if c.train_button.isChecked():
        c.train_button.setChecked(False)
    w.stop_comparison()
    load = kept_run.put_back(w.run, s.run)
    w.cost_view.start_new_run(keep_previous=False)  # the kept snapshot draws the whole history again
    w.cost_view.set_earlier_runs(s.earlier_runs)
    if load is not None:
        w.training.post(load)
    else:  # there was no network yet: start as the window does
        w.start_over(s.config or w.run.config)
    _put_back_settings(w, s)
    _put_back_backprop(w.backprop_panel, s.backprop)
    panel = w.draw_panel
    panel.canvas.set_drawing(s.drawing)
    panel.true_label = s.true_label
    panel.bars.set_true_label(s.true_label)
    panel.input_changed.emit()  # read again, by the network put back, with its label
    w.network_view.select(*s.selected)
    w.weights_panel.layer_combo.setCurrentIndex(s.weights_layer)
    w.weights_panel.view.select(*s.selected)
    w.analysis.landscape_panel.map_again(s.weights_mapped)  # no thick edges the learner never chose
    if s.banner is None:
        w.banner.hide()
    else:
        w.banner.say(s.banner)
    w.setWindowTitle(w.run.window_title())
    if s.running:
        c.train_button.setChecked(True)
    w.frames.mark_snapshot()


def _put_back_backprop(b, state: tuple) -> None:
    """The Backpropagation tab's example, target and undo steps as they were (without picking a new example)."""
    source, target, focus, overlay, example, undo = state
    for box in (b.source, b.target, b.focus):
        box.blockSignals(True)
    b.source.setCurrentIndex(source)
    b.target.setValue(target)
    b.focus.setValue(focus)
    for box in (b.source, b.target, b.focus):
        box.blockSignals(False)
    b.target.setEnabled(source != 2)
    b.example = example
    b.undo_stack = list(undo)
    b.undo_button.setEnabled(bool(undo))
    b.overlay.setChecked(overlay)
    b.recompute()


def _put_back_settings(w, s: WindowState) -> None:
    """The form, the speed, the docks and the folder of model files: what the window saves between sessions."""
    c = w.controls
    if s.config is not None:
        c.set_config(s.config)
    c.layers_edit.setText(s.layers_text)
    c.applied_preset = s.preset[0]
    c.preset_combo.setCurrentText(s.preset[1])
    c.speed_slider.setValue(s.speed_index)
    w.restoreState(s.docks)
    if s.model_dir is None:
        w.settings.remove("files/model_dir")
    else:
        w.settings.setValue("files/model_dir", s.model_dir)
