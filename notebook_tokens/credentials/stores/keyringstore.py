"""`keyring[:SERVICE]`: the keyring package, user name = the workspace host.

keyring is imported on first use."""

from __future__ import annotations

from typing import Any

from notebook_tokens.core.errors import KeyringUnavailableError, StoreError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token

__all__ = ["DEFAULT_KEYRING_SERVICE", "KEYRING_HELP", "KeyringStore"]

DEFAULT_KEYRING_SERVICE = "databricks"
KEYRING_HELP = (
    "Install a backend, e.g. `pip install keyrings.alt` (an encrypted file), or set PYTHON_KEYRING_BACKEND "
    "to a backend class (e.g. keyrings.alt.file.EncryptedKeyring); or keep the token in netrc instead "
    "(--store netrc)."
)


class KeyringStore:
    """The keyring package: service SERVICE, user name = the normalised workspace host."""

    writable = True

    def __init__(self, service: str = DEFAULT_KEYRING_SERVICE) -> None:
        self.service = service or DEFAULT_KEYRING_SERVICE
        self.spec, self.description = f"keyring:{self.service}", f"keyring service {self.service}"

    def __repr__(self) -> str:
        return f"<KeyringStore {self.spec}>"

    def _call(self, action: str, *args: str) -> Any:
        try:
            import keyring
            import keyring.errors
        except ImportError:
            raise KeyringUnavailableError(
                "The keyring package is not installed: pip install 'notebook-tokens[keyring]', "
                "or keep the token in netrc (--store netrc)."
            ) from None
        try:
            return getattr(keyring, action)(self.service, *args)
        except keyring.errors.PasswordDeleteError:
            return None  # nothing stored: deleting is done
        except keyring.errors.NoKeyringError:
            raise KeyringUnavailableError(
                f"No keyring backend is available on this machine. {KEYRING_HELP}"
            ) from None
        except keyring.errors.KeyringError as exc:
            raise StoreError(
                f"{self.description}: the keyring backend failed ({type(exc).__name__}); unlock or fix the "
                "keyring, or use another store."
            ) from None

    def read(self, host: str) -> Token | None:
        value = self._call("get_password", normalize_host(host))
        return Token(value) if value else None

    def write(self, host: str, token: Token) -> None:
        self._call("set_password", normalize_host(host), token.reveal())
        if self.read(host) != token:
            import keyring

            backend = type(keyring.get_keyring()).__module__
            raise StoreError(
                f"{self.description}: the keyring backend {backend} did not keep the token (a null backend "
                f"drops every write), so it was not saved. {KEYRING_HELP}"
            )

    def delete(self, host: str) -> None:
        self._call("delete_password", normalize_host(host))
