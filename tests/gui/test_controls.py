"""The form's hidden-layers field follows the command line's rules (nnviz.core.architecture), typed for real."""

import pytest
from PySide6.QtCore import Qt

from nnviz.core.architecture import MAX_HIDDEN_NEURONS
from nnviz.gui.controls import ControlsPanel


@pytest.fixture
def panel(qtbot):
    """A standalone controls panel, shown."""
    p = ControlsPanel()
    qtbot.addWidget(p)
    p.show()
    qtbot.waitExposed(p)
    return p


def _type(qtbot, panel, text: str) -> None:
    panel.layers_edit.selectAll()
    qtbot.keyClick(panel.layers_edit, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(panel.layers_edit, text)


@pytest.mark.parametrize("text,pattern", [
    ("16,,16", "empty place between commas"),
    ("", "are empty"),
    (str(MAX_HIDDEN_NEURONS + 1), f"more than the {MAX_HIDDEN_NEURONS}"),
    ("16,x", "whole numbers"),
])
def test_bad_hidden_layers_are_refused_with_a_sentence(qtbot, panel, text, pattern):
    """`16,,16`, an empty field (it used to build 784-10 silently), too large a layer, a word: a ValueError whose
    message is a sentence for the message box (capitalised, full stop)."""
    _type(qtbot, panel, text)
    with pytest.raises(ValueError, match=pattern) as e:
        panel.config()
    assert not str(e.value)[0].islower() and str(e.value).endswith(".")


def test_typed_layers_make_the_network(qtbot, panel):
    """`30, 20` typed into the field gives 784-30-20-10, and set_config writes a config's layers back the same way."""
    _type(qtbot, panel, "30, 20")
    config = panel.config()
    assert config.sizes == (784, 30, 20, 10)
    panel.set_config(config.with_(sizes=(784, 16, 16, 10)))
    assert panel.layers_edit.text() == "16,16"
