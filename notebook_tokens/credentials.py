"""Where a token comes from: host normalisation, the `Credentials` value and the credential chain.

Chain order (the first source with a token for the host wins):
explicit store or profile -> DATABRICKS_HOST + DATABRICKS_TOKEN -> the Databricks notebook context ->
the secret named by NOTEBOOK_TOKENS_SECRET (inside Databricks) -> keyring -> netrc -> ~/.databrickscfg ->
databricks-sdk unified auth (OAuth, Azure, ...) as a header provider.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from notebook_tokens.errors import CredentialsNotFoundError, InputError
from notebook_tokens.origins import DEFAULT_PORTS
from notebook_tokens.redact import Token, redact

if TYPE_CHECKING:
    from notebook_tokens.stores import Store

__all__ = ["SDK_RETRY_TIMEOUT_SECONDS", "Credentials", "credentials", "is_loopback", "normalize_host"]

# databricks-sdk's Config probes the host; its default retry budget blocks for 300 s on an unreachable host.
SDK_RETRY_TIMEOUT_SECONDS = 1


def normalize_host(host: str) -> str:
    """`adb-1.2.azuredatabricks.net/?o=1#x` -> `https://adb-1.2.azuredatabricks.net` (scheme, lowercase
    host, non-default port; path, query and fragment dropped)."""
    text = (host or "").strip()
    if not text:
        raise InputError(
            "The workspace host is empty: pass host='https://<workspace>.cloud.databricks.com' "
            "or set DATABRICKS_HOST."
        )
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InputError(f"The workspace host must start with https:// (got {scheme}://).")
    if "@" in parts.netloc:
        raise InputError(
            "The workspace host must not contain a user name or password (user:pass@): remove it "
            "and keep the token in a store (keyring, netrc, secret scope)."
        )
    hostname = parts.hostname
    try:
        port = parts.port
    except ValueError:
        raise InputError(f"The workspace host {redact(parts.netloc)} has an invalid port.") from None
    if not hostname:
        raise InputError(f"{redact(host.strip())} is not a workspace URL: expected https://<host>.")
    netloc = f"[{hostname}]" if ":" in hostname else hostname
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return f"{scheme}://{netloc}"


def is_loopback(hostname: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: the only hosts plain http may go to."""
    name = hostname.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Credentials:
    """A workspace host and where its Authorization header comes from. The repr shows a masked token."""

    host: str
    source: str
    token: Token | None = None
    store: Store | None = None
    provider: Callable[[], dict[str, str]] | None = field(default=None, repr=False, compare=False)

    def headers(self) -> dict[str, str]:
        """The Authorization header, computed per request (a refreshed OAuth/context token is picked up)."""
        if self.provider is not None:
            return self.provider()
        if self.token is None:
            raise CredentialsNotFoundError(f"{self.source} gave no token for {self.host}.")
        return {"Authorization": "Bearer " + self.token.reveal()}


def _sdk_provider(host: str, profile: str | None) -> tuple[Callable[[], dict[str, str]], str]:
    # databricks-sdk reads DATABRICKS_TOKEN, DATABRICKS_CLIENT_SECRET, ... from the environment for any host
    # it is given: credentials meant for the workspace in DATABRICKS_HOST must not be sent to another one.
    env_host = os.environ.get("DATABRICKS_HOST")
    if env_host and normalize_host(env_host) != normalize_host(host):
        raise CredentialsNotFoundError(
            f"not used: DATABRICKS_HOST names another workspace ({normalize_host(env_host)}), and "
            f"databricks-sdk would send that workspace's DATABRICKS_* credentials to {host}"
        )
    from databricks.sdk.core import Config  # lazy: importing databricks.sdk costs about a second

    kwargs: dict[str, Any] = {"retry_timeout_seconds": SDK_RETRY_TIMEOUT_SECONDS}
    if profile:
        kwargs["profile"] = profile
    else:
        kwargs["host"] = host
    config = Config(**kwargs)

    def provider() -> dict[str, str]:
        headers: dict[str, str] = dict(config.authenticate())
        value = headers.get("Authorization", "")
        if " " in value:
            Token(value.split(" ", 1)[1])  # registers the value so output redaction knows it
        return headers

    return provider, f"databricks-sdk unified auth ({config.auth_type})"


def credentials(
    host: str | None = None,
    *,
    store: str | Store | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
    dbutils: Any = None,
) -> Credentials:
    """Resolve the workspace host and its token; CredentialsNotFoundError lists every source tried."""
    from notebook_tokens import chain  # the chain needs stores, which import this module

    env = os.environ if environ is None else environ
    return chain.resolve(host, store=store, profile=profile, environ=env, dbutils=dbutils)
