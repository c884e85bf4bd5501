"""What an emulator endpoint is handed: the request as received (`RecordedRequest`), the authenticated
`Call`, and the `Handler` signature. The endpoint modules import this, never the workspace itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from notebook_tokens.testing.model import StoredToken, User

if TYPE_CHECKING:
    from notebook_tokens.testing.workspace import FakeWorkspace

__all__ = ["WORKSPACE_ID", "Call", "Handler", "RecordedRequest"]

WORKSPACE_ID = 1234567890123456


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # as received
    body: bytes

    def header(self, name: str) -> str | None:
        """A header by case-insensitive name."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


@dataclass
class Call:
    """One authenticated request, as the endpoint functions see it."""

    user: User
    query: dict[str, list[str]]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    token: StoredToken | None = None  # the token the caller presented


Handler = Callable[["FakeWorkspace", Call], Any]
