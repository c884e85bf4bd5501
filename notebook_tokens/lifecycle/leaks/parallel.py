"""A large local tree on more than one CPU: worker processes only say which files hold a hit.

`bytes.find` holds the GIL, so threads would not help; a process per CPU does. The walk feeds the files
to the workers (workers.py) as it finds them, and this process scans a share itself. A worker searches for
the PAT shape (raw and base64) and answers only paths, byte counts and problems: no value, encoded form or
offset ever crosses the process boundary. The few flagged files are then scanned again here; the hits come
out in walk order (lines, cells, `Token`s), as from one process. A matcher with forms of known non-PAT
tokens (an OAuth token seen by this kernel) would have to send those forms to the workers, so such a scan
stays in this process; so does a tree smaller than `threshold`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from notebook_tokens.lifecycle.leaks.files import Tally, local_files, scan_file
from notebook_tokens.lifecycle.leaks.hits import Hit
from notebook_tokens.lifecycle.leaks.matcher import Matcher
from notebook_tokens.lifecycle.leaks.workers import WorkerPool

__all__ = ["OWN_SHARE", "PARALLEL_THRESHOLD", "PLAIN_THRESHOLD", "cpus", "scan_files", "scan_tree"]

# Below these many bytes a tree is scanned here: two workers take ~36 ms to start and answer. Measured on
# 2 CPUs (the 256 MiB benchmark tree cut to size): with base64 (as %dbtoken scan runs), workers win from
# ~20 MiB (16 MiB: 1.17x the in-process time, 24 MiB: 0.91x); for the PAT shape alone, only past ~64 MiB.
PARALLEL_THRESHOLD = 20 << 20
PLAIN_THRESHOLD = 64 << 20
# This process's share of the files, relative to a worker's. 0: on 2 CPUs, a share of 0.25 or 0.5 measured
# the same as none (1.24x grep either way), and this process walks, feeds and rescans the flagged files.
OWN_SHARE = 0.0


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def scan_tree(root: Path, matcher: Matcher, tally: Tally, *, workers: int | None = None,
              threshold: int | None = None) -> Iterator[Hit] | None:
    """The hits under `root`, with worker processes once the tree proves large; None when this scan must
    stay in-process (one CPU, secret needles, a single file, no interpreter to start)."""
    workers = workers or cpus()
    if workers < 2 or matcher.has_secret_needles or root.is_file() or not sys.executable:
        return None
    if threshold is None:
        threshold = PARALLEL_THRESHOLD if matcher.base64 else PLAIN_THRESHOLD
    return scan_files(_sized(local_files(root, tally), tally), matcher, tally, workers=workers,
                      threshold=threshold)


def _sized(paths: Iterable[Path], tally: Tally) -> Iterator[tuple[Path, int]]:
    for path in paths:
        try:
            yield path, path.stat().st_size
        except OSError as error:
            tally.problems.append(f"{path}: {error.strerror or error}")


def scan_files(files: Iterable[tuple[Path, int]], matcher: Matcher, tally: Tally, *, workers: int,
               threshold: int = PARALLEL_THRESHOLD, own_share: float = OWN_SHARE) -> Iterator[Hit]:
    """The hits in `files` (path, size), in their order. Once the walk has found `threshold` bytes,
    `workers` processes start and take the files found so far and every one after; a smaller tree is
    scanned here alone (the walk is ~30x faster than the scan, so waiting for it costs little)."""
    names: list[str] = []
    own: dict[int, list[Hit]] = {}
    flagged: set[int] = set()
    waiting: list[tuple[int, Path, int]] = []  # found before the workers start: at most `threshold` bytes
    walked = 0
    pool: WorkerPool | None = None
    try:
        for path, size in files:
            names.append(str(path))
            if pool is None:
                waiting.append((len(names) - 1, path, size))
                walked += size
                if walked < threshold:
                    continue
                try:
                    pool = WorkerPool(workers, base64=matcher.base64, own_share=own_share)
                except OSError:  # no process to be had (a limit, no interpreter): all of it here
                    threshold = sys.maxsize
                    continue
            for index, found, found_size in waiting or [(len(names) - 1, path, size)]:
                if pool.offer(index, names[index], found_size):
                    continue
                if hits := scan_file(found, matcher, tally):  # this process's share
                    own[index] = hits
            waiting = []
        again = [index for index, _, _ in waiting]  # a tree below the threshold: all of it here
        if pool is not None:
            flagged, again = pool.results(names, tally)
        for index in again:
            if hits := scan_file(Path(names[index]), matcher, tally):
                own[index] = hits
    finally:
        if pool is not None:
            pool.close()  # also on KeyboardInterrupt or any error: no worker outlives the scan
    counted = Tally()  # the workers counted these files already
    for index in sorted(own.keys() | flagged):
        yield from own[index] if index in own else scan_file(Path(names[index]), matcher, counted)
