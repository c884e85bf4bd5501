"""`python -m notebook_tokens demo [--execute] [--port N] [--lab-port N]` (`make demo`).

Starts the local workspace emulator (demo data) and JupyterLab on 127.0.0.1 opening a copy of
notebooks/quickstart.ipynb, with DATABRICKS_HOST / DATABRICKS_TOKEN pointing at the emulator. Ctrl-C
stops both. With --execute, runs a copy of every notebooks/*.ipynb headless against the emulator instead
and writes the executed copies to .demo/executed/.

The demo changes nothing outside .demo/: it opens fresh copies of the notebooks (.demo/notebooks/, so
the tracked ones never get outputs), and JupyterLab's settings, workspace, runtime files and the kernels'
IPython history live there too (no news pop-up, no tabs restored from an earlier session). Kernels talk
to JupyterLab over Unix sockets in .demo/runtime/ (ipc), not TCP: nothing listens on a port for them.
"""

from __future__ import annotations

import argparse
import os
import shutil
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


PRIVATE = ".demo"
# JupyterLab's news and update check: off, so the demo opens without a pop-up asking to fetch news
NOTIFICATION_SETTINGS = '{"fetchNews": "false", "checkForUpdates": false}\n'


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


def copy_notebooks(source: Path, private: Path) -> list[Path]:
    """Fresh copies of the notebooks in .demo/notebooks/, made at every start: the demo opens and saves
    those, and the tracked notebooks never change."""
    target = private / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    copies = [target / path.name for path in sorted(source.glob("*.ipynb"))]
    for copy in copies:
        shutil.copyfile(source / copy.name, copy)
    return copies


def jupyter_environment(private: Path) -> dict[str, str]:
    """JupyterLab's settings, workspaces, config and runtime files, and the kernels' IPython folder, all
    under .demo/. The workspace is emptied at every start: no tabs or kernels restored."""
    lab = private / "lab"
    shutil.rmtree(lab / "workspaces", ignore_errors=True)
    settings = lab / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(NOTIFICATION_SETTINGS)
    (private / "runtime").mkdir(mode=0o700, exist_ok=True)
    return {
        "JUPYTERLAB_SETTINGS_DIR": str(lab / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(lab / "workspaces"),
        "JUPYTER_CONFIG_DIR": str(private / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(private / "runtime"),
        "IPYTHONDIR": str(private / "ipython"),
    }


def kernel_socket_prefix(private: Path) -> str:
    """Where ipc kernels put their sockets (`<prefix>-<n>`): in .demo/runtime/, mode 700. ipykernel warns
    "running over TCP without encryption" for tcp; Unix sockets are not on the network at all."""
    return str((private / "runtime" / "kernel").resolve())


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


def lab_command(private: Path, port: int) -> list[str]:
    return [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={private}",
        "--LabApp.news_url=None", "--KernelManager.transport=ipc",
        f"--KernelManager.ip={kernel_socket_prefix(private)}",
    ]  # fmt: skip


def demo_environment(root: Path, emulator: EmulatorServer) -> dict[str, str]:
    """What the demo's kernels see: the emulator's host and admin token, and private stores under .demo/
    (a file keyring, since a headless machine has none, and a netrc) so the demo never touches yours."""
    private = root / PRIVATE
    private.mkdir(exist_ok=True)
    return {
        **jupyter_environment(private),
        "DATABRICKS_HOST": emulator.url,
        "DATABRICKS_TOKEN": emulator.workspace.admin_token,
        "PYTHON_KEYRING_BACKEND": "notebook_tokens.testing.filekeyring.FileKeyring",
        "NOTEBOOK_TOKENS_KEYRING_FILE": str(private / "keyring.json"),
        "NETRC": str(private / "netrc"),
    }


def serve(root: Path, notebooks: Path, emulator: EmulatorServer, lab_port: int) -> int:
    """JupyterLab on copies of the notebooks until Ctrl-C / SIGTERM; then both stop."""
    private = root / PRIVATE
    private.mkdir(exist_ok=True)
    copy_notebooks(notebooks, private)
    log_path = private / "jupyterlab.log"
    env = {**os.environ, **demo_environment(root, emulator)}
    lab_url = f"http://127.0.0.1:{lab_port}"
    with log_path.open("wb") as log:
        # its own session: a terminal Ctrl-C reaches only us, and we stop it with SIGTERM (no y/n prompt)
        lab = subprocess.Popen(  # noqa: S603 - our own fixed command line
            lab_command(private, lab_port), env=env, stdout=log, stderr=log, start_new_session=True
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
    """Run a copy of each notebook headless against the emulator; 1 if any failed."""
    try:
        import nbformat
        from jupyter_client.manager import KernelManager
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError as error:
        print(f"--execute needs nbclient and ipykernel ({error}): pip install nbclient ipykernel",
              file=sys.stderr)
        return 1

    from notebook_tokens.core.redact import redact

    os.environ.update(demo_environment(root, emulator))  # the kernels inherit these
    private = root / PRIVATE
    copies = copy_notebooks(notebooks, private)
    output.mkdir(parents=True, exist_ok=True)
    failed = 0
    for path in copies:
        notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        # no widget state in the saved copy: a Password widget's value would be written to disk
        kernel = KernelManager(kernel_name="python3", transport="ipc", ip=kernel_socket_prefix(private))
        client = NotebookClient(
            notebook,
            km=kernel,
            timeout=300,
            kernel_name="python3",
            store_widget_state=False,
            resources={"metadata": {"path": str(path.parent)}},
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
    parser.add_argument("--output", type=Path, help="--execute output folder (default: .demo/executed)")
    args = parser.parse_args(argv)
    root = repo_root()
    notebooks = args.notebooks or root / "notebooks"
    ensure_quickstart(notebooks)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    with EmulatorServer(FakeWorkspace(seed="demo"), port=args.port) as emulator:
        print(f"DATABRICKS_HOST={emulator.url}", flush=True)
        print(f"DATABRICKS_TOKEN={emulator.workspace.admin_token}", flush=True)
        if args.execute:
            return execute(root, notebooks, args.output or root / PRIVATE / "executed", emulator)
        return serve(root, notebooks, emulator, args.lab_port or free_port())


if __name__ == "__main__":
    sys.exit(main())
