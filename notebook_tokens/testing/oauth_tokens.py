"""OAuth access tokens: issued as JWT-shaped strings, and checked as bearers (testing/auth.py calls
`oauth_user` for a bearer starting `eyJ`). Sources: FACTS.md "OAuth" (1 h tokens, `--oauth-ttl` here; an
expired access token gets 401 "Token is expired"; OAuth keeps working with personal access tokens off)."""

from __future__ import annotations

import secrets as _secrets
from typing import TYPE_CHECKING

from notebook_tokens.testing.oauth_state import AccessGrant, RefreshGrant, digest, new_jwt
from notebook_tokens.testing.replies import ApiProblem

if TYPE_CHECKING:
    from notebook_tokens.testing.model import User
    from notebook_tokens.testing.workspace import FakeWorkspace

TOKEN_EXPIRED = "Token is expired"  # noqa: S105 - the platform's message (FACTS.md), not a password
INVALID_TOKEN = "Invalid access token."  # noqa: S105 - an error message


def issue_access(
    ws: FakeWorkspace, subject: str, client_id: str, scopes: tuple[str, ...]
) -> dict[str, object]:
    now = ws.now_ms()
    ttl = int(ws.oauth_ttl)
    value = new_jwt(
        {
            "sub": subject,
            "client_id": client_id,
            "scope": " ".join(scopes),
            "iat": now // 1000,
            "exp": now // 1000 + ttl,
            "jti": _secrets.token_hex(8),
        }
    )
    ws.oauth.access[digest(value)] = AccessGrant(subject, client_id, scopes, now + ttl * 1000)
    answer: dict[str, object] = {
        "access_token": value,
        "token_type": "Bearer",
        "expires_in": ttl,
        "scope": " ".join(scopes),
    }
    if "offline_access" in scopes:
        refresh = "dorf" + _secrets.token_hex(24)  # opaque: not a JWT, not a PAT
        ws.oauth.refresh[digest(refresh)] = RefreshGrant(subject, client_id, scopes)
        answer["refresh_token"] = refresh
    return answer


def oauth_user(ws: FakeWorkspace, value: str) -> User:
    """The caller behind an OAuth access token: 401 "Token is expired" once past `exp`, 403 if unknown.
    Personal access tokens being disabled does not apply: OAuth is how an admin turns them back on."""
    grant = ws.oauth.access.get(digest(value))
    if grant is None or grant.subject not in ws.users:
        raise ApiProblem(403, "PERMISSION_DENIED", INVALID_TOKEN)
    if grant.expires_ms <= ws.now_ms():
        raise ApiProblem(401, "UNAUTHENTICATED", TOKEN_EXPIRED)
    return ws.users[grant.subject]
