"""Scan worker processes (worker.py), from the parent's side: start them, feed them paths, collect answers.

multiprocessing's "spawn" re-imports the parent's `__main__` in every worker: in a Jupyter kernel that is
all of ipykernel (~0.3 s a worker), and a script without a main guard runs again (and crashes). A worker
here is a fresh interpreter that imports the standard library and two modules of this package: `-I -S`
(no site, no user paths, no PYTHON* variables), and the three parent packages registered as bare module
objects, so that `notebook_tokens/__init__.py` (which imports core.redact, typing and dataclasses) never
runs. It is ready in ~20 ms instead of ~50 ms with `python -m` (measured with `-X importtime`).

A worker that fails (killed, crashed, a broken pipe) loses nothing: its files are scanned in this process.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

from notebook_tokens.lifecycle.leaks.files import Tally

__all__ = ["WorkerPool", "worker_command"]

# A worker's paths are flushed to it in batches of this many bytes of files (or _FLUSH_FILES files): a
# flush per file wakes a worker per file, and the walk then took 140 ms of a 400 ms scan instead of 40.
_FLUSH_BYTES = 4 << 20
_FLUSH_FILES = 64

_ROOT = str(Path(__file__).resolve().parents[3])  # the folder that holds notebook_tokens/
_BOOT = """\
import sys
root = sys.argv[1]
for name in ("notebook_tokens", "notebook_tokens.lifecycle", "notebook_tokens.lifecycle.leaks"):
    package = type(sys)(name)
    package.__path__ = [root + "/" + name.replace(".", "/")]
    sys.modules[name] = package
from notebook_tokens.lifecycle.leaks.worker import main
sys.exit(main(sys.argv[2:]))
"""


def worker_command(base64: bool) -> list[str]:
    return [sys.executable, "-I", "-S", "-c", _BOOT, _ROOT, *(["--base64"] if base64 else [])]


class WorkerPool:
    """`count` workers; `offer` hands each file to the least loaded of them, or back to this process for
    `own_share` (relative to one worker) of the bytes. Use as a context manager: leaving it, normally or by
    an exception (KeyboardInterrupt included), kills and reaps every worker still running."""

    def __init__(self, count: int, *, base64: bool, own_share: float) -> None:
        self._procs: list[subprocess.Popen[bytes]] = []
        self._sent: list[list[int]] = [[] for _ in range(count)]
        self._weights = [1.0] * count + [own_share]
        self._loads = [0.0] * (count + 1)
        self._broken: set[int] = set()
        self._unflushed = [(0, 0)] * count  # (bytes, files) sent to each worker since its last flush
        command = worker_command(base64)
        try:
            for _ in range(count):  # stderr: a worker prints nothing unless it crashes (then: rescanned)
                self._procs.append(subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
                    command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
        except BaseException:
            self.close()  # the ones already started
            raise

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def pids(self) -> list[int]:
        return [proc.pid for proc in self._procs]

    def offer(self, index: int, name: str, size: int) -> bool:
        """Send file `index` to a worker (True), or leave it to this process (False)."""
        choice = min((i for i in range(len(self._loads)) if self._weights[i] > 0 and i not in self._broken),
                     key=lambda i: self._loads[i] / self._weights[i], default=len(self._procs))
        self._loads[choice] += size + 4096  # a file costs an open and a close besides its bytes
        if choice == len(self._procs):
            return False
        stdin = self._procs[choice].stdin
        assert stdin is not None
        pending, files = self._unflushed[choice]
        pending, files = pending + size, files + 1
        try:
            stdin.write(os.fsencode(name) + b"\0")
            if pending >= _FLUSH_BYTES or files >= _FLUSH_FILES:
                stdin.flush()  # the worker starts on these now, while the walk goes on
                pending = files = 0
        except OSError:  # the worker is gone: its files, this one included, are scanned here
            self._broken.add(choice)
        self._unflushed[choice] = (pending, files)
        self._sent[choice].append(index)
        return True

    def results(self, names: list[str], tally: Tally) -> tuple[set[int], list[int]]:
        """(indexes of the files holding a hit, indexes this process must scan because a worker failed);
        files, bytes and problems are added to `tally`."""
        for number, proc in enumerate(self._procs):
            try:
                if proc.stdin is not None:
                    proc.stdin.close()  # EOF: every worker finishes its queue at once
            except OSError:
                self._broken.add(number)
        flagged: set[int] = set()
        again: list[int] = []
        for number, proc in enumerate(self._procs):
            assert proc.stdout is not None
            answer = proc.stdout.read().decode("utf-8", "replace").splitlines()
            sent = self._sent[number]
            if proc.wait() != 0 or number in self._broken or not answer or not answer[-1].startswith("N "):
                again.extend(sent)
                continue
            for line in answer[:-1]:
                kind, position, *reason = line.split(" ", 2)
                if kind == "F":
                    flagged.add(sent[int(position)])
                elif kind == "P":
                    why = reason[0] if reason else "unreadable"
                    tally.problems.append(f"{names[sent[int(position)]]}: {why}")
            _, files, read = answer[-1].split()
            tally.files += int(files)
            tally.bytes += int(read)
        return flagged, sorted(again)

    def close(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.kill()
        for proc in self._procs:
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):  # a pipe to a killed worker
                        stream.close()
