"""One run at a time per output folder: an advisory lock file beside it, holding the holder's pid.

The lock is an flock on `.<output>.lock`, so the kernel releases it when its holder dies, even by
kill -9: a lock left by a dead process is simply taken over by the next run.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POLL_S = 0.2


class OutputLocked(RuntimeError):
    """Another live process is writing the same output folder."""

    def __init__(self, output_dir: Path, holder: str) -> None:
        super().__init__(
            f"{output_dir} is being written by another scrutiny run ({holder}); "
            "wait for it to finish, or pass --wait SECONDS to queue behind it"
        )
        self.holder = holder


def lock_path(output_dir: Path) -> Path:
    """Where the lock of `output_dir` lives (beside it, so swapping the folder does not touch it)."""
    output_dir = output_dir.absolute()
    return output_dir.parent / f".{output_dir.name}.lock"


def _holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 200).decode("ascii", "replace").strip()
    return f"pid {text}" if text.isdigit() else "pid unknown"


def _acquire(path: Path) -> int | str:
    """The locked file's descriptor, or the holder's description when another process holds it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            return holder
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        # The holder removed the file as we opened it: lock the new one instead.
        os.close(fd)


@contextmanager
def output_lock(output_dir: Path, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the output folder's lock for the block; wait up to `wait_s` seconds, then raise OutputLocked."""
    path = lock_path(output_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    while isinstance(got := _acquire(path), str):
        if time.monotonic() >= deadline:
            raise OutputLocked(output_dir, got)
        time.sleep(POLL_S)
    fd = got
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        # Removed while still held, so a waiting run that opened it re-checks and takes a fresh file.
        path.unlink(missing_ok=True)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
