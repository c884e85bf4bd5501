"""`python -m notebook_tokens demo [--execute] [--port N] [--lab-port N]` (`make demo`).

Starts the local workspace emulator (demo data) and JupyterLab on 127.0.0.1 opening
notebooks/quickstart.ipynb, with DATABRICKS_HOST / DATABRICKS_TOKEN pointing at the emulator. Ctrl-C
stops both. With --execute, runs every notebooks/*.ipynb headless against the emulator instead and writes
the executed copies to notebooks/executed/.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType

from notebook_tokens.testing.server import EmulatorServer
from notebook_tokens.testing.workspace import FakeWorkspace

QUICKSTART = "quickstart.ipynb"
PLACEHOLDER = """{
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# notebook-tokens quickstart\\n",
   "\\n", "`make demo` points `DATABRICKS_HOST` / `DATABRICKS_TOKEN` at a local workspace emulator."]},
  {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
   "source": ["%load_ext notebook_tokens"]}
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
  "language_info": {"name": "python"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"""


def repo_root() -> Path:
    """The checkout this package runs from (`make demo`), else the current directory."""
    candidate = Path(__file__).resolve().parents[1]
    return candidate if (candidate / "pyproject.toml").exists() else Path.cwd()


def ensure_quickstart(notebooks: Path) -> Path:
    """A minimal quickstart notebook when the checkout has none yet."""
    path = notebooks / QUICKSTART
    if not path.exists():
        notebooks.mkdir(parents=True, exist_ok=True)
        path.write_text(PLACEHOLDER)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _wait_for_lab(process: subprocess.Popen[bytes], url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/status", timeout=2) as answer:  # noqa: S310 - our loopback URL
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s")


def lab_command(root: Path, port: int) -> list[str]:
    return [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
    ]  # fmt: skip


def demo_environment(root: Path, emulator: EmulatorServer) -> dict[str, str]:
    """What the demo's kernels see: the emulator's host and admin token, and private stores under .demo/
    (a file keyring, since a headless machine has none, and a netrc) so the demo never touches yours."""
    private = root / ".demo"
    private.mkdir(exist_ok=True)
    return {
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_TOKEN": emulator.workspace.admin_token,
        "PYTHON_KEYRING_BACKEND": "notebook_tokens.testing.filekeyring.FileKeyring",
        "NOTEBOOK_TOKENS_KEYRING_FILE": str(private / "keyring.json"),
        "NETRC": str(private / "netrc"),
    }


def serve(root: Path, emulator: EmulatorServer, lab_port: int) -> int:
    """JupyterLab until Ctrl-C / SIGTERM; then both stop."""
    logs = root / ".demo"
    logs.mkdir(exist_ok=True)
    log_path = logs / "jupyterlab.log"
    env = {**os.environ, **demo_environment(root, emulator)}
    lab_url = f"http://127.0.0.1:{lab_port}"
    with log_path.open("wb") as log:
        # its own session: a terminal Ctrl-C reaches only us, and we stop it with SIGTERM (no y/n prompt)
        lab = subprocess.Popen(  # noqa: S603 - our own fixed command line
            lab_command(root, lab_port), env=env, stdout=log, stderr=log, start_new_session=True
        )
        try:
            _wait_for_lab(lab, lab_url)
            print(f"JupyterLab: {lab_url}/lab/tree/notebooks/{QUICKSTART}", flush=True)
            print(f"(JupyterLab log: {log_path}; Ctrl-C stops JupyterLab and the emulator)", flush=True)
            lab.wait()
            print(f"JupyterLab exited with code {lab.returncode}; see {log_path}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("stopping JupyterLab and the emulator", flush=True)
            return 0
        except RuntimeError as error:
            print(f"{error}; see {log_path}", file=sys.stderr)
            return 1
        finally:
            if lab.poll() is None:
                lab.terminate()
                try:
                    lab.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    lab.kill()
                    lab.wait()


def execute(root: Path, notebooks: Path, output: Path, emulator: EmulatorServer) -> int:
    """Run each notebook headless against the emulator; 1 if any failed."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from notebook_tokens.core.redact import redact

    os.environ.update(demo_environment(root, emulator))  # the kernels inherit these
    output.mkdir(parents=True, exist_ok=True)
    failed = 0
    for path in sorted(notebooks.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        # no widget state in the saved copy: a Password widget's value would be written to disk
        client = NotebookClient(
            notebook,
            timeout=300,
            kernel_name="python3",
            store_widget_state=False,
            resources={"metadata": {"path": str(notebooks)}},
        )
        started = time.perf_counter()
        try:
            client.execute()
            verdict = "ok"
        except CellExecutionError as error:
            failed += 1
            first_line = (str(error.evalue).strip().splitlines() or [""])[0]
            verdict = redact(f"FAILED: {error.ename}: {first_line}"[:400])
        nbformat.write(notebook, output / path.name)  # type: ignore[no-untyped-call]
        print(
            f"{path.name}: {verdict} ({time.perf_counter() - started:.1f} s) -> {output / path.name}",
            flush=True,
        )
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m notebook_tokens demo", description=__doc__.split("\n\n")[1]
    )
    parser.add_argument("--execute", action="store_true", help="run notebooks/*.ipynb headless instead")
    parser.add_argument("--port", type=int, default=0, help="emulator port (default: a free one)")
    parser.add_argument("--lab-port", type=int, default=0, help="JupyterLab port (default: a free one)")
    parser.add_argument("--notebooks", type=Path, help="notebook folder (default: <repo>/notebooks)")
    parser.add_argument("--output", type=Path, help="--execute output folder (default: <notebooks>/executed)")
    args = parser.parse_args(argv)
    root = repo_root()
    notebooks = args.notebooks or root / "notebooks"
    ensure_quickstart(notebooks)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    with EmulatorServer(FakeWorkspace(seed="demo"), port=args.port) as emulator:
        print(f"DATABRICKS_HOST={emulator.url}", flush=True)
        print(f"DATABRICKS_TOKEN={emulator.workspace.admin_token}", flush=True)
        if args.execute:
            return execute(root, notebooks, args.output or notebooks / "executed", emulator)
        return serve(root, emulator, args.lab_port or free_port())


if __name__ == "__main__":
    sys.exit(main())
