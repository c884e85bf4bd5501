"""A scan worker process: reads file paths from stdin, answers which of them hold the PAT shape.

Started by workers.py as its own interpreter (never a fork, never a re-import of the parent's `__main__`),
with nothing but the standard library and encoded.py imported, so that it is ready in tens of ms. Protocol:

    stdin   the paths to search, each as its file-system bytes followed by NUL, until EOF
    stdout  after EOF, one line each: `F <n>` (the n-th path, from 0, holds a hit), `P <n> <reason>` (it
            could not be read), and last `N <files read> <bytes read>`

No value, encoded form or offset is ever written: the parent scans the few flagged files again itself. A
file is read with `readinto` into one reused buffer (bounded memory) and dropped at its first hit; the
next few files are already asked of the disk meanwhile (cold cache: the read and the search overlap).
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import signal
import sys
from collections import deque
from collections.abc import Iterator

from notebook_tokens.lifecycle.leaks.encoded import ANCHORS, PAT_BYTES, WINDOW, decode_around

__all__ = ["CHUNK", "KEEP", "holds_pat", "main"]

# 64 KiB, as grep reads: the copy out of the page cache and the passes over it stay in the CPU's cache.
# Measured on the 256 MiB benchmark tree, one worker: 0.30 s at 64 KiB, 0.47 s at 1 MiB (sys time 3x).
CHUNK = 1 << 16
_PREFIX = b"dapi"
_BEHIND = 3  # decode_around looks back up to 3 characters (to a group boundary) before an anchor
# The bytes carried from one read to the next: a whole PAT (38 bytes) or an anchor with the base64 run
# around it (3 before, WINDOW and 2 of padding after) is always inside one buffer.
KEEP = max(4 + 32 + 2, WINDOW + 2 + _BEHIND) + _BEHIND
LOOKAHEAD = 16  # files opened ahead of the one searched (cold 256 MiB tree: 0.65 s at 16, 0.72 s at 4)
_PREFETCH = 2 << 20  # of each, at most this much asked of the disk ahead (posix_fadvise WILLNEED)
_ADVISE = getattr(os, "posix_fadvise", None)  # Linux; elsewhere the kernel's own readahead alone


def _found(buf: bytearray, size: int, base64: bool) -> bool:
    at = buf.find(_PREFIX, 0, size)
    while at != -1:
        if PAT_BYTES.match(buf, at, size) is not None:
            return True
        at = buf.find(_PREFIX, at + 1, size)
    if not base64:
        return False
    for anchor in ANCHORS:
        at = buf.find(anchor, 0, size)
        while at != -1:
            start = max(0, at - _BEHIND)
            if decode_around(bytes(buf[start:min(size, at + WINDOW + 2)]), at - start) is not None:
                return True
            at = buf.find(anchor, at + 1, size)
    return False


def holds_pat(stream: io.RawIOBase, buf: bytearray, *, base64: bool = True) -> tuple[bool, int]:
    """(whether the stream holds the PAT shape, raw or in base64; bytes read). `buf` is CHUNK + KEEP bytes."""
    view = memoryview(buf)
    size = total = 0
    while True:
        count = stream.readinto(view[size:]) or 0
        total += count
        size += count
        if _found(buf, size, base64):
            return True, total
        if not count:
            return False, total
        if size > KEEP:  # carry the tail (an anchor or PAT cut by the buffer's end) to the next read
            buf[:KEEP] = buf[size - KEEP:size]
            size = KEEP


def _answers(names: Iterator[bytes | None], base64: bool) -> list[str]:
    buf = bytearray(CHUNK + KEEP)
    lines: list[str] = []
    files = read = 0
    for number, opened in enumerate(_opened(names)):
        if isinstance(opened, OSError):
            lines.append(f"P {number} {opened.strerror or type(opened).__name__}")
            continue
        try:
            with opened:
                flagged, count = holds_pat(opened, buf, base64=base64)
        except OSError as error:
            lines.append(f"P {number} {error.strerror or type(error).__name__}")
            continue
        files += 1
        read += count
        if flagged:
            lines.append(f"F {number}")
    lines.append(f"N {files} {read}")
    return lines


def _opened(names: Iterator[bytes | None]) -> Iterator[io.FileIO | OSError]:
    """The files in order, each opened and its first bytes asked of the disk LOOKAHEAD files before it is
    scanned: with a cold page cache the disk reads the next files while this one is searched. A None from
    `names` (no more paths for now) lets the files opened so far through before the wait."""
    ahead: deque[io.FileIO | OSError] = deque()
    for name in names:
        if name is not None:
            ahead.append(_open(name))
        while ahead and (name is None or len(ahead) > LOOKAHEAD):
            yield ahead.popleft()
    yield from ahead


def _open(name: bytes) -> io.FileIO | OSError:
    try:
        stream = io.FileIO(name, "r")
    except OSError as error:
        return error
    if _ADVISE is not None:
        with contextlib.suppress(OSError):  # advice only
            _ADVISE(stream.fileno(), 0, _PREFETCH, os.POSIX_FADV_WILLNEED)
    return stream


def _paths() -> Iterator[bytes | None]:
    """The paths as they arrive (the parent is still walking the tree), until EOF; None before a wait."""
    pending = b""
    while True:
        if not _ready():
            yield None
        chunk = os.read(0, 1 << 16)
        if not chunk:
            return
        *complete, pending = (pending + chunk).split(b"\0")
        yield from complete


def _ready() -> bool:
    """Whether the parent has sent more (reading stdin would not wait); False where pipes can't be polled."""
    if os.name != "posix":
        return False
    return bool(select.select([0], [], [], 0)[0])


def main(argv: list[str]) -> int:
    # The parent owns Ctrl-C: it stops (kills) the workers itself; a worker whose parent died sees EOF.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    base64 = argv == ["--base64"]
    sys.stdout.write("".join(line + "\n" for line in _answers(_paths(), base64)))
    sys.stdout.flush()
    return 0
