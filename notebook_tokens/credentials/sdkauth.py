"""databricks-sdk unified auth (OAuth, Azure, the notebook runtime, ...) as a header provider, pinned to
one workspace host. databricks-sdk is imported only when this source is actually tried (about a second)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from notebook_tokens.core.errors import CredentialsNotFoundError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token

__all__ = ["SDK_RETRY_TIMEOUT_SECONDS", "sdk_provider"]

# databricks-sdk's Config probes the host; its default retry budget blocks for 300 s on an unreachable host.
SDK_RETRY_TIMEOUT_SECONDS = 1


def sdk_provider(host: str, profile: str | None) -> tuple[Callable[[], dict[str, str]], str]:
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
