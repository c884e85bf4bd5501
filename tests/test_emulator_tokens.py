"""Token API, token-management and workspace-conf of the emulator, through FakeWorkspace.call (no socket)."""

from __future__ import annotations

import hashlib
import re

import pytest

from notebook_tokens.testing import FakeWorkspace

CREATE = "/api/2.0/token/create"


@pytest.fixture
def ws() -> FakeWorkspace:
    return FakeWorkspace()


def test_create_returns_a_pat_whose_id_is_its_sha256(ws: FakeWorkspace) -> None:
    reply = ws.call("POST", CREATE, token=ws.user_token, json={"comment": "ci", "lifetime_seconds": 3600})
    assert reply.status == 200
    data = reply.data()
    assert re.fullmatch(r"dapi[0-9a-f]{32}", data["token_value"])
    info = data["token_info"]
    assert info["token_id"] == hashlib.sha256(data["token_value"].encode()).hexdigest()
    assert info["comment"] == "ci"
    assert info["expiry_time"] - info["creation_time"] == 3_600_000
    assert info["creation_time"] > 1_700_000_000_000  # epoch milliseconds


def test_create_without_lifetime_lasts_two_years(ws: FakeWorkspace) -> None:
    """SDK TokensAPI.create: "If the lifetime is not specified, this token remains valid for 2 years"
    (this test asserted the 2020 platform's -1 before)."""
    info = ws.call("POST", CREATE, token=ws.user_token, json={}).data()["token_info"]
    assert info["expiry_time"] - info["creation_time"] == 730 * 86_400_000


@pytest.mark.parametrize("lifetime", [0, -5])
def test_create_rejects_non_positive_lifetime(ws: FakeWorkspace, lifetime: int) -> None:
    reply = ws.call("POST", CREATE, token=ws.user_token, json={"lifetime_seconds": lifetime})
    assert reply.status == 400
    assert reply.data()["error_code"] == "INVALID_PARAMETER_VALUE"


def test_create_rejects_lifetime_beyond_workspace_maximum(ws: FakeWorkspace) -> None:
    ws.conf["maxTokenLifetimeDays"] = "30"
    reply = ws.call("POST", CREATE, token=ws.user_token, json={"lifetime_seconds": 31 * 86400})
    assert (reply.status, reply.data()["error_code"]) == (400, "INVALID_PARAMETER_VALUE")
    assert "30 days" in reply.data()["message"]


def test_workspace_maximum_applies_to_tokens_asked_without_lifetime(ws: FakeWorkspace) -> None:
    ws.conf["maxTokenLifetimeDays"] = "7"
    info = ws.call("POST", CREATE, token=ws.user_token, json={}).data()["token_info"]
    assert info["expiry_time"] - info["creation_time"] == 7 * 86_400_000


def test_quota_exceeded_at_600_tokens_per_user(ws: FakeWorkspace) -> None:
    for _ in range(599):  # the seed gave the user one already
        ws.issue_token(ws.user_user_name)
    reply = ws.call("POST", CREATE, token=ws.user_token, json={})
    assert (reply.status, reply.data()["error_code"]) == (400, "QUOTA_EXCEEDED")
    assert ws.call("POST", CREATE, token=ws.admin_token, json={}).status == 200  # per user


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "MALFORMED_REQUEST"),
        (b"[1, 2]", "MALFORMED_REQUEST"),
        (b'{"lifetime_seconds": "soon"}', "MALFORMED_REQUEST"),
        (b'{"lifetime_seconds": true}', "MALFORMED_REQUEST"),
        (b'{"comment": 5}', "MALFORMED_REQUEST"),
    ],
)
def test_create_rejects_malformed_or_mistyped_bodies(ws: FakeWorkspace, body: bytes, code: str) -> None:
    headers = {"Authorization": f"Bearer {ws.user_token}"}
    reply = ws.handle("POST", CREATE, {}, headers, body)
    assert (reply.status, reply.data()["error_code"]) == (400, code)
    assert reply.data()["message"]


