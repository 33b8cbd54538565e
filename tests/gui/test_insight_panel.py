"""The insight panel with real events: a cell opens its images, an image goes to the canvas with its label, the
histogram's average is the network's cost, exports hold the matrix, and a hidden panel computes nothing."""

import csv
import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from nnviz.core.insight import LabelledImages, compute_insight
from nnviz.core.model_io import load_model
from nnviz.gui import theme
from nnviz.gui.draw_panel import DrawPanel
from nnviz.gui.example_gallery import MAX_EXAMPLES
from nnviz.gui.insight_panel import InsightPanel
from tests.core.test_insight import ROOT_MODEL


@pytest.fixture(scope="module")
def network():
    return load_model(ROOT_MODEL)


@pytest.fixture
def panel(shown, network, mnist):
    p = shown(InsightPanel(), 1000, 950)
    p.show_insight(network, mnist.x_test, mnist.y_test)
    return p


def click_cell(qtbot, panel, true, answer):
    view = panel.confusion_view
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.cell_centre(true, answer))


def test_clicking_a_cell_opens_its_images_most_confident_first(panel, qtbot, network, mnist):
    """A real click on cell (4, 9) fills the gallery with test images of 4s the network read as 9, exactly the
    pixels of those test images, sorted by the network's output for 9 (highest first); the cell gets a frame."""
    with qtbot.waitSignal(panel.confusion_view.cell_clicked, timeout=2000) as sig:
        click_cell(qtbot, panel, 4, 9)
    assert sig.args == [4, 9] and panel.confusion_view.selected == (4, 9)
    view = panel.confusion_view
    m, w = view.matrix_rect(), view.matrix_rect().width() / 10
    framed = view.grab().toImage().pixelColor(int(m.left() + 9 * w + 1), int(m.top() + 4.5 * w))
    assert framed.name() == QColor(theme.SELECTION).name()  # the chosen cell is framed on screen
    gallery = panel.cell_gallery
    idx = gallery.indices
    x = mnist.x_test[idx].reshape(len(idx), -1) / 255.0
    outputs = network.predict(x)
    assert len(idx) == min(panel.insight.confusion[4, 9], MAX_EXAMPLES) > 0
    assert np.all(mnist.y_test[idx] == 4) and np.all(outputs.argmax(axis=1) == 9)
    assert np.all(np.diff(outputs[:, 9]) <= 1e-6)
    np.testing.assert_allclose(gallery.images.reshape(len(idx), -1), x, atol=1e-6)
    assert panel.tabs.currentIndex() == 0 and panel.cell_gallery.title.startswith("4 read as 9: ")
    click_cell(qtbot, panel, 7, 7)  # a diagonal cell: the right answers, capped at the gallery's size
    assert np.all(mnist.y_test[gallery.indices] == 7) and len(gallery.indices) == MAX_EXAMPLES


def test_clicking_an_image_puts_it_on_the_canvas_with_its_label(panel, qtbot, shown, mnist):
    """A click on a gallery image emits that test image and its label; wired to the Draw panel's show_labelled,
    the canvas then holds exactly that image and its label is marked."""
    draw = shown(DrawPanel(), 500, 500)
    panel.example_chosen.connect(draw.show_labelled)
    click_cell(qtbot, panel, 5, 3)
    gallery = panel.cell_gallery
    i = 2
    expected_index = int(gallery.indices[i])
    with qtbot.waitSignal(panel.example_chosen, timeout=2000) as sig:
        qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.tile_rect(i).center())
    image, label = sig.args
    np.testing.assert_allclose(image, mnist.x_test[expected_index] / 255.0, atol=1e-6)
    assert label == mnist.y_test[expected_index] == 5
    np.testing.assert_allclose(draw.canvas.network_input(), mnist.x_test[expected_index].ravel() / 255.0, atol=1e-6)
    assert draw.true_label == 5


def test_hardest_examples_are_clickable_and_the_costliest(panel, qtbot, mnist):
    """The hardest-examples gallery shows the highest-cost images, costliest first, and a click emits one."""
    gallery = panel.hardest_gallery
    costs = panel.insight.costs
    np.testing.assert_array_equal(np.sort(costs)[::-1][: len(gallery.indices)], costs[gallery.indices])
    panel.tabs.setCurrentIndex(1)
    qtbot.waitExposed(gallery)
    with qtbot.waitSignal(panel.example_chosen, timeout=2000) as sig:
        qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.tile_rect(0).center())
    assert sig.args[1] == mnist.y_test[gallery.indices[0]]


def test_the_histograms_average_is_the_networks_cost(panel, network, mnist):
    """The histogram counts all 10,000 examples, and its marked average equals the network's cost on the same
    images computed by backpropagation (the number the cost plot shows for a mini-batch)."""
    data = LabelledImages.of(mnist.x_test, mnist.y_test)
    cost = network.backprop(data.inputs, data.targets).cost
    view = panel.histogram
    assert view.counts.sum() == 10_000
    assert view.mean_cost == pytest.approx(cost, rel=1e-5)
    assert view.mean_x == pytest.approx(math.log10(cost), abs=1e-5)
    assert f"{cost:.4g}" in view.mean_text
    left, right = np.searchsorted(view.edges, view.mean_x) - 1, np.searchsorted(view.edges, view.mean_x)
    assert view.edges[left] <= view.mean_x <= view.edges[right]  # the line is drawn inside the histogram's axis


