"""Loading MNIST from every source users have, refusing bad files clearly, and downloading it for real."""

import gzip
import hashlib
import http.server
import os
import struct
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from nnviz.core import data as md
from nnviz.core.data import DataError, DownloadCancelled
from nnviz.core.data import load_mnist as load


def write_idx(path: Path, arr: np.ndarray, compress: bool) -> None:
    header = bytes([0, 0, 0x08, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    payload = header + arr.astype(np.uint8).tobytes()
    if compress:
        path = path.with_name(path.name + ".gz")
        with gzip.open(path, "wb", compresslevel=1) as f:
            f.write(payload)
    else:
        path.write_bytes(payload)


def write_idx_folder(folder: Path, d: md.MNIST, compress: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for key, stem in md._IDX_NAMES.items():
        write_idx(folder / stem, getattr(d, key), compress)
    return folder


def test_real_npz_loads_with_the_standard_split(mnist):
    """The shared npz is MNIST: 60k/10k uint8 28×28 images, labels 0–9 in the standard order."""
    assert mnist.x_train.shape == (60000, 28, 28) and mnist.x_test.shape == (10000, 28, 28)
    assert mnist.x_train.dtype == np.uint8 and mnist.x_train.max() == 255
    assert mnist.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(mnist.y_train).tolist()[1] == 6742  # the well-known count of ones


@pytest.mark.parametrize("compress", [False, True], ids=["raw", "gz"])
def test_idx_folder_loads_the_same_arrays(mnist, tmp_path, compress):
    """The four original IDX files, plain or gzipped, give the same arrays as the npz."""
    folder = write_idx_folder(tmp_path / "idx", mnist, compress)
    d = load(folder)
    for key in ("x_train", "y_train", "x_test", "y_test"):
        assert np.array_equal(getattr(d, key), getattr(mnist, key))


def test_truncated_idx_file_is_named(mnist, tmp_path):
    """A truncated IDX file is refused with its name and the word 'truncated'."""
    folder = write_idx_folder(tmp_path / "idx", mnist.subset(60000, 10000), compress=False)
    f = folder / "t10k-labels-idx1-ubyte"
    f.write_bytes(f.read_bytes()[:-100])
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte.*truncated"):
        md.load_mnist(folder)


def test_missing_idx_file_says_which(tmp_path):
    """A folder without the IDX files lists what it should contain."""
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="train-images-idx3-ubyte"):
        md.load_mnist(tmp_path / "empty")


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_corrupt_npz_is_refused_clearly(mnist_path, tmp_path, damage):
    """Truncated or garbage .npz files raise DataError naming the file, never a zipfile traceback."""
    bad = tmp_path / "mnist.npz"
    raw = mnist_path.read_bytes()
    bad.write_bytes({"truncate": raw[: len(raw) // 2], "garbage": os.urandom(5000), "empty": b""}[damage])
    with pytest.raises(DataError, match="mnist.npz"):
        md.load_npz(bad)


def test_foreign_and_malformed_npz(tmp_path):
    """An npz of other arrays, wrong shapes, or bad labels each gets a message saying what is wrong."""
    other = tmp_path / "other.npz"
    np.savez(other, weights=np.zeros(3))
    with pytest.raises(DataError, match="lacks x_train"):
        md.load_npz(other)
    good = dict(x_train=np.zeros((60000, 28, 28), np.uint8), y_train=np.zeros(60000, np.uint8),
                x_test=np.zeros((10000, 28, 28), np.uint8), y_test=np.zeros(10000, np.uint8))
    for change, pattern in [({"x_train": np.zeros((100, 28, 28), np.uint8)}, "x_train has shape"),
                            ({"y_test": np.full(10000, 12, np.uint8)}, "outside 0–9"),
                            ({"x_test": np.zeros((10000, 28, 28), np.float32)}, "dtype")]:
        f = tmp_path / "bad.npz"
        np.savez(f, **{**good, **change})
        with pytest.raises(DataError, match=pattern):
            md.load_npz(f)


def test_object_arrays_are_never_unpickled(tmp_path):
    """An npz holding pickled objects is refused (loading it could run code)."""
    f = tmp_path / "evil.npz"
    np.savez(f, x_train=np.array([{"a": 1}], dtype=object), y_train=np.zeros(1), x_test=np.zeros(1), y_test=np.zeros(1))
    with pytest.raises(DataError, match="evil.npz"):
        md.load_npz(f)


def test_find_order_explicit_then_env_then_cache(mnist_path, tmp_path, monkeypatch):
    """--data beats NNVIZ_DATA beats the cache; a missing explicit path is an error, not a silent fallback."""
    assert md.find_mnist() is None
    cached = md.cache_path()
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(b"x")
    assert md.find_mnist() == cached
    monkeypatch.setenv("NNVIZ_DATA", str(mnist_path))
    assert md.find_mnist() == mnist_path
    assert md.find_mnist(tmp_path) == tmp_path
    with pytest.raises(DataError, match="does not exist"):
        md.find_mnist(tmp_path / "nope.npz")
    monkeypatch.setenv("NNVIZ_DATA", str(tmp_path / "gone"))
    with pytest.raises(DataError, match="NNVIZ_DATA"):
        md.find_mnist()


def test_not_found_message_says_what_to_do():
    """With no data anywhere the error names the download command and the cache path."""
    with pytest.raises(DataError, match="nnviz data download") as e:
        md.load_mnist()
    assert str(md.cache_path()) in str(e.value)


def assert_fast_cache(path):
    """The cache is an uncompressed npz (it loads in tens of ms; inflating the Keras file takes 150-300 ms)."""
    with zipfile.ZipFile(path) as z:
        assert sorted(i.filename for i in z.infolist()) == ["x_test.npy", "x_train.npy", "y_test.npy", "y_train.npy"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())


def test_import_copies_a_validated_dataset_into_the_cache(mnist, tmp_path):
    """`data import` of an IDX folder writes a cache npz that loads back identical."""
    folder = write_idx_folder(tmp_path / "idx", mnist, compress=True)
    dest = md.import_mnist(folder)
    assert dest == md.cache_path()
    assert_fast_cache(dest)
    again = md.load_mnist()
    assert np.array_equal(again.x_train, mnist.x_train) and np.array_equal(again.y_test, mnist.y_test)


# --- downloads against a real HTTP server on 127.0.0.1 ------------------------------------------------------------
class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""
    mode = "ok"  # ok | truncate | slow

    def do_GET(self):  # noqa: N802 - http.server's name
        body = type(self).body
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if type(self).mode == "truncate":
            self.wfile.write(body[: len(body) // 3])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        if type(self).mode == "slow":
            time.sleep(3)
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(mnist_path):
    """A local HTTP server serving the real mnist.npz; yields (url, handler class, sha256, size)."""
    handler = type("Handler", (_Handler,), {"body": mnist_path.read_bytes(), "mode": "ok"})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/mnist.npz"
    yield url, handler, hashlib.sha256(handler.body).hexdigest(), len(handler.body)
    httpd.shutdown()
    httpd.server_close()


def leftovers(folder: Path):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_download_success_reports_progress_and_verifies(server):
    """A good download streams with progress to the total, verifies, and lands atomically as the cache file."""
    url, _, sha, size = server
    seen = []
    dest = md.download_mnist(url=url, sha256=sha, size=size, progress=lambda d, t: seen.append((d, t)))
    assert dest == md.cache_path()
    assert seen[0] == (0, size) and seen[-1] == (size, size) and len(seen) > 10
    assert leftovers(dest.parent) == ["mnist.npz"]
    assert_fast_cache(dest)
    assert md.load_mnist().x_train.shape == (60000, 28, 28)


def test_truncated_download_leaves_nothing(server):
    """A body cut short is reported as such and leaves no partial file; a retry then succeeds."""
    url, handler, sha, size = server
    handler.mode = "truncate"
    with pytest.raises(DataError, match="(truncated|stopped at|could not download)"):
        md.download_mnist(url=url, sha256=sha, size=size)
    assert leftovers(md.cache_dir()) == []
    handler.mode = "ok"
    assert md.download_mnist(url=url, sha256=sha, size=size).is_file()


def test_wrong_checksum_is_discarded(server):
    """Bytes that fail the SHA-256 check are thrown away, with a message saying so."""
    url, _, _, size = server
    with pytest.raises(DataError, match="SHA-256"):
        md.download_mnist(url=url, sha256="0" * 64, size=size)
    assert leftovers(md.cache_dir()) == []


def test_server_down_says_what_to_do(tmp_path):
    """A refused connection explains itself and says where to put the file by hand."""
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(DataError, match="could not download.*put it at"):
        md.download_mnist(url=f"http://127.0.0.1:{port}/mnist.npz")
    assert leftovers(md.cache_dir()) == []


def test_slow_server_times_out_cleanly(server):
    """A server that stalls past the timeout gives a clear error and no partial file."""
    url, handler, sha, size = server
    handler.mode = "slow"
    with pytest.raises(DataError, match="could not download"):
        md.download_mnist(url=url, sha256=sha, size=size, timeout=0.5)
    assert leftovers(md.cache_dir()) == []


def test_cancel_midway_leaves_nothing(server):
    """Returning False from the progress callback cancels and removes the partial file."""
    url, _, sha, size = server
    with pytest.raises(DownloadCancelled):
        md.download_mnist(url=url, sha256=sha, size=size, progress=lambda d, t: d < size // 2)
    assert leftovers(md.cache_dir()) == []


def test_existing_cache_survives_a_failed_download(server, mnist_path):
    """A failed download never clobbers a good cached file."""
    url, _, _, size = server
    cached = md.cache_path()
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(mnist_path.read_bytes())
    with pytest.raises(DataError):
        md.download_mnist(url=url, sha256="f" * 64, size=size)
    assert cached.read_bytes() == mnist_path.read_bytes()
