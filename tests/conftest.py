"""Shared test isolation: every test gets its own HOME and no Databricks settings from the machine.

Also opt-in fixtures used by several test files: `memory_keyring` (an in-memory keyring backend),
`loopback_only` (fails a test that resolves a non-loopback host name), `shell` (the process's IPython
InteractiveShell, history in memory) and `ip` (that shell with the extension loaded over `db_env`).

The emulator fixtures (`workspace`, `emulator`, `foreign_server`) come from the pytest plugin
`notebook_tokens.testing.fixtures`, registered through the pytest11 entry point.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from IPython.core.interactiveshell import InteractiveShell
from tokensupport import MemoryKeyring
from traitlets.config import Config

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


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """An in-memory keyring backend: stands in for a desktop keyring, which a headless machine lacks."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """databricks-sdk probes the host it is given: fail the test if anything resolves a non-loopback name."""
    import socket

    real, attempts = socket.getaddrinfo, []

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if str(host) not in ("127.0.0.1", "localhost", "::1"):
            attempts.append(str(host))
            raise socket.gaierror(f"test guard: {host} is not loopback")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    yield
    assert attempts == [], f"tried to contact {attempts}"


@pytest.fixture(scope="module")
def shell() -> Iterator[InteractiveShell]:
    """The process's InteractiveShell (created here with in-memory history when none exists yet; a
    singleton, so test modules share it)."""
    created = not InteractiveShell.initialized()
    if created:
        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        yield InteractiveShell.instance(config=config)
        InteractiveShell.clear_instance()
    else:
        yield InteractiveShell.instance()


@pytest.fixture
def ip(shell: InteractiveShell, db_env: Any) -> Iterator[InteractiveShell]:
    """`%load_ext notebook_tokens` done, the emulator's request log empty; credentials from DATABRICKS_HOST /
    DATABRICKS_TOKEN (admin)."""
    shell.run_line_magic("load_ext", "notebook_tokens")
    db_env.workspace.clear_requests()
    yield shell
    shell.run_line_magic("unload_ext", "notebook_tokens")
