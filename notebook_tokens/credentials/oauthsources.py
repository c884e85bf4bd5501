"""The chain's OAuth sources: env DATABRICKS_CLIENT_ID / DATABRICKS_CLIENT_SECRET (M2M, through the same
code as an `m2m:` store) and a `%dbtoken login` refresh token kept in the keyring (U2M)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from notebook_tokens.core.errors import InputError, OAuthError, StoreError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token, redact
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.credentials.oauthcreds import LOGIN_KEYRING_SERVICE, login_credentials, m2m_credentials
from notebook_tokens.credentials.stores.keyringstore import KeyringStore

if TYPE_CHECKING:
    from notebook_tokens.credentials.sources import Lookup

__all__ = ["from_oauth_env", "from_oauth_login"]

_NO_TRANSPORT = "OAuth needs the http layer's token endpoint transport (use notebook_tokens.session())"


def _reason(exc: BaseException) -> str:
    lines = redact(str(exc)).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:200]


def from_oauth_env(lookup: Lookup) -> Credentials | None:
    """A service principal from DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET, for DATABRICKS_HOST only."""
    label = "env DATABRICKS_CLIENT_ID"
    client_id = lookup.environ.get("DATABRICKS_CLIENT_ID", "").strip()
    secret = lookup.environ.get("DATABRICKS_CLIENT_SECRET", "").strip()
    if not client_id and not secret:  # silent when unset: the list of misses names what was there
        return None
    if not client_id or not secret:
        lookup.miss(
            label, "DATABRICKS_CLIENT_SECRET not set" if client_id else "DATABRICKS_CLIENT_ID not set"
        )
        return None
    try:
        bound = (
            normalize_host(lookup.environ.get("DATABRICKS_HOST", ""))
            if lookup.environ.get("DATABRICKS_HOST", "").strip()
            else None
        )
    except InputError as exc:
        lookup.miss(label, _reason(exc))
        return None
    if bound is None or lookup.host != bound:
        why = "DATABRICKS_HOST is not set" if bound is None else f"DATABRICKS_HOST is {bound}"
        lookup.miss(label, f"{why}, so it is not used for {lookup.host or 'this host'}")
        return None
    if lookup.post_form is None:
        lookup.miss(label, _NO_TRANSPORT)
        return None
    try:
        return m2m_credentials(
            bound,
            client_id,
            Token(secret),
            lookup.post_form,
            source=f"OAuth M2M {client_id} (env DATABRICKS_CLIENT_SECRET)",
        )
    except OAuthError as exc:
        lookup.miss(label, _reason(exc))
        return None


def from_oauth_login(lookup: Lookup) -> Credentials | None:
    """A refresh token `%dbtoken login` kept in the keyring for this host (keyed by it: issued for it)."""
    store = KeyringStore(LOGIN_KEYRING_SERVICE)
    label = f"OAuth login ({store.description})"
    # silent unless a login is there: a miss per kernel that never ran %dbtoken login would be noise
    if lookup.host is None or lookup.post_form is None:
        return None
    try:
        refresh = store.read(lookup.host)
    except (StoreError, InputError):  # no keyring backend, or a broken one: the keyring source says so
        return None
    if refresh is None:
        return None
    try:
        return login_credentials(
            lookup.host, refresh, lookup.post_form, source=f"OAuth login, {store.description}", store=store
        )
    except OAuthError as exc:
        lookup.miss(label, f"{_reason(exc)}: run %dbtoken login again")
        return None
