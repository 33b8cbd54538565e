"""Examples files (the drawn-digits set, my digits, --extra): validated like every data file, never unpickled."""

import numpy as np
import pytest

from nnviz.core.data import DataError
from nnviz.core.examples_file import Examples, load_examples, save_examples


def write(path, **arrays):
    np.savez(path, **arrays)
    return path


def test_round_trip_keeps_images_labels_and_writers(tmp_path):
    """What is saved is loaded back exactly, writers included."""
    ex = Examples(np.arange(3 * 784, dtype=np.uint32).astype(np.uint8).reshape(3, 28, 28),
                  np.array([1, 2, 9], np.uint8), np.array([4, 4, 5], np.uint8))
    back = load_examples(save_examples(tmp_path / "e.npz", ex))
    np.testing.assert_array_equal(back.images, ex.images)
    assert back.labels.tolist() == [1, 2, 9] and back.writers.tolist() == [4, 4, 5]


@pytest.mark.parametrize("arrays, words", [
    ({"images": np.zeros((2, 28, 28), np.float32), "labels": np.zeros(2, np.uint8)}, "must be uint8 (n, 28, 28)"),
    ({"images": np.zeros((2, 27, 28), np.uint8), "labels": np.zeros(2, np.uint8)}, "must be uint8 (n, 28, 28)"),
    ({"images": np.zeros((2, 28, 28), np.uint8), "labels": np.zeros(3, np.uint8)}, "one per image"),
    ({"images": np.zeros((2, 28, 28), np.uint8), "labels": np.array([1, 10], np.uint8)}, "digits are 0–9"),
    ({"images": np.zeros((2, 28, 28), np.uint8), "labels": np.zeros(2, np.float64)}, "integer labels"),
    ({"images": np.zeros((2, 28, 28), np.uint8)}, "lacks labels"),
])
def test_bad_files_get_one_sentence_naming_the_file(tmp_path, arrays, words):
    """Wrong dtype, shape, label count or range, or a missing array: a DataError naming the file and the rule."""
    path = write(tmp_path / "bad.npz", **arrays)
    with pytest.raises(DataError) as e:
        load_examples(path)
    assert str(path) in str(e.value) and words in str(e.value) and "\n" not in str(e.value)


def test_pickled_arrays_are_refused_not_unpickled(tmp_path):
    """An object array (which only a pickle can hold) is an error, and nothing is executed."""
    path = write(tmp_path / "p.npz", images=np.array([object()] * 2, dtype=object), labels=np.zeros(2, np.uint8))
    with pytest.raises(DataError, match="cannot be read"):
        load_examples(path)


def test_truncated_and_missing_files(tmp_path):
    """Half a file or no file: one sentence each."""
    good = save_examples(tmp_path / "g.npz", Examples(np.zeros((5, 28, 28), np.uint8), np.zeros(5, np.uint8)))
    cut = tmp_path / "cut.npz"
    cut.write_bytes(good.read_bytes()[:100])
    with pytest.raises(DataError, match="truncated"):
        load_examples(cut)
    with pytest.raises(DataError, match="does not exist"):
        load_examples(tmp_path / "none.npz")
