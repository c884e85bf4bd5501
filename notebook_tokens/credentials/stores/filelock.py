"""An exclusive lock on `<file>.lock` beside a store file, held around a whole read-modify-replace.

Two kernels of one user editing one netrc file each read it, add their entry and replace it: without a lock
the later replace drops the earlier entry, even one that was written and read back. The lock sits on a
separate file because `os.replace` swaps the store file's inode, and a lock on the old inode guards nothing.
The lock file is never removed (removing it would let a third process lock a fresh inode while the second
still waits on the old one); it is empty, 0600, and not followed when it is a symlink.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from notebook_tokens.core.errors import StoreError

__all__ = ["LOCK_TIMEOUT", "exclusive", "lock_path"]

LOCK_TIMEOUT = 10.0  # seconds: a write takes milliseconds, so this long means a stuck or crashed holder
_POLL = 0.01


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


@contextmanager
def exclusive(path: Path, what: str, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive lock of `path` (on `<path>.lock`); StoreError naming `what` after `timeout` s."""
    lock = lock_path(path)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as exc:
        raise StoreError(
            f"{what}: cannot open the lock file {lock} ({exc.strerror}): check that its folder exists and "
            "is yours, and that the lock file is not a symbolic link."
        ) from None
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"{what}: another process has held the lock {lock} for over {timeout:g} s, so nothing "
                    "was changed. Try again; if no other kernel is writing tokens, that process is stuck."
                )
            time.sleep(_POLL)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
