"""Helpers for the OAuth tests: a service principal with a secret, made through the emulator's own API."""

from __future__ import annotations

from typing import Any

from notebook_tokens.testing.sp_secrets_api import add_service_principal


def service_principal_with_secret(workspace: Any, name: str = "ops-bot") -> tuple[str, str, str]:
    """(application id, SCIM id, secret value) of a new service principal, its secret made by the admin."""
    app_id = add_service_principal(workspace, name)
    sp_id = workspace.service_principals[app_id]["id"]
    reply = workspace.call(
        "POST",
        f"/api/2.0/accounts/servicePrincipals/{sp_id}/credentials/secrets",
        token=workspace.admin_token,
        json={},
    )
    assert reply.status == 200, reply.data()
    return app_id, sp_id, reply.data()["secret"]


def disable_pats(workspace: Any) -> None:
    reply = workspace.call(
        "PATCH", "/api/2.0/workspace-conf", token=workspace.admin_token, json={"enableTokensConfig": "false"}
    )
    assert reply.status == 204, reply.data()
