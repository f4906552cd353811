"""Swap two paths in one atomic step, so a folder is replaced without an instant in which it is missing.

Linux has renameat2(RENAME_EXCHANGE) and macOS renamex_np(RENAME_SWAP): either swaps two
directory entries in one system call, so a reader (or a kill -9) sees the old tree or the new one,
never neither. Where neither call exists (or the file system refuses it) `exchange` returns False and
the caller falls back to two renames.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import sys
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
_RENAME_SWAP = 2  # macOS sys/stdio.h
# errno values meaning "this kernel or file system cannot exchange": fall back, do not fail.
# EXDEV is what overlay file systems answer for a directory they cannot swap in place.
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EXDEV, getattr(errno, "EOPNOTSUPP", errno.ENOTSUP)}


@functools.cache
def _libc() -> ctypes.CDLL:
    # The running program's own symbols include the C library's (no library search, no subprocess).
    return ctypes.CDLL(None, use_errno=True)


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap the entries `a` and `b` (both must exist); False when the platform cannot."""
    try:
        libc = _libc()
    except OSError:
        return False
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        call = lambda: libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)  # noqa: E731
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        call = lambda: libc.renamex_np(os.fsencode(a), os.fsencode(b), _RENAME_SWAP)  # noqa: E731
    else:
        return False
    if call() == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))
