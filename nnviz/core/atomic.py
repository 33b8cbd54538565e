"""Writing a file so that it is either complete or absent: a temporary file beside it, then a rename."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def target_of(dest: str | os.PathLike) -> Path:
    """Where writing ``dest`` should land: through a symbolic link to its target, so the link stays a link."""
    dest = Path(dest)
    return dest.resolve() if dest.is_symlink() else dest


def write_atomically(dest: str | os.PathLike, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(file)`` on a temporary file in ``dest``'s folder, then rename it to ``dest``.

    On any error the temporary file is removed and ``dest`` is untouched; the error propagates.
    The result gets ordinary permissions (0666 less the umask), not mkstemp's private 0600.
    A ``dest`` that is a symbolic link is written through: its target is replaced, the link stays.
    Returns ``dest`` as given.
    """
    given = Path(dest)
    dest = target_of(given)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return given


def check_writable(dest: str | os.PathLike) -> None:
    """Raise the ``OSError`` that writing ``dest`` would meet (no folder, no permission, read-only disk), if any.

    It creates and removes a temporary file in the target's folder, creating missing folders as saving would.
    """
    dest = target_of(dest)
    if dest.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=dest.name + ".", suffix=".check", dir=dest.parent)
    os.close(fd)
    os.unlink(tmp)


def write_problem(e: OSError) -> str:
    """Why a write failed, as a phrase a person understands ("permission denied", "the disk is full")."""
    code = getattr(e, "errno", None)
    if isinstance(e, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return "permission denied (choose a folder you can write to)"
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full (free some space or choose another disk)"
    if code == errno.EROFS:
        return "the disk is read-only (choose another folder)"
    if isinstance(e, IsADirectoryError):
        return "it is a folder (give a file name ending in .npz)"
    if isinstance(e, (FileNotFoundError, NotADirectoryError)):
        return "its folder does not exist and cannot be created"
    return f"{e.strerror or e}"
