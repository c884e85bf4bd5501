"""Fixtures for the other front ends: per front end one venv (cached in .frontends/), one emulator, one server
and one headless Chromium.

`make frontends` runs these; `make test` leaves them out (`--ignore=tests/frontends`) because the first run
builds two venvs. Without /usr/bin/chromium they are skipped, except in CI (CI set), where that is a failure.
Every test here is marked `browser`, so `make compat`'s `-m "not browser"` deselects them too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from driver import Server, chromium_available, launch_chromium, server_env
from venvs import LAB3, NOTEBOOK7, Frontend, ensure

from notebook_tokens.testing import EmulatorServer, FakeWorkspace

DAY_MS = 86_400_000
APPS = {LAB3.name: "lab", NOTEBOOK7.name: "notebook"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


def _require_chromium() -> None:
    if chromium_available():
        return
    if os.environ.get("CI"):
        pytest.fail("/usr/bin/chromium is missing: CI must run the front-end tests (apt-get install it)")
    pytest.skip("/usr/bin/chromium is missing: install Debian's chromium to run the front-end browser tests")


@pytest.fixture(scope="module", params=[LAB3, NOTEBOOK7], ids=lambda f: f.name)
def frontend(request: pytest.FixtureRequest) -> Frontend:
    _require_chromium()
    return ensure(request.param)


@pytest.fixture(scope="module")
def fe_workspace(frontend: Frontend) -> FakeWorkspace:
    """Admin with three tokens: one expiring in 5 days, one expired, one without expiry (three badges)."""
    ws = FakeWorkspace(seed="minimal")
    now, admin = ws.now_ms(), ws.admin_user_name
    ws.issue_token(admin, comment="CI nightly job", creation_time_ms=now - 85 * DAY_MS,
                   expiry_time_ms=now + 5 * DAY_MS)
    # never used: created 120 days ago it would be revoked for inactivity (the platform: 90 days)
    ws.issue_token(admin, comment="dashboard export", creation_time_ms=now - 60 * DAY_MS,
                   expiry_time_ms=now - 3 * DAY_MS)
    ws.issue_token(admin, comment="dbt cloud", creation_time_ms=now - 20 * DAY_MS)
    return ws


@pytest.fixture(scope="module")
def fe_emulator(fe_workspace: FakeWorkspace) -> Iterator[EmulatorServer]:
    with EmulatorServer(fe_workspace) as server:
        yield server


@pytest.fixture(scope="module")
def fe_server(
    frontend: Frontend, fe_emulator: EmulatorServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    home = tmp_path_factory.mktemp(f"{frontend.name}-home")
    env = server_env(
        home, {"DATABRICKS_HOST": fe_emulator.url, "DATABRICKS_TOKEN": fe_emulator.workspace.admin_token}
    )
    server = Server(frontend, APPS[frontend.name], tmp_path_factory.mktemp(frontend.name), env).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium(fe_server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()
