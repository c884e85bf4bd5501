"""OAuth for Databricks workspaces: the grants at `{host}/oidc/v1/token` and the header provider that keeps an
access token fresh.

The grants (FACTS.md, "OAuth"; databricks-sdk oauth.py): `client_credentials` with `scope=all-apis` (M2M, a
service principal's OAuth secret), `authorization_code` with PKCE and `refresh_token` (U2M, the CLI's public
client `databricks-cli`). This layer never imports requests: the HTTP POST of a form is a `PostForm`
callable that the http layer hands in (http/oauth.py `post_form`), as the secret store takes a session.

Every value received (access token, refresh token) is wrapped in a `Token` at once, so redaction knows it;
the access token lives in the provider's memory only and is never written anywhere.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from notebook_tokens.core.errors import OAuthError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token

__all__ = [
    "CLI_CLIENT_ID",
    "M2M_SCOPES",
    "U2M_SCOPES",
    "Grant",
    "OAuthProvider",
    "PostForm",
    "client_credentials",
    "refresh_grant",
    "token_endpoint",
]

# (url, form fields) -> the parsed JSON answer; raises OAuthError when the endpoint refuses the grant
PostForm = Callable[[str, dict[str, str]], dict[str, Any]]
CLI_CLIENT_ID = "databricks-cli"  # the platform's public client for CLIs (databricks-sdk, FACTS.md)
M2M_SCOPES = ("all-apis",)
U2M_SCOPES = ("all-apis", "offline_access")  # offline_access: a refresh token comes with the access token
# databricks-sdk refreshes a token once half its lifetime is gone, at most 20 minutes before expiry
# (oauth.py _MAX_STALE_DURATION); the same rule here, so a 1 h token is renewed 20 min early.
MAX_EARLY_SECONDS = 20 * 60


@dataclass(frozen=True)
class Grant:
    """What a token endpoint answered: the access token, when it expires (epoch s), a refresh token."""

    access: Token
    expires_at: float
    refresh: Token | None = None
    scopes: tuple[str, ...] = ()
    lifetime: float = 0.0


def token_endpoint(host: str) -> str:
    return normalize_host(host) + "/oidc/v1/token"


def parse_grant(answer: dict[str, Any], requested: tuple[str, ...], now: float) -> Grant:
    """A Grant from a token endpoint's JSON; OAuthError for an answer without an access token."""
    access = answer.get("access_token") if isinstance(answer, dict) else None
    if not isinstance(access, str) or not access.strip():
        raise OAuthError("The OIDC token endpoint answered without an access_token.")
    try:
        lifetime = float(answer.get("expires_in", 3600))
    except (TypeError, ValueError):
        lifetime = 3600.0
    refresh = answer.get("refresh_token")
    scope = answer.get("scope")
    scopes = tuple(scope.split()) if isinstance(scope, str) and scope.strip() else requested
    return Grant(
        Token(access.strip()),
        now + lifetime,
        Token(refresh) if isinstance(refresh, str) and refresh else None,
        scopes,
        lifetime,
    )


def client_credentials(
    post: PostForm, host: str, client_id: str, secret: Token, scopes: tuple[str, ...] = M2M_SCOPES
) -> Grant:
    """M2M: exchange a service principal's OAuth secret for an access token."""
    form = {
        "grant_type": "client_credentials",
        "scope": " ".join(scopes or M2M_SCOPES),
        "client_id": client_id,
        "client_secret": secret.reveal(),
    }
    return parse_grant(post(token_endpoint(host), form), scopes or M2M_SCOPES, time.time())


def refresh_grant(
    post: PostForm, host: str, client_id: str, refresh: Token, scopes: tuple[str, ...] = U2M_SCOPES
) -> Grant:
    """U2M: a new access token (and possibly a new refresh token) for a refresh token."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh.reveal(), "client_id": client_id}
    grant = parse_grant(post(token_endpoint(host), form), scopes, time.time())
    if grant.refresh is None:  # the endpoint may keep the refresh token as it is
        grant = Grant(grant.access, grant.expires_at, refresh, grant.scopes, grant.lifetime)
    return grant


@dataclass
class OAuthProvider:
    """The Authorization header of an OAuth credential, renewed ahead of expiry: `provider()` -> headers.

    `fetch` gets a new Grant (client credentials again, or the refresh token); `on_grant` sees each new one
    (U2M saves a rotated refresh token there). `who`, `kind` ("service principal" | "user"), `grant_type`
    and `client_id` say what the credential is, for the status card and lists."""

    fetch: Callable[[], Grant]
    kind: str
    grant_type: str
    client_id: str
    who: str = ""
    on_grant: Callable[[Grant], None] | None = None
    refresh_token: Token | None = field(default=None, repr=False)  # U2M: the one in use (for logout)
    store: Any = None  # U2M: where the refresh token is kept (None: memory only)
    clock: Callable[[], float] = time.time
    refreshes: int = 0
    _grant: Grant | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.current().access.reveal()}

    def current(self) -> Grant:
        """The grant in use, fetched again when its early-renewal point has passed."""
        with self._lock:
            grant = self._grant
            if grant is None or self.clock() >= grant.expires_at - _early(grant):
                grant = self._renew()
            return grant

    def seed(self, grant: Grant) -> None:
        """Start from a grant already received (the sign-in's own), without fetching another."""
        with self._lock:
            self._grant = grant

    def invalidate(self) -> None:
        """Forget the access token (the workspace said it expired): the next request fetches a new one."""
        with self._lock:
            self._grant = None

    @property
    def grant(self) -> Grant | None:
        return self._grant

    def _renew(self) -> Grant:
        grant = self.fetch()
        if self._grant is not None:
            self.refreshes += 1
        self._grant = grant
        if self.on_grant is not None:
            self.on_grant(grant)
        return grant

    def __repr__(self) -> str:
        return f"<OAuthProvider {self.kind} {self.client_id} ({self.grant_type})>"


def _early(grant: Grant) -> float:
    lifetime = grant.lifetime or 3600.0
    return max(0.0, min(lifetime / 2, MAX_EARLY_SECONDS))
