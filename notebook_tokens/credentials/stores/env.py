"""`env`: DATABRICKS_TOKEN, bound to DATABRICKS_HOST."""

from __future__ import annotations

import os
from collections.abc import Mapping

from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.base import ReadOnlyStore

__all__ = ["EnvStore"]


class EnvStore(ReadOnlyStore):
    """DATABRICKS_TOKEN, for DATABRICKS_HOST. When DATABRICKS_HOST is unset, `read` answers for the host it is
    asked about: the chain uses such a token only for a host the user names in the same call."""

    spec, description = "env", "env DATABRICKS_TOKEN"

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def bound_host(self) -> str | None:
        """The workspace DATABRICKS_TOKEN was issued for (DATABRICKS_HOST), None when it is unknown."""
        env_host = self._environ.get("DATABRICKS_HOST", "").strip()
        return normalize_host(env_host) if env_host else None

    def read(self, host: str) -> Token | None:
        value = self._environ.get("DATABRICKS_TOKEN", "").strip()
        env_host = self._environ.get("DATABRICKS_HOST", "").strip()
        if not value or (env_host and host and normalize_host(env_host) != normalize_host(host)):
            return None
        return Token(value)
