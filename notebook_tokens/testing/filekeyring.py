"""A file-based keyring backend for the demo and headless tests: it stands in for a desktop keyring.

A headless Linux machine has no keyring service (keyring raises NoKeyringError) and the `null` backend
silently drops writes, so the `keyring[:SERVICE]` store could not be shown or exercised there. Select it with
`PYTHON_KEYRING_BACKEND=notebook_tokens.testing.filekeyring.FileKeyring`; it keeps passwords in the JSON file
named by `NOTEBOOK_TOKENS_KEYRING_FILE` (default `$HOME/.notebook-tokens-keyring.json`), mode 0600.
Nothing is encrypted: it is for an emulated workspace, never for real tokens. Every change holds
`<file>.lock` around its read-modify-replace, so kernels writing at once all keep their passwords.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError, PasswordSetError

from notebook_tokens.testing.locking import exclusive

ENV_FILE = "NOTEBOOK_TOKENS_KEYRING_FILE"


def keyring_file() -> Path:
    named = os.environ.get(ENV_FILE)
    return Path(named) if named else Path.home() / ".notebook-tokens-keyring.json"


class FileKeyring(KeyringBackend):
    """Stands in for a desktop keyring (Secret Service, macOS Keychain) in the demo and headless tests."""

    priority = 1

    def _load(self) -> dict[str, dict[str, str]]:
        path = keyring_file()
        if not path.exists():
            return {}
        data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        path = keyring_file()
        # a unique temp name: a fixed one would be shared by two writers (and by a crashed one's leftovers)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            os.fchmod(fd, 0o600)  # mkstemp already creates 0600; say so, it holds passwords
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _change(self, edit: Callable[[dict[str, dict[str, str]]], None]) -> None:
        path = keyring_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with exclusive(path):
                data = self._load()
                edit(data)
                self._save(data)
        except TimeoutError as exc:
            raise PasswordSetError(str(exc)) from None

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._change(lambda data: data.setdefault(service, {}).__setitem__(username, password))

    def delete_password(self, service: str, username: str) -> None:
        def remove(data: dict[str, dict[str, str]]) -> None:
            if username not in data.get(service, {}):
                raise PasswordDeleteError(f"no password for {username!r} in service {service!r}")
            del data[service][username]

        self._change(remove)
