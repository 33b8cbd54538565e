"""Reading files that may be damaged or hostile: sizes checked before anything is allocated or inflated.

``np.load`` trusts its file: it allocates whatever an array's header declares (10¹² elements is a MemoryError),
inflates a member to reach its header, lets zlib, tokenize and zipfile errors escape, and blocks forever on a
named pipe. Here only regular files are opened; an ``.npz`` is read member by member, only the members asked
for; each member's ``.npy`` header is parsed first and its shape × item size checked against the size the zip
declares for it and against a limit, and only then is its data read, in chunks, into an array of exactly that
size. Every failure becomes one :class:`FileProblem` whose message completes a sentence about the file
("… is a PNG image, not an .npz file"); the callers add the file's name and what to do. Nothing is unpickled.
"""

from __future__ import annotations

import errno
import math
import os
import stat
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.lib import format as npy_format

MEMBER_LIMIT = 64 * 2**20  # bytes any one array may declare: MNIST's x_train is 47 MB, the largest model's 10 MB
DEFLATE_MAX_RATIO = 1032  # deflate cannot expand data by more than this: a larger declared size is a lie
CHUNK = 1 << 20  # bytes read (and inflated) at a time
_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
            (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class FileProblem(Exception):
    """Why a file cannot be read, phrased to follow its name: ``f"{path} {problem}"``."""


def size_text(n: int) -> str:
    """A byte count for people: ``47 MB``, ``2.0 GB``, ``1.3 KB``."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            return f"{n / scale:.2g} {unit}" if n < 10 * scale else f"{n / scale:,.0f} {unit}"
    return f"{n} bytes"


def os_problem(e: OSError) -> str:
    """An operating-system error as a phrase that names the cause ("cannot be read: permission denied")."""
    if isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM):
        return "cannot be read: permission denied (check the file's and its folders' permissions)"
    if isinstance(e, FileNotFoundError):
        return "does not exist"
    if isinstance(e, IsADirectoryError):
        return "is a folder, not a file"
    return f"cannot be read: {e.strerror or e}"


def open_regular(path: str | os.PathLike) -> BinaryIO:
    """Open ``path`` for reading if it is a regular file; refuse pipes, devices and sockets without reading them.

    The file is opened non-blocking, so a pipe swapped in after the check cannot hang the caller either.
    """
    try:
        kind = os.stat(path).st_mode
        if stat.S_ISDIR(kind):
            raise FileProblem("is a folder, not a file")
        for test, what in _SPECIAL:
            if test(kind):
                raise FileProblem(f"is {what}, not a file; nnviz reads only ordinary files")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise FileProblem("is not an ordinary file; nnviz reads only ordinary files")
        return os.fdopen(fd, "rb")
    except OSError as e:
        raise FileProblem(os_problem(e)) from None


def what_it_is(head: bytes) -> str | None:
    """A guess at a file's kind from its first bytes ("a PNG image"), for saying what a file is when it is not
    what we expect; None when it looks like nothing in particular."""
    if head.startswith(npy_format.MAGIC_PREFIX):
        return "a single NumPy array (.npy)"
    if head.startswith(b"\x89PNG"):
        return "a PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "a JPEG image"
    if head.startswith(b"\x1f\x8b"):
        return "a gzip file"
    if head.startswith(b"\x80") and len(head) > 1 and head[1] <= 5:
        return "a Python pickle"
    if len(head) >= 4 and head[:2] == b"\0\0" and head[2] in (0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E):
        return "a single IDX file"
    if not head:
        return "empty"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "a text file (CSV?)" if "," in text or "\t" in text else "a text file"


@dataclass(frozen=True)
class Member:
    """One array of an ``.npz`` as its header declares it (nothing of its data read yet)."""

    name: str  #: the entry's name without ``.npy``
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool
    nbytes: int  #: shape × item size: what reading the data will allocate


class NpzReader:
    """An ``.npz`` opened for careful reading: ``names``, then :meth:`header` and :meth:`read` per entry."""

    def __init__(self, path: str | os.PathLike, limit: int = MEMBER_LIMIT):
        self.path = Path(path)
        self.limit = limit
        self._file = open_regular(path)
        try:
            self._zip = self._guard(self._open_zip)
        except BaseException:
            self._file.close()
            raise
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in self._zip.infolist():
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            self._infos.setdefault(name, info)
        self._headers: dict[str, Member] = {}

    def _open_zip(self) -> zipfile.ZipFile:
        self.file_size = os.fstat(self._file.fileno()).st_size
        head = self._file.read(4)
        if head not in (b"PK\x03\x04", b"PK\x05\x06"):
            kind = what_it_is(head + self._file.read(60))
            raise FileProblem(f"is {kind + ', ' if kind else ''}not an .npz file (a zip archive of NumPy arrays)")
        self._file.seek(0)
        return zipfile.ZipFile(self._file)

    @property
    def names(self) -> list[str]:
        """The entries' names (without ``.npy``), in the archive's order."""
        return list(self._infos)

    def __enter__(self) -> "NpzReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._zip.close()
        self._file.close()

    def header(self, name: str) -> Member:
        """Entry ``name``'s declared shape and dtype, checked against its declared size, the limit and the file."""
        if name not in self._headers:
            info = self._checked_info(name)
            self._headers[name] = self._guard(lambda: self._read_header(info, name)[0], name)
        return self._headers[name]

    def read(self, name: str) -> np.ndarray:
        """Entry ``name``'s array (its header checked first, see :meth:`header`); never unpickles."""
        member = self.header(name)
        info = self._infos[name]

        def read() -> np.ndarray:
            with self._zip.open(info) as stream:
                self._read_header(info, name, stream)
                flat = np.empty(member.nbytes, np.uint8)
                view, done = memoryview(flat), 0
                while done < member.nbytes:
                    got = stream.readinto(view[done : done + CHUNK])
                    if not got:
                        raise FileProblem(f"is truncated: its '{name}' entry ends early")
                    done += got
                if stream.read(1):  # reading to the end also checks the CRC
                    raise FileProblem(f"is damaged: its '{name}' entry is longer than its header says")
            order = "F" if member.fortran_order else "C"
            return flat.view(member.dtype).reshape(member.shape, order=order)

        return self._guard(read, name)

    # --- checks -------------------------------------------------------------------------------------------------
    def _checked_info(self, name: str) -> zipfile.ZipInfo:
        info = self._infos.get(name)
        if info is None:
            raise KeyError(name)
        if info.flag_bits & 0x1:
            raise FileProblem(f"has an encrypted '{name}' entry; nnviz reads only plain .npz files")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FileProblem(f"has a '{name}' entry packed with zip method {info.compress_type}; nnviz reads "
                              "stored or deflated entries (as NumPy writes them)")
        if info.file_size > self.limit:
            raise FileProblem(f"has a '{name}' entry of {size_text(info.file_size)}, more than nnviz reads from "
                              f"one entry ({size_text(self.limit)})")
        if info.header_offset + info.compress_size > self.file_size:
            raise FileProblem(f"is truncated: its '{name}' entry runs past the end of the file")
        ratio = 1 if info.compress_type == zipfile.ZIP_STORED else DEFLATE_MAX_RATIO
        if info.file_size > max(info.compress_size, 1) * ratio:
            raise FileProblem(f"is damaged: its '{name}' entry declares {size_text(info.file_size)} from "
                              f"{size_text(info.compress_size)}, more than compression allows")
        return info

    def _read_header(self, info: zipfile.ZipInfo, name: str, stream=None) -> tuple[Member, int]:
        own = stream is None
        stream = self._zip.open(info) if own else stream
        try:
            magic = stream.read(len(npy_format.MAGIC_PREFIX) + 2)
            if not magic.startswith(npy_format.MAGIC_PREFIX):
                raise FileProblem(f"has a '{name}' entry that is not a NumPy array (.npy)")
            version = tuple(magic[-2:])
            readers = {(1, 0): npy_format.read_array_header_1_0, (2, 0): npy_format.read_array_header_2_0}
            if version not in readers:
                raise FileProblem(f"has a '{name}' entry in .npy format version {version}, which nnviz does not read")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a Python-2-era header: parsed all the same
                shape, fortran_order, dtype = readers[version](stream)
            header_length = stream.tell()
        finally:
            if own:
                stream.close()
        if dtype.hasobject:
            raise FileProblem(f"has a '{name}' entry of Python objects (pickled data), which nnviz never loads")
        if any(n < 0 for n in shape):
            raise FileProblem(f"has a '{name}' entry with a negative dimension {shape}")
        nbytes = math.prod(shape) * dtype.itemsize
        if header_length + nbytes != info.file_size:
            raise FileProblem(f"is damaged: its '{name}' entry declares {shape} {dtype} ({size_text(nbytes)}) "
                              f"but holds {size_text(max(info.file_size - header_length, 0))}")
        return Member(name, tuple(int(n) for n in shape), dtype, bool(fortran_order), nbytes), header_length

    def _guard(self, action, name: str | None = None):
        """Run ``action``; turn whatever a damaged archive raises (zlib, zipfile, tokenize, …) into a FileProblem."""
        try:
            return action()
        except FileProblem:
            raise
        except OSError as e:
            if isinstance(e, (PermissionError, FileNotFoundError)):
                raise FileProblem(os_problem(e)) from None
            raise FileProblem(f"is damaged or truncated ({_reason(e, name)})") from None
        except MemoryError:
            raise FileProblem(f"is damaged: {'its ' + repr(name) + ' entry' if name else 'it'} is too large to read") from None
        except Exception as e:  # noqa: BLE001 - a corrupt archive raises a dozen kinds; each means "damaged"
            raise FileProblem(f"is damaged or truncated ({_reason(e, name)})") from None


def _reason(e: BaseException, name: str | None) -> str:
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    return f"{'the ' + repr(name) + ' entry: ' if name else ''}{text[:160]}"
