"""`m2m:CLIENT_ID@SPEC`: a service principal's OAuth secret, kept in another store that holds secrets.

SPEC is `secret:SCOPE/KEY`, `keyring[:SERVICE]` or `netrc[:PATH]`; it holds the client secret (keyed by the
workspace host, as a token is). The store reads and writes that secret; the chain turns it into an OAuth
credential (credentials/oauthcreds.py) whose access tokens live in memory only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from notebook_tokens.core.errors import InputError
from notebook_tokens.core.redact import Token, redact
from notebook_tokens.credentials.stores.base import Store

__all__ = ["M2M_HELP", "M2MStore"]

M2M_HELP = (
    "Write m2m:CLIENT_ID@SPEC, where CLIENT_ID is the service principal's application id and SPEC is the "
    "store holding its OAuth secret: secret:SCOPE/KEY, keyring[:SERVICE] or netrc[:PATH]."
)
# application ids are UUIDs on AWS/GCP, Entra app ids on Azure: letters, digits, "-", "_", "." cover both
_CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")
_SECRET_KINDS = ("secret", "keyring", "netrc")


class M2MStore:
    """An OAuth client id and the store holding its secret: `read` gives the secret, `write` saves one."""

    def __init__(self, client_id: str, inner: Store, scopes: tuple[str, ...] = ()) -> None:
        if not _CLIENT_ID.fullmatch(client_id):
            raise InputError(f"{redact(client_id)!r} is not a service principal application id. {M2M_HELP}")
        self.client_id, self.inner, self.scopes = client_id, inner, scopes
        self.writable = inner.writable
        self.spec = f"m2m:{client_id}@{inner.spec}"
        self.description = f"OAuth M2M {client_id} (secret in {inner.description})"

    @classmethod
    def from_spec(cls, arg: str, parse: Callable[[str], Store]) -> M2MStore:
        client_id, sep, spec = arg.strip().partition("@")
        kind = spec.strip().partition(":")[0].strip().lower()
        if not sep or not client_id.strip() or kind not in _SECRET_KINDS:
            raise InputError(f"m2m:{redact(arg.strip())} is not an M2M spec. {M2M_HELP}")
        return cls(client_id.strip(), parse(spec.strip()))

    def read(self, host: str) -> Token | None:
        return self.inner.read(host)

    def write(self, host: str, token: Token) -> None:
        self.inner.write(host, token)

    def delete(self, host: str) -> None:
        self.inner.delete(host)

    def __repr__(self) -> str:
        return f"<M2MStore {self.spec}>"
