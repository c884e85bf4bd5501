"""Service principals and their OAuth secrets, for admins: list, create straight into a store, revoke.

Through the workspace proxy `/api/2.0/accounts/servicePrincipals/{id}/credentials/secrets` (FACTS.md;
databricks-sdk service/oauth2.py `ServicePrincipalSecretsProxyAPI`), `{id}` being the principal's SCIM id.
A created secret is wrapped in a `Token` at once, written to the store and read back; if that fails, the
secret is deleted again, so no secret exists that nobody holds.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from notebook_tokens.core.errors import InputError, NotebookTokensError, StoreError, TokenLifecycleError
from notebook_tokens.core.redact import Token
from notebook_tokens.lifecycle.spjournal import Journal, Noted, digest, journal_path

if TYPE_CHECKING:
    from notebook_tokens.credentials.stores.base import Store
    from notebook_tokens.http.workspace import WorkspaceSession

__all__ = [
    "SecretMade",
    "create_sp_secret",
    "list_service_principals",
    "list_sp_secrets",
    "revoke_sp_secret",
    "scim_id",
    "secrets_path",
]

SCIM_SPS = "/api/2.0/preview/scim/v2/ServicePrincipals"


@dataclass(frozen=True)
class SecretMade:
    application_id: str
    secret_id: str
    expire_time: str
    stored_in: str
    secret: Token


def secrets_path(sp_id: str) -> str:
    return f"/api/2.0/accounts/servicePrincipals/{sp_id}/credentials/secrets"


def list_service_principals(session: WorkspaceSession) -> list[dict[str, Any]]:
    answer = session.api("GET", SCIM_SPS)
    return list(answer.get("Resources") or []) if isinstance(answer, dict) else []


def scim_id(session: WorkspaceSession, application_id: str) -> str:
    for sp in list_service_principals(session):
        if sp.get("applicationId") == application_id:
            return str(sp["id"])
    raise InputError(f"No service principal with application id {application_id} in {session.host}.")


def list_sp_secrets(session: WorkspaceSession, application_id: str) -> list[dict[str, Any]]:
    answer = session.api("GET", secrets_path(scim_id(session, application_id)))
    return list(answer.get("secrets") or []) if isinstance(answer, dict) else []


def create_sp_secret(
    session: WorkspaceSession, application_id: str, store: Store, *, lifetime_days: int | None = None
) -> SecretMade:
    """A new OAuth secret for the principal, straight into `store` (never shown)."""
    if not store.writable:
        raise InputError(f"{store.description} is read only: name a writable store for the secret.")
    sp_id = scim_id(session, application_id)
    body = {"lifetime": f"{lifetime_days * 86_400}s"} if lifetime_days else {}
    made = session.api("POST", secrets_path(sp_id), json=body)
    secret = Token(str(made.get("secret") or ""))  # registered for redaction before anything else happens
    secret_id = str(made.get("id"))
    try:
        store.write(session.host, secret)
        if store.read(session.host) != secret:
            raise StoreError(f"{store.description} did not keep the secret.")
    except NotebookTokensError as error:
        _delete_quietly(session, sp_id, secret_id)
        raise TokenLifecycleError(
            f"The new secret {secret_id} could not be stored in {store.description} ({error}), so it was "
            "deleted again; nothing changed."
        ) from None
    _note(session.host, application_id, store, secret_id, secret)
    return SecretMade(application_id, secret_id, str(made.get("expire_time", "")), store.description, secret)


def revoke_sp_secret(session: WorkspaceSession, application_id: str, secret_id: str) -> None:
    session.api("DELETE", f"{secrets_path(scim_id(session, application_id))}/{secret_id}")


def _note(host: str, application_id: str, store: Store, secret_id: str, secret: Token) -> None:
    """Note which secret the store now holds, so a later rotation knows which one to delete."""
    journal = Journal.load(journal_path(host, application_id, store.spec))
    journal.current = Noted(secret_id, digest(secret))
    with contextlib.suppress(OSError):  # only a convenience for rotation, which also copes without it
        journal.save()


def _delete_quietly(session: WorkspaceSession, sp_id: str, secret_id: str) -> None:
    with contextlib.suppress(NotebookTokensError):  # the caller's message names the secret id
        session.api("DELETE", f"{secrets_path(sp_id)}/{secret_id}")
