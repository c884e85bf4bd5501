"""Token stores, named by a store spec: `secret:SCOPE/KEY`, `keyring[:SERVICE]`, `netrc[:PATH]`, `env`,
`profile:NAME`. Each reads and writes the token for one workspace host; every write is read back."""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from notebook_tokens import netrcfile
from notebook_tokens.credentials import normalize_host
from notebook_tokens.errors import InputError, KeyringUnavailableError, StoreError
from notebook_tokens.redact import Token, redact

if TYPE_CHECKING:
    from notebook_tokens.transport import WorkspaceSession

__all__ = [
    "DEFAULT_KEYRING_SERVICE",
    "EnvStore",
    "KeyringStore",
    "NetrcStore",
    "ProfileStore",
    "Store",
    "default_netrc_path",
    "netrc_machine",
    "parse_store",
]

DEFAULT_KEYRING_SERVICE = "databricks"
NETRC_LOGIN = "token"
SPEC_HELP = "Use one of: secret:SCOPE/KEY, keyring[:SERVICE], netrc[:PATH], env, profile:NAME."
KEYRING_HELP = (
    "Install a backend, e.g. `pip install keyrings.alt` (an encrypted file), or set PYTHON_KEYRING_BACKEND "
    "to a backend class (e.g. keyrings.alt.file.EncryptedKeyring); or keep the token in netrc instead "
    "(--store netrc)."
)


@runtime_checkable
class Store(Protocol):
    spec: str
    description: str
    writable: bool

    def read(self, host: str) -> Token | None: ...
    def write(self, host: str, token: Token) -> None: ...
    def delete(self, host: str) -> None: ...


class _ReadOnly:
    spec = description = ""
    writable = False

    def write(self, host: str, token: Token) -> None:
        raise StoreError(
            f"{self.description} is read only: save the token with keyring, netrc or a secret scope."
        )

    def delete(self, host: str) -> None:
        raise StoreError(f"{self.description} is read only: remove the token there yourself.")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec}>"


class EnvStore(_ReadOnly):
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


class ProfileStore(_ReadOnly):
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


class KeyringStore:
    """The keyring package: service SERVICE, user name = the normalised workspace host."""

    writable = True

    def __init__(self, service: str = DEFAULT_KEYRING_SERVICE) -> None:
        self.service = service or DEFAULT_KEYRING_SERVICE
        self.spec, self.description = f"keyring:{self.service}", f"keyring service {self.service}"

    def __repr__(self) -> str:
        return f"<KeyringStore {self.spec}>"

    def _call(self, action: str, *args: str) -> Any:
        try:
            import keyring
            import keyring.errors
        except ImportError:
            raise KeyringUnavailableError(
                "The keyring package is not installed: pip install 'notebook-tokens[keyring]', "
                "or keep the token in netrc (--store netrc)."
            ) from None
        try:
            return getattr(keyring, action)(self.service, *args)
        except keyring.errors.PasswordDeleteError:
            return None  # nothing stored: deleting is done
        except keyring.errors.NoKeyringError:
            raise KeyringUnavailableError(
                f"No keyring backend is available on this machine. {KEYRING_HELP}"
            ) from None
        except keyring.errors.KeyringError as exc:
            raise StoreError(
                f"{self.description}: the keyring backend failed ({type(exc).__name__}); unlock or fix the "
                "keyring, or use another store."
            ) from None

    def read(self, host: str) -> Token | None:
        value = self._call("get_password", normalize_host(host))
        return Token(value) if value else None

    def write(self, host: str, token: Token) -> None:
        self._call("set_password", normalize_host(host), token.reveal())
        if self.read(host) != token:
            import keyring

            backend = type(keyring.get_keyring()).__module__
            raise StoreError(
                f"{self.description}: the keyring backend {backend} did not keep the token (a null backend "
                f"drops every write), so it was not saved. {KEYRING_HELP}"
            )

    def delete(self, host: str) -> None:
        self._call("delete_password", normalize_host(host))


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


def parse_store(spec: str | Store, *, api: WorkspaceSession | None = None, dbutils: Any = None) -> Store:
    """The store a spec names; InputError for a spec that names none."""
    if not isinstance(spec, str):
        return spec
    kind, _, arg = spec.strip().partition(":")
    kind = kind.strip().lower()
    if kind == "env" and not arg:
        return EnvStore()
    if kind == "keyring":
        return KeyringStore(arg.strip() or DEFAULT_KEYRING_SERVICE)
    if kind == "netrc":
        return NetrcStore(arg.strip() or None)
    if kind == "profile" and arg.strip():
        return ProfileStore(arg.strip())
    if kind == "secret":
        from notebook_tokens.secretstore import SecretStore

        return SecretStore.from_spec(arg, api=api, dbutils=dbutils)
    raise InputError(f"Unknown token store {redact(spec.strip())!r}. {SPEC_HELP}")
