"""Secret ACLs through the SDK client (`w.secrets.*_acl`) and `w.dbutils.secrets`; upstream has no tests for
them. READ lists and reads, WRITE also puts, MANAGE also changes ACLs; admins manage every scope."""

from __future__ import annotations

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import BadRequest, NotFound, PermissionDenied, ResourceAlreadyExists
from databricks.sdk.service.workspace import AclPermission


@pytest.fixture
def scope(w: WorkspaceClient, random) -> str:
    name = f"scope-{random(8)}"
    w.secrets.create_scope(name)
    w.secrets.put_secret(name, "pat", string_value="s3cret")
    return name


def _me(client: WorkspaceClient) -> str:
    return client.current_user.me().user_name or ""


def test_the_scope_creator_gets_manage(w: WorkspaceClient, scope: str) -> None:
    acls = {a.principal: a.permission for a in w.secrets.list_acls(scope)}
    assert acls == {_me(w): AclPermission.MANAGE}
    assert w.secrets.get_acl(scope, _me(w)).permission == AclPermission.MANAGE


def test_without_an_acl_a_user_can_neither_list_nor_read(user_client: WorkspaceClient, scope: str) -> None:
    with pytest.raises(PermissionDenied):
        list(user_client.secrets.list_secrets(scope))
    with pytest.raises(PermissionDenied):
        user_client.dbutils.secrets.get(scope, "pat")


def test_read_lists_and_reads_but_does_not_write(
    w: WorkspaceClient, user_client: WorkspaceClient, scope: str
) -> None:
    w.secrets.put_acl(scope, _me(user_client), AclPermission.READ)
    assert [s.key for s in user_client.secrets.list_secrets(scope)] == ["pat"]
    assert user_client.dbutils.secrets.get(scope, "pat") == "s3cret"
    with pytest.raises(PermissionDenied):
        user_client.secrets.put_secret(scope, "other", string_value="x")


def test_write_also_puts_but_does_not_manage(
    w: WorkspaceClient, user_client: WorkspaceClient, scope: str
) -> None:
    w.secrets.put_acl(scope, _me(user_client), AclPermission.WRITE)
    user_client.secrets.put_secret(scope, "other", string_value="x")
    assert w.dbutils.secrets.get(scope, "other") == "x"
    with pytest.raises(PermissionDenied):
        list(user_client.secrets.list_acls(scope))


def test_a_group_acl_covers_its_members(w: WorkspaceClient, user_client: WorkspaceClient, scope: str) -> None:
    w.secrets.put_acl(scope, "users", AclPermission.READ)
    assert user_client.dbutils.secrets.get(scope, "pat") == "s3cret"


def test_delete_acl_takes_access_away(w: WorkspaceClient, user_client: WorkspaceClient, scope: str) -> None:
    w.secrets.put_acl(scope, _me(user_client), AclPermission.READ)
    w.secrets.delete_acl(scope, _me(user_client))
    with pytest.raises(NotFound):
        w.secrets.get_acl(scope, _me(user_client))
    with pytest.raises(PermissionDenied):
        user_client.dbutils.secrets.get(scope, "pat")


def test_put_acl_does_not_overwrite(w: WorkspaceClient, user_client: WorkspaceClient, scope: str) -> None:
    """The stricter of the SDK docstring's two readings: RESOURCE_ALREADY_EXISTS."""
    w.secrets.put_acl(scope, _me(user_client), AclPermission.READ)
    with pytest.raises(ResourceAlreadyExists):
        w.secrets.put_acl(scope, _me(user_client), AclPermission.WRITE)


def test_unknown_principal_is_refused(w: WorkspaceClient, scope: str) -> None:
    with pytest.raises(BadRequest, match="does not exist"):
        w.secrets.put_acl(scope, "nobody@example.com", AclPermission.READ)


def test_a_service_principal_can_be_granted(w: WorkspaceClient, scope: str, random) -> None:
    sp = w.service_principals.create(display_name=f"sp-{random(8)}")
    w.secrets.put_acl(scope, sp.application_id or "", AclPermission.READ)
    assert w.secrets.get_acl(scope, sp.application_id or "").permission == AclPermission.READ
