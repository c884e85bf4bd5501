"""Token permissions (`w.token_management.*_permissions`) through the SDK client; upstream has no tests for
them. The rules are those of the docs page "Manage personal access token permissions"."""

from __future__ import annotations

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import BadRequest, PermissionDenied
from databricks.sdk.service.settings import TokenAccessControlRequest, TokenPermissionLevel

from notebook_tokens.testing import EmulatorServer

from .conftest import client


def _grants(w: WorkspaceClient) -> dict[str, str | None]:
    """principal -> its level name, as the SDK parses the answer (the SDK knows only CAN_USE)."""
    permissions = w.token_management.get_permissions()
    assert permissions.object_id == "authorization/tokens" and permissions.object_type == "tokens"
    out: dict[str, str | None] = {}
    for entry in permissions.access_control_list or []:
        name = entry.user_name or entry.group_name or entry.service_principal_name or ""
        level = (entry.all_permissions or [None])[0]
        out[name] = level.permission_level.value if level and level.permission_level else None
    return out


def test_default_lets_the_users_group_use_tokens(w: WorkspaceClient) -> None:
    grants = _grants(w)
    assert grants["users"] == "CAN_USE"
    assert "admins" in grants  # CAN_MANAGE, an enum value this SDK does not know, so parsed as None


def test_permission_levels_list_can_use(w: WorkspaceClient) -> None:
    levels = w.token_management.get_permission_levels().permission_levels or []
    assert TokenPermissionLevel.CAN_USE in [level.permission_level for level in levels]


def test_without_can_use_a_user_cannot_create_tokens(
    w: WorkspaceClient, user_client: WorkspaceClient
) -> None:
    w.token_management.set_permissions(access_control_list=[])
    with pytest.raises(PermissionDenied, match=r"User does not have permission to use tokens\."):
        user_client.tokens.create(comment="refused", lifetime_seconds=600)
    assert "users" not in _grants(w)


def test_granting_can_use_to_one_user_lets_them_create_again(
    w: WorkspaceClient, user_client: WorkspaceClient
) -> None:
    w.token_management.set_permissions(access_control_list=[])
    user_name = user_client.current_user.me().user_name
    grant = TokenAccessControlRequest(user_name=user_name, permission_level=TokenPermissionLevel.CAN_USE)
    w.token_management.update_permissions(access_control_list=[grant])
    assert _grants(w)[user_name or ""] == "CAN_USE"
    assert user_client.tokens.create(comment="allowed", lifetime_seconds=600).token_value


def test_revoking_a_direct_grant_deletes_that_users_tokens(
    w: WorkspaceClient, emulator: EmulatorServer
) -> None:
    ws = emulator.workspace
    value = ws.add_user("direct@example.com")
    grant = TokenAccessControlRequest(
        user_name="direct@example.com", permission_level=TokenPermissionLevel.CAN_USE
    )
    w.token_management.set_permissions(access_control_list=[grant])
    assert ws.is_token_active(value)
    w.token_management.set_permissions(access_control_list=[])
    assert not ws.is_token_active(value)
    with pytest.raises(PermissionDenied, match="Invalid access token"):
        client(emulator, value).current_user.me()


def test_admins_keep_using_tokens_without_any_grant(w: WorkspaceClient) -> None:
    w.token_management.set_permissions(access_control_list=[])
    assert w.tokens.create(comment="admin", lifetime_seconds=600).token_value


def test_can_manage_cannot_be_granted(w: WorkspaceClient, user_client: WorkspaceClient) -> None:
    user_name = user_client.current_user.me().user_name
    with pytest.raises(BadRequest, match="CAN_MANAGE"):
        w.api_client.do(
            "PATCH",
            "/api/2.0/permissions/authorization/tokens",
            body={"access_control_list": [{"user_name": user_name, "permission_level": "CAN_MANAGE"}]},
        )


def test_unknown_principal_is_refused(w: WorkspaceClient) -> None:
    grant = TokenAccessControlRequest(
        user_name="nobody@example.com", permission_level=TokenPermissionLevel.CAN_USE
    )
    with pytest.raises(BadRequest, match="does not exist"):
        w.token_management.update_permissions(access_control_list=[grant])


def test_service_principal_can_be_granted(w: WorkspaceClient, random) -> None:
    sp = w.service_principals.create(display_name=f"sp-{random(8)}")
    grant = TokenAccessControlRequest(
        service_principal_name=sp.application_id, permission_level=TokenPermissionLevel.CAN_USE
    )
    w.token_management.update_permissions(access_control_list=[grant])
    assert _grants(w)[sp.application_id or ""] == "CAN_USE"


def test_only_admins_read_or_change_token_permissions(user_client: WorkspaceClient) -> None:
    with pytest.raises(PermissionDenied):
        user_client.token_management.get_permissions()
    with pytest.raises(PermissionDenied):
        user_client.token_management.set_permissions(access_control_list=[])
