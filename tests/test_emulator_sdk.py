"""The official databricks-sdk WorkspaceClient works against the emulator unchanged, and the emulator's
answers round-trip through the SDK's dataclasses."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config
from databricks.sdk.errors import BadRequest, NotFound, PermissionDenied
from databricks.sdk.service.compute import ClusterDetails, ListClustersResponse
from databricks.sdk.service.iam import User
from databricks.sdk.service.settings import CreateTokenResponse, PublicTokenInfo, TokenInfo
from databricks.sdk.service.workspace import GetSecretResponse, SecretMetadata, SecretScope

from notebook_tokens.testing import EmulatorServer, FakeWorkspace


def client(server: EmulatorServer, token: str) -> WorkspaceClient:
    return WorkspaceClient(config=Config(host=server.url, token=token, retry_timeout_seconds=5))


@pytest.fixture
def admin(emulator: EmulatorServer) -> WorkspaceClient:
    return client(emulator, emulator.workspace.admin_token)


def test_client_start_probes_host_metadata_quietly(emulator: EmulatorServer, caplog: Any) -> None:
    with caplog.at_level(logging.WARNING, logger="databricks"):
        client(emulator, emulator.workspace.admin_token)
    assert caplog.records == []
    assert emulator.workspace.requests[0].path == "/.well-known/databricks-config"


def test_tokens_create_list_delete(admin: WorkspaceClient, workspace: FakeWorkspace) -> None:
    created = admin.tokens.create(comment="sdk", lifetime_seconds=3600)
    assert created.token_info is not None and created.token_info.comment == "sdk"
    assert created.token_value is not None and workspace.is_token_active(created.token_value)
    assert created.token_info.token_id in [t.token_id for t in admin.tokens.list()]
    admin.tokens.delete(created.token_info.token_id)
    assert not workspace.is_token_active(created.token_value)


def test_unknown_token_id_raises_not_found(admin: WorkspaceClient) -> None:
    with pytest.raises(NotFound) as raised:
        admin.tokens.delete("0" * 64)
    assert raised.value.error_code == "RESOURCE_DOES_NOT_EXIST"


def test_revoked_token_raises_permission_denied(emulator: EmulatorServer, workspace: FakeWorkspace) -> None:
    value, token_id = workspace.issue_token(workspace.user_user_name)
    revoked = client(emulator, value)
    revoked.tokens.delete(token_id)
    with pytest.raises(PermissionDenied, match="Invalid access token"):
        revoked.tokens.list()


def test_quota_raises_bad_request_quota_exceeded(emulator: EmulatorServer, workspace: FakeWorkspace) -> None:
    for _ in range(workspace.token_quota - 1):
        workspace.issue_token(workspace.user_user_name)
    with pytest.raises(BadRequest) as raised:
        client(emulator, workspace.user_token).tokens.create(comment="one too many")
    assert raised.value.error_code == "QUOTA_EXCEEDED"


def test_token_management_list_filter_and_delete(admin: WorkspaceClient, workspace: FakeWorkspace) -> None:
    value, token_id = workspace.issue_token(workspace.user_user_name, comment="managed")
    listed = list(admin.token_management.list(created_by_username=workspace.user_user_name))
    assert token_id in [t.token_id for t in listed]
    assert {t.created_by_username for t in listed} == {workspace.user_user_name}
    assert admin.token_management.get(token_id).token_info.comment == "managed"  # type: ignore[union-attr]
    admin.token_management.delete(token_id)
    assert not workspace.is_token_active(value)


def test_token_management_as_user_raises_permission_denied(emulator: EmulatorServer) -> None:
    with pytest.raises(PermissionDenied):
        list(client(emulator, emulator.workspace.user_token).token_management.list())


def test_secrets_round_trip(admin: WorkspaceClient) -> None:
    admin.secrets.create_scope("sdk-scope")
    admin.secrets.put_secret("sdk-scope", "pat", string_value="s3cret")
    assert [s.key for s in admin.secrets.list_secrets("sdk-scope")] == ["pat"]
    assert "sdk-scope" in [s.name for s in admin.secrets.list_scopes()]
    got = admin.secrets.get_secret("sdk-scope", "pat")
    assert got.key == "pat" and got.value == "czNjcmV0"  # base64 of s3cret
    admin.secrets.delete_secret("sdk-scope", "pat")
    with pytest.raises(NotFound):
        admin.secrets.get_secret("sdk-scope", "pat")
    admin.secrets.delete_scope("sdk-scope")


def test_clusters_list_follows_three_pages(admin: WorkspaceClient, workspace: FakeWorkspace) -> None:
    clusters = list(admin.clusters.list())
    assert [c.cluster_id for c in clusters] == [c["cluster_id"] for c in workspace.clusters]
    pages = [r for r in workspace.requests if r.path == "/api/2.1/clusters/list"]
    assert len(pages) >= 3


def test_current_user_me_shows_admin_group(admin: WorkspaceClient, workspace: FakeWorkspace) -> None:
    me = admin.current_user.me()
    assert me.user_name == workspace.admin_user_name
    assert "admins" in [g.display for g in me.groups or []]


def test_workspace_conf_get_and_set(admin: WorkspaceClient, workspace: FakeWorkspace) -> None:
    assert admin.workspace_conf.get_status(keys="enableTokensConfig,maxTokenLifetimeDays") == {
        "enableTokensConfig": "true",
        "maxTokenLifetimeDays": "730",
    }
    admin.workspace_conf.set_status({"maxTokenLifetimeDays": "90"})
    assert workspace.conf["maxTokenLifetimeDays"] == "90"


def _round_trip(cls: Any, data: dict[str, Any]) -> None:
    assert cls.from_dict(data).as_dict() == data, cls.__name__


def test_answers_round_trip_through_sdk_dataclasses() -> None:
    ws = FakeWorkspace(seed="demo")
    admin = ws.admin_token
    created = ws.call(
        "POST", "/api/2.0/token/create", token=admin, json={"comment": "rt", "lifetime_seconds": 60}
    )
    _round_trip(CreateTokenResponse, created.data())
    for info in ws.call("GET", "/api/2.0/token/list", token=admin).data()["token_infos"]:
        _round_trip(PublicTokenInfo, info)
    for info in ws.call("GET", "/api/2.0/token-management/tokens", token=admin).data()["token_infos"]:
        _round_trip(TokenInfo, info)
    for cluster in ws.call("GET", "/api/2.0/clusters/list", token=admin).data()["clusters"]:
        _round_trip(ClusterDetails, cluster)
    _round_trip(ListClustersResponse, ws.call("GET", "/api/2.1/clusters/list", token=admin).data())
    me = ws.call("GET", "/api/2.0/preview/scim/v2/Me", token=admin).data()
    _round_trip(User, me)
    _round_trip(
        GetSecretResponse,
        ws.call("GET", "/api/2.0/secrets/get", token=admin, query={"scope": "demo", "key": "pat"}).data(),
    )
    for item in ws.call("GET", "/api/2.0/secrets/list", token=admin, query={"scope": "demo"}).data()[
        "secrets"
    ]:
        _round_trip(SecretMetadata, item)
    for scope in ws.call("GET", "/api/2.0/secrets/scopes/list", token=admin).data()["scopes"]:
        _round_trip(SecretScope, scope)


def test_clusters_start_and_wait_until_running(admin: WorkspaceClient, workspace: FakeWorkspace) -> None:
    workspace.cluster_start_seconds = 0
    cluster_id = next(c["cluster_id"] for c in workspace.clusters if c["state"] == "TERMINATED")
    details = admin.clusters.start(cluster_id).result()
    assert details.state is not None and details.state.value == "RUNNING"


def test_duplicate_scope_raises_resource_already_exists(admin: WorkspaceClient) -> None:
    from databricks.sdk.errors import ResourceAlreadyExists

    admin.secrets.create_scope("twice")
    with pytest.raises(ResourceAlreadyExists):
        admin.secrets.create_scope("twice")


def test_lost_create_answer_makes_the_sdk_create_twice(
    emulator: EmulatorServer, workspace: FakeWorkspace
) -> None:
    """The hazard FACTS.md records, reproduced: the SDK retries a create whose answer was lost, so the
    first token is orphaned. (notebook-tokens' own create must not do this.)"""
    sdk = client(emulator, workspace.user_token)
    before = len(workspace.token_ids(workspace.user_user_name))
    workspace.faults.lose_response(path="/api/2.0/token/create")
    sdk.tokens.create(comment="retried")
    assert len(workspace.token_ids(workspace.user_user_name)) == before + 2
