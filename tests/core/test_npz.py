"""The careful .npz reader under the data and model loaders: what it reads, and what it refuses before reading."""

import zipfile

import numpy as np
import pytest

from nnviz.core.npz import FileProblem, NpzReader, size_text, what_it_is

from .zips import npy_bytes, npy_header, stored, write_zip


def test_reads_what_numpy_wrote(tmp_path):
    """Arrays of every layout NumPy writes come back equal: C and Fortran order, 0-d strings, big-endian, bools."""
    arrays = {"c": np.arange(12, dtype=np.int16).reshape(3, 4), "f": np.asfortranarray(np.arange(6.0).reshape(2, 3)),
              "s": np.str_("nnviz-model"), "be": np.arange(3, dtype=">u4"), "b": np.array([True, False])}
    for save in (np.savez, np.savez_compressed):
        save(tmp_path / "a.npz", **arrays)
        with NpzReader(tmp_path / "a.npz") as f:
            assert f.names == list(arrays)
            for k, v in arrays.items():
                got = f.read(k)
                assert got.dtype == v.dtype and np.array_equal(got, v) and got.flags.writeable


def test_declared_size_beyond_what_deflate_can_produce(tmp_path):
    """A member claiming to inflate 1,000,000:1 (deflate's limit is 1032:1) is a lie caught before inflating."""
    path = write_zip(tmp_path / "a.npz", [("x.npy", b"\x00" * 10, zipfile.ZIP_DEFLATED, 0, 10_000_000, 0)])
    with NpzReader(path) as f, pytest.raises(FileProblem, match="more than compression allows"):
        f.header("x")


def test_header_disagreeing_with_the_member_size(tmp_path):
    """A header declaring more data than the member holds is refused before anything is allocated for it."""
    path = write_zip(tmp_path / "a.npz", [stored("x.npy", npy_header((1000,), "<f8") + bytes(80))])
    with NpzReader(path) as f, pytest.raises(FileProblem, match=r"declares \(1000,\) float64 \(8 KB\) but holds 80"):
        f.header("x")


def test_member_limit(tmp_path):
    """A member larger than the reader's limit is refused from the zip's directory, unread."""
    path = tmp_path / "a.npz"
    np.savez(path, x=np.zeros(1000))
    with NpzReader(path, limit=1000) as f, pytest.raises(FileProblem, match="more than nnviz reads"):
        f.read("x")


def test_members_are_read_only_when_asked(tmp_path):
    """Unread members may be anything: opening the archive and reading another member does not touch them."""
    path = write_zip(tmp_path / "a.npz", [stored("good.npy", npy_bytes(np.arange(3))), stored("bad.npy", b"junk")])
    with NpzReader(path) as f:
        assert f.read("good").tolist() == [0, 1, 2]


def test_kinds_and_sizes_in_words():
    """What a foreign file is, and sizes, in words people read."""
    assert what_it_is(b"\x89PNG\r\n") == "a PNG image" and what_it_is(b"\x1f\x8b\x08") == "a gzip file"
    assert what_it_is(b"\x00\x00\x08\x03") == "a single IDX file" and what_it_is(b"\xff\xfe\x00\x99") is None
    assert size_text(2**31) == "2.1 GB" and size_text(1300) == "1.3 KB" and size_text(5) == "5 bytes"
