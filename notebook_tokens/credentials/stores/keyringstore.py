"""`keyring[:SERVICE]`: the keyring package, user name = the workspace host.

keyring is imported on first use. A backend's own error message is third-party text that may quote the
password it was handed: it enters a StoreError only through `redact`, with that password among the values."""

from __future__ import annotations

from typing import Any

from notebook_tokens.core.errors import KeyringUnavailableError, StoreError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token, redact

__all__ = ["DEFAULT_KEYRING_SERVICE", "KEYRING_HELP", "KeyringStore"]

DEFAULT_KEYRING_SERVICE = "databricks"
KEYRING_HELP = (
    "Install a backend, e.g. `pip install keyrings.alt` (an encrypted file), or set PYTHON_KEYRING_BACKEND "
    "to a backend class (e.g. keyrings.alt.file.EncryptedKeyring); or keep the token in netrc instead "
    "(--store netrc)."
)

_NOT_INSTALLED = (
    "The keyring package is not installed: pip install 'notebook-tokens[keyring]', "
    "or keep the token in netrc (--store netrc)."
)


class KeyringStore:
    """The keyring package: service SERVICE, user name = the normalised workspace host."""

    writable = True

    def __init__(self, service: str = DEFAULT_KEYRING_SERVICE) -> None:
        self.service = service or DEFAULT_KEYRING_SERVICE
        self.spec, self.description = f"keyring:{self.service}", f"keyring service {self.service}"

    def __repr__(self) -> str:
        return f"<KeyringStore {self.spec}>"

    def _call(self, action: str, *args: str, secret: Token | None = None) -> Any:
        try:
            import keyring
            import keyring.errors
        except ImportError:
            raise KeyringUnavailableError(_NOT_INSTALLED) from None
        try:
            return getattr(keyring, action)(self.service, *args)
        except keyring.errors.PasswordDeleteError:
            return None  # nothing stored: deleting is done
        except keyring.errors.NoKeyringError:
            raise KeyringUnavailableError(
                f"No keyring backend is available on this machine. {KEYRING_HELP}"
            ) from None
        except Exception as exc:  # any backend error (D-Bus, a file, a locked vault) is this store failing
            raise StoreError(
                f"{self.description}: the keyring backend failed ({type(exc).__name__}); unlock or fix the "
                f"keyring, or use another store.{_said(exc, secret)}"
            ) from None

    def check_writable(self) -> None:
        """Before a token is created for this store: a backend that cannot keep it is refused up front
        (the fail backend of a headless machine, or the null one that drops every write)."""
        try:
            import keyring
        except ImportError:
            raise KeyringUnavailableError(_NOT_INSTALLED) from None
        backend = keyring.get_keyring()
        module = type(backend).__module__
        if module == "keyring.backends.fail" or getattr(backend, "backends", None) == []:
            raise KeyringUnavailableError(f"No keyring backend is available on this machine. {KEYRING_HELP}")
        if module == "keyring.backends.null":
            raise StoreError(
                f"{self.description}: the keyring backend {module} drops every write, so a token stored "
                f"there would be lost. {KEYRING_HELP}"
            )

    def read(self, host: str) -> Token | None:
        value = self._call("get_password", normalize_host(host))
        return Token(value) if value else None

    def write(self, host: str, token: Token) -> None:
        self._call("set_password", normalize_host(host), token.reveal(), secret=token)
        if self.read(host) != token:
            import keyring

            backend = type(keyring.get_keyring()).__module__
            raise StoreError(
                f"{self.description}: the keyring backend {backend} did not keep the token (a null backend "
                f"drops every write), so it was not saved. {KEYRING_HELP}"
            )

    def delete(self, host: str) -> None:
        self._call("delete_password", normalize_host(host))


def _said(exc: Exception, secret: Token | None) -> str:
    """` It said: ...`, the backend's first message line, redacted (the password it was handed included)."""
    text = redact(str(exc), [secret]) if secret is not None else str(exc)
    lines = redact(text).strip().splitlines()
    return f" It said: {lines[0][:200]}" if lines else ""
