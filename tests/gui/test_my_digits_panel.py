"""The my-digits panel: add with a digit button or key, browse, delete, read-right counts, train-with switch."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from nnviz.core.my_digits import MyDigits
from nnviz.gui.my_digits_panel import MyDigitsPanel


class ReadsAs:
    """A stand-in network that reads every image as digit ``d`` unless its first pixel is lit (then as 9)."""

    def __init__(self, d):
        self.d = d

    def classify(self, x):
        return np.where(x[:, 0] > 0, 9, self.d)


def drawing(first=0.0):
    x = np.zeros(784, np.float32)
    x[300:340] = 1.0
    x[0] = first
    return x


@pytest.fixture
def panel(shown, tmp_path):
    return shown(MyDigitsPanel(MyDigits.open(tmp_path / "mine.npz")), 360, 480)


def test_digit_button_and_key_add_the_drawing(panel, qtbot):
    """Clicking 9 keeps the drawing as a 9; pressing 4 with the panel focused keeps it as a 4; both are saved."""
    assert not panel.add_buttons[9].isEnabled()  # nothing drawn yet
    panel.set_drawing(drawing())
    with qtbot.waitSignal(panel.digits_changed):
        qtbot.mouseClick(panel.add_buttons[9], Qt.MouseButton.LeftButton)
    panel.setFocus()
    qtbot.keyClick(panel, Qt.Key.Key_4)
    assert panel.store.labels.tolist() == [9, 4] and MyDigits.open(panel.store.path).labels.tolist() == [9, 4]
    assert panel.gallery.count() == 2 and [panel.gallery.item(i).text() for i in range(2)] == ["4", "9"]


def test_read_right_counts_follow_the_network(panel):
    """“7 of 10 of your 9s”: with a network the score counts per digit and marks misread digits 9→3."""
    for first in (0, 0, 0, 1):
        panel.set_drawing(drawing(first))
        panel.add_current(9)
    panel.set_network(ReadsAs(3))
    assert "1 of 4" in panel.score.text() and "your 9s" in panel.score.text()
    assert sorted(panel.gallery.item(i).text() for i in range(4)) == ["9", "9→3", "9→3", "9→3"]
    panel.filter.setCurrentIndex(panel.filter.findData(9))
    assert panel.score.text() == "The network reads 1 of 4 of your 9s right."
    panel.set_network(ReadsAs(9))
    assert panel.score.text() == "The network reads 4 of 4 of your 9s right."
    assert [panel.gallery.item(i).text() for i in range(4)] == ["9"] * 4  # the marks follow the new network


def test_select_and_delete(panel, qtbot):
    """Selecting a digit in the gallery and pressing Delete removes exactly it from the store."""
    for label in (1, 2, 3):
        panel.set_drawing(drawing())
        panel.add_current(label)
    assert not panel.delete_button.isEnabled()
    panel.gallery.item(1).setSelected(True)  # the gallery is sorted by digit: the 2
    assert panel.delete_button.isEnabled()
    panel.setFocus()
    with qtbot.waitSignal(panel.digits_changed):
        qtbot.keyClick(panel, Qt.Key.Key_Delete)
    assert panel.store.labels.tolist() == [1, 3] and panel.gallery.count() == 2


def test_train_with_switch_and_weight(panel, qtbot):
    """The switch emits (True, 0.05); changing the share while on emits the new share; off emits False."""
    with qtbot.waitSignal(panel.train_with_changed) as sig:
        # on the tick box itself, at the left edge
        qtbot.mouseClick(panel.train_box, Qt.MouseButton.LeftButton, pos=QPoint(8, panel.train_box.height() // 2))
    assert sig.args == [True, pytest.approx(0.05)]
    with qtbot.waitSignal(panel.train_with_changed) as sig:
        panel.weight.setValue(20)
    assert sig.args == [True, pytest.approx(0.2)] and panel.train_with() == (True, pytest.approx(0.2))
    with qtbot.waitSignal(panel.train_with_changed) as sig:
        panel.train_box.setChecked(False)
    assert sig.args[0] is False


def test_export_import_and_a_bad_file(panel, tmp_path):
    """Export then import doubles the collection; a bad file gives one sentence in the panel and changes nothing."""
    panel.set_drawing(drawing())
    panel.add_current(5)
    assert panel.export_to(tmp_path / "out.npz")
    assert panel.import_from(tmp_path / "out.npz") == 1 and panel.store.labels.tolist() == [5, 5]
    (tmp_path / "bad.npz").write_bytes(b"nope")
    assert panel.import_from(tmp_path / "bad.npz") == 0
    assert "bad.npz" in panel.message.text() and panel.message.isVisibleTo(panel) and len(panel.store) == 2


def test_a_corrupt_store_is_reported_in_the_panel(shown, tmp_path):
    """An unreadable saved file: the panel opens empty and says, in one sentence, where the old file was kept."""
    path = tmp_path / "mine.npz"
    path.write_bytes(b"broken")
    panel = shown(MyDigitsPanel(MyDigits.open(path)), 360, 480)
    assert "kept as mine.unreadable-" in panel.message.text() and len(panel.store) == 0
