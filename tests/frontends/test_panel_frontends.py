"""`%dbtoken panel` and a `%%dbrest` cell in JupyterLab 3 with ipywidgets 7.7 and in Notebook 7 with
ipywidgets 8, each served from its own venv, driven by playwright in headless Chromium, against the emulator.

The tests run in order on one open notebook per front end: which ipywidgets and which notebook_tokens the
kernel imports -> the panel renders -> Refresh -> a %%dbrest cell.
They take a screenshot of the panel into $NT_SCREENSHOT_DIR (a temp folder when unset); run them with
NT_SCREENSHOT_DIR=docs to refresh docs/panel-jupyterlab3.png and docs/panel-notebook7.png.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from driver import Server, UiNotebook, write_notebook
from venvs import LAB3, Frontend, installed

from notebook_tokens.testing import EmulatorServer, FakeWorkspace

PROBE = ("import ipywidgets, notebook_tokens, sys; "
         "print('PROBE', ipywidgets.__version__, sys.prefix, notebook_tokens.__file__)")
CELLS = [PROBE, "%load_ext notebook_tokens", "%dbtoken panel", "%%dbrest GET /api/2.0/clusters/list"]
VERSIONS, LOAD, PANEL, DBREST = range(4)
SCREENSHOTS = {LAB3.name: "panel-jupyterlab3.png"}


def screenshot_path(frontend: Frontend) -> Path:
    folder = os.environ.get("NT_SCREENSHOT_DIR")
    path = Path(folder).resolve() if folder else Path(tempfile.gettempdir()) / "notebook-tokens-screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path / SCREENSHOTS.get(frontend.name, "panel-notebook7.png")


@pytest.fixture(scope="module")
def notebook(fe_server: Server, chromium: Any) -> Iterator[UiNotebook]:
    write_notebook(fe_server.root / "panel.ipynb", CELLS)
    context = chromium.new_context(viewport={"width": 1200, "height": 1300}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield UiNotebook(page, fe_server, "panel.ipynb")
    finally:
        context.close()


def panel(notebook: UiNotebook) -> Any:
    return notebook.outputs(PANEL).first


def test_the_kernel_runs_the_front_ends_own_widgets_and_the_installed_package(
    frontend: Frontend, notebook: UiNotebook
) -> None:
    """The versions under test are the ones the kernel imports: not the test process's, not the worktree."""
    notebook.run(VERSIONS)
    _, version, prefix, module = notebook.outputs(VERSIONS).first.inner_text().split()
    assert version == installed(frontend)["ipywidgets"]
    assert Path(prefix) == frontend.venv and Path(module).is_relative_to(frontend.venv)


def test_the_panel_renders_header_table_and_badges(
    frontend: Frontend, notebook: UiNotebook, fe_emulator: EmulatorServer
) -> None:
    notebook.run(LOAD)
    notebook.run(PANEL)
    output = panel(notebook)
    output.locator(".nt-card").wait_for()
    card = output.locator(".nt-card").inner_text()
    assert fe_emulator.url in card and "admin@example.com" in card
    table = output.locator(".nt-table").first
    assert "CI nightly job" in table.inner_text()
    statuses = {b.get_attribute("data-status") for b in table.locator(".nt-badge").all()}
    assert {"expiring", "expired", "active"} <= statuses, statuses
    assert output.locator(".nt-badge").first.is_visible()
    output.screenshot(path=str(screenshot_path(frontend)))


def test_refresh_reloads_the_list_and_says_how_many(
    notebook: UiNotebook, fe_workspace: FakeWorkspace
) -> None:
    """A token issued elsewhere after the panel drew appears on Refresh, and the status line counts it."""
    fe_workspace.issue_token(fe_workspace.admin_user_name, comment="issued behind the panel's back")
    count = len(fe_workspace.token_ids(fe_workspace.admin_user_name))
    output = panel(notebook)
    output.get_by_role("button", name="Refresh").click()
    output.locator(".nt-status.info", has_text=f"{count} tokens.").wait_for(timeout=30_000)
    assert "issued behind the panel" in output.locator(".nt-table").first.inner_text()


def test_a_dbrest_cell_renders(notebook: UiNotebook) -> None:
    notebook.run(DBREST)
    output = notebook.outputs(DBREST).first
    output.wait_for()
    # the prompt's number can show before the JSON tree has drawn its first line: wait for the text
    deadline = time.monotonic() + 15
    while "cluster" not in output.inner_text().lower() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "cluster" in output.inner_text().lower()
