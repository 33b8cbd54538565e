"""Saving: through symbolic links, with a plain reason when it cannot, and a check before work that would be lost."""

import errno
import os
import sys
from pathlib import Path

import pytest

from nnviz.core.atomic import check_writable, write_atomically, write_problem
from nnviz.core.model_io import ModelFileError, read_model, save_model
from nnviz.core.network import Network

UNWRITABLE = Path("/sys/nnviz-test.npz")  # even root may not create files in sysfs


def _cannot_write_sys() -> bool:
    try:
        check_writable(UNWRITABLE)
    except PermissionError:
        return True
    except OSError:
        return False
    return False


def test_saving_through_a_symlink_writes_the_target(tmp_path):
    """A save to a symbolic link replaces the file it points to; the link stays a link."""
    target = tmp_path / "models" / "real.npz"
    target.parent.mkdir()
    save_model(Network(seed=1), target)
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    save_model(Network(seed=2), link)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert (read_model(target).network.params == Network(seed=2).params).all()
    assert sorted(p.name for p in target.parent.iterdir()) == ["real.npz"]


def test_write_atomically_returns_the_path_given(tmp_path):
    """Callers get back the name they used, not the link's target."""
    (tmp_path / "t").write_bytes(b"x")
    (tmp_path / "l").symlink_to(tmp_path / "t")
    assert write_atomically(tmp_path / "l", lambda f: f.write(b"y")) == tmp_path / "l"
    assert (tmp_path / "t").read_bytes() == b"y"


@pytest.mark.parametrize("error,phrase", [
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    (OSError(errno.EPERM, "Operation not permitted"), "permission denied"),
    (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
    (OSError(errno.EROFS, "Read-only file system"), "read-only"),
    (IsADirectoryError(errno.EISDIR, "Is a directory"), "folder"),
])
def test_write_problems_are_named(error, phrase):
    """Each reason a write fails has its own words (permission denied used to read 'is the disk full or read-only?')."""
    assert phrase in write_problem(error)
    assert "disk full or read-only" not in write_problem(error)


@pytest.mark.skipif(not sys.platform.startswith("linux") or not _cannot_write_sys(),
                    reason="needs a folder this user cannot write to (/sys on Linux, even for root)")
def test_permission_denied_save_says_so():
    """Saving where the user may not write says 'permission denied', and check_writable finds it beforehand."""
    with pytest.raises(ModelFileError, match="permission denied"):
        save_model(Network(), UNWRITABLE)
    with pytest.raises(PermissionError):
        check_writable(UNWRITABLE)


def test_check_writable_leaves_nothing_and_refuses_folders(tmp_path):
    """The check creates the missing folders and no file; a folder as the target is refused."""
    check_writable(tmp_path / "new" / "m.npz")
    assert (tmp_path / "new").is_dir() and not os.listdir(tmp_path / "new")
    with pytest.raises(IsADirectoryError):
        check_writable(tmp_path / "new")
