"""The credential chain behind `credentials()`: each source in order, and why each one missed.

An explicit store or profile is used alone. Otherwise the first source in `SOURCES` with a token for the
host wins: DATABRICKS_HOST + DATABRICKS_TOKEN -> the Databricks notebook context -> the secret named by
NOTEBOOK_TOKENS_SECRET (inside Databricks) -> keyring -> netrc -> ~/.databrickscfg -> databricks-sdk unified
auth (OAuth, Azure, ...) as a header provider.

A secret store read outside a notebook needs a workspace session: the caller hands in `session_factory`
(the http layer passes `WorkspaceSession`), so this layer never imports the one above it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from notebook_tokens.core.errors import CredentialsNotFoundError, HostBindingError, InputError, StoreError
from notebook_tokens.core.hosts import normalize_host
from notebook_tokens.core.redact import Token
from notebook_tokens.credentials.creds import Credentials
from notebook_tokens.credentials.nbcontext import find_dbutils, notebook_context
from notebook_tokens.credentials.oauth import PostForm
from notebook_tokens.credentials.oauthcreds import m2m_credentials
from notebook_tokens.credentials.sdkauth import sdk_provider
from notebook_tokens.credentials.sources import (
    SECRET_ENV,
    SOURCES,
    Lookup,
    SessionFactory,
    other_origin,
    short_reason,
)
from notebook_tokens.credentials.stores.base import Store
from notebook_tokens.credentials.stores.env import EnvStore
from notebook_tokens.credentials.stores.m2m import M2MStore
from notebook_tokens.credentials.stores.netrcstore import NetrcStore
from notebook_tokens.credentials.stores.profile import ProfileStore
from notebook_tokens.credentials.stores.secret import SecretApi, SecretStore
from notebook_tokens.credentials.stores.specs import parse_store

__all__ = ["SECRET_ENV", "SessionFactory", "credentials", "resolve"]
NOTHING_FOUND = (
    "No Databricks credentials found for {host}. Set DATABRICKS_HOST and DATABRICKS_TOKEN, save a token "
    "in a store (keyring, netrc, secret:SCOPE/KEY) and pass store=..., or configure a profile with "
    "`databricks configure`."
)


def credentials(
    host: str | None = None,
    *,
    store: str | Store | None = None,
    profile: str | None = None,
    environ: Mapping[str, str] | None = None,
    dbutils: Any = None,
    session_factory: SessionFactory | None = None,
    post_form: PostForm | None = None,
) -> Credentials:
    """Resolve the workspace host and its token; CredentialsNotFoundError lists every source tried.
    `post_form` is the OIDC token endpoint's transport, for OAuth credentials (the http layer's)."""
    env = os.environ if environ is None else environ
    return resolve(
        host, store=store, profile=profile, environ=env, dbutils=dbutils, session_factory=session_factory,
        post_form=post_form,
    )


def resolve(
    host: str | None,
    *,
    store: str | Store | None,
    profile: str | None,
    environ: Mapping[str, str],
    dbutils: Any,
    session_factory: SessionFactory | None = None,
    post_form: PostForm | None = None,
) -> Credentials:
    store, profile = _explicit_choice(store, profile)
    if dbutils is None and environ.get("DATABRICKS_RUNTIME_VERSION"):
        dbutils = find_dbutils()
    named = normalize_host(host) if host else None
    if profile:
        return _from_profile(profile, named, environ)
    lookup = Lookup(
        _host_from(host, environ, dbutils), environ, dbutils, session_factory, named_host=named,
        post_form=post_form,
    )
    if store is not None:
        return _from_store(store, lookup)
    for source in SOURCES:
        found = source(lookup)
        if found is not None:
            return found
    raise CredentialsNotFoundError(NOTHING_FOUND.format(host=lookup.host or "any workspace"), lookup.tried)


def _explicit_choice(store: str | Store | None, profile: str | None) -> tuple[str | Store | None, str | None]:
    """(store, profile) as asked; `profile:NAME` as a store spec names a profile (which names its host)."""
    if isinstance(store, str) and not store.strip():
        return None, profile  # an unset default store setting means "use the chain"
    named = store.partition(":")[2].strip() if isinstance(store, str) else ""
    if isinstance(store, str) and store.strip().lower().startswith("profile:") and named:
        return None, named
    if isinstance(store, ProfileStore):
        return None, store.name
    return store, profile


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


# -- explicit choices ---------------------------------------------------------------------------------
def _from_profile(name: str, host: str | None, environ: Mapping[str, str]) -> Credentials:
    """A profile named by the user: for its own host; for `host` only when it names none (both named in
    this one call); refused, before anything is sent, when it names another workspace."""
    store = ProfileStore(name, environ)
    settings = store.settings()
    if settings is None:
        raise CredentialsNotFoundError(
            f"There is no profile {name} in {store.path}: run `databricks configure --profile {name}` "
            "or pick another profile."
        )
    own = store.host()
    if host and own and own != host:
        raise HostBindingError(
            f"Profile {name} in {store.path} is for {own}, not {host}: its credentials go only to its own "
            f"workspace, so nothing was sent. Use a profile (or store) for {host}, or leave the host out to "
            f"call {own}."
        )
    target = host or own
    if not target:
        raise CredentialsNotFoundError(f"Profile {name} in {store.path} has no host: add host = https://...")
    token = store.read(target)
    if token is not None:
        return Credentials(target, store.description, token, issued_for=target)
    try:
        provider, source = sdk_provider(target, name, environ)
    except HostBindingError as exc:
        raise HostBindingError(
            f"Profile {name} in {store.path} was not used: {exc}. Nothing was sent."
        ) from None
    except Exception as exc:
        raise CredentialsNotFoundError(
            f"Profile {name} in {store.path} has no token, and databricks-sdk could not authenticate with it "
            f"({short_reason(exc)}): run `databricks auth login --profile {name}` or add a token."
        ) from None
    return Credentials(target, source, None, None, provider, issued_for=target)


def _from_store(spec: str | Store, lookup: Lookup) -> Credentials:
    store, host = parse_store(spec, dbutils=lookup.dbutils), lookup.host
    if not host:
        raise CredentialsNotFoundError(
            f"No workspace host for {store.description}: pass host='https://...' or set DATABRICKS_HOST."
        )
    if isinstance(store, EnvStore):
        _check_env_binding(store, host, lookup.named_host)
    inner = store.inner if isinstance(store, M2MStore) else store
    if isinstance(inner, SecretStore) and lookup.dbutils is None and inner.api is None:
        inner.api = _bootstrap_session(inner, lookup)
    token = store.read(host)
    if token is None:
        remedy = (
            f"save one there (%dbtoken generate --store {store.spec})"
            if store.writable
            else "it is read only: set it for this workspace"
        )
        why = other_origin(store, host) if isinstance(store, NetrcStore) else ""
        raise CredentialsNotFoundError(
            f"{store.description} has no token for {host}{f' ({why})' if why else ''}: {remedy} or choose "
            "another store."
        )
    # the store was named for this host: keyring / netrc entries are keyed by it, a secret lives there
    if isinstance(store, M2MStore):
        return _m2m_from_store(store, token, lookup)
    return Credentials(host, store.description, token, store if store.writable else None, issued_for=host)


def _m2m_from_store(store: M2MStore, secret: Token, lookup: Lookup) -> Credentials:
    if lookup.post_form is None:
        raise CredentialsNotFoundError(
            f"{store.description} needs the OIDC token endpoint: use notebook_tokens.session(store=...) or "
            "%dbtoken use."
        )
    return m2m_credentials(
        lookup.host or "", store.client_id, secret, lookup.post_form, source=store.description,
        scopes=store.scopes,
    )


def _check_env_binding(store: EnvStore, host: str, named: str | None) -> None:
    """DATABRICKS_TOKEN without DATABRICKS_HOST goes only to a host named in the same call."""
    if store.bound_host() is None and named != host and store.read(host) is not None:
        raise HostBindingError(
            f"Not using {store.description} for {host}: DATABRICKS_HOST is unset, so the token belongs to no "
            f"known workspace, and {host} was not named in this call. Set DATABRICKS_HOST to its workspace, "
            "or pass host= (or --host) together with store='env'. Nothing was sent."
        )


def _bootstrap_session(store: SecretStore, lookup: Lookup) -> SecretApi:
    """The Secrets API session that reads `store` outside a notebook, on another credential of the host."""
    host = lookup.host or ""
    if lookup.session_factory is None:
        raise CredentialsNotFoundError(
            f"Reading {store.description} outside a notebook needs a workspace session: "
            "use notebook_tokens.session(store=...) or %dbtoken use."
        )
    try:
        bootstrap = resolve(
            host, store=None, profile=None, environ=lookup.environ, dbutils=None, post_form=lookup.post_form
        )
    except CredentialsNotFoundError as exc:
        raise CredentialsNotFoundError(
            f"Reading {store.description} outside a notebook needs another credential for {host} first.",
            exc.tried,
        ) from None
    return lookup.session_factory(bootstrap)
