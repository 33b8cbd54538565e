"""'Why was it misread?': nearest MNIST training images by digit, checked against a brute-force search."""

import numpy as np

from nnviz.core.nearest import NearestImages


def test_matches_brute_force_on_real_mnist(mnist):
    """For a real test digit, the 5 nearest training 3s and 9s are exactly those a plain distance loop finds."""
    index = NearestImages(mnist.x_train, mnist.y_train)
    q = mnist.x_test[7].reshape(-1) / 255.0
    found = index.nearest(q, [3, 9], k=5)
    assert [n.digit for n in found] == [3, 9]
    for n in found:
        rows = np.flatnonzero(mnist.y_train == n.digit)
        brute = np.linalg.norm(mnist.x_train[rows].reshape(len(rows), -1) / 255.0 - q, axis=1)
        order = np.argsort(brute, kind="stable")[:5]
        assert n.indices.tolist() == rows[order].tolist()
        np.testing.assert_allclose(n.distances, brute[order], rtol=1e-4)
        assert (mnist.y_train[n.indices] == n.digit).all()


def test_a_training_image_is_its_own_nearest_and_small_sets_work():
    """An image in the set is found at distance 0; asking for more than a digit has returns what there is."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (30, 28, 28), np.uint8)
    labels = np.repeat(np.arange(10), 3).astype(np.uint8)
    index = NearestImages(images, labels)
    (same,) = index.nearest(images[4].reshape(-1) / 255.0, [1], k=10)
    # float32 dot products leave ~0.01 of rounding in a distance of ~11 between two random images
    assert same.indices[0] == 4 and same.distances[0] < 0.05 and len(same.indices) == 3
    assert index.nearest(images[0].reshape(-1) / 255.0, [2, 2], k=1)[0].digit == 2  # duplicates asked once
