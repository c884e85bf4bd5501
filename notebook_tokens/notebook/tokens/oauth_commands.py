"""`%dbtoken login`, `logout` and `sp …`: OAuth sign-in (U2M, PKCE) and service principal secrets (M2M).

The magic hands in `ask` (input()) and `show`; nothing here prints.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from notebook_tokens.core.errors import InputError, NotebookTokensError, OAuthError
from notebook_tokens.core.lifetimes import humanize_until
from notebook_tokens.credentials.oauthcreds import LOGIN_KEYRING_SERVICE, login_credentials, oauth_provider
from notebook_tokens.credentials.pkce import code_from_address, start_consent
from notebook_tokens.credentials.stores.secret import SecretStore
from notebook_tokens.credentials.stores.specs import parse_store
from notebook_tokens.http.oauth import post_form
from notebook_tokens.lifecycle.obo import generate_obo
from notebook_tokens.lifecycle.sprotation import SpRotationResult, rotate_sp_secret
from notebook_tokens.lifecycle.spsecrets import (
    create_sp_secret,
    list_service_principals,
    list_sp_secrets,
    revoke_sp_secret,
)
from notebook_tokens.notebook.tokens.oauthlistener import wait_for_redirect

if TYPE_CHECKING:
    from notebook_tokens.credentials.stores.base import Store
    from notebook_tokens.lifecycle.tokens import TokenManager
    from notebook_tokens.notebook.context import NotebookContext

__all__ = ["login_command", "logout_command", "obo_command", "sp_command"]

Show = Callable[..., None]
Ask = Callable[[str], str]
DEFAULT_LOGIN_STORE = f"keyring:{LOGIN_KEYRING_SERVICE}"


def _login_host(context: NotebookContext, host: str | None) -> str:
    if host:
        return host
    if os.environ.get("DATABRICKS_HOST"):
        return os.environ["DATABRICKS_HOST"]
    current = getattr(context, "_session", None)
    if current is not None:
        return str(current.host)
    raise InputError("Which workspace? Pass --host https://... or set DATABRICKS_HOST.")


def login_command(context: NotebookContext, args: argparse.Namespace, *, ask: Ask, show: Show) -> str:
    """Sign in with the browser (authorization code + PKCE), keep the refresh token, use the login."""
    consent = start_consent(_login_host(context, args.host), tuple(args.scopes or ()), args.port)
    show(
        f"Sign in to {consent.host}: {consent.url}",
        f'<p>Sign in to {consent.host}: <a href="{consent.url}" target="_blank">open the sign-in page</a>',
    )
    address = (
        None
        if args.no_listen or os.environ.get("DATABRICKS_RUNTIME_VERSION")
        else wait_for_redirect(args.port, args.listen_timeout)
    )
    if address is None:
        address = ask("Paste the address your browser landed on (http://localhost:…): ")
    grant = consent.exchange(post_form, code_from_address(address, consent))
    if grant.refresh is None:
        raise OAuthError("The sign-in gave no refresh token (offline_access was not granted).")
    store = None if args.no_store else parse_store(args.store or DEFAULT_LOGIN_STORE, dbutils=context.dbutils)
    if store is not None:
        store.write(consent.host, grant.refresh)
    where = store.description if store is not None else "memory only (--no-store)"
    creds = login_credentials(
        consent.host,
        grant.refresh,
        post_form,
        source=f"OAuth login, {where}",
        store=store,
        scopes=consent.scopes,
        first=grant,
    )
    context.adopt(creds)
    return f"Signed in to {consent.host}; refresh token kept in {where}; access tokens refresh automatically."


def logout_command(context: NotebookContext) -> str:
    """Revoke the login's refresh token (where the platform offers revocation), remove it from its store."""
    session = context.session()
    provider = oauth_provider(session.credentials)
    if provider is None or provider.kind != "user":
        raise InputError(f"{session.source} is not a %dbtoken login: nothing to log out of.")
    revoked = _revoke(session.host, provider.refresh_token)
    if provider.store is not None:
        provider.store.delete(session.host)
    context.close()
    kept = getattr(provider.store, "description", "memory")
    return (
        f"Logged out of {session.host}: refresh token {'revoked and ' if revoked else ''}removed from {kept}."
    )


