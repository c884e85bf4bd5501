"""U2M sign-in: the authorization-code request with PKCE (RFC 7636, S256) as databricks-sdk builds it
(oauth.py `OAuthClient.initiate_consent`), and the code taken from the address the browser landed on."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

from notebook_tokens.core.errors import InputError, OAuthError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.oauth import (
    CLI_CLIENT_ID,
    U2M_SCOPES,
    Grant,
    PostForm,
    parse_grant,
    token_endpoint,
)

__all__ = ["DEFAULT_PORT", "Consent", "code_from_address", "start_consent"]

DEFAULT_PORT = 8020  # the databricks-cli client's registered redirect, http://localhost:8020


@dataclass(frozen=True)
class Consent:
    """One sign-in in progress: the link to open, and what the exchange needs (verifier, state)."""

    host: str
    url: str
    redirect_uri: str
    state: str
    verifier: Token = field(repr=False)
    scopes: tuple[str, ...]

    def exchange(self, post: PostForm, code: str) -> Grant:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": self.verifier.reveal(),
            "redirect_uri": self.redirect_uri,
            "client_id": CLI_CLIENT_ID,
        }
        return parse_grant(post(token_endpoint(self.host), form), self.scopes, time.time())


def start_consent(host: str, scopes: tuple[str, ...] = (), port: int = DEFAULT_PORT) -> Consent:
    host = normalize_host(host)
    wanted = tuple(scopes) or U2M_SCOPES
    if "offline_access" not in wanted:  # without it no refresh token comes back: the login would last 1 h
        wanted = (*wanted, "offline_access")
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    state = secrets.token_urlsafe(16)
    redirect = f"http://localhost:{port}"
    query = {
        "response_type": "code",
        "client_id": CLI_CLIENT_ID,
        "redirect_uri": redirect,
        "scope": " ".join(wanted),
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    url = f"{host}/oidc/v1/authorize?{urlencode(query)}"
    return Consent(host, url, redirect, state, Token(verifier), wanted)


def code_from_address(address: str, consent: Consent) -> str:
    """The `code` of the address the browser landed on, after checking its `state` is this sign-in's."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(address.strip()).query).items()}
    if "error" in query:
        raise OAuthError(f"The sign-in was refused: {query['error']}: {query.get('error_description', '')}")
    if not query.get("code") or not query.get("state"):
        raise InputError("That address has no code and state: paste the whole address the browser landed on.")
    if not secrets.compare_digest(query["state"], consent.state):
        raise OAuthError(
            "The address is from another sign-in (its state does not match): start %dbtoken login again."
        )
    return query["code"]
