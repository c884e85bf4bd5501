"""The emulator the benchmarks talk to, in its own process so it never competes for the client's GIL.

`EmulatorProcess` runs `python -m notebook_tokens emulator --port 0 ...` (or any command printing the same
`DATABRICKS_HOST=` / `DATABRICKS_TOKEN=` lines first), parses those two lines, and keeps draining its
output. On a machine with two or more CPUs the emulator is pinned to the last one and this process to the
others, so client and server do not take turns on one core.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

STARTUP_TIMEOUT_S = 60.0

# The CLI's FakeWorkspace + EmulatorServer, printing the CLI's two banner lines, with an optional number of
# clusters: for the 100-page section, and for when the CLI cannot start (then the table says so).
LAUNCHER = """
import signal, sys, threading
from notebook_tokens.testing import EmulatorServer, FakeWorkspace
ws = FakeWorkspace(seed="minimal")
if len(sys.argv) > 1:
    from notebook_tokens.testing.clusters_api import make_clusters
    ws.clusters[:] = make_clusters(int(sys.argv[1]), [ws.admin_user_name, ws.user_user_name], ws.now_ms())
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
with EmulatorServer(ws, port=0) as server:
    print(f"DATABRICKS_HOST={server.url}", flush=True)
    print(f"DATABRICKS_TOKEN={ws.admin_token}", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
"""


def launcher_command(python: str, clusters: int | None = None) -> list[str]:
    return [python, "-c", LAUNCHER, *([] if clusters is None else [str(clusters)])]


class EmulatorProcess:
    def __init__(self, *args: str, command: list[str] | None = None) -> None:
        self.command = command or [sys.executable, "-m", "notebook_tokens", "emulator", "--port", "0", *args]
        self.host = ""
        self.token = ""
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the emulator, closed in stop()
        self._process: subprocess.Popen[str] | None = None

    @property
    def netloc(self) -> tuple[str, int]:
        parts = urlsplit(self.host)
        return parts.hostname or "127.0.0.1", parts.port or 80

    def start(self) -> EmulatorProcess:
        if self._process is not None:
            return self
        self._process = subprocess.Popen(
            self.command,
            stdout=subprocess.PIPE,
            stderr=self._log,
            stdin=subprocess.DEVNULL,
            text=True,
            env=bench_env(),
        )
        atexit.register(self.stop)  # a script that fails before stop() must not leave an emulator running
        found: dict[str, str] = {}
        reader = threading.Thread(target=self._read_banner, args=(found,), daemon=True)
        reader.start()
        reader.join(STARTUP_TIMEOUT_S)
        if "DATABRICKS_HOST" not in found or "DATABRICKS_TOKEN" not in found:
            self.stop()
            raise RuntimeError(f"emulator did not print DATABRICKS_HOST/TOKEN: {self.stderr_tail()}")
        self.host, self.token = found["DATABRICKS_HOST"], found["DATABRICKS_TOKEN"]
        _pin(self._process.pid)
        return self

    def _read_banner(self, found: dict[str, str]) -> None:
        assert self._process is not None and self._process.stdout is not None
        stream = self._process.stdout
        for line in stream:
            name, _, value = line.strip().partition("=")
            if name in ("DATABRICKS_HOST", "DATABRICKS_TOKEN"):
                found[name] = value
            if len(found) == 2:
                break
        # Keep draining, so a chatty emulator never blocks on a full pipe mid-benchmark.
        threading.Thread(target=lambda: [None for _ in stream], daemon=True).start()

    def stderr_tail(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-600:]

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._log.close()

    def __enter__(self) -> EmulatorProcess:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _pin(server_pid: int) -> None:
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return
    os.sched_setaffinity(server_pid, {cpus[-1]})
    os.sched_setaffinity(0, set(cpus[:-1]))


def unpin() -> None:
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))


_HOME = Path(tempfile.mkdtemp(prefix="nt-bench-home-"))
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)


def bench_env(**extra: str) -> dict[str, str]:
    """This process's environment without the machine's Databricks settings, netrc or keyring: a fresh HOME,
    so every client reads only what the benchmark gives it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_") and k != "NETRC"}
    env.update(HOME=str(_HOME), IPYTHONDIR=str(_HOME / ".ipython"), PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def use_workspace(host: str, token: str) -> None:
    """Point this process's environment at the emulator (what notebook_tokens.session() and %dbrest read)."""
    os.environ.clear()
    os.environ.update(bench_env(DATABRICKS_HOST=host, DATABRICKS_TOKEN=token))


def netrc_file(host: str, token: str) -> Path:
    """A netrc file for `curl --netrc-file`, in the form the Databricks docs give."""
    path = _HOME / "bench.netrc"
    path.write_text(f"machine {urlsplit(host).hostname} login token password {token}\n")
    path.chmod(0o600)
    return path
