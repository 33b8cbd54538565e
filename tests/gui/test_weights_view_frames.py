"""The weight images' frames: the mosaic is made again only when what it shows changed."""

import numpy as np
import pytest

from nnviz.core.network import Network
from nnviz.gui.weights_view import WeightsView


@pytest.fixture
def view(shown):
    return shown(WeightsView(), 600, 400)


def test_the_mosaic_is_uploaded_again_only_when_what_it_shows_changed(view, monkeypatch):
    """A stroke (a new input) with × input off leaves the image as it is; with × input on it is made again, as it
    is for weights changed in place, another layer, or a resize — and the pixels then follow the new weights."""
    uploads = []  # mosaics made (each one image uploaded)
    original = view.tiles
    monkeypatch.setattr(view, "tiles", lambda: (uploads.append(1), original())[1])
    net = Network((784, 6, 4, 10), seed=0)
    rng = np.random.default_rng(0)
    view.show_network(net, rng.random(784).astype(np.float32))
    assert len(uploads) == 1
    view.show_network(net, rng.random(784).astype(np.float32))
    assert len(uploads) == 1, "a stroke made the mosaic again"
    view.set_times_input(True)
    view.show_network(net, rng.random(784).astype(np.float32))
    assert len(uploads) == 3  # the toggle, then the new input it multiplies
    view.set_times_input(False)
    net.weights[0][...] *= -1
    view.show_network(net, np.zeros(784, np.float32))
    r = view.tile_rect(0)
    tile = view.image.image[int(r.top()) : int(r.top()) + 28, int(r.left()) : int(r.left()) + 28]
    np.testing.assert_allclose(tile.ravel(), net.weights[0][0], rtol=1e-6)
    count = len(uploads)
    view.set_layer(2)
    view.resize(500, 300)
    assert len(uploads) >= count + 2
