"""Authentication the way the platform does it: 401 without usable credentials, 403 for a bad token."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

from notebook_tokens.testing.model import StoredToken, User
from notebook_tokens.testing.oauth_tokens import oauth_user
from notebook_tokens.testing.replies import ApiProblem

if TYPE_CHECKING:
    from notebook_tokens.testing.workspace import FakeWorkspace

UNAUTHENTICATED = "Credential was not sent or was of an unsupported type for this API."
INVALID_TOKEN = "Invalid access token."  # noqa: S105 - an error message, not a password
TOKENS_DISABLED = "Personal access tokens are disabled for this workspace. Ask an admin to enable them."


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def basic_password(encoded: str) -> str | None:
    """The password of a Basic credential (`token:<PAT>`, as curl --netrc sends it); None if malformed."""
    try:
        decoded = base64.b64decode(encoded, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    _, sep, password = decoded.partition(":")
    return password if sep else None


def presented_token(headers: dict[str, str]) -> str:
    """The PAT in the Authorization header (Bearer, or Basic with the PAT as password); 401 otherwise."""
    header = _header(headers, "authorization")
    scheme, _, credential = (header or "").strip().partition(" ")
    credential = credential.strip()
    value: str | None = None
    if scheme.lower() == "bearer" and credential:
        value = credential
    elif scheme.lower() == "basic" and credential:
        value = basic_password(credential)
    if not value:
        raise ApiProblem(401, "UNAUTHENTICATED", UNAUTHENTICATED, auth=True)
    return value


def principal(ws: FakeWorkspace, token: StoredToken) -> User | None:
    """Who a token acts for: a user, or a service principal (on-behalf-of tokens; `ws.service_principals`
    is {application_id: {"displayName", "id"}}, shared with the SCIM ServicePrincipals emulation)."""
    user = ws.users.get(token.owner)
    if user is not None:
        return user
    sp = ws.service_principals.get(token.owner)
    if sp is None:
        return None
    return User(token.owner, int(sp.get("id") or 0))


def authenticate(ws: FakeWorkspace, headers: dict[str, str]) -> tuple[User, StoredToken]:
    """The caller and its token, after checking the token is known, unexpired, not revoked for
    inactivity, and that PATs are enabled; marks it used today (`last_used_day`)."""
    value = presented_token(headers)
    if value.startswith("eyJ"):  # a JWT: an OAuth access token (testing/oauth_tokens.py)
        user = oauth_user(ws, value)
        # no PAT behind it: a stand-in without PAT scopes (OAuth's all-apis reaches every API)
        return user, StoredToken("oauth", user.user_name, "", 0, -1)
    token = ws.find_token(value)
    caller = principal(ws, token) if token is not None else None
    if token is None or token.expired(ws.now_ms()) or caller is None:
        raise ApiProblem(403, "PERMISSION_DENIED", INVALID_TOKEN, html=ws.invalid_token_as_html, auth=True)
    if ws.conf.get("enableTokensConfig", "true").lower() == "false":
        raise ApiProblem(403, "PERMISSION_DENIED", TOKENS_DISABLED)
    today = ws.today_ms()
    if token.last_used_day != today:
        token.last_used_day = today
        ws.changed()
    return caller, token
