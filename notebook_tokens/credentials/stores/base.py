"""The `Store` protocol every token store follows, and the base of the read-only ones."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from notebook_tokens.core.errors import StoreError
from notebook_tokens.core.redact import Token

__all__ = ["ReadOnlyStore", "Store"]


@runtime_checkable
class Store(Protocol):
    spec: str
    description: str
    writable: bool

    def read(self, host: str) -> Token | None: ...
    def write(self, host: str, token: Token) -> None: ...
    def delete(self, host: str) -> None: ...


class ReadOnlyStore:
    spec = description = ""
    writable = False

    def write(self, host: str, token: Token) -> None:
        raise StoreError(
            f"{self.description} is read only: save the token with keyring, netrc or a secret scope."
        )

    def delete(self, host: str) -> None:
        raise StoreError(f"{self.description} is read only: remove the token there yourself.")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec}>"
