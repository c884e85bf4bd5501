"""The token paths do no wasted work: `%dbtoken use` resolves the credential once, and naming a store
that needs no API (netrc, keyring) opens no workspace session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
from tokensupport import MemoryKeyring

from notebook_tokens.notebook.extension import get_context
from notebook_tokens.notebook.tokens.magic import DbTokenMagics


@pytest.fixture
def keyring_reads(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The in-memory keyring (no desktop keyring exists here), recording the user name of each read."""
    reads: list[str] = []
    real = memory_keyring.get_password

    def counted(service: str, username: str) -> str | None:
        reads.append(username)
        return real(service, username)

    monkeypatch.setattr(memory_keyring, "get_password", counted)
    return reads


def test_use_keyring_reads_the_keyring_once(
    ip: InteractiveShell, db_env: Any, memory_keyring: MemoryKeyring, keyring_reads: list[str]
) -> None:
    """One credential lookup: the store is read once, and the session it made is the one later cells use."""
    memory_keyring.passwords[("databricks", db_env.url)] = db_env.workspace.user_token
    with capture_output():
        ip.run_line_magic("dbtoken", "use keyring")
    assert keyring_reads == [db_env.url]
    context = get_context(ip)
    assert context.session().source == "keyring service databricks"
    assert keyring_reads == [db_env.url]  # the default session was not resolved again


def test_naming_a_netrc_store_opens_no_session(ip: InteractiveShell, tmp_path: Path) -> None:
    """A netrc store is a file: building it resolves no credential and opens no workspace session."""
    magics = ip.magics_manager.registry["DbTokenMagics"]
    assert isinstance(magics, DbTokenMagics)
    store = magics._store(f"netrc:{tmp_path / 'netrc'}")
    assert store.description == f"netrc {tmp_path / 'netrc'}"
    assert get_context(ip)._session is None


def test_use_a_profile_of_another_workspace_switches_the_session_there(
    ip: InteractiveShell, db_env: Any, isolated_home: Path
) -> None:
    """A session never changes host: `%dbtoken use` for another workspace gives the notebook a new session
    bound to that workspace, and the old one keeps its own."""
    from notebook_tokens.testing import EmulatorServer, FakeWorkspace

    other_workspace = FakeWorkspace(seed="minimal")
    with EmulatorServer(other_workspace) as other:
        (isolated_home / ".databrickscfg").write_text(
            f"[other]\nhost = {other.url}\ntoken = {other_workspace.user_token}\n"
        )
        context = get_context(ip)
        first = context.session()
        with capture_output():
            ip.run_line_magic("dbtoken", "use profile:other")
        second = context.session()
        assert second.host == other.url and first.host == db_env.url
        assert second.api("GET", "/api/2.0/preview/scim/v2/Me")["userName"] == "user@example.com"
