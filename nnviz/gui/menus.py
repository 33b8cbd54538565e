"""The window's menus and shortcuts, and the table of its settings that persist between sessions.

Every action is added to the window as well as to its menu, so its shortcut works wherever the focus is.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from .. import __version__
from ..core.training import PRESETS, TrainConfig
from . import file_actions, layout, tour
from .network_view import DEFAULT_INPUT_EDGES
from .settings import Setting


def _action(window, menu, text, slot, shortcut=None, tip=None, checkable=False) -> QAction:
    a = QAction(text, window)
    if shortcut is not None:
        a.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
    if tip:
        a.setStatusTip(tip)
        a.setToolTip(tip)
    a.setCheckable(checkable)
    (a.toggled if checkable else a.triggered).connect(slot)
    menu.addAction(a)
    window.addAction(a)  # shortcuts work wherever the focus is
    return a


def build(w) -> None:
    """Fill ``w``'s menu bar; the checkable actions become attributes of ``w``."""
    mb = w.menuBar()
    keys = QKeySequence.StandardKey
    m = mb.addMenu("&File")
    _action(w, m, "&Open model…", w.files.open, keys.Open)
    _action(w, m, "&Save model", w.files.save, keys.Save)
    _action(w, m, "Save model &as…", w.files.save_as, keys.SaveAs)
    m.addSeparator()
    _action(w, m, "Open &dataset…", w.data_panel.open_dataset, tip="An mnist.npz or a folder of IDX files")
    _action(w, m, "Download &MNIST…", w.data_panel.download)
    _action(w, m, "Load the &example network", w.files.open_example)
    m.addSeparator()
    _action(w, m, "Export history as &CSV…", lambda: file_actions.export_csv(w))
    _action(w, m, "Export cost plot as &PNG…", lambda: file_actions.export_png(w))
    _action(w, m, "Export confusion matrix as CSV…", lambda: w.insight.panel.export_csv())
    _action(w, m, "Export confusion matrix as PNG…", lambda: w.insight.panel.export_png())
    m.addSeparator()
    _action(w, m, "&Quit", w.close, keys.Quit)

    t = mb.addMenu("&Training")
    w.train_action = _action(w, t, "&Train / Pause", w.toggle_training, QKeySequence(Qt.Key.Key_Space))
    _action(w, t, "&Step one mini-batch", w.step_once, [QKeySequence(Qt.Key.Key_Right), QKeySequence(Qt.Key.Key_S)])
    _action(w, t, "&Reset", w.reset, QKeySequence("Ctrl+R"))
    _action(w, t, "&Faster", w.controls.faster, QKeySequence(Qt.Key.Key_BracketRight),
            tip="One step right on the speed slider: from the default 100 mini-batches a second to full speed")
    _action(w, t, "S&lower", w.controls.slower, QKeySequence(Qt.Key.Key_BracketLeft))
    _action(w, t, "Experiment: true vs random &labels", w.start_label_experiment,
            tip="Train the same network twice at once, once on shuffled labels: that cost stalls near 0.45 (it "
                "cannot memorise them) while the true labels' cost falls")
    presets = t.addMenu("&Presets")
    for name in PRESETS:
        _action(w, presets, name, lambda _=False, n=name: w.apply_preset(n))

    v = mb.addMenu("&View")
    w.reference_action = _action(w, v, "Reference accuracy line", w.cost_view.set_reference_visible, checkable=True)
    w.log_action = _action(w, v, "Logarithmic cost axis", w.cost_view.set_log_cost, checkable=True,
                           tip="Shows the slow late decline of the cost as clearly as the first plunge")
    w.log_time_action = _action(w, v, "Logarithmic time axis", w.cost_view.set_log_time, checkable=True,
                                tip="Epochs on a log scale: the first plunge and the slow tail both visible")
    _action(w, v, "Clear earlier runs from the plot", w.cost_view.clear_earlier_runs)
    w.colourblind_action = _action(w, v, "Colour-blind-safe colours", w.set_colourblind, checkable=True,
                                   tip="Blue/orange instead of blue/red for positive/negative weights")
    v.addSeparator()
    _action(w, v, "Reset &layout", w.proportions.reset, QKeySequence("Ctrl+Shift+R"),
            tip="Every panel back where it was at first, at its first size")
    for dock in (w.draw_dock, w.cost_dock, w.weights_dock, w.backprop_dock, w.controls_dock,
                 w.analysis.landscape_dock, w.analysis.dreams_dock, w.insight.dock, w.inspector_dock):
        v.addAction(dock.toggleViewAction())

    h = mb.addMenu("&Help")
    _action(w, h, "&How it works", w.show_how_it_works, keys.HelpContents)
    tour.install(w, h, _action)  # the guided tour: w.tour
    _action(w, h, "&About nnviz", lambda: QMessageBox.about(
        w, "About nnviz", f"<b>nnviz {__version__}</b><p>Watch a neural network learn to read handwritten digits."
        "</p><p>MNIST: Y. LeCun, C. Cortes, C. J. C. Burges (CC BY-SA 3.0).</p>"))


def _config_json(w):
    try:
        return json.dumps(w.controls.config().to_dict())
    except ValueError:
        return None  # a field is invalid: keep what was stored


def _set_config_json(w, text: str) -> None:
    before = w.controls.config()
    try:
        w.controls.set_config(TrainConfig.from_dict(json.loads(text)))
        w.controls.config()  # an older build may have saved layers the form now refuses
    except (ValueError, TypeError):
        w.controls.set_config(before)  # an old or hand-edited setting: keep the defaults


def settings_table(w) -> list[Setting]:
    """Everything about the window that a user should not have to set again at every start."""
    c, d = w.controls, w.draw_panel
    return [
        # a geometry that no longer fits a screen is not restored
        Setting("window/geometry", bytes, None, w.saveGeometry, lambda g: layout.restore_geometry(w, g)),
        Setting("window/state", bytes, None, w.saveState, w.restoreState),
        Setting("window/proportions", str, None, w.proportions.to_text, w.proportions.from_text),
        Setting("training/config", str, None, lambda: _config_json(w), lambda t: _set_config_json(w, t)),
        Setting("training/speed_index", int, None, c.speed_slider.value, c.speed_slider.setValue),
        Setting("view/reference", bool, True, w.reference_action.isChecked, w.reference_action.setChecked),
        Setting("view/log_cost", bool, False, w.log_action.isChecked, w.log_action.setChecked),
        Setting("view/log_time", bool, False, w.log_time_action.isChecked, w.log_time_action.setChecked),
        Setting("weights/per_unit", bool, True, w.weights_panel.per_unit.isChecked, w.weights_panel.per_unit.setChecked),
        Setting("view/colourblind", bool, False, w.colourblind_action.isChecked, w.colourblind_action.setChecked),
        Setting("draw/mnist_style", bool, True, d.normalize_box.isChecked, d.normalize_box.setChecked),
        Setting("graph/input_edges", int, DEFAULT_INPUT_EDGES, w.network_panel.input_edges,
                w.network_panel.set_input_edges),
    ]
