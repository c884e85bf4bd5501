"""OAuth credentials: a service principal's secret (M2M) or a user's refresh token (U2M) -> `Credentials`
whose header provider is an `OAuthProvider`, bound to its workspace like every other credential.

A U2M refresh token is kept by default in the keyring service `notebook-tokens-oauth`, keyed by the host,
where the chain finds it again in a new kernel (sources.py `from_oauth_login`).
"""

from __future__ import annotations

from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.credentials.oauth import (
    CLI_CLIENT_ID,
    M2M_SCOPES,
    U2M_SCOPES,
    Grant,
    OAuthProvider,
    PostForm,
    client_credentials,
    refresh_grant,
)
from notebook_tokens.credentials.stores.base import Store

__all__ = ["LOGIN_KEYRING_SERVICE", "login_credentials", "m2m_credentials", "oauth_provider"]

LOGIN_KEYRING_SERVICE = "notebook-tokens-oauth"


def oauth_provider(creds: Credentials) -> OAuthProvider | None:
    """The OAuth provider behind `creds`, or None for a PAT (or a databricks-sdk provider)."""
    return creds.provider if isinstance(creds.provider, OAuthProvider) else None


def m2m_credentials(
    host: str,
    client_id: str,
    secret: Token,
    post: PostForm,
    *,
    source: str,
    scopes: tuple[str, ...] = (),
) -> Credentials:
    """Client-credentials OAuth for a service principal. The first access token is fetched now, so that a
    wrong secret fails here, naming the store, rather than at the first request."""
    wanted = scopes or M2M_SCOPES
    provider = OAuthProvider(
        lambda: client_credentials(post, host, client_id, secret, wanted),
        kind="service principal",
        grant_type="client_credentials",
        client_id=client_id,
        who=client_id,
    )
    provider.current()
    return Credentials(host, source, None, None, provider, issued_for=host)


def login_credentials(
    host: str,
    refresh: Token,
    post: PostForm,
    *,
    source: str,
    store: Store | None,
    scopes: tuple[str, ...] = U2M_SCOPES,
    first: Grant | None = None,
    who: str = "",
) -> Credentials:
    """U2M: access tokens from a refresh token. A rotated refresh token replaces the old one in `store`.
    `first` is the grant the sign-in already gave (no second exchange); without it one is fetched now."""
    held = {"refresh": refresh}

    def fetch() -> Grant:
        return refresh_grant(post, host, CLI_CLIENT_ID, held["refresh"], scopes)

    def keep(grant: Grant) -> None:
        if grant.refresh is not None and grant.refresh != held["refresh"]:
            held["refresh"] = provider.refresh_token = grant.refresh
            if store is not None:
                store.write(host, grant.refresh)

    provider = OAuthProvider(
        fetch,
        kind="user",
        grant_type="authorization_code + refresh_token",
        client_id=CLI_CLIENT_ID,
        who=who,
        on_grant=keep,
    )
    provider.refresh_token, provider.store = refresh, store
    if first is not None:
        provider.seed(first)
    else:
        provider.current()
    return Credentials(host, source, None, None, provider, issued_for=host)
