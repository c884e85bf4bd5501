"""`netrc[:PATH]`: `machine <host> login token password <PAT>` in a netrc file, edited byte for byte.

Every edit (read, change one entry, replace, read back) holds the exclusive lock `<file>.lock`, so two
kernels writing different hosts at once both keep their entries. An entry is read for one origin only:
its `account`'s, or https on port 443 for an entry without one (`_entry_origin`)."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from notebook_tokens.core.errors import InputError, NetrcError, StoreError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.stores import netrcfile
from notebook_tokens.credentials.stores.filelock import exclusive
from notebook_tokens.credentials.stores.securefile import absolute, store_path

__all__ = ["NETRC_LOGIN", "NetrcStore", "default_netrc_path", "netrc_machine"]

NETRC_LOGIN = "token"
_WRITE_HINTS = {
    errno.ENOSPC: "Free some disk space and try again.",
    errno.EDQUOT: "Free some of your disk quota and try again.",
    errno.ENOENT: "Its folder no longer exists: create it, or name a file in an existing folder.",
    errno.EACCES: "Check that you may write to its folder.",
    errno.EROFS: "The file system is read only: name a file elsewhere.",
}


def netrc_machine(host: str) -> str:
    """The netrc machine name: the hostname only (curl and requests both ignore the port)."""
    return urlsplit(normalize_host(host)).hostname or ""


def _origin(host: str) -> str | None:
    try:
        return normalize_host(host)
    except InputError:
        return None


def _entry_origin(text: str, machine: str, where: str) -> str | None:
    """The one origin a netrc entry is issued for. A netrc entry names a host, not a scheme or a port
    (curl and requests send it to every port of that host), but a token goes only to the origin it was
    issued for (SECURITY.md). So:
    - an entry with an origin as its `account` (every entry this store writes; curl and requests ignore
      the account) is for that origin: `account https://h:8443`, `account http://127.0.0.1:8123`;
    - any other entry (written by hand, or by another tool) is for `https://<machine>`, port 443, the one
      origin a Databricks workspace is served on. To use it for another port, add that `account`.
    None when the account is an origin we refuse (it then matches no host)."""
    account = netrcfile.account_of(text, machine, where) or ""
    return _origin(account if "://" in account else f"https://{machine}")


def default_netrc_path(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("NETRC") or "~/.netrc").expanduser()


class NetrcStore:
    """`machine <host> login token password <PAT>` in a netrc file (default $NETRC or ~/.netrc)."""

    writable = True

    def __init__(self, path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> None:
        # a path the user names must be in an existing folder; $NETRC / ~/.netrc is checked when written
        self.path = store_path(path, f"netrc:{path}") if path else absolute(default_netrc_path(environ))
        self.spec, self.description = f"netrc:{self.path}", f"netrc {self.path}"

    def __repr__(self) -> str:
        return f"<NetrcStore {self.spec}>"

    def check_writable(self) -> None:
        """Before a token is created for this store: its folder exists and takes a new file (a temporary
        one, made and removed, as the atomic write and the lock file will need)."""
        self._check_folder()
        try:
            fd, probe = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".probe", dir=self.path.parent)
        except OSError as exc:
            hint = _WRITE_HINTS.get(exc.errno or 0, "Keep the token in another store.")
            raise NetrcError(
                f"{self.description}: cannot create files in {self.path.parent} "
                f"({exc.strerror or type(exc).__name__}). {hint}"
            ) from exc
        os.close(fd)
        os.unlink(probe)

    def read(self, host: str) -> Token | None:
        text = netrcfile.read_secure(self.path)
        if text is None:
            return None
        machine = netrc_machine(host)
        found = netrcfile.lookup(text, machine, str(self.path))
        if not found or not found[1] or _entry_origin(text, machine, str(self.path)) != _origin(host):
            return None
        return Token(found[1])

    def entry_origin(self, host: str) -> str | None:
        """The origin the entry for `host`'s machine is issued for (see `_entry_origin`), None when the file
        has no such entry: so a miss can say "that entry is for another port"."""
        text = netrcfile.read_secure(self.path)
        machine = netrc_machine(host)
        if text is None or netrcfile.lookup(text, machine, str(self.path)) is None:
            return None
        return _entry_origin(text, machine, str(self.path))

    def write(self, host: str, token: Token) -> None:
        with self._editing():
            text = netrcfile.read_secure(self.path) or ""
            machine = netrc_machine(host)
            self._replace(netrcfile.set_entry(
                text, machine, NETRC_LOGIN, token.reveal(), str(self.path), account=normalize_host(host)
            ))
            if self.read(host) != token:
                raise StoreError(
                    f"{self.description}: the token did not read back after writing; check the file."
                )

    def delete(self, host: str) -> None:
        with self._editing():
            text = netrcfile.read_secure(self.path)
            if text is not None:
                self._replace(netrcfile.remove_entry(text, netrc_machine(host), str(self.path)))

    @contextmanager
    def _editing(self) -> Iterator[None]:
        self._check_folder()
        with exclusive(self.path, self.description):
            yield

    def _check_folder(self) -> None:
        if not self.path.parent.is_dir():
            raise NetrcError(
                f"{self.description}: the folder {self.path.parent} does not exist, and a token store never "
                "creates folders. Create it yourself (mkdir -m 700 FOLDER) or point NETRC at another file."
            )

    def _replace(self, text: str) -> None:
        try:
            netrcfile.write_atomic(self.path, text)
        except OSError as exc:
            hint = _WRITE_HINTS.get(exc.errno or 0, "Try again, or keep the token in another store.")
            raise NetrcError(
                f"{self.description}: could not write {self.path} ({exc.strerror or type(exc).__name__}); "
                f"the old file is unchanged. {hint}"
            ) from exc
