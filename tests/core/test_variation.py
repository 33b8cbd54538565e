"""The variation of repeated extra examples: none is none, and a varied digit stays the same digit, nearby."""

import numpy as np

from nnviz.core.drawing import center_of_mass
from nnviz.core.variation import Variation


def digit():
    image = np.zeros((28, 28), np.uint8)
    image[6:22, 12:16] = 255  # a 1
    image[6:9, 9:13] = 255
    return image


def test_no_variation_is_the_identity():
    """Zero rotation, scale and shift gives back the images exactly."""
    images = np.stack([digit(), digit().T])
    np.testing.assert_array_equal(Variation(0, 0, 0).apply(images, np.random.default_rng(0)), images)


def test_varied_copies_differ_but_stay_close():
    """Each copy differs from the original, keeps most of its ink, and its centre moves at most ~2 pixels."""
    images = np.repeat(digit()[None], 50, axis=0)
    varied = Variation().apply(images, np.random.default_rng(1))
    assert varied.dtype == np.uint8 and varied.shape == images.shape
    assert all(not np.array_equal(v, images[0]) for v in varied)
    ink = varied.reshape(50, -1).sum(axis=1) / images[0].sum()
    assert ink.min() > 0.65 and ink.max() < 1.4
    centre = np.array(center_of_mass(images[0].astype(float)))
    moved = [np.hypot(*(np.array(center_of_mass(v.astype(float))) - centre)) for v in varied]
    assert max(moved) < 2.5
