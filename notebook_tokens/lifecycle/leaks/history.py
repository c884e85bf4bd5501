"""Git history: every blob reachable from any ref (`git rev-list --objects --all`), streamed through one
`git cat-file --batch`, so a token committed and later deleted is still found. History is read, never
rewritten.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from notebook_tokens.core.errors import InputError
from notebook_tokens.lifecycle.leaks.cells import notebook_parts
from notebook_tokens.lifecycle.leaks.files import Tally
from notebook_tokens.lifecycle.leaks.hits import Hit
from notebook_tokens.lifecycle.leaks.matcher import Matcher, RawHit, scan_bytes, scan_stream

__all__ = ["REWRITE_ADVICE", "git_root", "scan_history"]

_IN_MEMORY = 64 << 20  # a larger blob is streamed, and its hits carry no line number
REWRITE_ADVICE = (
    "git history is reported, never rewritten here. Revoking the token is what makes the leak harmless; "
    "to also remove it from history, write each value as VALUE==>[REDACTED] in a file outside the "
    "repository, run `git filter-repo --replace-text FILE`, force-push every branch and tag, and have every "
    "clone re-clone. `git log --all --find-object=BLOB` names the commits that hold a blob."
)


def _git(*args: str, timeout: float) -> subprocess.CompletedProcess[bytes]:
    # a fixed git command line, with git found on PATH as the user runs it
    return subprocess.run(["git", *args], capture_output=True, timeout=timeout, check=False)  # noqa: S603,S607


def git_root(path: Path) -> Path:
    """The git directory of the repository holding `path`; InputError when there is none."""
    where = path if path.is_dir() else path.parent
    try:
        answer = _git("-C", str(where), "rev-parse", "--absolute-git-dir", timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise InputError(f"--git needs the git program: {error}") from error
    if answer.returncode != 0:
        raise InputError(f"--git: {path} is not inside a git repository")
    return Path(answer.stdout.decode().strip())


def _blobs(git_dir: Path) -> list[tuple[str, str]]:
    """(blob id, first path it was seen at); commits carry no path and are skipped."""
    listing = _git(f"--git-dir={git_dir}", "rev-list", "--objects", "--all", "--filter=object:type=blob",
                   timeout=600)
    if listing.returncode != 0:
        raise InputError(f"git rev-list failed: {listing.stderr.decode(errors='replace').strip()[:200]}")
    pairs = []
    for line in listing.stdout.decode(errors="replace").splitlines():
        blob, _, name = line.partition(" ")
        if name:
            pairs.append((blob, name))
    return pairs


def _feed(stdin: IO[bytes], blobs: list[tuple[str, str]]) -> None:
    with contextlib.suppress(BrokenPipeError, ValueError):  # the reader stopped early: cat-file is gone
        try:
            for blob, _ in blobs:
                stdin.write(f"{blob}\n".encode())
        finally:
            stdin.close()


def _read_blob(stdout: IO[bytes], size: int, matcher: Matcher) -> tuple[list[RawHit], bytes | None]:
    if size <= _IN_MEMORY:
        content = stdout.read(size)
        return scan_bytes(content, matcher), content
    left = size

    def read(count: int) -> bytes:
        nonlocal left
        data = stdout.read(min(count, left))
        left -= len(data)
        return data

    return list(scan_stream(read, matcher)), None


def scan_history(path: Path, matcher: Matcher, tally: Tally) -> Iterator[Hit]:
    git_dir = git_root(path)
    blobs = _blobs(git_dir)
    batch = subprocess.Popen(  # noqa: S603 - a fixed git command line
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],  # noqa: S607 - git from PATH
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    assert batch.stdin is not None and batch.stdout is not None
    feeder = threading.Thread(target=_feed, args=(batch.stdin, blobs), daemon=True)
    feeder.start()
    try:
        for blob, name in blobs:
            header = batch.stdout.readline().split()
            if len(header) != 3:  # "<id> missing": a partial clone or a corrupt repository
                continue
            raw, content = _read_blob(batch.stdout, int(header[2]), matcher)
            batch.stdout.read(1)  # the newline after each object
            tally.files += 1
            tally.bytes += int(header[2])
            yield from _hits(blob, name, raw, content)
    finally:
        batch.stdout.close()
        batch.wait(timeout=60)
        feeder.join(timeout=60)


def _hits(blob: str, name: str, raw: list[RawHit], content: bytes | None) -> Iterator[Hit]:
    parts = notebook_parts(content, raw) if raw and content is not None and name.endswith(".ipynb") else {}
    for hit in raw:
        line = content.count(b"\n", 0, hit.start) + 1 if content is not None else 0
        cell = parts.get(hit.start)
        part = f"blob {blob[:12]}" + (f", {cell}" if cell else "")
        yield Hit("git", name, line, part, hit.form, hit.token, hit.start,
                  hit.end - hit.start)