def test_csv_and_png_exports(panel, qtbot, tmp_path):
    """The CSV holds the matrix cell for cell (counts; shares once 'Rows normalised' is clicked); the PNG is an
    image of the matrix."""
    path = tmp_path / "confusion.csv"
    panel.save_confusion_csv(path)
    rows = list(csv.reader(path.open()))
    assert rows[0] == ["true \\ answer"] + [str(d) for d in range(10)]
    assert [[int(v) for v in row[1:]] for row in rows[1:]] == panel.insight.confusion.tolist()
    qtbot.mouseClick(panel.normalise_box, Qt.MouseButton.LeftButton, pos=QPoint(8, panel.normalise_box.height() // 2))
    assert panel.confusion_view.normalised
    panel.save_confusion_csv(path)
    shares = np.array([[float(v) for v in row[1:]] for row in list(csv.reader(path.open()))[1:]])
    np.testing.assert_allclose(shares, panel.insight.row_normalised(), rtol=1e-5)
    png = tmp_path / "confusion.png"
    assert panel.save_confusion_png(png)
    image = QImage(str(png))
    assert not image.isNull() and image.width() == panel.confusion_view.width()


def test_normalised_cells_and_hover_caption(panel, qtbot):
    """Normalised, the cells show each row's percentages; hovering a cell names it in the caption."""
    view = panel.confusion_view
    panel.set_normalised(True)
    share = panel.insight.row_normalised()[4, 9]
    assert view.cells.texts[49] == f"{100 * share:.1f}"
    assert panel.normalise_box.isChecked()
    panel.set_normalised(False)
    assert view.cells.texts[49] == str(panel.insight.confusion[4, 9])
    qtbot.mouseMove(view, view.cell_centre(4, 9))
    qtbot.waitUntil(lambda: "4 read as 9" in view.caption, timeout=2000)


def test_a_hidden_panel_computes_when_shown(qtbot, network, mnist):
    """Given a network while hidden, the panel only remembers it; it measures when it is shown."""
    p = InsightPanel()
    qtbot.addWidget(p)
    p.show_insight(network, mnist.x_test, mnist.y_test)
    assert p.insight is None
    p.show()
    qtbot.waitExposed(p)
    assert p.insight is not None and p.insight.confusion.sum() == 10_000


def test_a_precomputed_insight_and_the_open_cell_follow_a_new_network(panel, network, mnist, qtbot):
    """An Insight computed elsewhere is drawn as given; the open cell's gallery follows the new network."""
    panel.open_cell(3, 5)
    other = network.copy()
    other.params[:] = other.params * 0.5
    ins = compute_insight(other, LabelledImages.of(mnist.x_test, mnist.y_test))
    panel.tabs.setCurrentIndex(1)  # looking at the hardest examples
    panel.show_insight(ins)
    qtbot.waitUntil(lambda: panel.insight is ins, timeout=3000)  # soon after the previous one
    assert panel.tabs.currentIndex() == 1  # a new network does not switch the tab back
    panel.tabs.setCurrentIndex(0)
    np.testing.assert_array_equal(panel.confusion_view.confusion, ins.confusion)
    np.testing.assert_array_equal(panel.cell_gallery.indices, ins.cell(3, 5)[:MAX_EXAMPLES])


def test_palettes(panel):
    """The colour-blind-safe palette recolours the matrix and the bars."""
    before = panel.confusion_view._lut.copy()
    panel.set_palette("colour-blind safe")
    assert not np.array_equal(before, panel.confusion_view._lut)
    panel.set_palette("standard")
    np.testing.assert_array_equal(before, panel.confusion_view._lut)


def test_per_digit_bars_are_as_tall_as_the_rates(panel):
    """Each digit's left bar rises to its recall and its right bar to its precision, on the view's axis."""
    view = panel.accuracy_view
    recall_bars, precision_bars = view.bar_rects()
    r = view.plot_rect()
    for bars, rates in ((recall_bars, panel.insight.recall), (precision_bars, panel.insight.precision)):
        expected = (100 * rates - view.bottom) / (100 - view.bottom) * r.height()
        np.testing.assert_allclose([b.height() for b in bars], expected, atol=1e-6)
    assert view.bottom <= 100 * min(panel.insight.recall.min(), panel.insight.precision.min())


def test_a_network_that_blew_up_is_shown_not_crashed(shown, rng):
    """A diverged network (NaN weights) still gets a matrix and galleries; the histogram and the summary say the
    costs are not numbers instead of failing."""
    from nnviz.core.network import Network

    net = Network(seed=0)
    net.params[:] = np.nan
    images, labels = rng.integers(0, 256, (300, 28, 28), dtype=np.uint8), rng.integers(0, 10, 300)
    p = shown(InsightPanel(), 900, 900)
    p.show_insight(net, images, labels)
    p.open_cell(int(labels[0]), int(p.insight.answers[0]))
    assert p.insight.confusion.sum() == 300
    assert "blew up" in p.histogram.mean_text and "blew up" in p.summary.text()
    p.grab()  # paints every view


def test_networks_in_quick_succession_draw_the_newest_a_little_later(panel, network, mnist, qtbot):
    """Networks arriving faster than the panel's budget allows are not all measured: the first at once, then only
    the newest, shortly after (the others are skipped, like stale frames)."""
    nets = [network.copy() for _ in range(3)]
    for i, net in enumerate(nets):
        net.params[:] = network.params * (1.0 - 0.3 * i)
    expected = compute_insight(nets[2], LabelledImages.of(mnist.x_test, mnist.y_test)).confusion
    measured = []
    original = panel.show_computed
    panel.show_computed = lambda ins: (measured.append(ins), original(ins))
    panel._ready_at = 0.0
    for net in nets:
        panel.show_insight(net)
    assert len(measured) == 1  # the first at once; the other two wait
    qtbot.waitUntil(lambda: len(measured) == 2, timeout=5000)
    np.testing.assert_array_equal(measured[1].confusion, expected)  # the newest, the middle one skipped
    qtbot.wait(300)
    assert len(measured) == 2
