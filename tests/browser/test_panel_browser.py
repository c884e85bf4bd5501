"""`%dbtoken panel` in a real JupyterLab 4, driven by playwright in headless Chromium, against the emulator.

The tests run in order on one open notebook (one server and one browser per module keep this lean):
render -> generate -> admin tab (fits 1440 px) -> sort by a header -> tick a row's checkbox and revoke
through the confirmation -> a %%dbrest cell -> contrast beside `%dbtoken list` -> save and scan.
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
CELLS = [
    "%load_ext notebook_tokens", "%dbtoken panel", "%%dbrest GET /api/2.0/clusters/list", "%dbtoken list"
]
LOAD, PANEL, DBREST, LIST = range(4)
WIDTH = 1440  # a common laptop width: the admin table must fit it, Last used included


@pytest.fixture(scope="module")
def notebook(lab: JupyterLab, chromium: Any) -> Iterator[Notebook]:
    write_notebook(lab.root / "panel.ipynb", CELLS)
    context = chromium.new_context(viewport={"width": WIDTH, "height": 1400}, device_scale_factor=1)
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
    grid = admin_grid(notebook)
    fits = grid.locator(".nt-scroll").evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    assert fits, "the admin table overflows its box at 1440 px"
    last, box = grid.locator("th", has_text="Last used").bounding_box(), grid.bounding_box()
    assert last and box and last["x"] + last["width"] <= box["x"] + box["width"] + 1
    # My tokens' status line ("Generated token …") belongs to its tab: hidden under Admin
    assert not output.locator(".nt-status", has_text="Generated token").is_visible()
    output.locator(".lm-TabBar-tab", has_text="My tokens").click()
    assert output.locator(".nt-status", has_text="Generated token").is_visible()


def admin_grid(notebook: Notebook) -> Any:
    return panel_output(notebook).locator(".nt-grid", has=notebook.page.locator("th", has_text="Owner"))


def eventually(check: Any, timeout: float = 15.0) -> Any:
    """`check()` once it is truthy (the kernel answers a header click with the sorted rows a moment later)."""
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result


def test_clicking_a_header_sorts_the_rows_and_clicking_again_reverses_them(notebook: Notebook) -> None:
    grid = panel_output(notebook).locator(".nt-grid").first
    comments = grid.locator("td.nt-comment")
    grid.locator("button.nt-sort", has_text="Comment").click()
    assert eventually(lambda: (texts := comments.all_inner_texts()) == sorted(texts, key=str.lower))
    ascending = comments.all_inner_texts()
    assert ascending != sorted(ascending, key=str.lower, reverse=True)  # the seed has distinct comments
    assert grid.locator('th[aria-sort="ascending"]').inner_text().startswith("Comment")
    grid.locator("button.nt-sort", has_text="Comment").click()
    assert eventually(lambda: comments.all_inner_texts() == ascending[::-1])
    grid.locator("button.nt-sort", has_text="Creation").click()  # back to the default order
    grid.locator('th[aria-sort="ascending"]', has_text="Creation").wait_for()


def test_checkbox_select_then_revoke_through_the_confirmation_removes_the_token(
    notebook: Notebook, lab_workspace: FakeWorkspace
) -> None:
    output = panel_output(notebook)
    (target,) = [
        t
        for t in lab_workspace.token_ids(lab_workspace.admin_user_name)
        if t[:10] in my_table(notebook) and "notebook in JupyterLab" in _comment_of(lab_workspace, t)
    ]
    mine = output.locator(".nt-grid").first
    mine.locator(f'tr[data-token-id="{target}"] input.nt-select').check()  # the row's own checkbox
    mine.locator(".nt-count", has_text="1 selected").wait_for()
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


# WCAG 2.x contrast of each visible badge / status text against the background it is painted on (the
# first opaque ancestor background, translucent layers composited over it).
CONTRAST_JS = """() => {
  const rgba = (c) => {
    const p = c.match(/[\\d.]+/g).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = (c) => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const under = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let out = [255, 255, 255];
    for (const c of layers.reverse()) out = out.map((v, i) => c[i] * c[3] + v * (1 - c[3]));
    return out;
  };
  return [...document.querySelectorAll('.nt-badge, .nt-status, .nt-left')]
    .filter((e) => e.offsetParent !== null && e.textContent.trim())
    .map((e) => {
      const back = under(e), fg = rgba(getComputedStyle(e).color);
      const text = fg.slice(0, 3).map((v, i) => v * fg[3] + back[i] * (1 - fg[3]));
      const [hi, lo] = [lum(text), lum(back)].sort((a, b) => b - a);
      return {text: e.textContent.trim().slice(0, 50), cls: e.className, ratio: (hi + 0.05) / (lo + 0.05)};
    });
}"""


def test_badges_and_status_text_pass_wcag_aa_with_the_list_beside_the_panel(notebook: Notebook) -> None:
    """`%dbtoken list` and the panel in one notebook: neither restyles the other (scoped CSS), and every
    badge and status text has at least 4.5:1 contrast, measured with getComputedStyle in the page."""
    notebook.run(LIST)
    notebook.outputs(LIST).first.locator(".nt-badge").first.wait_for()
    measured = notebook.page.evaluate(CONTRAST_JS)
    in_list = notebook.outputs(LIST).first.locator(".nt-badge").count()
    in_panel = panel_output(notebook).locator(".nt-badge:visible").count()  # the Admin tab is hidden
    assert in_list >= 3 and in_panel >= 3 and len(measured) >= in_list + in_panel
    low = [m for m in measured if m["ratio"] < 4.5]
    assert low == [], low


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
