"""Drive JupyterLab 3 and Notebook 7, each served from its own venv, in headless Chromium.

Reuses tests/browser/labdriver.py for what is the same everywhere (free port, a notebook file with kernelspec
metadata, the server's private HOME, the Chromium flags). What differs from its JupyterLab 4 driver:
- the server is the front end venv's `jupyter lab` / `jupyter notebook`, so its default `python3` kernel is
  that venv's python (with that venv's IPython, ipykernel and ipywidgets) and not the test process's;
- PYTHONPATH is dropped, so the kernel imports the package installed in the venv, not the working tree;
- Notebook 7 opens a notebook at /notebooks/NAME and has no status bar: readiness is the toolbar's kernel
  indicator. JupyterLab 3 opens /lab/tree/NAME and its status bar (`#jp-main-statusbar`) reads "... | Idle".
Both are Lumino apps with JupyterLab's cell DOM: `.jp-Notebook .jp-Cell`, `.jp-InputPrompt` ("[N]:" when
done), `.jp-OutputArea-output`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
from labdriver import (  # tests/browser is not a package: a path entry
    chromium_available,
    free_port,
    lab_env,
    launch_chromium,
    launch_server,
    stop_server,
    write_notebook,
)
from venvs import Frontend

__all__ = ["Server", "UiNotebook", "chromium_available", "launch_chromium", "server_env", "write_notebook"]

# JupyterLab 3's status bar items have no `.jp-StatusBar-TextItem` class (4's do): read the whole bar
LAB_READY = "() => /\\| Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent ?? '')"
NOTEBOOK7_READY = (
    "() => { const k = document.querySelector('.jp-Notebook-ExecutionIndicator');"
    " return !!k && k.getAttribute('data-status') === 'idle'"
    " && !/Connecting|No Kernel/i.test(document.body.innerText.slice(0, 2000)); }"
)


def server_env(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = lab_env(home, extra)
    env.pop("PYTHONPATH", None)  # the kernel must import the venv's installed notebook_tokens
    env.pop("VIRTUAL_ENV", None)
    return env


class Server:
    """`jupyter lab` (JupyterLab 3) or `jupyter notebook` (Notebook 7) from a front end's venv, loopback."""

    def __init__(self, frontend: Frontend, app: str, root: Path, env: dict[str, str]) -> None:
        self.frontend, self.app, self.root, self.env = frontend, app, root, env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = root / f"{app}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        command = [
            str(self.frontend.bin / "jupyter"), self.app, f"--port={self.port}", "--ServerApp.token=",
            "--ServerApp.password=", "--ServerApp.ip=127.0.0.1", "--allow-root", "--no-browser",
            f"--ServerApp.root_dir={self.root}", "--ServerApp.port_retries=0",
        ]
        if self.app == "lab":  # JupyterLab 3.6 would fetch news and check for updates over the network
            command += ["--LabApp.news_url=",
                        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        return command

    def start(self, timeout: float = 90.0) -> Server:
        self.process = launch_server(self.command(), self.env, self.log, self.url, self.app, timeout)
        return self

    def stop(self) -> None:
        stop_server(self.process)
        self.process = None

    def notebook_url(self, name: str) -> str:
        return f"{self.url}/lab/tree/{name}" if self.app == "lab" else f"{self.url}/notebooks/{name}"

    def ready_check(self) -> str:
        return LAB_READY if self.app == "lab" else NOTEBOOK7_READY


class UiNotebook:
    """One open notebook in a playwright `page`, in either front end."""

    def __init__(self, page: Any, server: Server, name: str) -> None:
        self.page, self.server, self.name = page, server, name
        page.goto(server.notebook_url(name))
        page.wait_for_selector(".jp-Notebook .jp-Cell", state="attached", timeout=60_000)
        page.wait_for_function(server.ready_check(), timeout=60_000)

    def cell(self, index: int) -> Any:
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def run(self, index: int, timeout: float = 60.0) -> Any:
        """Run cell `index` with Shift+Enter and wait until its prompt shows an execution count; press again
        if the run was dropped ("[ ]:" for seconds: the kernel was not attached yet)."""
        cell = self.cell(index)
        prompt = cell.locator(".jp-InputPrompt")
        deadline = time.monotonic() + timeout
        sent = 0.0
        while time.monotonic() < deadline:
            text = prompt.inner_text().strip()
            if text.startswith("[") and text[1:-2].strip().isdigit():
                return cell
            if text in ("[ ]:", "") and time.monotonic() - sent > 3.0:
                cell.locator(".jp-InputArea-editor").click()
                self.page.keyboard.press("Shift+Enter")
                sent = time.monotonic()
            time.sleep(0.05)
        raise TimeoutError(f"cell {index} did not finish in {timeout:.0f}s (prompt {prompt.inner_text()!r})")

    def outputs(self, index: int) -> Any:
        return self.cell(index).locator(".jp-OutputArea-output")
