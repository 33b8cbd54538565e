"""Where to click in the graph to hit one edge (shared by the graph's tests and the window's)."""

import numpy as np


def edge_pixel(view, layer, j, k):
    """A pixel of the graph on the edge of weight (layer, j, k) where the view names that very edge (edges cross,
    and meet at neurons: not every point of one is its own)."""
    for t in np.linspace(0.3, 0.9, 61):
        pos = view.edge_point(layer, j, k, t)
        p = view.vb.mapSceneToView(view.mapToScene(pos))
        if view.layout.neuron_at(p.x(), p.y()) is None and view.edge_at(p.x(), p.y()) == (layer, j, k):
            return pos
    raise AssertionError(f"no pixel of edge {(layer, j, k)} is its own")
