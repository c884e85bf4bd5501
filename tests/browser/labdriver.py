"""Drive a real JupyterLab 4 in headless Chromium: start the server, open a notebook, run cells, wait.

Shared by tests/browser and benchmarks/panel_scale.py. JupyterLab 4 DOM facts relied on:
- a notebook's cells are `.jp-Notebook .jp-Cell`; a cell runs with Shift+Enter when its editor has focus;
- the input prompt reads `[*]:` while running and `[N]:` when done;
- outputs are `.jp-OutputArea-output`; ipywidgets 8 views carry `.jupyter-widgets` / `.widget-*` classes;
- the toolbar's `.jp-Notebook-ExecutionIndicator` has `data-status="idle"` once the kernel is ready.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_notebook(path: Path, cells: Sequence[str]) -> Path:
    """A notebook with kernelspec metadata (else JupyterLab's "Select Kernel" dialog blocks the run)."""
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        "cells": [
            {
                "cell_type": "code",
                "id": f"cell-{i}",
                "metadata": {},
                "source": src,
                "outputs": [],
                "execution_count": None,
            }
            for i, src in enumerate(cells)
        ],
    }
    path.write_text(json.dumps(notebook, indent=1))
    return path


class JupyterLab:
    """A JupyterLab server on 127.0.0.1 with a free port, no token, `root` as its root dir."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log = root / "jupyterlab.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> JupyterLab:
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            f"--port={self.port}",
            "--ServerApp.token=",
            "--ServerApp.password=",
            "--ServerApp.ip=127.0.0.1",
            "--allow-root",
            "--no-browser",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.port_retries=0",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        self.process = launch_server(command, self.env, self.log, self.url, "JupyterLab", timeout)
        return self

    def stop(self) -> None:
        stop_server(self.process)
        self.process = None


def launch_server(
    command: list[str], env: dict[str, str], log: Path, url: str, name: str, timeout: float
) -> subprocess.Popen[bytes]:
    """Start a Jupyter server (output to `log`) and wait until `url`/api/status answers 200."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"{name} did not start in {timeout:.0f}s:\n{log.read_text()[-3000:]}")


def stop_server(process: subprocess.Popen[bytes] | None) -> None:
    """Terminate a server started by launch_server (kill it if it does not stop in 15 s)."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def lab_env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    """The server's (and so the kernel's) environment: a private HOME, no machine Databricks settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    env.pop("NETRC", None)
    env["HOME"] = str(home)
    env["IPYTHONDIR"] = str(home / ".ipython")
    env["JUPYTER_CONFIG_DIR"] = str(home / ".jupyter")
    env.update(extra)
    # no "get notified about Jupyter news?" toast over the screenshots, no network fetch for it
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    # save widget state with the notebook, as nbclient does, so scans of saved notebooks include it
    widgets = settings.parent.parent / "@jupyter-widgets" / "jupyterlab-manager"
    widgets.mkdir(parents=True, exist_ok=True)
    (widgets / "plugin.jupyterlab-settings").write_text('{"saveState": true}')
    return env


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


class Notebook:
    """One open notebook tab in a playwright `page`."""

    def __init__(self, page: Any, lab: JupyterLab, name: str) -> None:
        self.page = page
        self.lab = lab
        self.name = name
        page.goto(f"{lab.url}/lab/tree/{name}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached", timeout=60_000)
        # the toolbar indicator says idle before the kernel is connected: wait for the status bar too
        page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')]"
            ".some(e => /\\| Idle/.test(e.textContent))",
            timeout=60_000,
        )

    def cell(self, index: int) -> Any:
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def run(self, index: int, timeout: float = 60.0) -> Any:
        """Run cell `index` with Shift+Enter and wait until its prompt shows an execution count."""
        cell = self.cell(index)
        prompt = cell.locator(".jp-InputPrompt")
        start = time.monotonic()
        deadline = start + timeout
        sent = 0.0
        while time.monotonic() < deadline:
            text = prompt.inner_text().strip()
            if text.startswith("[") and text[1:-2].strip().isdigit():
                return cell
            # "[ ]:" long after Shift+Enter means the run was dropped (kernel not yet attached): press again
            if text == "[ ]:" and time.monotonic() - sent > 3.0:
                cell.locator(".jp-InputArea-editor").click()
                self.page.keyboard.press("Shift+Enter")
                sent = time.monotonic()
            time.sleep(0.05)
        raise TimeoutError(f"cell {index} did not finish in {timeout:.0f}s (prompt {prompt.inner_text()!r})")

    def outputs(self, index: int) -> Any:
        return self.cell(index).locator(".jp-OutputArea-output")

    def _last_modified(self) -> str:
        url = f"{self.lab.url}/api/contents/{self.name}?content=0"
        with urllib.request.urlopen(url, timeout=10) as answer:
            return str(json.load(answer)["last_modified"])

    def _saved_whole(self) -> bool:
        try:
            return bool(json.loads((self.lab.root / self.name).read_text()).get("cells"))
        except (OSError, ValueError):
            return False

    def save(self, timeout: float = 20.0) -> None:
        """Save with Ctrl+S from command mode, and wait until the file on disk has changed and is whole
        (the server truncates it before writing: a read in between sees an empty file)."""
        before = self._last_modified()
        self.cell(0).locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("Control+s")
        deadline = time.monotonic() + timeout
        while self._last_modified() == before or not self._saved_whole():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} was not saved in {timeout:.0f}s")
            time.sleep(0.1)


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is not None
