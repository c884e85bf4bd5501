"""An exclusive lock on `<file>.lock`, for the emulator's own files (the file keyring, `--state`).

The emulator does not import the library (it must not share the client's mistakes), so this is its own
small copy of the idea in `credentials/stores/filelock.py`: flock on a separate lock file, because
`os.replace` swaps the guarded file's inode. The lock file is never removed.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["exclusive"]

_POLL = 0.01


@contextmanager
def exclusive(path: Path, timeout: float = 10.0) -> Iterator[None]:
    """Hold `<path>.lock` exclusively; TimeoutError naming the lock file after `timeout` seconds."""
    lock = path.with_name(path.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise TimeoutError(f"another process has held {lock} for over {timeout:g} s")
            time.sleep(_POLL)
        yield
    finally:
        os.close(fd)  # releases the lock


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
