"""The OIDC token endpoint's transport: `post_form(url, form) -> dict`, handed to credentials/ (which may not
import requests). It follows the session's transport rules: https only (plain http only to loopback), no
redirects (a grant's secret must not follow one), netrc lookups off, the answer's error redacted."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from notebook_tokens.core.errors import InsecureTransportError, OAuthError
from notebook_tokens.core.hosts import is_loopback
from notebook_tokens.core.redact import Token, redact
from notebook_tokens.http.errors import transport_error

__all__ = ["post_form"]

TIMEOUT = (10.0, 30.0)


def post_form(url: str, form: dict[str, str]) -> dict[str, Any]:
    """POST an `application/x-www-form-urlencoded` grant; OAuthError with the endpoint's reason on refusal."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
        raise InsecureTransportError(f"Refusing to send an OAuth grant over plain http to {parts.hostname}.")
    secrets = [
        Token(v) for k, v in form.items() if k in ("client_secret", "refresh_token", "code_verifier", "code")
    ]
    with requests.Session() as session:
        session.trust_env = False  # no ~/.netrc Basic auth replacing the grant's own
        try:
            response = session.post(
                url, data=form, timeout=TIMEOUT, allow_redirects=False, headers={"Accept": "application/json"}
            )
        except requests.exceptions.RequestException as exc:
            raise transport_error(exc, f"{parts.scheme}://{parts.netloc}", "POST", parts.path) from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code >= 400 or not isinstance(answer, dict):
        raise OAuthError(_refusal(response.status_code, answer, form.get("grant_type", "?"), secrets))
    return answer


def _refusal(status: int, answer: Any, grant: str, secrets: list[Token]) -> str:
    error = answer.get("error") or answer.get("error_code") if isinstance(answer, dict) else None
    detail = answer.get("error_description") or answer.get("message") if isinstance(answer, dict) else None
    reason = f"{error}: {detail}" if error and detail else str(error or detail or f"HTTP {status}")
    hint = {
        "client_credentials": "check the service principal's application id and that its secret is current",
        "refresh_token": "the sign-in has expired or was revoked: run %dbtoken login again",
        "authorization_code": "sign in again with %dbtoken login",
    }.get(grant, "check the OAuth settings")
    return (
        redact(
            f"The OIDC token endpoint refused the {grant} grant (HTTP {status}, {reason}): {hint}.", secrets
        )
        if secrets
        else redact(f"The token endpoint refused the {grant} grant ({reason}).")
    )
