"""Section 4: `%dbtoken panel` with 10, 100 and 1,000 tokens: widget models, build time, browser render.

- widget models: `ipywidgets` instances created by one panel (Admin tab included); must not grow with tokens;
- build: `TokenPanel(...)` in this process against the emulator (the API calls included), median of 5;
- render: in JupyterLab 4 + headless Chromium, from Shift+Enter on a `%dbtoken panel`-like cell until the
  table shows its first page (all rows in the HTML fallback), minus the build time the kernel printed: what
  the browser adds. Median of 5;
- Admin tab: from clicking the tab until its table counts everyone's tokens (the list call included).

`python benchmarks/panel_scale.py [--quick]` prints the table; `make bench` calls `run()`.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10, 100, 1000)
PANEL_CELL = (
    "import time\n"
    "from notebook_tokens.notebook.extension import get_context\n"
    "from notebook_tokens.notebook.panel.tokenpanel import show\n"
    "_run = globals().get('_run', 0) + 1\n"
    "_t = time.perf_counter()\n"
    "_p = show(get_context(get_ipython()))\n"
    "print(f'run {_run} build {time.perf_counter() - _t:.4f}')"
)


def _fill(ws: Any, total: int) -> None:
    """Give the admin `total` tokens (issued directly: the 600-per-user API quota does not apply)."""
    have = len(ws.token_ids(ws.admin_user_name))
    for i in range(have, total):
        ws.issue_token(
            ws.admin_user_name, comment=f"bench token {i}", lifetime_seconds=(i % 120 + 1) * 86_400
        )


def python_side(runs: int) -> dict[int, tuple[int, float]]:
    """{tokens: (widget models, median build seconds)}."""
    from ipywidgets.widgets.widget import _instances

    from notebook_tokens.http.workspace import WorkspaceSession, credentials
    from notebook_tokens.lifecycle.tokens import TokenManager
    from notebook_tokens.notebook.panel.tokenpanel import TokenPanel
    from notebook_tokens.testing import EmulatorServer, FakeWorkspace

    ws = FakeWorkspace(seed="minimal")
    results: dict[int, tuple[int, float]] = {}
    with EmulatorServer(ws) as server:
        environ = {"DATABRICKS_HOST": server.url, "DATABRICKS_TOKEN": ws.admin_token}
        manager = TokenManager(WorkspaceSession(credentials(server.url, environ=environ)))
        for size in SIZES:
            _fill(ws, size)
            before = len(_instances)
            panel = TokenPanel(manager, background=False)
            panel.tabs.selected_index = 1
            models = len(_instances) - before
            assert len(panel.grid.ids) == size, panel.status.value
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                TokenPanel(manager, background=False)
                times.append(time.perf_counter() - start)
            results[size] = (models, statistics.median(times))
    return results


def browser_side(runs: int) -> dict[int, tuple[float, float, float]] | str:
    """{tokens: (median seconds Shift+Enter -> first page shown, median render = that - build, median
    seconds from clicking the Admin tab to its table showing everyone's tokens)} or why not."""
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from labdriver import JupyterLab, Notebook, chromium_available, lab_env, launch_chromium, write_notebook

    if not chromium_available():
        return "/usr/bin/chromium is missing"
    from playwright.sync_api import sync_playwright

    from notebook_tokens.testing import EmulatorServer, FakeWorkspace

    ws = FakeWorkspace(seed="minimal")
    results: dict[int, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, EmulatorServer(ws) as server:
        root, home = Path(tmp, "root"), Path(tmp, "home")
        root.mkdir()
        home.mkdir()
        write_notebook(root / "scale.ipynb", ["%load_ext notebook_tokens", PANEL_CELL])
        env = lab_env(home, {"DATABRICKS_HOST": server.url, "DATABRICKS_TOKEN": ws.admin_token})
        lab = JupyterLab(root, env).start()
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
                notebook = Notebook(page, lab, "scale.ipynb")
                notebook.run(0)
                run_number = 0
                for size in SIZES:
                    _fill(ws, size)
                    totals, renders, admins = [], [], []
                    for _ in range(runs + 1):  # the first run warms imports and the widget manager up
                        run_number += 1
                        total, build = _timed_run(notebook, run_number, size)
                        totals.append(total)
                        renders.append(total - build)
                        admins.append(_timed_admin_tab(notebook, size))
                    results[size] = (statistics.median(totals[1:]), statistics.median(renders[1:]),
                                     statistics.median(admins[1:]))
                browser.close()
        finally:
            lab.stop()
    return results


def _timed_run(notebook: Any, run_number: int, size: int) -> tuple[float, float]:
    page = notebook.page
    cell = notebook.cell(1)
    cell.locator(".jp-InputArea-editor").click()
    start = time.perf_counter()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        """([cellIndex, run, size]) => {
            const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[cellIndex];
            if (!cell || !cell.innerText.includes('run ' + run + ' build')) return false;
            const grid = cell.querySelector('.nt-grid');
            if (!grid) {  // the fallback view (no anywidget): one HTML table with every row
                const table = cell.querySelector('.nt-table tbody');
                return !!table && table.rows.length === size;
            }
            const count = grid.querySelector('.nt-count');
            return !!count && count.textContent.includes('of ' + size)
                && grid.querySelector('tbody').rows.length === Math.min(size, 50);
        }""",
        arg=[1, run_number, size],
        polling="raf",
        timeout=120_000,
    )
    total = time.perf_counter() - start
    text = cell.locator(".jp-OutputArea-output", has_text=f"run {run_number} build").inner_text()
    build = float(text.split("build", 1)[1].split()[0])
    return total, build


def _timed_admin_tab(notebook: Any, size: int) -> float:
    """Seconds from clicking the Admin tab to its table (loaded on first view) counting >= `size` tokens."""
    page = notebook.page
    tab = notebook.cell(1).locator(".lm-TabBar-tab", has_text="Admin")
    start = time.perf_counter()
    tab.click()
    page.wait_for_function(
        """([cellIndex, size]) => {
            const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[cellIndex];
            const grid = [...cell.querySelectorAll('.nt-grid, .nt-scroll')].find(
                (g) => g.offsetParent !== null && g.innerText.includes('Owner'));
            if (!grid) return false;
            const count = grid.querySelector('.nt-count');
            if (!count) return grid.querySelector('tbody').rows.length >= size;  // the fallback view
            const match = count.textContent.match(/of (\\d+)/);
            return !!match && Number(match[1]) >= size && grid.querySelector('tbody').rows.length > 0;
        }""",
        arg=[1, size],
        polling="raf",
        timeout=120_000,
    )
    return time.perf_counter() - start


def run(quick: bool = False) -> Any:
    from benchmarks import Section

    warnings.simplefilter("ignore")
    section = Section("%dbtoken panel with 10, 100 and 1,000 tokens")
    python_runs, browser_runs = (2, 1) if quick else (5, 5)
    python = python_side(python_runs)
    for size, (models, build) in python.items():
        section.add(f"{size:>5} tokens: widget models", models, "count")
        section.add(f"{size:>5} tokens: Python build", build * 1000, "ms", python_runs)
    browser = browser_side(browser_runs)
    if isinstance(browser, str):
        section.not_measured("browser render", browser)
        render_1000: float | None = None
        admin_1000: float | None = None
    else:
        for size, (total, render, admin) in browser.items():
            section.add(
                f"{size:>5} tokens: browser render",
                render * 1000,
                "ms",
                browser_runs,
                note=f"Shift+Enter to the first page shown: {total * 1000:.0f} ms",
            )
            section.add(f"{size:>5} tokens: Admin tab render", admin * 1000, "ms", browser_runs,
                        note="click on the tab to everyone's tokens shown, their list call included")
        render_1000 = browser[1000][1] * 1000
        admin_1000 = browser[1000][2] * 1000
    constant = float(python[1000][0] - python[10][0])
    section.check("widget models: 1,000 tokens = 10 tokens", constant, 0, "extra models")
    section.check("panel build < 1 s at 1,000 tokens", python[1000][1] * 1000, 1000, "ms")
    section.check("browser render < 1 s at 1,000 tokens", render_1000, 1000, "ms")
    section.check("Admin tab render < 1 s at 1,000 tokens (median of 5)", admin_1000, 1000, "ms")
    return section


def main(argv: list[str] | None = None) -> int:
    section = run(quick="--quick" in (argv if argv is not None else sys.argv[1:]))
    print(f"{section.title}\n")
    print(f"{'measure':<34} {'value':>10}  unit   note")
    for row in section.rows:
        value = "-" if row.value is None else f"{row.value:,.1f}"
        print(f"{row.name:<34} {value:>10}  {row.unit:<6} {row.note}")
    print()
    for check in section.checks:
        verdict = {True: "holds", False: "MISSED", None: "not measured"}[check.holds]
        print(f"{check.target:<42} {check.measured:>18}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
