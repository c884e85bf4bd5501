"""The credential chain behind `credentials()`: each source in order, and why each one missed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from notebook_tokens.credentials import Credentials, _sdk_provider, normalize_host
from notebook_tokens.errors import CredentialsNotFoundError, InputError, KeyringUnavailableError, StoreError
from notebook_tokens.nbcontext import context_credentials, find_dbutils, notebook_context
from notebook_tokens.redact import redact
from notebook_tokens.secretstore import SecretStore
from notebook_tokens.stores import (
    EnvStore,
    KeyringStore,
    NetrcStore,
    ProfileStore,
    Store,
    netrc_machine,
    parse_store,
)

__all__ = ["SECRET_ENV", "find_dbutils", "notebook_context", "resolve"]

# SCOPE/KEY of a secret holding the token, read inside Databricks
SECRET_ENV = "NOTEBOOK_TOKENS_SECRET"  # noqa: S105 - a variable name, not a secret
NOTHING_FOUND = (
    "No Databricks credentials found for {host}. Set DATABRICKS_HOST and DATABRICKS_TOKEN, save a token "
    "in a store (keyring, netrc, secret:SCOPE/KEY) and pass store=..., or configure a profile with "
    "`databricks configure`."
)


def _host_from(host: str | None, environ: Mapping[str, str], dbutils: Any) -> str | None:
    if host:
        return normalize_host(host)
    if environ.get("DATABRICKS_HOST"):
        return normalize_host(environ["DATABRICKS_HOST"])
    if environ.get("DATABRICKS_RUNTIME_VERSION") and dbutils is not None:
        try:
            return normalize_host(notebook_context(dbutils)[0])
        except Exception:  # noqa: S110 - no context: the host must come from elsewhere
            pass
    profile = ProfileStore(environ.get("DATABRICKS_CONFIG_PROFILE", "DEFAULT"), environ)
    try:
        return profile.host()
    except (StoreError, InputError):
        return None


def _from_profile(name: str, host: str | None, environ: Mapping[str, str]) -> Credentials:
    store = ProfileStore(name, environ)
    settings = store.settings()
    if settings is None:
        raise CredentialsNotFoundError(
            f"There is no profile {name} in {store.path}: run `databricks configure --profile {name}` "
            "or pick another profile."
        )
    own = store.host()
    target = host or own
    if not target:
        raise CredentialsNotFoundError(f"Profile {name} in {store.path} has no host: add host = https://...")
    token = store.read(target)
    if token is not None:
        return Credentials(target, store.description, token)
    try:
        provider, source = _sdk_provider(target, name)
    except Exception as exc:
        raise CredentialsNotFoundError(
            f"Profile {name} in {store.path} has no token, and databricks-sdk could not authenticate with it "
            f"({_short(exc)}): run `databricks auth login --profile {name}` or add a token."
        ) from None
    return Credentials(target, source, None, None, provider)


def _from_store(spec: str | Store, host: str | None, environ: Mapping[str, str], dbutils: Any) -> Credentials:
    store = parse_store(spec, dbutils=dbutils)
    if not host:
        raise CredentialsNotFoundError(
            f"No workspace host for {store.description}: pass host='https://...' or set DATABRICKS_HOST."
        )
    if isinstance(store, SecretStore) and dbutils is None and store.api is None:
        from notebook_tokens.transport import WorkspaceSession

        try:
            bootstrap = resolve(host, store=None, profile=None, environ=environ, dbutils=None)
        except CredentialsNotFoundError as exc:
            raise CredentialsNotFoundError(
                f"Reading {store.description} outside a notebook needs another credential for {host} first.",
                exc.tried,
            ) from None
        store.api = WorkspaceSession(bootstrap)
    token = store.read(host)
    if token is None:
        remedy = (
            f"save one there (%dbtoken generate --store {store.spec})"
            if store.writable
            else "it is read only: set it for this workspace"
        )
        raise CredentialsNotFoundError(
            f"{store.description} has no token for {host}: {remedy} or choose another store."
        )
    return Credentials(host, store.description, token, store if store.writable else None)


def resolve(
    host: str | None,
    *,
    store: str | Store | None,
    profile: str | None,
    environ: Mapping[str, str],
    dbutils: Any,
) -> Credentials:
    if isinstance(store, str) and not store.strip():
        store = None  # an unset default store setting means "use the chain"
    if dbutils is None and environ.get("DATABRICKS_RUNTIME_VERSION"):
        dbutils = find_dbutils()
    if (
        isinstance(store, str)
        and store.strip().lower().startswith("profile:")
        and store.partition(":")[2].strip()
    ):
        profile, store = store.partition(":")[2].strip(), None  # the profile names its own host
    elif isinstance(store, ProfileStore):
        profile, store = store.name, None
    if profile:
        return _from_profile(profile, normalize_host(host) if host else None, environ)
    target = _host_from(host, environ, dbutils)
    if store is not None:
        return _from_store(store, target, environ, dbutils)
    tried: list[tuple[str, str]] = []
    no_host = "no workspace host known (pass host= or set DATABRICKS_HOST)"

    env_token = EnvStore(environ)
    if not environ.get("DATABRICKS_TOKEN"):
        tried.append(("env DATABRICKS_TOKEN", "not set"))
    elif target is None:
        tried.append(("env DATABRICKS_TOKEN", no_host))
    else:
        token = env_token.read(target)
        if token is not None:
            return Credentials(target, env_token.description, token)
        tried.append(("env DATABRICKS_TOKEN", f"DATABRICKS_HOST is another workspace, not {target}"))

    if not environ.get("DATABRICKS_RUNTIME_VERSION"):
        tried.append(
            ("Databricks notebook context", "not in Databricks (DATABRICKS_RUNTIME_VERSION not set)")
        )
    elif dbutils is None:
        tried.append(
            ("Databricks notebook context", "no dbutils in the notebook namespace (pass dbutils=dbutils)")
        )
    else:
        found = context_credentials(target, dbutils)
        if isinstance(found, Credentials):
            return found
        tried.append(("Databricks notebook context", found))

    secret_spec = environ.get(SECRET_ENV, "").strip()
    stores: list[tuple[str, Store | None, str]] = []
    if not secret_spec:
        tried.append(("secret scope", f"{SECRET_ENV} (SCOPE/KEY) not set"))
    elif dbutils is None:
        tried.append((f"secret scope {secret_spec}", "readable only inside a Databricks notebook (dbutils)"))
    else:
        stores.append((f"secret scope {secret_spec}", None, "secret:" + secret_spec))
    keyring_store = KeyringStore()
    stores.append((keyring_store.description, keyring_store, ""))
    netrc_store = NetrcStore(environ=environ)
    stores.append((netrc_store.description, netrc_store, ""))
    for label, candidate, spec in stores:
        if target is None:
            tried.append((label, no_host))
            continue
        try:
            chosen = candidate if candidate is not None else parse_store(spec, dbutils=dbutils)
            token = chosen.read(target)
        except KeyringUnavailableError:
            tried.append(
                (label, "no keyring backend (pip install keyrings.alt, or set PYTHON_KEYRING_BACKEND)")
            )
            continue
        except (StoreError, InputError) as exc:
            tried.append((label, _short(exc)))
            continue
        if token is not None:
            return Credentials(target, chosen.description, token, chosen)
        tried.append((label, _miss(chosen, target)))

    profile_store = ProfileStore(environ.get("DATABRICKS_CONFIG_PROFILE", "DEFAULT"), environ)
    try:
        settings = profile_store.settings()
        token = profile_store.read(target or "") if settings else None
    except (StoreError, InputError) as exc:
        settings, token = None, None
        tried.append((profile_store.description, _short(exc)))
    else:
        if token is not None and target is not None:
            return Credentials(target, profile_store.description, token)
        own_host = settings.get("host") if settings else None
        if (
            settings
            and target
            and not settings.get("token")
            and (not own_host or profile_store.host() == target)
        ):
            try:  # an OAuth / Azure profile: databricks-sdk knows how to use it
                provider, source = _sdk_provider(target, profile_store.name)
            except Exception as exc:
                tried.append((profile_store.description, f"databricks-sdk could not use it: {_short(exc)}"))
            else:
                return Credentials(target, f"{source}, {profile_store.description}", None, None, provider)
        else:
            tried.append(
                (profile_store.description, "not found" if settings is None else "no token for this host")
            )

    if target is None:
        tried.append(("databricks-sdk unified auth", no_host))
    else:
        try:
            provider, source = _sdk_provider(target, None)
        except Exception as exc:
            tried.append(("databricks-sdk unified auth", _short(exc)))
        else:
            return Credentials(target, source, None, None, provider)
    raise CredentialsNotFoundError(NOTHING_FOUND.format(host=target or "any workspace"), tried)


def _miss(store: Store, host: str) -> str:
    if isinstance(store, NetrcStore):
        if not store.path.exists():
            return "no such file"
        return f"no `machine {netrc_machine(host)}` entry with a password"
    if isinstance(store, KeyringStore):
        return f"no password for user name {host}"
    return f"no token for {host}"


def _short(exc: BaseException) -> str:
    text = redact(str(exc)).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first if len(first) <= 200 else first[:200] + "…"
