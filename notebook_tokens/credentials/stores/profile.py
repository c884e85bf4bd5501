"""`profile:NAME`: the `token` of a ~/.databrickscfg profile."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from notebook_tokens.core.errors import StoreError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores.base import ReadOnlyStore

__all__ = ["ProfileStore"]


class ProfileStore(ReadOnlyStore):
    """A `token` in a ~/.databrickscfg profile (DATABRICKS_CONFIG_FILE moves the file).

    Read with configparser, like databricks-sdk's Config does, but without the SDK's import cost, its
    network probe of the host and its merging of DATABRICKS_* variables into a named profile. Profiles
    without a token (OAuth, Azure) are handled by the credential chain through databricks-sdk itself."""

    def __init__(self, name: str, environ: Mapping[str, str] | None = None) -> None:
        self.name = name or "DEFAULT"
        environ = os.environ if environ is None else environ
        self.path = Path(environ.get("DATABRICKS_CONFIG_FILE") or "~/.databrickscfg").expanduser()
        self.spec, self.description = f"profile:{self.name}", f"profile {self.name} in {self.path}"

    def settings(self) -> dict[str, str] | None:
        """The profile's keys, None when the file or the profile does not exist."""
        import configparser  # lazy: the first %dbrest call imports this module, most never read a profile

        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(self.path, encoding="utf-8")
        except configparser.Error as exc:
            raise StoreError(
                f"{self.path} is not a valid config file ({type(exc).__name__}): fix it."
            ) from None
        if self.name == "DEFAULT":
            return dict(parser.defaults()) or None
        if not parser.has_section(self.name):
            return None
        return dict(parser._sections[self.name])  # type: ignore[attr-defined]  # without DEFAULT's keys

    def host(self) -> str | None:
        found = (self.settings() or {}).get("host")
        return normalize_host(found) if found else None

    def read(self, host: str) -> Token | None:
        found = self.settings() or {}
        token = (found.get("token") or "").strip()
        own_host = found.get("host")
        if not token or (host and own_host and normalize_host(own_host) != normalize_host(host)):
            return None
        return Token(token)
