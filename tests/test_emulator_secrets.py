"""Secrets API of the emulator: scopes, put/get/list/delete, ACLs and limits (no socket)."""

from __future__ import annotations

import base64

import pytest

from notebook_tokens.testing import FakeWorkspace
from notebook_tokens.testing.secrets_api import MAX_SECRETS_PER_SCOPE, MAX_VALUE_BYTES


@pytest.fixture
def ws() -> FakeWorkspace:
    workspace = FakeWorkspace()
    workspace.call(
        "POST", "/api/2.0/secrets/scopes/create", token=workspace.admin_token, json={"scope": "ops"}
    )
    return workspace


def _put(ws: FakeWorkspace, token: str, **body: str) -> tuple[int, str | None]:
    reply = ws.call("POST", "/api/2.0/secrets/put", token=token, json=body)
    return reply.status, (reply.data() or {}).get("error_code")


def test_put_string_then_get_returns_base64(ws: FakeWorkspace) -> None:
    assert _put(ws, ws.admin_token, scope="ops", key="pat", string_value="s3cret")[0] == 200
    reply = ws.call("GET", "/api/2.0/secrets/get", token=ws.admin_token, query={"scope": "ops", "key": "pat"})
    assert reply.data() == {"key": "pat", "value": base64.b64encode(b"s3cret").decode()}
    assert ws.secret_value("ops", "pat") == b"s3cret"


def test_put_bytes_value_is_stored_decoded(ws: FakeWorkspace) -> None:
    _put(ws, ws.admin_token, scope="ops", key="bin", bytes_value=base64.b64encode(b"\x00\x01").decode())
    assert ws.secret_value("ops", "bin") == b"\x00\x01"


def test_put_needs_exactly_one_value(ws: FakeWorkspace) -> None:
    assert _put(ws, ws.admin_token, scope="ops", key="k") == (400, "INVALID_PARAMETER_VALUE")
    both = _put(ws, ws.admin_token, scope="ops", key="k", string_value="a", bytes_value="YQ==")
    assert both == (400, "INVALID_PARAMETER_VALUE")


def test_list_shows_metadata_only(ws: FakeWorkspace) -> None:
    _put(ws, ws.admin_token, scope="ops", key="pat", string_value="s3cret")
    reply = ws.call("GET", "/api/2.0/secrets/list", token=ws.admin_token, query={"scope": "ops"})
    (item,) = reply.data()["secrets"]
    assert set(item) == {"key", "last_updated_timestamp"}
    assert b"s3cret" not in reply.body


def test_scope_list_and_duplicate_create(ws: FakeWorkspace) -> None:
    scopes = ws.call("GET", "/api/2.0/secrets/scopes/list", token=ws.admin_token).data()["scopes"]
    assert scopes == [{"name": "ops", "backend_type": "DATABRICKS"}]
    again = ws.call("POST", "/api/2.0/secrets/scopes/create", token=ws.admin_token, json={"scope": "ops"})
    assert (again.status, again.data()["error_code"]) == (400, "RESOURCE_ALREADY_EXISTS")


def test_invalid_scope_name_is_rejected(ws: FakeWorkspace) -> None:
    reply = ws.call("POST", "/api/2.0/secrets/scopes/create", token=ws.admin_token, json={"scope": "a b"})
    assert reply.data()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_missing_scope_or_key_is_resource_does_not_exist(ws: FakeWorkspace) -> None:
    for query in ({"scope": "nope", "key": "k"}, {"scope": "ops", "key": "nope"}):
        reply = ws.call("GET", "/api/2.0/secrets/get", token=ws.admin_token, query=query)
        assert (reply.status, reply.data()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")
    assert _put(ws, ws.admin_token, scope="nope", key="k", string_value="v") == (
        404,
        "RESOURCE_DOES_NOT_EXIST",
    )


def test_user_without_acl_is_permission_denied(ws: FakeWorkspace) -> None:
    _put(ws, ws.admin_token, scope="ops", key="pat", string_value="s3cret")
    reply = ws.call("GET", "/api/2.0/secrets/get", token=ws.user_token, query={"scope": "ops", "key": "pat"})
    assert (reply.status, reply.data()["error_code"]) == (403, "PERMISSION_DENIED")
    assert _put(ws, ws.user_token, scope="ops", key="x", string_value="v") == (403, "PERMISSION_DENIED")


def test_scope_created_for_users_is_usable_by_everyone(ws: FakeWorkspace) -> None:
    body = {"scope": "shared", "initial_manage_principal": "users"}
    ws.call("POST", "/api/2.0/secrets/scopes/create", token=ws.admin_token, json=body)
    assert _put(ws, ws.user_token, scope="shared", key="x", string_value="v")[0] == 200


def test_value_over_128_kb_is_rejected(ws: FakeWorkspace) -> None:
    assert _put(ws, ws.admin_token, scope="ops", key="ok", string_value="x" * MAX_VALUE_BYTES)[0] == 200
    too_big = _put(ws, ws.admin_token, scope="ops", key="big", string_value="x" * (MAX_VALUE_BYTES + 1))
    assert too_big == (400, "INVALID_PARAMETER_VALUE")


def test_scope_holds_at_most_1000_secrets(ws: FakeWorkspace) -> None:
    ws.scopes["ops"].secrets.update({f"k{n}": (b"v", 0) for n in range(MAX_SECRETS_PER_SCOPE)})
    assert _put(ws, ws.admin_token, scope="ops", key="one-more", string_value="v") == (
        400,
        "RESOURCE_LIMIT_EXCEEDED",
    )
    assert _put(ws, ws.admin_token, scope="ops", key="k1", string_value="overwrite")[0] == 200


def test_delete_secret_then_scope(ws: FakeWorkspace) -> None:
    _put(ws, ws.admin_token, scope="ops", key="pat", string_value="s3cret")
    body = {"scope": "ops", "key": "pat"}
    assert ws.call("POST", "/api/2.0/secrets/delete", token=ws.admin_token, json=body).status == 200
    again = ws.call("POST", "/api/2.0/secrets/delete", token=ws.admin_token, json=body)
    assert again.data()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert (
        ws.call("POST", "/api/2.0/secrets/scopes/delete", token=ws.admin_token, json={"scope": "ops"}).status
        == 200
    )
    assert "ops" not in ws.scopes


def test_demo_seed_holds_a_working_pat_in_scope_demo() -> None:
    ws = FakeWorkspace(seed="demo")
    pat = ws.secret_value("demo", "pat")
    assert pat is not None
    assert ws.is_token_active(pat.decode())
    query = {"scope": "demo", "key": "pat"}
    assert ws.call("GET", "/api/2.0/secrets/get", token=ws.user_token, query=query).status == 200
