"""SCIM Users and ServicePrincipals through the SDK client, beyond upstream's test_iam.py: create, get, list
with a filter, PATCH and delete, as an admin view needs them."""

from __future__ import annotations

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import NotFound, PermissionDenied, ResourceConflict
from databricks.sdk.service import iam

from notebook_tokens.testing import EmulatorServer


def test_me_is_the_same_user_as_users_get(w: WorkspaceClient) -> None:
    me = w.current_user.me()
    assert me.id and w.users.get(me.id).as_dict() == me.as_dict()


def test_create_get_filter_delete_user(w: WorkspaceClient, random) -> None:
    user_name = f"u-{random(8).lower()}@example.com"
    created = w.users.create(user_name=user_name, display_name="Someone New")
    assert created.id and w.users.get(created.id).display_name == "Someone New"
    found = list(w.users.list(filter=f'userName eq "{user_name}"'))
    assert [u.id for u in found] == [created.id]
    w.users.delete(created.id)
    with pytest.raises(NotFound):
        w.users.get(created.id)
    assert list(w.users.list(filter=f"userName eq {user_name}")) == []


def test_duplicate_user_name_is_a_conflict(w: WorkspaceClient) -> None:
    with pytest.raises(ResourceConflict):
        w.users.create(user_name=w.current_user.me().user_name)


def test_deleting_a_user_revokes_their_tokens(w: WorkspaceClient, emulator: EmulatorServer) -> None:
    value = emulator.workspace.add_user("leaver@example.com")
    (leaver,) = w.users.list(filter="userName eq leaver@example.com")
    assert leaver.id
    w.users.delete(leaver.id)
    assert not emulator.workspace.is_token_active(value)


def test_patch_into_admins_makes_an_admin(w: WorkspaceClient, user_client: WorkspaceClient) -> None:
    me = user_client.current_user.me()
    assert me.id
    admins = next(w.groups.list(filter="displayName eq admins"))
    w.users.patch(
        me.id,
        operations=[iam.Patch(op=iam.PatchOp.ADD, path="groups", value=[{"value": admins.id}])],
        schemas=[iam.PatchSchema.URN_IETF_PARAMS_SCIM_API_MESSAGES_2_0_PATCH_OP],
    )
    assert "admins" in [g.display for g in user_client.current_user.me().groups or []]
    assert list(user_client.token_management.list()) is not None


def test_users_cannot_create_users(user_client: WorkspaceClient) -> None:
    with pytest.raises(PermissionDenied):
        user_client.users.create(user_name="sneaky@example.com")


def test_create_get_list_delete_service_principal(
    w: WorkspaceClient, emulator: EmulatorServer, random
) -> None:
    created = w.service_principals.create(display_name=f"sp-{random(8)}")
    assert created.id and created.application_id
    assert emulator.workspace.service_principals[created.application_id]["id"] == created.id
    assert w.service_principals.get(created.id).display_name == created.display_name
    listed = list(w.service_principals.list(filter=f"applicationId eq {created.application_id}"))
    assert [sp.id for sp in listed] == [created.id]
    w.service_principals.delete(created.id)
    assert created.application_id not in emulator.workspace.service_principals
    with pytest.raises(NotFound):
        w.service_principals.get(created.id)


def test_service_principals_are_not_listed_as_users(w: WorkspaceClient, random) -> None:
    created = w.service_principals.create(display_name=f"sp-{random(8)}")
    assert created.application_id not in [u.user_name for u in w.users.list()]


def test_patch_renames_a_service_principal(w: WorkspaceClient, random) -> None:
    created = w.service_principals.create(display_name="before")
    assert created.id
    w.service_principals.patch(
        created.id,
        operations=[iam.Patch(op=iam.PatchOp.REPLACE, path="displayName", value="after")],
        schemas=[iam.PatchSchema.URN_IETF_PARAMS_SCIM_API_MESSAGES_2_0_PATCH_OP],
    )
    assert w.service_principals.get(created.id).display_name == "after"


def test_paging_walks_every_user(w: WorkspaceClient, emulator: EmulatorServer) -> None:
    for n in range(5):
        emulator.workspace.add_user(f"page{n}@example.com")
    ws = emulator.workspace
    people = [name for name in ws.users if name not in ws.service_principals]  # the seed has a principal too
    assert len(list(w.users.list(count=2))) == len(people)
