"""A large local tree on more than one CPU: worker processes only say which files hold a hit.

`bytes.find` holds the GIL, so threads would not help; a process per CPU does. A worker searches its share
of the files with the PAT shape (raw and base64) and answers only paths, byte counts and problems: no
value, encoded form or offset ever crosses the process boundary. The few flagged files are then scanned
again here, in walk order, for the hits themselves (lines, cells, `Token`s). A matcher with forms of
known non-PAT tokens (an OAuth token seen by this kernel) would have to send those forms to the workers,
so such a scan, and any tree under `threshold` bytes, stays in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from notebook_tokens.lifecycle.leaks.files import Tally, local_files, scan_file
from notebook_tokens.lifecycle.leaks.hits import Hit
from notebook_tokens.lifecycle.leaks.matcher import Matcher, scan_stream

__all__ = ["PARALLEL_THRESHOLD", "cpus", "scan_tree"]

PARALLEL_THRESHOLD = 64 << 20  # below this, starting workers (~0.3 s each) costs more than it saves
_TASKS_PER_WORKER = 8


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _flag(paths: list[str], base64: bool) -> tuple[list[str], int, list[str]]:
    """In a worker: the paths holding a hit, bytes read, problems."""
    matcher = Matcher(base64=base64)
    flagged: list[str] = []
    read = 0
    problems: list[str] = []
    for name in paths:
        try:
            with open(name, "rb", buffering=0) as stream:
                if next(scan_stream(stream.read, matcher), None) is not None:
                    flagged.append(name)
                read += stream.tell()
        except OSError as error:
            problems.append(f"{name}: {error.strerror or error}")
    return flagged, read, problems


def _batches(files: list[tuple[Path, int]], count: int) -> list[list[str]]:
    """`count` batches of about equal bytes (largest first onto the lightest batch)."""
    batches: list[tuple[int, list[str]]] = [(0, []) for _ in range(count)]
    for path, size in sorted(files, key=lambda item: -item[1]):
        lightest = min(range(count), key=lambda i: batches[i][0])
        total, names = batches[lightest]
        names.append(str(path))
        batches[lightest] = (total + size, names)
    return [names for _, names in batches if names]


def scan_tree(root: Path, matcher: Matcher, tally: Tally, *, workers: int | None = None,
              threshold: int = PARALLEL_THRESHOLD) -> Iterator[Hit] | None:
    """The hits under `root` found with worker processes, or None when this scan should stay in-process."""
    workers = workers or cpus()
    if workers < 2 or matcher.has_secret_needles or root.is_file():
        return None
    files = []
    for path in local_files(root, tally):
        try:
            files.append((path, path.stat().st_size))
        except OSError as error:
            tally.problems.append(f"{path}: {error.strerror or error}")
    if sum(size for _, size in files) < threshold:
        return _in_process(files, matcher, tally)
    flagged: set[str] = set()
    context = multiprocessing.get_context("spawn")  # fork is unsafe in a kernel with threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for names, read, problems in pool.map(_flag, _batches(files, workers * _TASKS_PER_WORKER),
                                              [matcher.base64] * (workers * _TASKS_PER_WORKER)):
            flagged.update(names)
            tally.bytes += read
            tally.problems.extend(problems)
    tally.files += len(files)
    return _rescan([path for path, _ in files if str(path) in flagged], matcher)


def _in_process(files: list[tuple[Path, int]], matcher: Matcher, tally: Tally) -> Iterator[Hit]:
    for path, _ in files:
        yield from scan_file(path, matcher, tally)


def _rescan(paths: list[Path], matcher: Matcher) -> Iterator[Hit]:
    counted = Tally()  # already counted by the workers
    for path in paths:
        yield from scan_file(path, matcher, counted)