def test_list_shows_only_the_callers_tokens_as_public_info(ws: FakeWorkspace) -> None:
    ws.issue_token(ws.admin_user_name, comment="admin only")
    infos = ws.call("GET", "/api/2.0/token/list", token=ws.user_token).data()["token_infos"]
    assert [i["token_id"] for i in infos] == ws.token_ids(ws.user_user_name)
    assert set(infos[0]) == {"token_id", "creation_time", "expiry_time", "comment"}


def test_delete_revokes_and_the_token_stops_working(ws: FakeWorkspace) -> None:
    value, token_id = ws.issue_token(ws.user_user_name)
    assert ws.call("POST", "/api/2.0/token/delete", token=value, json={"token_id": token_id}).status == 200
    assert not ws.is_token_active(value)
    reply = ws.call("GET", "/api/2.0/token/list", token=value)
    assert (reply.status, reply.data()["message"]) == (403, "Invalid access token.")


def test_delete_unknown_or_foreign_id_is_resource_does_not_exist(ws: FakeWorkspace) -> None:
    admin_id = ws.token_ids(ws.admin_user_name)[0]
    for token_id in ("0" * 64, admin_id):
        reply = ws.call("POST", "/api/2.0/token/delete", token=ws.user_token, json={"token_id": token_id})
        assert (reply.status, reply.data()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")


def test_delete_without_token_id_is_invalid(ws: FakeWorkspace) -> None:
    reply = ws.call("POST", "/api/2.0/token/delete", token=ws.user_token, json={})
    assert (reply.status, reply.data()["error_code"]) == (400, "INVALID_PARAMETER_VALUE")


def test_token_management_is_for_admins_only(ws: FakeWorkspace) -> None:
    reply = ws.call("GET", "/api/2.0/token-management/tokens", token=ws.user_token)
    assert (reply.status, reply.data()["error_code"]) == (403, "PERMISSION_DENIED")


def test_token_management_lists_everyones_tokens_with_owner_fields(ws: FakeWorkspace) -> None:
    infos = ws.call("GET", "/api/2.0/token-management/tokens", token=ws.admin_token).data()["token_infos"]
    by_user = {i["created_by_username"]: i for i in infos}
    assert set(by_user) == {ws.admin_user_name, ws.user_user_name}
    user_info = by_user[ws.user_user_name]
    assert user_info["owner_id"] == user_info["created_by_id"] == ws.users[ws.user_user_name].id
    assert by_user[ws.admin_user_name]["last_used_day"] % 86_400_000 == 0  # the admin's call just used it


def test_token_management_filters_by_username_and_id(ws: FakeWorkspace) -> None:
    path = "/api/2.0/token-management/tokens"
    by_name = ws.call("GET", path, token=ws.admin_token, query={"created_by_username": ws.user_user_name})
    user_id = str(ws.users[ws.user_user_name].id)
    by_id = ws.call("GET", path, token=ws.admin_token, query={"created_by_id": user_id})
    assert [i["token_id"] for i in by_name.data()["token_infos"]] == ws.token_ids(ws.user_user_name)
    assert by_id.data() == by_name.data()


def test_token_management_get_and_delete(ws: FakeWorkspace) -> None:
    value, token_id = ws.issue_token(ws.user_user_name, comment="doomed")
    path = f"/api/2.0/token-management/tokens/{token_id}"
    assert ws.call("GET", path, token=ws.admin_token).data()["token_info"]["comment"] == "doomed"
    assert ws.call("DELETE", path, token=ws.admin_token).status == 200
    assert not ws.is_token_active(value)
    assert ws.call("GET", path, token=ws.admin_token).data()["error_code"] == "RESOURCE_DOES_NOT_EXIST"


def test_last_used_day_is_set_when_a_token_is_used(ws: FakeWorkspace) -> None:
    # last used 10 days ago (day 0 of the epoch would be revoked for inactivity first)
    value, token_id = ws.issue_token(ws.user_user_name, last_used_day=ws.today_ms() - 10 * 86_400_000)
    ws.call("GET", "/api/2.0/token/list", token=value)
    assert ws.tokens[token_id].last_used_day == ws.today_ms()


def test_workspace_conf_get_answers_string_values(ws: FakeWorkspace) -> None:
    query = {"keys": "enableTokensConfig,maxTokenLifetimeDays"}
    reply = ws.call("GET", "/api/2.0/workspace-conf", token=ws.user_token, query=query)
    assert reply.data() == {"enableTokensConfig": "true", "maxTokenLifetimeDays": "730"}  # a new workspace


def test_workspace_conf_patch_needs_admin_and_string_values(ws: FakeWorkspace) -> None:
    path = "/api/2.0/workspace-conf"
    assert ws.call("PATCH", path, token=ws.user_token, json={"maxTokenLifetimeDays": "5"}).status == 403
    assert ws.call("PATCH", path, token=ws.admin_token, json={"maxTokenLifetimeDays": 5}).status == 400
    assert ws.call("PATCH", path, token=ws.admin_token, json={"maxTokenLifetimeDays": "5"}).status == 204
    assert ws.conf["maxTokenLifetimeDays"] == "5"


def test_disabled_tokens_stop_pat_authentication(ws: FakeWorkspace) -> None:
    disable = {"enableTokensConfig": "false"}
    assert ws.call("PATCH", "/api/2.0/workspace-conf", token=ws.admin_token, json=disable).status == 204
    for token in (ws.admin_token, ws.user_token):
        reply = ws.call("POST", CREATE, token=token, json={})
        assert (reply.status, reply.data()["error_code"]) == (403, "PERMISSION_DENIED")
    ws.conf["enableTokensConfig"] = "true"
    assert ws.call("POST", CREATE, token=ws.user_token, json={}).status == 200


def test_expired_token_is_an_invalid_access_token(ws: FakeWorkspace) -> None:
    value, _ = ws.issue_token(ws.user_user_name, expiry_time_ms=ws.now_ms() - 1)
    reply = ws.call("GET", "/api/2.0/token/list", token=value)
    assert reply.data() == {"error_code": "PERMISSION_DENIED", "message": "Invalid access token."}
    assert reply.status == 403


def test_user_without_token_permission_is_refused_by_the_token_api(ws: FakeWorkspace) -> None:
    value = ws.add_user("intern@example.com", can_use_tokens=False)
    for method, path in (("POST", CREATE), ("GET", "/api/2.0/token/list")):
        reply = ws.call(method, path, token=value, json={} if method == "POST" else None)
        assert reply.status == 403
        assert reply.data() == {
            "error_code": "PERMISSION_DENIED",
            "message": "User does not have permission to use tokens.",
        }
    assert ws.call("GET", "/api/2.0/clusters/list", token=value).status == 200


def test_invalid_token_can_be_answered_as_the_html_error_page(ws: FakeWorkspace) -> None:
    ws.invalid_token_as_html = True
    reply = ws.call("GET", "/api/2.0/token/list", token="dapi" + "0" * 32)
    assert reply.status == 403
    assert ("Content-Type", "text/html;charset=utf-8") in reply.headers
    assert b"<pre>    Invalid access token.</pre>" in reply.body


@pytest.mark.parametrize("lifetime", [b"1e999", b"1.5", b"1e300", b"9223372036854775807"])
def test_create_rejects_lifetimes_that_are_not_int64_seconds(ws: FakeWorkspace, lifetime: bytes) -> None:
    body = b'{"lifetime_seconds": ' + lifetime + b"}"
    reply = ws.handle("POST", CREATE, {}, {"Authorization": f"Bearer {ws.user_token}"}, body)
    assert reply.status == 400
    assert reply.data()["error_code"] in {"MALFORMED_REQUEST", "INVALID_PARAMETER_VALUE"}


def test_integral_float_lifetime_is_accepted(ws: FakeWorkspace) -> None:
    reply = ws.handle(
        "POST", CREATE, {}, {"Authorization": f"Bearer {ws.user_token}"}, b'{"lifetime_seconds": 60.0}'
    )
    info = reply.data()["token_info"]
    assert info["expiry_time"] - info["creation_time"] == 60_000