def _revoke(host: str, refresh: Any) -> bool:
    import requests

    try:  # RFC 8414 metadata: revoke only where the workspace names a revocation endpoint
        meta = requests.get(f"{host}/oidc/.well-known/oauth-authorization-server", timeout=10).json()
        endpoint = meta.get("revocation_endpoint") if isinstance(meta, dict) else None
        if not endpoint or refresh is None or not str(endpoint).startswith(host):
            return False
        post_form(
            str(endpoint),
            {"token": refresh.reveal(), "token_type_hint": "refresh_token", "client_id": "databricks-cli"},
        )
        return True
    except (requests.RequestException, ValueError, NotebookTokensError):
        return False


def sp_command(context: NotebookContext, args: argparse.Namespace, *, show: Show) -> None:
    session = context.session()
    if args.sp_command == "list":
        rows = []
        for sp in list_service_principals(session):
            secrets = list_sp_secrets(session, sp["applicationId"])
            rows.append(f"{sp['applicationId']}  {sp.get('displayName', '')}  {len(secrets)} secret(s)")
            rows += [
                f"    secret {s['id']}  created {s.get('create_time')}  expires {s.get('expire_time')}  "
                f"{s.get('status')}"
                for s in secrets
            ]
        show("\n".join(rows) or "No service principals.")
    elif args.secret_command == "rotate":  # noqa: S105 - a subcommand name
        show(_rotate_text(rotate_sp_secret(
            session, args.application_id, _sp_store(context, args.store), lifetime_days=args.lifetime,
            old_secret_id=args.old_secret_id,
        )))
    elif args.secret_command == "create":  # noqa: S105 - a subcommand name
        store = _sp_store(context, args.store)
        made = create_sp_secret(session, args.application_id, store, lifetime_days=args.lifetime)
        show(
            f"Created OAuth secret {made.secret_id} for {made.application_id}, stored in {made.stored_in} "
            f"(never shown); expires {made.expire_time}. "
            f"Use it with --store m2m:{made.application_id}@{args.store}"
        )
    else:
        revoke_sp_secret(session, args.application_id, args.secret_id)
        show(f"Revoked OAuth secret {args.secret_id} of {args.application_id}.")


def obo_command(manager: TokenManager, args: argparse.Namespace, store: Store) -> str:
    """`%dbtoken generate --on-behalf-of SP_APP_ID --store SPEC`: a service principal's PAT, never shown."""
    made = generate_obo(manager, args.on_behalf_of, store=store, comment=args.comment,
                        lifetime=args.lifetime or "90d")
    expiry = humanize_until(made.info.expires) if made.info.expires else "never"
    return (f"Generated {made.token} (Token ID {made.info.token_id}) on behalf of {args.on_behalf_of}, "
            f"stored in {made.stored_in}; expires {expiry}. Use it with %dbtoken use {args.store}")


def _sp_store(context: NotebookContext, spec: str) -> Store:
    store = parse_store(spec, dbutils=context.dbutils)
    inner = getattr(store, "inner", store)
    if isinstance(inner, SecretStore) and inner.api is None:
        inner.api = context.session()  # a secret scope written outside a notebook: the Secrets API
    return store


def _rotate_text(result: SpRotationResult) -> str:
    fate = f"old secret {result.old_id} deleted" if result.old_revoked else "the old secret may still work"
    text = (f"Rotated the OAuth secret of {result.application_id}: the new secret {result.new_id} is stored "
            f"in {result.stored_in} (never shown) and gets access tokens; {fate}.")
    if result.repaired:
        text += f" Cleaned up after an interrupted rotation: {', '.join(result.repaired)}."
    return f"{text}\nWarning: {result.warning}" if result.warning else text
