"""The actions that put a new run in place of the live one: Reset, a preset, the random-labels experiment, and
the end of that experiment's second run.

Each is a method of the main window (``MainWindow.reset = run_actions.reset``, …) written here, ``window`` being
its self: the menus, the keys, the tour and the tests call them on the window. They ask before a trained network
would be lost (``window.ask``) and start over through one path, :func:`start_over`.
"""

from __future__ import annotations

from PySide6.QtCore import Slot

from ..core import protocol as p
from ..core.training import TrainConfig


def _may_discard(window, title: str, question: str) -> bool:
    """True if no trained network would be lost, or the user agrees to lose it."""
    return not window.run.would_lose_training() or window.ask(title, question)


@Slot()
def reset(window) -> None:
    """New random weights from the fields' settings; asks first if a trained network would be lost."""
    config = window._config_for("reset")
    if config is None or not _may_discard(
            window, "Reset the network?", "Throw away the trained weights and start again from random ones?"):
        return
    window.start_over(config)


def start_over(window, config: TrainConfig) -> None:
    """A new run from random weights with ``config``, without asking (the earlier run's curve stays, faint)."""
    window.banner.hide()
    window.stop_comparison()
    window.controls.set_running(False)
    window.cost_view.start_new_run(keep_previous=True)
    window.run.started_over(config)
    window.training.post(p.Reset(config))
    window._update_title()


@Slot(str)
def apply_preset(window, name: str) -> None:
    """Start over with a preset's settings, asking first if a trained network would be lost (No: the form, the
    live learning rate and the network stay as they were)."""
    if not _may_discard(window, "Use the preset?", f"Throw away the trained weights and start again as “{name}”?"):
        window.controls.show_preset(window.controls.applied_preset)
        return
    window.start_over(window.controls.use_preset(name))


@Slot()
def start_label_experiment(window) -> None:
    """The explanation's experiment: the same network trained on true and on shuffled labels, side by side."""
    if window._refuse("experiment"):
        return
    window.controls.random_labels.setChecked(False)
    config = window._config_for("start the experiment")
    if config is None or not _may_discard(
            window, "Start the experiment?", "Throw away the trained weights and train two fresh networks?"):
        return
    window.start_over(config)
    window.cost_view.start_comparison("random labels (moving average)")
    window.training.start_comparison(config, window.controls.speed())
    window.controls.train_button.setChecked(True)


def stop_comparison(window) -> None:
    """End the random-labels run, if any (its process and thread)."""
    if window.training.stop_comparison():
        window.cost_view.clear_comparison()
