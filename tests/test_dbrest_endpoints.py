"""Token permissions, secret ACLs and SCIM through `%dbrest` in a real IPython shell on the emulator."""

from __future__ import annotations

from typing import Any

from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output


def run(ip: InteractiveShell, cell: str) -> Any:
    with capture_output():
        result = InteractiveShell.run_cell(ip, cell, store_history=True)
    result.raise_error()
    return result.result


def test_token_permissions_put_takes_can_use_away(ip: InteractiveShell, db_env: Any) -> None:
    answer = run(ip, '%%dbrest PUT /api/2.0/permissions/authorization/tokens\n{"access_control_list": []}\n')
    assert answer.status_code == 200
    assert [e.get("group_name") for e in answer.data["access_control_list"]] == ["admins"]
    refused = db_env.workspace.call(
        "POST", "/api/2.0/token/create", token=db_env.workspace.user_token, json={"comment": "x"}
    )
    assert refused.status == 403
    assert refused.data()["message"] == "User does not have permission to use tokens."


def test_token_permission_levels(ip: InteractiveShell) -> None:
    answer = run(ip, "%dbrest GET /api/2.0/permissions/authorization/tokens/permissionLevels")
    assert "CAN_USE" in [level["permission_level"] for level in answer.data["permission_levels"]]


def test_secret_acls_put_then_list(ip: InteractiveShell, db_env: Any) -> None:
    run(ip, '%%dbrest POST /api/2.0/secrets/scopes/create\n{"scope": "ops"}\n')
    put = '{"scope": "ops", "principal": "user@example.com", "permission": "READ"}'
    assert run(ip, f"%%dbrest POST /api/2.0/secrets/acls/put\n{put}\n").status_code == 200
    listed = run(ip, "%dbrest GET /api/2.0/secrets/acls/list scope==ops")
    assert {"principal": "user@example.com", "permission": "READ"} in listed.data["items"]
    again = run(ip, f"%%dbrest POST /api/2.0/secrets/acls/put\n{put}\n")
    assert again.status_code == 400 and again.data["error_code"] == "RESOURCE_ALREADY_EXISTS"


def test_scim_users_filter_and_service_principal_create(ip: InteractiveShell, db_env: Any) -> None:
    users = run(ip, '%dbrest GET /api/2.0/preview/scim/v2/Users "filter==userName eq user@example.com"')
    assert [u["userName"] for u in users.data["Resources"]] == ["user@example.com"]
    created = run(ip, '%%dbrest POST /api/2.0/preview/scim/v2/ServicePrincipals\n{"displayName": "etl"}\n')
    assert created.status_code == 200
    assert created.data["applicationId"] in db_env.workspace.service_principals


def test_scim_bad_filter_is_a_scim_400(ip: InteractiveShell) -> None:
    answer = run(ip, "%dbrest GET /api/2.0/preview/scim/v2/Users filter==nonsense")
    assert answer.status_code == 400 and answer.data["message"].startswith("invalidFilter")
