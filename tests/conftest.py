"""Shared test isolation: every test gets its own HOME and no Databricks settings from the machine.

The emulator fixtures (`workspace`, `emulator`, `foreign_server`) come from the pytest plugin
`notebook_tokens.testing.fixtures`, registered through the pytest11 entry point.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_CLEARED = ("NETRC", "PYTHON_KEYRING_BACKEND", "DATABRICKS_RUNTIME_VERSION")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HOME per test, so ~/.netrc, ~/.databrickscfg and keyring files of the machine never leak in."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("IPYTHONDIR", str(home / ".ipython"))
    for name in list(os.environ):
        if name.startswith("DATABRICKS_") or name in _CLEARED:
            monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def db_env(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """DATABRICKS_HOST / DATABRICKS_TOKEN pointing at the emulator as its admin user."""
    monkeypatch.setenv("DATABRICKS_HOST", emulator.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", emulator.workspace.admin_token)
    yield emulator
