"""The emulator's OAuth records: access tokens (JWT-shaped, looked up by their SHA-256), pending
authorization codes, refresh tokens and service principal OAuth secrets. Nothing here is persisted to
`--state`: a restarted emulator forgets every OAuth grant, as a rotated signing key would."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets as _secrets
from dataclasses import dataclass, field


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def new_jwt(claims: dict[str, object]) -> str:
    """A JWT-shaped access token: `eyJ…` header, the claims, and a random signature (never verified: the
    emulator looks the whole value up, so the shape is what matters to clients and redaction)."""
    header = _b64url(json.dumps({"alg": "RS256", "kid": "emulator", "typ": "at+jwt"}).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{payload}.{_b64url(_secrets.token_bytes(32))}"


def new_sp_secret() -> str:
    """`dose` + 32 hex: the platform's OAuth secret shape (gitleaks' Databricks rule matches it)."""
    return "dose" + _secrets.token_hex(16)


@dataclass
class AccessGrant:
    subject: str  # a user name or a service principal's application id
    client_id: str
    scopes: tuple[str, ...]
    expires_ms: int


@dataclass
class PendingCode:
    subject: str
    client_id: str
    redirect_uri: str
    challenge: str
    scopes: tuple[str, ...]
    expires_ms: int


@dataclass
class RefreshGrant:
    subject: str
    client_id: str
    scopes: tuple[str, ...]


@dataclass
class SpSecret:
    """`SecretInfo` (databricks-sdk service/oauth2.py); the value is kept as its SHA-256 only."""

    id: str
    secret_hash: str
    create_ms: int
    expire_ms: int
    status: str = "ACTIVE"


@dataclass
class OAuthState:
    access: dict[str, AccessGrant] = field(default_factory=dict)  # digest(token) -> grant
    codes: dict[str, PendingCode] = field(default_factory=dict)  # code -> pending sign-in
    refresh: dict[str, RefreshGrant] = field(default_factory=dict)  # digest(token) -> grant
    sp_secrets: dict[str, list[SpSecret]] = field(default_factory=dict)  # application id -> its secrets
