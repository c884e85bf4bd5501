"""`%dbtoken panel` in a real JupyterLab 4, driven by playwright in headless Chromium, against the emulator.

The tests run in order on one open notebook (one server and one browser per module keep this lean):
render -> generate -> revoke through the confirmation -> a %%dbrest cell -> save and scan.
They take screenshots of the panel into $NT_SCREENSHOT_DIR (a temp folder when unset); run them with
NT_SCREENSHOT_DIR=docs to refresh docs/panel.png and docs/panel-admin.png, which README shows.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from labdriver import JupyterLab, Notebook, write_notebook

from notebook_tokens.core.redact import PAT_PATTERN
from notebook_tokens.testing import FakeWorkspace


def screenshot_dir() -> Path:
    """Where screenshots go: docs/ only on request, so a test run leaves the tracked images alone."""
    folder = os.environ.get("NT_SCREENSHOT_DIR")
    path = Path(folder).resolve() if folder else Path(tempfile.gettempdir()) / "notebook-tokens-screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path

PAT_RE = re.compile(r"dapi[0-9a-f]{32}")
CELLS = ["%load_ext notebook_tokens", "%dbtoken panel", "%%dbrest GET /api/2.0/clusters/list"]
LOAD, PANEL, DBREST = range(3)


@pytest.fixture(scope="module")
def notebook(lab: JupyterLab, chromium: Any) -> Iterator[Notebook]:
    write_notebook(lab.root / "panel.ipynb", CELLS)
    context = chromium.new_context(viewport={"width": 1200, "height": 1400}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        notebook = Notebook(page, lab, "panel.ipynb")
        page.keyboard.press("Escape")
        page.keyboard.press("Control+b")  # collapse the file browser: more room for the panel
        yield notebook
    finally:
        context.close()


def panel_output(notebook: Notebook) -> Any:
    return notebook.outputs(PANEL).first


def wait_status(notebook: Notebook, kind: str, text: str) -> str:
    status = panel_output(notebook).locator(f".nt-status.{kind}", has_text=text)
    status.wait_for(timeout=30_000)
    return str(status.inner_text())


def my_table(notebook: Notebook) -> str:
    return str(panel_output(notebook).locator(".nt-table").first.inner_text())


def new_admin_tokens(ws: FakeWorkspace, before: set[str]) -> set[str]:
    return set(ws.token_ids(ws.admin_user_name)) - before


def test_the_panel_renders_with_header_and_table(notebook: Notebook, lab_emulator: Any) -> None:
    notebook.run(LOAD)
    notebook.run(PANEL)
    output = panel_output(notebook)
    output.locator(".nt-card").wait_for()
    card = output.locator(".nt-card").inner_text()
    assert lab_emulator.url in card and "admin@example.com" in card
    assert "laptop (curl -n)" in my_table(notebook)
    assert output.locator(".lm-TabBar-tab", has_text="Admin").count() == 1


def test_generate_stores_the_token_and_lists_it(
    notebook: Notebook, lab_workspace: FakeWorkspace, lab_home: Path
) -> None:
    before = set(lab_workspace.token_ids(lab_workspace.admin_user_name))
    output = panel_output(notebook)
    output.locator('input[placeholder="What is this token for?"]').fill("notebook in JupyterLab")
    output.locator(".widget-dropdown", has_text="Store in").locator("select").select_option(
        label="netrc file"
    )
    output.get_by_role("button", name="Generate").click()
    message = wait_status(notebook, "ok", "Generated token")
    assert ".netrc" in message
    (new_id,) = new_admin_tokens(lab_workspace, before)
    assert new_id[:10] in my_table(notebook)
    stored = PAT_PATTERN.search((lab_home / ".netrc").read_text())
    assert stored and lab_workspace.is_token_active(stored.group(0))
    output.screenshot(path=str(screenshot_dir() / "panel.png"))


def test_the_admin_tab_shows_everyones_tokens_and_the_chart(notebook: Notebook) -> None:
    output = panel_output(notebook)
    output.locator(".lm-TabBar-tab", has_text="Admin").click()
    output.locator(".nt-charts").wait_for()
    wait_status(notebook, "info", "match the filters")
    assert "svc-etl@example.com" in output.locator(".nt-charts").inner_text()
    output.screenshot(path=str(screenshot_dir() / "panel-admin.png"))
    output.locator(".lm-TabBar-tab", has_text="My tokens").click()


def test_revoke_through_the_confirmation_removes_the_token(
    notebook: Notebook, lab_workspace: FakeWorkspace
) -> None:
    output = panel_output(notebook)
    (target,) = [
        t
        for t in lab_workspace.token_ids(lab_workspace.admin_user_name)
        if t[:10] in my_table(notebook) and "notebook in JupyterLab" in _comment_of(lab_workspace, t)
    ]
    picker = output.locator(".widget-select-multiple select").first
    labels = picker.locator("option").all_text_contents()
    picker.select_option(index=next(i for i, label in enumerate(labels) if label.startswith(target[:10])))
    output.get_by_role("button", name="Revoke…").click()
    confirm = output.get_by_role("button", name="Revoke Token")
    confirm.wait_for()
    assert target[:10] in output.locator(".widget-html", has_text="Revoke 1 token").inner_text()
    confirm.click()
    wait_status(notebook, "ok", "Revoked 1 token")
    assert target not in lab_workspace.token_ids()
    assert target[:10] not in my_table(notebook)


def _comment_of(ws: FakeWorkspace, token_id: str) -> str:
    return str(ws.tokens[token_id].comment)


def test_a_dbrest_cell_renders(notebook: Notebook) -> None:
    notebook.run(DBREST)
    output = notebook.outputs(DBREST).first
    output.wait_for()
    # the prompt's number can show before the JSON tree has drawn its first line: wait for the text
    deadline = time.monotonic() + 15
    while "cluster" not in output.inner_text().lower() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "cluster" in output.inner_text().lower()


def test_the_saved_notebook_holds_no_token(
    notebook: Notebook, lab: JupyterLab, lab_workspace: FakeWorkspace, lab_home: Path
) -> None:
    notebook.save()
    saved = (lab.root / "panel.ipynb").read_text()
    assert "nt-card" in saved, "the panel output was not saved, so the scan proves nothing"
    secrets = [lab_workspace.admin_token, lab_workspace.user_token]
    secrets += PAT_PATTERN.findall((lab_home / ".netrc").read_text())
    for secret in secrets:
        assert secret not in saved
    assert not PAT_RE.search(saved)
