"""The fixtures the official databricks-sdk-py integration tests use (`w`, `random`, `env_or_skip`), pointing
at the emulator over loopback instead of a cloud workspace.

Written here, not copied: upstream's conftest logs in to real workspaces and accounts. The upstream tests are
copied unchanged apart from the tests left out (EXCLUDED.md). `w` is a fresh emulator per test, where upstream
shares one workspace per session; the tests use random names either way.
"""

from __future__ import annotations

import os
import random as _random
import string
from collections.abc import Callable

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config

from notebook_tokens.testing import EmulatorServer


def client(server: EmulatorServer, token: str) -> WorkspaceClient:
    """A WorkspaceClient on the emulator; a short retry budget so a broken emulator fails fast."""
    return WorkspaceClient(config=Config(host=server.url, token=token, retry_timeout_seconds=10))


@pytest.fixture
def w(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, loopback_only: None) -> WorkspaceClient:
    """The emulator's admin, as upstream's `w` is a workspace admin. DATABRICKS_HOST / DATABRICKS_TOKEN are
    set too, and `databricks.sdk.runtime.dbutils` (built once, from the environment, on first import) is
    rebuilt on this emulator: upstream's test_secrets imports it as a notebook outside Databricks does."""
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", emulator.workspace.admin_token)
    admin = client(emulator, emulator.workspace.admin_token)
    from databricks.sdk import runtime
    from databricks.sdk.dbutils import RemoteDbUtils

    monkeypatch.setattr(runtime, "dbutils", RemoteDbUtils(admin.config))
    return admin


@pytest.fixture
def user_client(emulator: EmulatorServer) -> WorkspaceClient:
    """The emulator's ordinary (non-admin) user."""
    return client(emulator, emulator.workspace.user_token)


@pytest.fixture(scope="session")
def random() -> Callable[..., str]:
    """As upstream: `random(k)` is k letters and digits."""

    def inner(k: int = 16) -> str:
        charset = string.ascii_uppercase + string.ascii_lowercase + string.digits
        return "".join(_random.choices(charset, k=int(k)))  # noqa: S311 - names, not secrets

    return inner


@pytest.fixture(scope="session")
def env_or_skip() -> Callable[[str], str]:
    """As upstream: the variable's value, or skip the test. No chosen test needs one."""

    def inner(var: str) -> str:
        if var not in os.environ:
            pytest.skip(f"Environment variable {var} is missing")
        return os.environ[var]

    return inner

