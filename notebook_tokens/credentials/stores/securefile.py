"""Read and replace a secrets file safely: ours, no symlink, not readable by others; atomic 0600 writes.

Paths named by the user are made absolute and must be in an existing folder: a store never creates folders
(`netrc:../../x` or a typo'd `/nonexistent/dir/x` must not plant a secrets file wherever the path leads)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from notebook_tokens.core.errors import InputError, NetrcError
from notebook_tokens.core.redact import redact

__all__ = ["absolute", "read_secure", "store_path", "write_atomic"]


def absolute(path: str | Path) -> Path:
    """`~` expanded and made absolute, `..` folded lexically; symlinks are kept (they are refused later,
    and resolving them here would hide a symlinked netrc from that check)."""
    return Path(os.path.abspath(Path(path).expanduser()))


def store_path(path: str | Path, spec: str) -> Path:
    """The absolute path of a store file the user named; InputError unless its folder already exists."""
    found = absolute(path)
    if not found.parent.is_dir():
        raise InputError(
            f"{redact(spec)}: the folder {redact(str(found.parent))} does not exist, and a token store never "
            "creates folders. Create it yourself (mkdir -m 700 FOLDER) or name a file in an existing folder; "
            "nothing was written."
        )
    return found


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
    """Replace the file: a 0600 temp file in the same folder, fsync, os.replace, fsync the folder.

    The folder must exist. Any OSError (a full disk included) leaves the old file as it was."""
    folder = path.parent
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
