"""Real-browser fixtures: one emulator, one JupyterLab server and one headless Chromium per test module.

JupyterLab 4 runs on 127.0.0.1 (free port, no token, root dir a tmp folder) with DATABRICKS_HOST /
DATABRICKS_TOKEN pointing at the emulator, so the kernel it starts talks to the emulator only. Without
/usr/bin/chromium the tests are skipped, except in CI (CI set), where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from labdriver import JupyterLab, chromium_available, lab_env, launch_chromium

from notebook_tokens.testing import EmulatorServer, FakeWorkspace


def _require_chromium() -> None:
    if chromium_available():
        return
    if os.environ.get("CI"):
        pytest.fail("/usr/bin/chromium is missing: CI must run the browser tests (apt-get install chromium)")
    pytest.skip("/usr/bin/chromium is missing: install Debian's chromium to run the browser tests")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


DAY_MS = 86_400_000


def seed_tokens(ws: FakeWorkspace) -> None:
    """A few tokens like a real workspace has: some expiring soon, one expired, one that never expires."""
    now = ws.now_ms()
    admin = ws.admin_user_name
    ws.issue_token(
        admin,
        comment="laptop (curl -n)",
        creation_time_ms=now - 40 * DAY_MS,
        expiry_time_ms=now + 50 * DAY_MS,
    )
    ws.issue_token(
        admin, comment="CI nightly job", creation_time_ms=now - 85 * DAY_MS, expiry_time_ms=now + 5 * DAY_MS
    )
    ws.issue_token(
        admin,
        comment="dashboard export",
        creation_time_ms=now - 60 * DAY_MS,  # never used: 120 days would be revoked for inactivity
        expiry_time_ms=now - 3 * DAY_MS,
    )
    ws.issue_token(admin, comment="dbt cloud", creation_time_ms=now - 20 * DAY_MS)
    for user, count in (("ana@example.com", 3), ("svc-etl@example.com", 5)):
        ws.add_user(user)
        for i in range(count):
            ws.issue_token(
                user,
                comment=f"job {i}",
                creation_time_ms=now - (30 + 9 * i) * DAY_MS,
                expiry_time_ms=now + (i * 23 - 10) * DAY_MS,
            )


@pytest.fixture(scope="module")
def lab_workspace() -> FakeWorkspace:
    """The module's workspace: admin and user, 30 clusters, and the tokens of `seed_tokens`."""
    ws = FakeWorkspace(seed="minimal")
    seed_tokens(ws)
    return ws


@pytest.fixture(scope="module")
def lab_emulator(lab_workspace: FakeWorkspace) -> Iterator[EmulatorServer]:
    with EmulatorServer(lab_workspace) as server:
        yield server


@pytest.fixture(scope="module")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lab")


@pytest.fixture(scope="module")
def lab_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HOME of the server and its kernels: where `netrc` and `keyring` stores write."""
    return tmp_path_factory.mktemp("labhome")


@pytest.fixture(scope="module")
def lab(lab_emulator: EmulatorServer, lab_root: Path, lab_home: Path) -> Iterator[JupyterLab]:
    _require_chromium()
    env = lab_env(
        lab_home,
        {"DATABRICKS_HOST": lab_emulator.url, "DATABRICKS_TOKEN": lab_emulator.workspace.admin_token},
    )
    server = JupyterLab(lab_root, env).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def chromium(lab: JupyterLab) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()
