"""A file-based keyring backend for headless tests: it stands in for a desktop keyring.

A headless Linux machine has no keyring service (keyring raises NoKeyringError) and the `null`
backend silently drops writes, so the `keyring[:SERVICE]` store could not be exercised at all. The
notebook runner selects this backend with `PYTHON_KEYRING_BACKEND=filekeyring.FileKeyring` (with
tests/ on PYTHONPATH); it keeps passwords in the JSON file named by `NT_TEST_KEYRING_FILE`
(default: `$HOME/.test-keyring.json`), readable by the owner only. Test use only: nothing is encrypted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


def _path() -> Path:
    named = os.environ.get("NT_TEST_KEYRING_FILE")
    return Path(named) if named else Path.home() / ".test-keyring.json"


class FileKeyring(KeyringBackend):
    """Stands in for a desktop keyring (Secret Service, macOS Keychain) in headless test kernels."""

    priority = 1  # type: ignore[assignment]

    def _load(self) -> dict[str, dict[str, str]]:
        path = _path()
        if not path.exists():
            return {}
        data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        path = _path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if username not in data.get(service, {}):
            raise PasswordDeleteError(f"no password for {username!r} in service {service!r}")
        del data[service][username]
        self._save(data)
