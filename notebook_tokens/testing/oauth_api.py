"""The workspace's OIDC endpoints: discovery, `/oidc/v1/token` (client_credentials, authorization_code with
PKCE, refresh_token) and `/oidc/v1/authorize` (a sign-in page listing the seeded users). The tokens they
issue, and the bearer check for them, are in oauth_tokens.py.

Sources: FACTS.md "OAuth" (the grants, `scope=all-apis`, 1 h tokens, the `databricks-cli` client with
`http://localhost:8020`, `offline_access` for a refresh token, 401 "Token is expired"); databricks-sdk
oauth.py (the authorize parameters, S256 PKCE, the form fields of each grant); RFC 6749 §5.2 for the error
answers (`{"error", "error_description"}`, 400, or 401 for `invalid_client`); RFC 7636 for PKCE.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets as _secrets
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

from notebook_tokens.testing.oauth_state import PendingCode, digest
from notebook_tokens.testing.oauth_tokens import issue_access
from notebook_tokens.testing.replies import Reply
from notebook_tokens.testing.sp_secrets_api import client_credentials

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

CLI_CLIENT_ID = "databricks-cli"
CODE_TTL_MS = 10 * 60_000


def _host(call: Call) -> str:
    return next((v for k, v in call.headers.items() if k.lower() == "host"), "127.0.0.1")


def _form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


def _oauth_error(error: str, description: str, status: int = 400) -> Reply:
    return Reply.json({"error": error, "error_description": description}, status)


def discovery(ws: FakeWorkspace, call: Call) -> dict[str, object]:
    """RFC 8414 metadata, what databricks-sdk reads from `{oidc_endpoint}/.well-known/…`."""
    base = f"http://{_host(call)}/oidc"
    return {
        "issuer": f"{base}/v1",
        "authorization_endpoint": f"{base}/v1/authorize",
        "token_endpoint": f"{base}/v1/token",
        # RFC 7009; the platform's listing of a revocation endpoint is not verified here: clients revoke only
        # when the metadata names one, and the emulator names one so that the path is exercised
        "revocation_endpoint": f"{base}/v1/revoke",
        "grant_types_supported": ["client_credentials", "authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "response_types_supported": ["code"],
        "scopes_supported": ["all-apis", "offline_access", "sql"],
    }


def token(ws: FakeWorkspace, call: Call) -> Reply:
    form = _form(call.body)
    grant_type = form.get("grant_type", "")
    with ws.lock:
        if grant_type == "client_credentials":
            return client_credentials(ws, form, call.headers)
        if grant_type == "authorization_code":
            return _authorization_code(ws, form)
        if grant_type == "refresh_token":
            return _refresh(ws, form)
    return _oauth_error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")


def _authorization_code(ws: FakeWorkspace, form: dict[str, str]) -> Reply:
    pending = ws.oauth.codes.pop(form.get("code", ""), None)  # single use (RFC 6749 §4.1.2)
    if pending is None or pending.expires_ms <= ws.now_ms():
        return _oauth_error("invalid_grant", "The authorization code is invalid or expired.")
    if form.get("client_id") != pending.client_id or form.get("redirect_uri") != pending.redirect_uri:
        return _oauth_error(
            "invalid_grant", "client_id or redirect_uri does not match the authorization request."
        )
    verifier = form.get("code_verifier", "")
    computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    if not verifier or computed != pending.challenge:  # RFC 7636 §4.6
        return _oauth_error("invalid_grant", "PKCE verification failed: code_verifier does not match.")
    return Reply.json(issue_access(ws, pending.subject, pending.client_id, pending.scopes))


def _refresh(ws: FakeWorkspace, form: dict[str, str]) -> Reply:
    key = digest(form.get("refresh_token", ""))
    grant = ws.oauth.refresh.get(key)
    if grant is None or grant.client_id != form.get("client_id") or grant.subject not in ws.users:
        return _oauth_error("invalid_grant", "The refresh token is invalid, expired or revoked.")
    del ws.oauth.refresh[key]  # rotated: the old refresh token is spent (the stricter model)
    return Reply.json(issue_access(ws, grant.subject, grant.client_id, grant.scopes))


def revoke(ws: FakeWorkspace, call: Call) -> Reply:
    """RFC 7009: 200 whether or not the token was known."""
    value = _form(call.body).get("token", "")
    with ws.lock:
        ws.oauth.refresh.pop(digest(value), None)
        ws.oauth.access.pop(digest(value), None)
    return Reply(200)


def _authorize_params(query: dict[str, str]) -> dict[str, str] | Reply:
    if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
        return _oauth_error(
            "invalid_request", "response_type=code with code_challenge_method=S256 is required."
        )
    redirect = urlsplit(query.get("redirect_uri", ""))
    if (
        query.get("client_id") != CLI_CLIENT_ID
        or redirect.scheme != "http"
        or redirect.hostname not in ("localhost", "127.0.0.1")
    ):
        return _oauth_error(
            "invalid_client", "Only the databricks-cli client with a localhost redirect is known."
        )
    if not query.get("code_challenge") or not query.get("state"):
        return _oauth_error("invalid_request", "code_challenge and state are required.")
    return query


def authorize_page(ws: FakeWorkspace, call: Call) -> Reply:
    """The sign-in page: one button per seeded user; the form posts the request's parameters back."""
    params = _authorize_params({k: v[0] for k, v in call.query.items() if v})
    if isinstance(params, Reply):
        return params
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items()
    )
    buttons = "".join(
        f'<button type="submit" name="user" value="{html.escape(u)}">{html.escape(u)}</button>'
        for u in ws.users
        if u not in ws.service_principals
    )
    page = (
        f"<!doctype html><html><head><title>Sign in to the emulator</title></head><body>"
        f'<h1>Sign in</h1><form method="post" action="/oidc/v1/authorize">{hidden}{buttons}</form>'
        f"</body></html>"
    )
    return Reply(200, page.encode(), [("Content-Type", "text/html; charset=utf-8")])


def authorize_submit(ws: FakeWorkspace, call: Call) -> Reply:
    """`user=<userName>` plus the request's parameters -> 302 to redirect_uri with code and state."""
    form = _form(call.body)
    params = _authorize_params(form)
    if isinstance(params, Reply):
        return params
    user = form.get("user", "")
    if user not in ws.users or user in ws.service_principals:
        return _oauth_error("access_denied", f"No user {user!r} in this workspace.")
    code = _secrets.token_urlsafe(24)
    with ws.lock:
        ws.oauth.codes[code] = PendingCode(
            user,
            params["client_id"],
            params["redirect_uri"],
            params["code_challenge"],
            tuple(params.get("scope", "").split()),
            ws.now_ms() + CODE_TTL_MS,
        )
    location = params["redirect_uri"] + "?" + urlencode({"code": code, "state": params["state"]})
    return Reply(302, b"", [("Location", location)])


PUBLIC: dict[tuple[str, str], Handler] = {
    ("GET", "/oidc/.well-known/oauth-authorization-server"): discovery,
    ("POST", "/oidc/v1/token"): token,
    ("POST", "/oidc/v1/revoke"): revoke,
    ("GET", "/oidc/v1/authorize"): authorize_page,
    ("POST", "/oidc/v1/authorize"): authorize_submit,
}
