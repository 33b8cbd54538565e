"""My digits: add, delete, export/import, and nothing lost to a crash mid-save or a corrupt file."""

import subprocess
import sys

import numpy as np
import pytest

from nnviz.core import my_digits
from nnviz.core.data import DataError
from nnviz.core.examples_file import load_examples
from nnviz.core.my_digits import MyDigits, data_dir


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """My digits are stored in a private folder, never the user's."""
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "data"))


def drawing(value):
    x = np.zeros(784, np.float32)
    x[100:200] = value
    return x


def test_stored_in_the_data_folder_and_read_back(tmp_path):
    """Added digits are saved at once under NNVIZ_DATA_DIR in the examples format, and a new session sees them."""
    store = MyDigits.open()
    assert store.path.parent == data_dir() == tmp_path / "data" and len(store) == 0 and store.problem is None
    store.add(drawing(1.0), 9)
    store.add(drawing(0.5), 7)
    ex = load_examples(store.path)
    assert ex.labels.tolist() == [9, 7] and ex.images.dtype == np.uint8 and ex.images[0].max() == 255
    assert ex.images[1].max() == 128
    again = MyDigits.open()
    assert again.labels.tolist() == [9, 7] and again.counts()[[7, 9]].tolist() == [1, 1]


def test_delete_and_bad_labels():
    """Deleting removes exactly those digits (saved); a label outside 0-9 is refused and nothing changes."""
    store = MyDigits.open()
    for label in (1, 2, 3, 4):
        store.add(drawing(label / 4), label)
    store.delete([0, 2])
    assert store.labels.tolist() == [2, 4] and MyDigits.open().labels.tolist() == [2, 4]
    with pytest.raises(ValueError, match="0–9"):
        store.add(drawing(1), 10)
    assert len(store) == 2


def test_export_then_import_elsewhere(tmp_path):
    """Export writes a file that another collection imports (validated), adding to what it has."""
    store = MyDigits.open()
    store.add(drawing(1), 3)
    store.add(drawing(1), 8)
    out = store.export(tmp_path / "mine.npz")
    other = MyDigits(tmp_path / "other.npz")
    other.add(drawing(0.2), 0)
    assert other.import_file(out) == 2 and other.labels.tolist() == [0, 3, 8]
    (tmp_path / "junk.npz").write_bytes(b"not a zip at all")
    with pytest.raises(DataError, match="junk.npz"):
        other.import_file(tmp_path / "junk.npz")
    assert other.labels.tolist() == [0, 3, 8]


def test_an_error_while_saving_leaves_the_old_file(monkeypatch):
    """A failure in the middle of writing (here: after part of the file is out) leaves the previous file whole,
    the collection as it was, and no temporary file behind."""
    store = MyDigits.open()
    store.add(drawing(1), 5)
    before = store.path.read_bytes()

    def half_then_fail(f, **arrays):
        f.write(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", half_then_fail)
    with pytest.raises(DataError, match="nothing was changed"):
        store.add(drawing(1), 6)
    assert store.path.read_bytes() == before and store.labels.tolist() == [5]
    assert [p.name for p in store.path.parent.iterdir()] == [store.path.name]


def test_a_process_killed_mid_save_leaves_the_old_file(tmp_path):
    """A process that dies in the middle of a save (os._exit, like a kill) leaves the previous file readable."""
    store = MyDigits(tmp_path / "d.npz")
    store.add(drawing(1), 4)
    script = (
        "import os, numpy as np\n"
        "from nnviz.core.my_digits import MyDigits\n"
        f"s = MyDigits.open({str(store.path)!r})\n"
        "def die(f, **a):\n    f.write(b'PK partial'); f.flush(); os._exit(9)\n"
        "np.savez = die\n"
        "s.add(np.ones(784, np.float32), 1)\n"
    )
    assert subprocess.run([sys.executable, "-c", script]).returncode == 9
    again = MyDigits.open(store.path)
    assert again.problem is None and again.labels.tolist() == [4]


def test_a_corrupt_file_is_kept_aside_with_one_sentence(tmp_path):
    """An unreadable file is not deleted: it is renamed beside the new one, and one sentence says where."""
    path = tmp_path / "my-digits.npz"
    path.write_bytes(b"garbage that is not an npz")
    store = MyDigits.open(path)
    assert len(store) == 0 and store.problem is not None
    kept = [p for p in tmp_path.iterdir() if "unreadable" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == b"garbage that is not an npz"
    assert kept[0].name in store.problem and store.problem.count(". ") == 0 and "\n" not in store.problem
    store.add(drawing(1), 2)  # a new collection starts, beside the kept file
    assert MyDigits.open(path).labels.tolist() == [2] and kept[0].exists()


def test_read_right_counts_per_digit():
    """How many of each digit a network reads right ("7 of 10 of your 9s")."""
    store = MyDigits.open()
    for label in (9, 9, 9, 3):
        store.add(drawing(1), label)

    class AlwaysNine:
        def classify(self, x):
            return np.full(len(x), 9)

    guesses, right = store.read_right(AlwaysNine())
    assert guesses.tolist() == [9, 9, 9, 9] and right[9] == 3 and right[3] == 0
    assert my_digits.MyDigits(store.path).read_right(AlwaysNine())[1].sum() == 0  # an empty collection
