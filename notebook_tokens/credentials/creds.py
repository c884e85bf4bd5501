"""`Credentials`: a workspace host and where its Authorization header comes from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from notebook_tokens.core.errors import CredentialsNotFoundError
from notebook_tokens.core.redact import Token

if TYPE_CHECKING:
    from notebook_tokens.credentials.stores.base import Store

__all__ = ["Credentials"]


@dataclass(frozen=True)
class Credentials:
    """A workspace host and where its Authorization header comes from. The repr shows a masked token."""

    host: str
    source: str
    token: Token | None = None
    store: Store | None = None
    provider: Callable[[], dict[str, str]] | None = field(default=None, repr=False, compare=False)

    def headers(self) -> dict[str, str]:
        """The Authorization header, computed per request (a refreshed OAuth/context token is picked up)."""
        if self.provider is not None:
            return self.provider()
        if self.token is None:
            raise CredentialsNotFoundError(f"{self.source} gave no token for {self.host}.")
        return {"Authorization": "Bearer " + self.token.reveal()}
