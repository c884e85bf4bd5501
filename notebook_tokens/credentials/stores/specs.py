"""Store specs: `secret:SCOPE/KEY`, `keyring[:SERVICE]`, `netrc[:PATH]`, `env`, `profile:NAME` -> a Store.

The one way from a spec to a store: the chain, `%dbtoken` and the panel all call `parse_store`."""

from __future__ import annotations

from typing import Any

from notebook_tokens.core.errors import InputError
from notebook_tokens.core.redact import redact
from notebook_tokens.credentials.stores.base import Store
from notebook_tokens.credentials.stores.env import EnvStore
from notebook_tokens.credentials.stores.keyringstore import DEFAULT_KEYRING_SERVICE, KeyringStore
from notebook_tokens.credentials.stores.m2m import M2MStore
from notebook_tokens.credentials.stores.netrcstore import NetrcStore
from notebook_tokens.credentials.stores.profile import ProfileStore
from notebook_tokens.credentials.stores.secret import SecretApi, SecretStore

__all__ = ["SPEC_HELP", "check_spec", "parse_store"]

SPEC_HELP = "Use one of: secret:SCOPE/KEY, keyring[:SERVICE], netrc[:PATH], env, profile:NAME."


def parse_store(spec: str | Store, *, api: SecretApi | None = None, dbutils: Any = None) -> Store:
    """The store a spec names; InputError for a spec that names none."""
    if not isinstance(spec, str):
        return spec
    check_spec(spec)
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
        return SecretStore.from_spec(arg, api=api, dbutils=dbutils)
    if kind == "m2m":  # the secret's own store, parsed by this same function
        return M2MStore.from_spec(arg, lambda inner: parse_store(inner, api=api, dbutils=dbutils))
    raise InputError(f"Unknown token store {redact(spec.strip())!r}. {SPEC_HELP}")


def check_spec(spec: str) -> None:
    """InputError for an empty spec or one holding a control character (any kind of spec)."""
    if not spec.strip():
        raise InputError(f"The token store spec is empty. {SPEC_HELP}")
    # a NUL cuts a file name or keyring service short in the C layer below; a newline splits log lines
    for index, char in enumerate(spec):
        if ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            raise InputError(
                f"The token store spec has a control character (U+{ord(char):04X}) at position {index + 1}: "
                f"remove it. {SPEC_HELP}"
            )
