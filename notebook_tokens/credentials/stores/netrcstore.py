"""`netrc[:PATH]`: `machine <host> login token password <PAT>` in a netrc file, edited byte for byte."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from notebook_tokens.core.errors import StoreError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores import netrcfile

__all__ = ["NETRC_LOGIN", "NetrcStore", "default_netrc_path", "netrc_machine"]

NETRC_LOGIN = "token"


def netrc_machine(host: str) -> str:
    """The netrc machine name: the hostname only (curl and requests both ignore the port)."""
    return urlsplit(normalize_host(host)).hostname or ""


def default_netrc_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("NETRC") or "~/.netrc").expanduser()


class NetrcStore:
    """`machine <host> login token password <PAT>` in a netrc file (default $NETRC or ~/.netrc)."""

    writable = True

    def __init__(self, path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_netrc_path(environ)
        self.spec, self.description = f"netrc:{self.path}", f"netrc {self.path}"

    def __repr__(self) -> str:
        return f"<NetrcStore {self.spec}>"

    def read(self, host: str) -> Token | None:
        text = netrcfile.read_secure(self.path)
        if text is None:
            return None
        found = netrcfile.lookup(text, netrc_machine(host), str(self.path))
        return Token(found[1]) if found and found[1] else None

    def write(self, host: str, token: Token) -> None:
        text = netrcfile.read_secure(self.path) or ""
        updated = netrcfile.set_entry(text, netrc_machine(host), NETRC_LOGIN, token.reveal(), str(self.path))
        netrcfile.write_atomic(self.path, updated)
        if self.read(host) != token:
            raise StoreError(
                f"{self.description}: the token did not read back after writing; check the file."
            )

    def delete(self, host: str) -> None:
        text = netrcfile.read_secure(self.path)
        if text is not None:
            netrcfile.write_atomic(
                self.path, netrcfile.remove_entry(text, netrc_machine(host), str(self.path))
            )
