"""OAuth credentials shown for what they are: who (a user or a service principal), the grant, the scopes,
the access token's expiry ("refreshes automatically"). Pure: text and HTML from an OAuthProvider."""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import TYPE_CHECKING

from notebook_tokens.core.lifetimes import humanize_until

if TYPE_CHECKING:
    from notebook_tokens.credentials.oauth import OAuthProvider

__all__ = ["oauth_card_html", "oauth_card_text", "oauth_lines"]


def oauth_lines(provider: OAuthProvider) -> list[tuple[str, str]]:
    grant = provider.grant
    expiry = "not fetched yet"
    if grant is not None:
        expires = datetime.fromtimestamp(grant.expires_at, timezone.utc)
        expiry = f"{humanize_until(expires)} (refreshes automatically)"
    kept = "memory only" if provider.store is None else getattr(provider.store, "description", "a store")
    rows = [
        ("OAuth", f"{provider.kind} {provider.who or provider.client_id}".strip()),
        ("grant", provider.grant_type),
        ("client id", provider.client_id),
        ("scopes", " ".join(grant.scopes) if grant is not None else "?"),
        ("access token", expiry),
    ]
    if provider.kind == "user":
        rows.append(("refresh token", f"kept in {kept}"))
    return rows


def oauth_card_text(provider: OAuthProvider) -> str:
    return "\n".join(f"{label:>13}: {value}" for label, value in oauth_lines(provider))


def oauth_card_html(provider: OAuthProvider) -> str:
    rows = "".join(
        f"<tr><th style='text-align:right'>{escape(k)}</th><td>{escape(v)}</td></tr>"
        for k, v in oauth_lines(provider)
    )
    return f"<table class='nt-oauth'>{rows}</table>"
