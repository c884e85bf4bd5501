"""The chain's sources, in order (`SOURCES`): each returns Credentials for the lookup's host, or records why
it missed, so that CredentialsNotFoundError can list every source tried."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from notebook_tokens.core.errors import InputError, KeyringUnavailableError, StoreError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import redact
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.credentials.nbcontext import context_credentials, notebook_context
from notebook_tokens.credentials.oauth import PostForm
from notebook_tokens.credentials.oauthsources import from_oauth_env, from_oauth_login
from notebook_tokens.credentials.sdkauth import sdk_provider
from notebook_tokens.credentials.stores.base import Store
from notebook_tokens.credentials.stores.env import EnvStore
from notebook_tokens.credentials.stores.keyringstore import KeyringStore
from notebook_tokens.credentials.stores.netrcstore import NetrcStore, netrc_machine
from notebook_tokens.credentials.stores.profile import ProfileStore
from notebook_tokens.credentials.stores.secret import SecretApi
from notebook_tokens.credentials.stores.specs import parse_store

__all__ = [
    "NO_HOST", "SECRET_ENV", "SOURCES", "UNBOUND_ENV", "UNBOUND_PROFILE", "Lookup", "SessionFactory",
    "other_origin", "short_reason",
]

# SCOPE/KEY of a secret holding the token, read inside Databricks
SECRET_ENV = "NOTEBOOK_TOKENS_SECRET"  # noqa: S105 - a variable name, not a secret
NO_HOST = "no workspace host known (pass host= or set DATABRICKS_HOST)"
UNBOUND_PROFILE = (
    "no host in it, so its credentials belong to no known workspace: add host = https://... to it, or name "
    "both in one call (profile='{name}' with host=...)"
)
UNBOUND_ENV = (
    "set without DATABRICKS_HOST, so it belongs to no known workspace and is not used for any host: set "
    "DATABRICKS_HOST to its workspace, or name both in one call (store='env' with host=...)"
)
SessionFactory = Callable[[Credentials], SecretApi]


@dataclass
class Lookup:
    """One run of the chain: the target host, where to look, and every miss so far (for the error)."""

    host: str | None
    environ: Mapping[str, str]
    dbutils: Any
    session_factory: SessionFactory | None
    tried: list[tuple[str, str]] = field(default_factory=list)
    named_host: str | None = None  # the host the user named in this call (None: the host was derived)
    post_form: PostForm | None = None  # the OIDC token endpoint's transport (the http layer hands it in)

    def miss(self, source: str, why: str) -> None:
        self.tried.append((source, why))


def from_env(lookup: Lookup) -> Credentials | None:
    label = "env DATABRICKS_TOKEN"
    store = EnvStore(lookup.environ)
    if not lookup.environ.get("DATABRICKS_TOKEN"):
        lookup.miss(label, "not set")
        return None
    try:
        bound = store.bound_host()
    except InputError as exc:
        lookup.miss(label, short_reason(exc))
        return None
    if bound is None:
        lookup.miss(label, UNBOUND_ENV)
    elif lookup.host is None:
        lookup.miss(label, NO_HOST)
    elif bound != lookup.host:
        lookup.miss(label, f"DATABRICKS_HOST is another workspace, not {lookup.host}")
    else:
        token = store.read(lookup.host)
        if token is not None:
            return Credentials(lookup.host, store.description, token, issued_for=bound)
    return None


def from_notebook_context(lookup: Lookup) -> Credentials | None:
    label = "Databricks notebook context"
    if not lookup.environ.get("DATABRICKS_RUNTIME_VERSION"):
        lookup.miss(label, "not in Databricks (DATABRICKS_RUNTIME_VERSION not set)")
    elif lookup.dbutils is None:
        lookup.miss(label, "no dbutils in the notebook namespace (pass dbutils=dbutils)")
    else:
        found = context_credentials(lookup.host, lookup.dbutils)
        if isinstance(found, Credentials):
            return found
        lookup.miss(label, found)
    return None


def from_secret_env(lookup: Lookup) -> Credentials | None:
    spec = lookup.environ.get(SECRET_ENV, "").strip()
    if not spec:
        lookup.miss("secret scope", f"{SECRET_ENV} (SCOPE/KEY) not set")
        return None
    if lookup.dbutils is None:
        lookup.miss(f"secret scope {spec}", "readable only inside a Databricks notebook (dbutils)")
        return None
    label = f"secret scope {spec}"
    bound = _secret_workspace(lookup)
    if bound is None or bound != lookup.host:
        why = "its workspace is unknown" if bound is None else f"it is configured for {bound}"
        lookup.miss(label, f"{why}, not {lookup.host or 'this host'}")
        return None
    return _from_chain_store(label, lambda: parse_store("secret:" + spec, dbutils=lookup.dbutils), lookup)


def _secret_workspace(lookup: Lookup) -> str | None:
    """The workspace NOTEBOOK_TOKENS_SECRET is meant for: DATABRICKS_HOST, else the notebook's own."""
    try:
        if lookup.environ.get("DATABRICKS_HOST", "").strip():
            return normalize_host(lookup.environ["DATABRICKS_HOST"])
        return normalize_host(notebook_context(lookup.dbutils)[0])
    except Exception:  # no context (py4j errors have no importable type) or a malformed host
        return None


