"""/api/2.0/preview/scim/v2/ServicePrincipals: list, get, create, delete, PATCH.

A service principal is kept twice: its SCIM resource in `ws.service_principals[application_id]` (the
token-management on-behalf-of endpoint reads it), and a `User` named by its application id in `ws.users`, so
the tokens issued to it authenticate like anyone's. Field names: databricks-sdk service/iam.py
(`ServicePrincipal`, `ListServicePrincipalResponse`).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from notebook_tokens.testing.model import User
from notebook_tokens.testing.replies import Reply, parse_body
from notebook_tokens.testing.scim_api import (
    DEFAULT_ENTITLEMENTS,
    GROUPS,
    forget_principal,
    group_ref,
    list_response,
    patch_operations,
    principal_kind,
    refuse_deactivation,
    require_admin,
)
from notebook_tokens.testing.scim_filter import Resource, ScimProblem

if TYPE_CHECKING:
    from notebook_tokens.testing.calls import Call, Handler
    from notebook_tokens.testing.workspace import FakeWorkspace

SP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal"
_ATTRS = {"id", "applicationid", "displayname", "active", "externalid", "groups", "entitlements"}
_FIRST_ID = 7_200_000_000_000_000


def _resource(ws: FakeWorkspace, sp: Resource) -> Resource:
    user = ws.users.get(sp["applicationId"])
    admin = user is not None and user.admin
    return {**sp, "groups": [group_ref("admins"), group_ref("users")] if admin else [group_ref("users")]}


def _find(ws: FakeWorkspace, call: Call) -> Resource:
    sp = next((s for s in ws.service_principals.values() if s["id"] == call.params["id"]), None)
    if sp is None:
        raise ScimProblem(404, f"Service principal {call.params['id']} not found")
    return sp


def list_sps(ws: FakeWorkspace, call: Call) -> dict[str, Any]:
    return list_response(call, [_resource(ws, s) for s in ws.service_principals.values()], _ATTRS)


def get_sp(ws: FakeWorkspace, call: Call) -> Resource:
    return _resource(ws, _find(ws, call))


def create_sp(ws: FakeWorkspace, call: Call) -> Reply:
    require_admin(call)
    data = parse_body(call.body)
    # AWS and GCP workspaces generate the application id; Azure ones are given the Entra app id
    application_id = data.get("applicationId") or str(uuid.uuid4())
    if not isinstance(application_id, str) or principal_kind(ws, application_id) is not None:
        raise ScimProblem(
            409, f"Service principal with applicationId {application_id} already exists.", "uniqueness"
        )
    admin = any(isinstance(g, dict) and g.get("value") == GROUPS["admins"] for g in data.get("groups") or [])
    sp = add_service_principal(
        ws, application_id, data.get("displayName") or application_id, admin=admin,
        entitlements=data.get("entitlements") or DEFAULT_ENTITLEMENTS,
    )
    if data.get("externalId"):
        sp["externalId"] = data["externalId"]
    ws.changed()
    return Reply.json(_resource(ws, sp))  # the platform: 201


def add_service_principal(
    ws: FakeWorkspace, application_id: str, display_name: str, *, admin: bool = False,
    entitlements: list[dict[str, Any]] | None = None,
) -> Resource:
    """A service principal: its SCIM resource in `ws.service_principals`, and a user record (by its
    application id) so that tokens issued to it authenticate. The seed uses this too."""
    taken = [int(s["id"]) for s in ws.service_principals.values()]
    sp_id = max(taken, default=_FIRST_ID) + 1
    sp: Resource = {
        "schemas": [SP_SCHEMA],
        "id": str(sp_id),
        "applicationId": application_id,
        "displayName": display_name,
        "active": True,
        "entitlements": entitlements or DEFAULT_ENTITLEMENTS,
    }
    grants = ws.token_grants
    can_use = grants is None or ("group_name", "users") in grants
    ws.service_principals[application_id] = sp
    ws.users[application_id] = User(application_id, sp_id, admin, admin or can_use)
    return sp


def delete_sp(ws: FakeWorkspace, call: Call) -> Reply:
    require_admin(call)
    sp = _find(ws, call)
    del ws.service_principals[sp["applicationId"]]
    ws.users.pop(sp["applicationId"], None)
    forget_principal(ws, sp["applicationId"])
    return Reply(204)


def patch_sp(ws: FakeWorkspace, call: Call) -> Reply:
    require_admin(call)
    sp = _find(ws, call)
    user = ws.users.get(sp["applicationId"])
    for operation in patch_operations(call):
        refuse_deactivation(operation)
        op, path, value = str(operation["op"]).lower(), operation.get("path"), operation.get("value")
        if (path == "groups" or (path or "").startswith("groups[")) and user is not None:
            if GROUPS["admins"] in str(value) + str(path):
                user.admin = op != "remove"
                user.can_use_tokens = user.can_use_tokens or user.admin
        elif path in ("displayName", "entitlements", "externalId"):
            if op == "remove":
                sp.pop(path, None)
            else:
                sp[path] = value
        else:
            raise ScimProblem(400, f"Unsupported PATCH path: {path!r}", "invalidPath")
    ws.changed()
    return Reply(204)


_BASE = "/api/2.0/preview/scim/v2/ServicePrincipals"
ROUTES: dict[tuple[str, str], Handler] = {("GET", _BASE): list_sps, ("POST", _BASE): create_sp}
PREFIXED: dict[tuple[str, str], Handler] = {
    ("GET", f"{_BASE}/"): get_sp,
    ("DELETE", f"{_BASE}/"): delete_sp,
    ("PATCH", f"{_BASE}/"): patch_sp,
}
