"""`Credentials`: a workspace host, the workspace the credential was issued for, and where its Authorization
header comes from; and `check_binding`, the one host-binding rule every session applies.

The rule: a credential is sent only to the workspace it was issued for (`issued_for`). Every source in the
chain sets it from what it knows (the store entry's host, the profile's host, DATABRICKS_HOST, the notebook
context's API URL, the databricks-sdk config's resolved host). A credential whose workspace is unknown is
bound to a host only when the user names both the credential and the host in the same call; a hand-built
`Credentials(host, ...)` without `issued_for` is such a call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from notebook_tokens.core.errors import CredentialsNotFoundError, HostBindingError, InputError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token, redact

if TYPE_CHECKING:
    from notebook_tokens.credentials.stores.base import Store

__all__ = ["Credentials", "check_binding", "same_host"]


@dataclass(frozen=True)
class Credentials:
    """A workspace host and where its Authorization header comes from. The repr shows a masked token.

    `issued_for` is the workspace the credential belongs to; None means `host` (the caller named it)."""

    host: str
    source: str
    token: Token | None = None
    store: Store | None = None
    provider: Callable[[], dict[str, str]] | None = field(default=None, repr=False, compare=False)
    issued_for: str | None = None

    @property
    def bound_host(self) -> str:
        """The normalised workspace this credential may be sent to."""
        return normalize_host(self.issued_for or self.host)

    def headers(self) -> dict[str, str]:
        """The Authorization header, computed per request (a refreshed OAuth/context token is picked up)."""
        if self.provider is not None:
            return self.provider()
        if self.token is None:
            raise CredentialsNotFoundError(f"{self.source} gave no token for {self.host}.")
        return {"Authorization": "Bearer " + self.token.reveal()}


def same_host(a: str, b: str) -> bool:
    """Do two workspace URLs name the same origin (scheme, host, port), however they are written?"""
    try:
        return normalize_host(a) == normalize_host(b)
    except InputError:
        return False


def check_binding(creds: Credentials, host: str) -> None:
    """Raise HostBindingError unless `creds` were issued for `host`: the one check every session makes."""
    bound = creds.bound_host
    if not same_host(bound, host):
        raise HostBindingError(
            f"Not sending the credential from {creds.source} to {redact(host)}: it was issued for {bound}, "
            f"and a credential goes only to its own workspace. Nothing was sent. Use a credential for "
            f"{redact(host)} (its own store entry, profile or DATABRICKS_HOST), or call {bound} instead."
        )
