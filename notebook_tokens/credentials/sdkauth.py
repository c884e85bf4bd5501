"""databricks-sdk unified auth (OAuth, Azure, the notebook runtime, ...) as a header provider, pinned to
one workspace host. databricks-sdk is imported only when this source is actually tried (about a second).

databricks-sdk applies whatever credentials it finds (DATABRICKS_* variables, a profile) to whatever host it
is given: `Config(host=B, profile=P)` keeps host B and still loads P's token (databricks-sdk 0.162). So the
host binding is checked here before the SDK is asked (the environment's and the profile's own hosts) and
after (the host the SDK resolved), and a mismatch is refused before anything is sent.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from notebook_tokens.core.errors import HostBindingError, InputError, StoreError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import same_host
from notebook_tokens.credentials.stores.profile import ProfileStore

__all__ = ["SDK_RETRY_TIMEOUT_SECONDS", "sdk_provider"]

# databricks-sdk's Config probes the host; its default retry budget blocks for 300 s on an unreachable host.
SDK_RETRY_TIMEOUT_SECONDS = 1
# environment variables databricks-sdk turns into credentials (a subset of its Config attributes with
# `auth`): without DATABRICKS_HOST they belong to no known workspace
_ENV_CREDENTIALS = (
    "DATABRICKS_TOKEN", "DATABRICKS_USERNAME", "DATABRICKS_PASSWORD", "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET", "DATABRICKS_METADATA_SERVICE_URL", "DATABRICKS_GOOGLE_CREDENTIALS",
)


def sdk_provider(
    host: str, profile: str | None, environ: Mapping[str, str] | None = None
) -> tuple[Callable[[], dict[str, str]], str]:
    """(header provider, source) from databricks-sdk for `host`; HostBindingError when the credentials the
    SDK would use belong to another workspace (or to none). `profile` must have been checked by the caller
    when it has no host of its own (a profile named together with the host, in one call)."""
    target = normalize_host(host)
    # databricks-sdk reads os.environ whatever the caller's view of it: check both
    for env in (os.environ,) if environ is None or environ is os.environ else (os.environ, environ):
        _check_environment(target, env)
        # the profile the SDK reads even when it is handed a host: named, DATABRICKS_CONFIG_PROFILE, or
        # DEFAULT (databricks-sdk 0.1.x loads [DEFAULT] beside host= and sends its token there)
        name = profile or env.get("DATABRICKS_CONFIG_PROFILE") or "DEFAULT"
        _check_profile(target, name, env, named=bool(profile))
    from databricks.sdk.core import Config  # lazy: importing databricks.sdk costs about a second

    kwargs: dict[str, Any] = {"retry_timeout_seconds": SDK_RETRY_TIMEOUT_SECONDS, "host": target}
    if profile:
        kwargs["profile"] = profile
    try:
        config = Config(**kwargs)
    except ValueError as exc:
        if "host" in str(exc).lower() and profile:  # SDK versions that refuse a host/profile conflict
            message = f"not used: databricks-sdk refused profile {profile} for {target}"
            raise HostBindingError(message) from None
        raise
    resolved = str(config.host or "")
    if not same_host(resolved, target):
        raise HostBindingError(
            f"not used: databricks-sdk resolved the workspace {resolved or 'none'}, not {target}; its "
            "credentials are sent only to their own workspace"
        )

    def provider() -> dict[str, str]:
        headers: dict[str, str] = dict(config.authenticate())
        value = headers.get("Authorization", "")
        if " " in value:
            Token(value.split(" ", 1)[1])  # registers the value so output redaction knows it
        return headers

    return provider, f"databricks-sdk unified auth ({config.auth_type})"


def _check_environment(target: str, env: Mapping[str, str]) -> None:
    # databricks-sdk reads DATABRICKS_TOKEN, DATABRICKS_CLIENT_SECRET, ... from the environment for any host
    # it is given: credentials meant for the workspace in DATABRICKS_HOST must not be sent to another one.
    env_host = env.get("DATABRICKS_HOST", "").strip()
    if env_host and not same_host(env_host, target):
        raise HostBindingError(
            f"not used: DATABRICKS_HOST names another workspace ({normalize_host(env_host)}), and "
            f"databricks-sdk would send that workspace's DATABRICKS_* credentials to {target}"
        )
    unbound = [name for name in _ENV_CREDENTIALS if env.get(name, "").strip()]
    if not env_host and unbound:
        raise HostBindingError(
            f"not used: {', '.join(unbound)} set without DATABRICKS_HOST belongs to no known workspace, and "
            f"databricks-sdk would send it to {target}; set DATABRICKS_HOST to its workspace"
        )


def _check_profile(target: str, name: str | None, env: Mapping[str, str], *, named: bool) -> None:
    if not name:
        return
    store = ProfileStore(name, env)
    try:
        own = store.host()
    except (StoreError, InputError) as exc:
        raise HostBindingError(f"not used: {store.description} cannot be read ({exc})") from None
    if own is not None and own != target:
        raise HostBindingError(
            f"not used: {store.description} is for {own}, not {target}, and databricks-sdk would send "
            f"its credentials to {target}"
        )
    if own is None and not named and store.settings() is not None:
        raise HostBindingError(
            f"not used: {store.description} has no host, so its credentials belong to no known workspace, "
            "and databricks-sdk would read them for any host; add host = ... to it"
        )
