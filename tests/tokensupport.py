"""Helpers shared by the token tests: sessions on the emulator, and an in-memory keyring backend."""

from __future__ import annotations

from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.http.retrying import RetryPolicy
from notebook_tokens.http.workspace import WorkspaceSession

FAST_RETRIES = RetryPolicy(retries=4, backoff=0.01, max_backoff=0.05)


def session_for(
    url: str, value: str | Token, *, store: Any = None, source: str = "test token"
) -> WorkspaceSession:
    """A WorkspaceSession on the emulator sending `value` (retries with a short backoff)."""
    creds = Credentials(host=url, source=source, token=Token(value), store=store)
    return WorkspaceSession(creds, timeout=(5.0, 10.0), retry_policy=FAST_RETRIES)


class MemoryKeyring(KeyringBackend):
    """Stands in for a desktop keyring (Secret Service, macOS Keychain): none exists on a headless
    test machine, and keyring's null backend drops writes. Passwords live in this object only."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}
        self.fail_writes = 0

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.fail_writes:
            from keyring.errors import KeyringLocked

            self.fail_writes -= 1
            raise KeyringLocked("the keyring is locked")
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.passwords:
            raise PasswordDeleteError("not found")
        del self.passwords[(service, username)]


def make_workspace(mode: str) -> Any:
    """A minimal-seed emulator workspace; mode "opaque": token ids are not the SHA-256 of the value
    (the lifecycle tests run in both modes, see the `workspace` fixtures of test_rotation / test_tokens)."""
    from notebook_tokens.testing import FakeWorkspace

    return FakeWorkspace(seed="minimal", opaque_token_ids=mode == "opaque")