def from_keyring(lookup: Lookup) -> Credentials | None:
    store = KeyringStore()
    return _from_chain_store(store.description, lambda: store, lookup)


def from_netrc(lookup: Lookup) -> Credentials | None:
    store = NetrcStore(environ=lookup.environ)
    return _from_chain_store(store.description, lambda: store, lookup)


def _from_chain_store(label: str, make: Callable[[], Store], lookup: Lookup) -> Credentials | None:
    if lookup.host is None:
        lookup.miss(label, NO_HOST)
        return None
    try:
        store = make()
        token = store.read(lookup.host)
    except KeyringUnavailableError:
        lookup.miss(label, "no keyring backend (pip install keyrings.alt, or set PYTHON_KEYRING_BACKEND)")
        return None
    except (StoreError, InputError) as exc:
        lookup.miss(label, short_reason(exc))
        return None
    if token is not None:  # keyring and netrc entries are keyed by the host: issued for it
        return Credentials(lookup.host, store.description, token, store, issued_for=lookup.host)
    lookup.miss(label, _miss(store, lookup.host))
    return None


def from_default_profile(lookup: Lookup) -> Credentials | None:
    store = ProfileStore(lookup.environ.get("DATABRICKS_CONFIG_PROFILE", "DEFAULT"), lookup.environ)
    target = lookup.host
    try:
        settings = store.settings()
        own = store.host() if settings else None
    except (StoreError, InputError) as exc:
        lookup.miss(store.description, short_reason(exc))
        return None
    if settings is None:
        lookup.miss(store.description, "not found")
    elif own is None:  # a token without a host could be for any workspace: never picked for one
        lookup.miss(store.description, UNBOUND_PROFILE.format(name=store.name))
    elif target is None or own != target:
        lookup.miss(store.description, f"it is for another workspace ({own})")
    elif (settings.get("token") or "").strip():
        token = store.read(target)
        return Credentials(target, store.description, token, issued_for=own) if token else None
    else:
        try:  # an OAuth / Azure profile: databricks-sdk knows how to use it
            provider, source = sdk_provider(target, store.name, lookup.environ)
        except Exception as exc:
            lookup.miss(store.description, f"databricks-sdk could not use it: {short_reason(exc)}")
            return None
        return Credentials(target, f"{source}, {store.description}", None, None, provider, issued_for=own)
    return None


def from_sdk(lookup: Lookup) -> Credentials | None:
    label = "databricks-sdk unified auth"
    if lookup.host is None:
        lookup.miss(label, NO_HOST)
        return None
    try:
        provider, source = sdk_provider(lookup.host, None, lookup.environ)
    except Exception as exc:
        lookup.miss(label, short_reason(exc))
        return None
    return Credentials(lookup.host, source, None, None, provider, issued_for=lookup.host)


SOURCES: tuple[Callable[[Lookup], Credentials | None], ...] = (
    from_env,
    from_oauth_env,
    from_notebook_context,
    from_secret_env,
    from_oauth_login,
    from_keyring,
    from_netrc,
    from_default_profile,
    from_sdk,
)


def _miss(store: Store, host: str) -> str:
    if isinstance(store, NetrcStore):
        if not store.path.exists():
            return "no such file"
        return other_origin(store, host) or f"no `machine {netrc_machine(host)}` entry with a password"
    if isinstance(store, KeyringStore):
        return f"no password for user name {host}"
    return f"no token for {host}"


def other_origin(store: NetrcStore, host: str) -> str:
    """Why the netrc entry for `host`'s machine was not used: it is issued for another origin (a hand-written
    entry is for https on port 443 only). "" when there is no such entry. Names hosts, never a value."""
    try:
        issued_for = store.entry_origin(host)
    except (StoreError, InputError):
        return ""
    if issued_for is None:
        return ""
    target = normalize_host(host)
    return (
        f"the `machine {netrc_machine(host)}` entry is for {issued_for}, not {target}: "
        f"add `account {target}` to it to use it there"
    )


def short_reason(exc: BaseException) -> str:
    text = redact(str(exc)).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first if len(first) <= 200 else first[:200] + "…"
