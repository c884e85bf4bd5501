"""Each example notebook opened in JupyterLab 4 and run top to bottom in headless Chromium.

Reuses the browser fixtures of tests/browser/conftest.py (emulator, JupyterLab on 127.0.0.1, Chromium),
overriding two of them for this module: the workspace uses the demo seed the notebooks are written for (a
secret scope "demo", stale and expired tokens), and the server's kernels get the file-based test keyring
(`notebook_tokens.testing.filekeyring.FileKeyring`, which stands in for a desktop keyring)
and a private NETRC. After *Run All
Cells* the notebook is saved from the browser; the saved file must show every code cell executed, no error
output, and no token (widget state included).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from labdriver import JupyterLab, chromium_available, lab_env
from notebook_runner import pats_in_files, scan, workspace_secrets

from notebook_tokens.testing import EmulatorServer, FakeWorkspace

TESTS = Path(__file__).resolve().parent.parent
NOTEBOOKS = TESTS.parent / "notebooks"
NAMES = ("quickstart", "token-lifecycle", "admin-tokens", "least-privilege", "oauth")
_KERNEL_IDLE = (
    "() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].some(e => /\\| Idle/.test(e.textContent))"
)


@pytest.fixture(scope="module")
def lab_workspace() -> FakeWorkspace:
    """The demo seed, as `make demo` serves it (overrides conftest's minimal workspace)."""
    return FakeWorkspace(seed="demo")


@pytest.fixture(scope="module")
def lab(lab_emulator: EmulatorServer, lab_root: Path, lab_home: Path) -> Iterator[JupyterLab]:
    """conftest's JupyterLab, plus a headless keyring backend and NETRC inside the private HOME."""
    if not chromium_available():
        pytest.skip("/usr/bin/chromium is missing")  # conftest's `chromium` fixture fails instead under CI
    env = lab_env(
        lab_home,
        {
            "DATABRICKS_HOST": lab_emulator.url,
            "DATABRICKS_TOKEN": lab_emulator.workspace.admin_token,
            "NETRC": str(lab_home / ".netrc"),
            "PYTHON_KEYRING_BACKEND": "notebook_tokens.testing.filekeyring.FileKeyring",
            "NOTEBOOK_TOKENS_KEYRING_FILE": str(lab_home / "keyring.json"),
            # the checkout under test first: the venv's editable install may point at another one
            "PYTHONPATH": os.pathsep.join([str(TESTS.parent), str(TESTS)]),
        },
    )
    for name in NAMES:
        shutil.copy(NOTEBOOKS / f"{name}.ipynb", lab_root / f"{name}.ipynb")
    server = JupyterLab(lab_root, env).start()
    try:
        yield server
    finally:
        server.stop()


def _open(page: Any, lab: JupyterLab, name: str) -> None:
    """Open `name` alone (`?reset` drops the tabs JupyterLab restores from the previous test's workspace)."""
    page.goto(f"{lab.url}/lab/tree/{name}?reset")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_function(_KERNEL_IDLE, timeout=60_000)


def _run_all(page: Any, timeout: float = 120.0) -> None:
    """Run > Run All Cells, then wait until every code cell has an execution count or the kernel stopped."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt")
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        texts = [t.strip() for t in prompts.all_inner_texts()]
        if texts and all(t[1:-2].strip().isdigit() for t in texts if t.startswith("[")):
            page.wait_for_function(_KERNEL_IDLE, timeout=30_000)
            return
        if "[*]:" in texts:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 5.0:
            return  # nothing running or queued: a cell failed and stopped the run
        time.sleep(0.2)
    raise TimeoutError(f"Run All did not finish in {timeout:.0f}s")


def _save(page: Any, path: Path, timeout: float = 20.0) -> str:
    """File > Save Notebook, then wait for the file on disk to change; returns its text."""
    before = path.read_text(encoding="utf-8")
    page.locator(".lm-MenuBar-itemLabel", has_text="File").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Save Notebook").first.click()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = path.read_text(encoding="utf-8")
        if text != before:
            try:
                json.loads(text)
                return text
            except ValueError:
                pass  # caught mid-write
        time.sleep(0.2)
    raise TimeoutError(f"{path.name} was not saved in {timeout:.0f}s")


_WATCH_STATUS = """(root) => {
  window.__ntStatus = [];
  new MutationObserver(() => {
    const line = root.querySelector('.nt-status');
    if (line) window.__ntStatus.push(line.className + ' | ' + line.textContent);
  }).observe(root, {subtree: true, childList: true, characterData: true});
}"""
# done once the status line has said "Refreshing…" and then something else
_REFRESHED = """() => {
  const seen = window.__ntStatus, i = seen.findIndex((t) => t.includes('Refreshing'));
  return i >= 0 && seen.slice(i + 1).some((t) => !t.includes('Refreshing'));
}"""


def _assert_panel_live(page: Any) -> None:
    """After Run All the panel still works: Refresh lists tokens (no 403 for a token revoked meanwhile)."""
    panel = page.locator(".jp-OutputArea-output", has=page.locator(".nt-panel .nt-title")).first
    panel.evaluate(_WATCH_STATUS)
    panel.get_by_role("button", name="Refresh").first.click()
    page.wait_for_function(_REFRESHED, timeout=30_000)
    last = page.evaluate("() => window.__ntStatus[window.__ntStatus.length - 1]")
    assert "nt-status info" in last and " token" in last, last


def _problems(saved: dict[str, Any]) -> list[str]:
    problems = []
    for index, cell in enumerate(saved["cells"]):
        if cell["cell_type"] != "code":
            continue
        if not cell.get("execution_count"):
            problems.append(f"cell {index} did not run")
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                problems.append(f"cell {index}: {output['ename']}: {output['evalue']}"[:500])
            elif output["output_type"] == "stream" and "UsageError" in "".join(output.get("text", "")):
                problems.append(f"cell {index}: {''.join(output['text'])}"[:500])
    return problems


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom_in_jupyterlab(
    name: str, page: Any, lab: JupyterLab, lab_root: Path, lab_home: Path, lab_emulator: EmulatorServer
) -> None:
    """Run All Cells in the browser; the notebook saved from the browser has no error output, and neither
    it nor the kernels' IPython history holds a token."""
    _open(page, lab, f"{name}.ipynb")
    _run_all(page)
    text = _save(page, lab_root / f"{name}.ipynb")
    saved = json.loads(text)
    assert _problems(saved) == []
    stderr = ".jp-OutputArea-output .jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']"
    assert page.locator(stderr, has_text="Traceback").count() == 0
    if any("%dbtoken panel" in "".join(c["source"]) for c in saved["cells"] if c["cell_type"] == "code"):
        # the panel's widgets rendered (a missing widget manager shows the model's text repr instead)
        assert page.locator(".jp-OutputArea-output .nt-title", has_text="Access tokens").count() == 1
        _assert_panel_live(page)
    history = sorted((lab_home / ".ipython" / "profile_default").glob("history.sqlite*"))
    assert history, "the kernels wrote no IPython history"
    values = set(workspace_secrets(lab_emulator.workspace)) | pats_in_files(lab_home, skip=history)
    assert scan([lab_root / f"{name}.ipynb", *history], values) == []
