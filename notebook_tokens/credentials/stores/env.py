"""`env`: DATABRICKS_TOKEN, bound to DATABRICKS_HOST."""

from __future__ import annotations

import os
from collections.abc import Mapping

from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.base import ReadOnlyStore

__all__ = ["EnvStore"]


class EnvStore(ReadOnlyStore):
    """DATABRICKS_TOKEN, for DATABRICKS_HOST (or any host when DATABRICKS_HOST is unset)."""

    spec, description = "env", "env DATABRICKS_TOKEN"

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def read(self, host: str) -> Token | None:
        value = self._environ.get("DATABRICKS_TOKEN", "").strip()
        env_host = self._environ.get("DATABRICKS_HOST", "").strip()
        if not value or (env_host and host and normalize_host(env_host) != normalize_host(host)):
            return None
        return Token(value)
