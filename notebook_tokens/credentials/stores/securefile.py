"""Read and replace a secrets file safely: ours, no symlink, not readable by others; atomic 0600 writes."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from notebook_tokens.core.errors import NetrcError

__all__ = ["read_secure", "write_atomic"]


def _check_owned(path: Path, info: os.stat_result) -> None:
    if stat.S_ISLNK(info.st_mode):
        raise NetrcError(
            f"{path} is a symbolic link: refusing to use it. Point NETRC (or netrc:PATH) at the real file."
        )
    if not stat.S_ISREG(info.st_mode):
        raise NetrcError(f"{path} is not a regular file: point NETRC (or netrc:PATH) at a file.")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise NetrcError(f"{path} belongs to another user: refusing to use it. Use a netrc file you own.")


def read_secure(path: Path) -> str | None:
    """The file's text, None when it does not exist; NetrcError when unsafe (a symlink, not ours, or
    readable by others)."""
    try:
        _check_owned(path, path.lstat())
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise NetrcError(f"{path} cannot be read ({exc.strerror}): check its permissions.") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        _check_owned(path, info)
        if info.st_mode & 0o077:
            raise NetrcError(
                f"{path} can be read by other users (mode {stat.S_IMODE(info.st_mode):o}): "
                f"run `chmod 600 {path}` and rotate any token it holds."
            )
        return handle.read().decode("utf-8", "surrogateescape")


def write_atomic(path: Path, text: str) -> None:
    """Replace the file: a 0600 temp file in the same folder, fsync, os.replace, fsync the folder."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(text.encode("utf-8", "surrogateescape"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
